"""Closing a deal: contract templates, contracts (numbered, rendered terms, statuses, renewal,
expiry reminders) and the draft contract a won deal creates. Orders and payments: crm.orders."""
