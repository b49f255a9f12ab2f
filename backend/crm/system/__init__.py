"""Platform resources: health, jobs, the audit log and the recycle bin."""
