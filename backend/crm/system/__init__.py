"""Platform resources: health, jobs, the audit log and the recycle bin."""

from crm.core.domain import Domain, Resource

DOMAIN = Domain(
    name="system",
    router="crm.system.router:router",
    resources=[
        Resource("audit", ("read",), False, "Audit log and login history"),
        Resource("jobs", ("read",), False, "Progress of your background jobs"),
        Resource("recycle_bin", ("read",), False, "Deleted records within your data scope"),
    ],
    tasks=["crm.system.tasks"],
)
