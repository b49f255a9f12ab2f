"""Quotes on deals: lines from price books, server-side totals, revisions, approval."""

from crm.core.domain import Domain, Resource

DOMAIN = Domain(
    name="quotes",
    router="crm.quotes.router:router",
    models=["crm.quotes.models"],
    plugins=["crm.quotes.policy"],
    resources=[Resource("quotes", ("read", "write"), False, "Quotes (scoped by their deal)")],
    # Everyone who sells quotes on their deals.
    grants={"manager": {"quotes": ("read", "write")}, "sales": {"quotes": ("read", "write")}},
)
