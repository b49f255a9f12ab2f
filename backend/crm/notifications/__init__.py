"""In-app notifications of a user (reminders today, event fan-out later), optionally e-mailed."""

from crm.core.domain import Domain, Resource

DOMAIN = Domain(
    name="notifications",
    router="crm.notifications.router:router",
    models=["crm.notifications.models"],
    resources=[
        Resource("notifications", ("read",), False, "Your notifications (read and mark read)")
    ],
)
