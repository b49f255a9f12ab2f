"""Custom fields, tags and completeness: what administrators add to the built-in objects."""

from crm.core.domain import Domain, Resource

DOMAIN = Domain(
    name="customfields",
    router="crm.customfields.router:router",
    models=["crm.customfields.models"],
    resources=[
        Resource("tags", ("read", "write"), False, "Tag catalogue (read: personal, see below)")
    ],
    grants={"manager": {"tags": ("write",)}},
)
