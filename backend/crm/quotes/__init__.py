"""Quotes on deals: lines from price books, server-side totals, revisions, approval."""
