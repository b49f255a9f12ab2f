"""Sales: pipelines with stages, deals and their stage history."""
