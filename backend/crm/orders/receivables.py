"""The receivables report: what customers still owe on orders within the caller's scope, and
how long the overdue part has been overdue."""

from __future__ import annotations

import uuid
from datetime import date
from decimal import Decimal
from typing import Any

from sqlalchemy import case, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from crm.core.permissions import Principal, readable
from crm.customers.models import Customer
from crm.orders.models import Instalment, Order
from crm.orders.schemas import AgingBuckets, ReceivableRow, ReceivablesReport

ZERO = Decimal("0")


async def receivables(
    session: AsyncSession,
    principal: Principal,
    *,
    as_of: date,
    customer_id: uuid.UUID | None = None,
    owner_id: uuid.UUID | None = None,
) -> ReceivablesReport:
    """One row per customer, owner and currency with unpaid instalments of orders awaiting
    payment (cancelled orders owe nothing), largest overdue amount first. Overdue days count
    from the due date: an instalment due yesterday is 1 day overdue (bucket 0-30)."""
    unpaid = Instalment.amount - Instalment.paid_amount
    days = as_of - Instalment.due_date  # date - date is an integer number of days in SQL

    def bucket(low: int, high: int | None) -> Any:
        cond = days >= low if high is None else (days >= low) & (days <= high)
        return func.coalesce(func.sum(case((cond, unpaid), else_=ZERO)), ZERO)

    stmt = (
        select(
            Order.customer_id,
            Customer.name,
            Order.owner_id,
            Order.currency,
            func.sum(unpaid),
            bucket(1, None),
            bucket(1, 30),
            bucket(31, 60),
            bucket(61, 90),
            bucket(91, None),
        )
        .join(Instalment, Instalment.order_id == Order.id)
        .join(Customer, Customer.id == Order.customer_id)
        .where(Order.status == "pending_payment", Instalment.paid_amount < Instalment.amount)
        .group_by(Order.customer_id, Customer.name, Order.owner_id, Order.currency)
    )
    stmt = readable(stmt, Order, principal)
    if customer_id is not None:
        stmt = stmt.where(Order.customer_id == customer_id)
    if owner_id is not None:
        stmt = stmt.where(Order.owner_id == owner_id)
    rows = (await session.execute(stmt)).all()
    items = [
        ReceivableRow(
            customer_id=cid,
            customer_name=name,
            owner_id=owner,
            currency=currency,
            outstanding=outstanding,
            overdue=overdue,
            aging=AgingBuckets(days_0_30=b1, days_31_60=b2, days_61_90=b3, days_over_90=b4),
        )
        for cid, name, owner, currency, outstanding, overdue, b1, b2, b3, b4 in rows
    ]
    items.sort(key=lambda r: (-r.overdue, -r.outstanding, r.customer_name))
    return ReceivablesReport(as_of=as_of, items=items)
