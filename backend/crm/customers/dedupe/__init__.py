"""Duplicate customers: the online check, the database-wide scan (worker) and merging."""
