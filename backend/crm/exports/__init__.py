"""Exports: any registered object type's list, as CSV or Excel, made by a worker job."""

from crm.core.domain import Domain, Resource

DOMAIN = Domain(
    name="exports",
    router="crm.exports.router:router",
    resources=[Resource("exports", ("read",), False, "What you may export, and your export files")],
    tasks=["crm.exports.tasks"],
)
