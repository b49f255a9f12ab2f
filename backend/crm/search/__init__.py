"""Global search across every registered search provider."""

from crm.core.domain import Domain

DOMAIN = Domain(name="search", routers=["crm.search.router:router"])
