"""Files attached to any record (a deal, a customer, later a contract), by category."""
