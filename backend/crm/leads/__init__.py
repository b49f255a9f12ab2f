"""Leads: intake from every channel, assignment rules, the pool, conversion."""
