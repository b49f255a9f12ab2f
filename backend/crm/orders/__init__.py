"""Orders (from a signed contract or direct), their payment plans and payments, the customer's
read-only portal link, overdue reminders and the receivables report."""

from crm.core.domain import Domain

DOMAIN = Domain(
    name="orders",
    router="crm.orders.router:router",
    models=["crm.orders.models"],
    plugins=["crm.orders.handlers"],
    tasks=["crm.orders.tasks"],
)
