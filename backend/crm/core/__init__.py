"""Cross-cutting machinery. Knows no domain: domains import core, never the reverse."""
