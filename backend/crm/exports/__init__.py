"""Exports: any registered object type's list, as CSV or Excel, made by a worker job."""
