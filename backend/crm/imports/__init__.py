"""Imports: CSV and Excel files into any registered object type, previewed, then committed by
worker jobs."""

from crm.core.domain import Domain, Resource

DOMAIN = Domain(
    name="imports",
    router="crm.imports.router:router",
    models=["crm.imports.models"],
    resources=[Resource("imports", ("read",), False, "Your imports, their rows and error reports")],
    tasks=["crm.imports.tasks"],
)
