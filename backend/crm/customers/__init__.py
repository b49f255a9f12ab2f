"""Customers (companies and people) and their contacts."""
