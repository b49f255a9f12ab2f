"""Sales: pipelines with stages, deals and their stage history."""

from crm.core.domain import Domain, RecycleType, Resource
from crm.core.permissions import DataScope

DOMAIN = Domain(
    name="sales",
    router="crm.sales.router:router",
    models=["crm.sales.models"],
    plugins=["crm.sales.plugins", "crm.sales.fields", "crm.sales.pool", "crm.sales.triggers"],
    resources=[Resource("deals", ("read", "write", "delete"), True, "Deals (opportunities)")],
    grants={
        "manager": {"deals": ("read", "write", "delete")},
        "sales": {"deals": ("read", "write")},
    },
    scopes={"manager": {"deals": DataScope.DEPARTMENT_TREE}, "sales": {"deals": DataScope.OWN}},
    recycle=[
        RecycleType(
            "deal",
            "crm.sales.models:Deal",
            resource="deals",
            restore_permission="deals:delete",
        )
    ],
)
