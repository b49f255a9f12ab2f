"""Orders (from a signed contract or direct), their payment plans and payments, the customer's
read-only portal link, overdue reminders and the receivables report."""
