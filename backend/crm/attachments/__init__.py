"""Files attached to any record (a deal, a customer, later a contract), by category."""

from crm.core.domain import Domain

DOMAIN = Domain(
    name="attachments",
    router="crm.attachments.router:router",
    models=["crm.attachments.models"],
    plugins=["crm.attachments.customers"],
)
