"""Products and price books."""
