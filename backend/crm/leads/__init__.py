"""Leads: intake from every channel, assignment rules, the pool, conversion."""

from crm.core.domain import Domain, RecycleType, Resource
from crm.core.permissions import DataScope

DOMAIN = Domain(
    name="leads",
    router="crm.leads.router:router",
    models=["crm.leads.models"],
    plugins=["crm.leads.fields", "crm.leads.assignment", "crm.leads.plugins", "crm.leads.imports"],
    resources=[
        # assign: give a lead to someone else (managers); unowned leads are the pool, claimed
        # with leads:write.
        Resource(
            "leads",
            ("read", "write", "delete", "import", "assign"),
            True,
            "Leads (assign: reassign, assign from the pool, manage assignment rules)",
        ),
    ],
    grants={
        "manager": {"leads": ("read", "write", "delete", "import", "assign")},
        "sales": {"leads": ("read", "write", "import")},
        # Campaigns produce leads: marketing records and imports them for sales.
        "marketing": {"leads": ("read", "write", "import")},
    },
    scopes={
        "manager": {"leads": DataScope.DEPARTMENT_TREE},
        "sales": {"leads": DataScope.OWN},
        "marketing": {"leads": DataScope.ALL},
    },
    recycle=[
        RecycleType(
            "lead",
            "crm.leads.models:Lead",
            resource="leads",
            restore_permission="leads:delete",
        )
    ],
)
