"""Closing a deal: contract templates, contracts (numbered, rendered terms, statuses, renewal,
expiry reminders) and the draft contract a won deal creates. Orders and payments: crm.orders."""

from crm.core.domain import Domain, RecycleType, Resource
from crm.core.permissions import DataScope

DOMAIN = Domain(
    name="contracts",
    router="crm.contracts.router:router",
    models=["crm.contracts.models"],
    plugins=["crm.contracts.handlers", "crm.contracts.plugins", "crm.contracts.quote_lines"],
    resources=[
        # legal_review: receives the legal-review task when a deal enters negotiation/signing.
        # sign: in_review -> signed; apart from write, so whoever drafts a contract cannot also
        # sign it (the sales role does not have it).
        Resource(
            "contracts",
            ("read", "write", "delete", "legal_review", "sign"),
            True,
            "Contracts (legal_review: reviews contracts before signing; sign: signs a reviewed "
            "one)",
        ),
    ],
    # Scoped like deals. Deleting a contract is an administrator's.
    grants={
        "manager": {"contracts": ("read", "write", "sign")},
        "sales": {"contracts": ("read", "write")},
    },
    scopes={
        "manager": {"contracts": DataScope.DEPARTMENT_TREE},
        "sales": {"contracts": DataScope.OWN},
    },
    recycle=[
        RecycleType(
            "contract",
            "crm.contracts.models:Contract",
            resource="contracts",
            restore_permission="contracts:delete",
        )
    ],
    tasks=["crm.contracts.tasks"],
)
