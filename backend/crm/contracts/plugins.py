"""What contracts add to other domains' registries: a signed contract keeps its customer out of
the customer pool, and contracts take attachments (the signed scan, annexes)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import ColumnElement, exists

from crm.attachments import registry as attachments
from crm.contracts.models import Contract
from crm.customers.pool.keepers import register_keeper


def has_signed_contract(customer_id: Any) -> ColumnElement[bool]:
    return exists().where(
        Contract.customer_id == customer_id,
        Contract.status == "signed",
        Contract.deleted_at.is_(None),
    )


register_keeper("signed_contract", has_signed_contract)
attachments.register("contract", Contract, read="contracts:read", write="contracts:write")
