"""Identity: departments, users, roles, sessions (JWT + refresh tokens) and API keys."""

from crm.core.domain import Domain, Resource

# Everyone who works with customers looks people and departments up.
_DIRECTORY = {"users": ("read",), "departments": ("read",)}

DOMAIN = Domain(
    name="identity",
    router="crm.identity.router:router",
    models=["crm.identity.models"],
    resources=[
        Resource("users", ("read",), False, "User directory"),
        Resource("departments", ("read",), False, "Department tree"),
        # admin:exports / admin:imports: any user's export file / import (others: their own).
        Resource(
            "admin",
            (
                "users",
                "departments",
                "roles",
                "api_keys",
                "purge",
                "exports",
                "imports",
                "settings",
            ),
            False,
            "Administration (settings: custom fields, completeness rules, holidays, reminders)",
        ),
    ],
    grants={role: _DIRECTORY for role in ("manager", "sales", "service", "marketing")},
)
