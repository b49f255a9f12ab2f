"""The customer 360 view: activities, the customer timeline, follow-up tasks and reminders."""

from crm.core.domain import Domain, RecycleType, Resource
from crm.core.permissions import DataScope

DOMAIN = Domain(
    name="activities",
    router="crm.activities.router:router",
    models=["crm.activities.models"],
    plugins=["crm.activities.exports"],
    resources=[
        Resource(
            "activities", ("read", "write", "delete"), False, "Activities (scoped by customer)"
        ),
        Resource("tasks", ("read", "write"), True, "Follow-up tasks (scoped by assignee)"),
    ],
    grants={
        "manager": {"activities": ("read", "write", "delete"), "tasks": ("read", "write")},
        "sales": {"activities": ("read", "write", "delete"), "tasks": ("read", "write")},
        "service": {"activities": ("read",), "tasks": ("read",)},
        "marketing": {"activities": ("read",), "tasks": ("read", "write")},
    },
    scopes={
        "manager": {"tasks": DataScope.DEPARTMENT_TREE},
        "sales": {"tasks": DataScope.OWN},
        "service": {"tasks": DataScope.OWN},
        "marketing": {"tasks": DataScope.OWN},
    },
    recycle=[
        RecycleType(
            "activity",
            "crm.activities.models:Activity",
            resource="customers",
            restore_permission="activities:delete",
        ),
        RecycleType(
            "task",
            "crm.activities.models:Task",
            resource="tasks",
            restore_permission="tasks:write",
            owned_in_scope="crm.activities.task_service:assignee_in_scope",
        ),
    ],
    tasks=["crm.activities.tasks"],
)
