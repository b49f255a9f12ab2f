"""Custom fields, tags and completeness: what administrators add to the built-in objects."""
