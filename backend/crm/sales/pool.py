"""What sales tells the customer pool: a customer with an open deal stays with its owner."""

from __future__ import annotations

from typing import Any

from sqlalchemy import ColumnElement, exists

from crm.customers.pool.keepers import register_keeper
from crm.sales.models import Deal


def has_open_deal(customer_id: Any) -> ColumnElement[bool]:
    return exists().where(
        Deal.customer_id == customer_id, Deal.status == "open", Deal.deleted_at.is_(None)
    )


register_keeper("open_deal", has_open_deal)
