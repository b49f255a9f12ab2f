"""Products and price books."""

from crm.core.domain import Domain, Resource

DOMAIN = Domain(
    name="catalog",
    router="crm.catalog.router:router",
    models=["crm.catalog.models"],
    resources=[Resource("products", ("read", "write"), False, "Products and price books")],
    # Everyone who sells reads the catalogue.
    grants={"manager": {"products": ("read",)}, "sales": {"products": ("read",)}},
)
