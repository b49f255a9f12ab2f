"""Global search across every registered search provider."""

from crm.core.domain import Domain

DOMAIN = Domain(name="search", router="crm.search.router:router")
