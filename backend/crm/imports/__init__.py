"""Imports: CSV and Excel files into any registered object type, previewed, then committed by
worker jobs."""
