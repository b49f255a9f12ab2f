"""Generic approvals: an approvable object type registers a policy; requests, decisions."""

from crm.core.domain import Domain, Resource

DOMAIN = Domain(
    name="approvals",
    router="crm.approvals.router:router",
    models=["crm.approvals.models"],
    resources=[
        Resource(
            "approvals",
            ("read", "decide"),
            False,
            "Approvals (read: your inbox and your requests; decide: approve or reject them)",
        )
    ],
    grants={"manager": {"approvals": ("decide",)}},
)
