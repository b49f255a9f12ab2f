"""Generic approvals: an approvable object type registers a policy; requests, decisions."""
