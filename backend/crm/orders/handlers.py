"""Event handlers of the orders domain.

``order.paid`` refreshes the customer's lifetime figures (orders, revenue, first and last
purchase). They are recomputed from the customer's paid orders rather than incremented, so
handling the event twice, or out of order, gives the same figures.
"""

from __future__ import annotations

import uuid
from decimal import Decimal

from sqlalchemy import func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from crm.core import events
from crm.core.events import OutboxEvent
from crm.customers.models import Customer
from crm.orders.models import Order


async def refresh_lifetime_figures(session: AsyncSession, customer_id: uuid.UUID) -> None:
    """Revenue is in the company currency: each order counts as its total times its fx_rate."""
    count, revenue, first, last = (
        await session.execute(
            select(
                func.count(),
                func.coalesce(func.sum(func.round(Order.total * Order.fx_rate, 2)), Decimal("0")),
                func.min(Order.paid_at),
                func.max(Order.paid_at),
            ).where(
                Order.customer_id == customer_id,
                Order.paid_at.is_not(None),
                Order.deleted_at.is_(None),
            )
        )
    ).one()
    # A plain UPDATE: these figures are the system's, not an edit that should bump the
    # customer's version (and turn someone's pending edit into a 412).
    await session.execute(
        update(Customer)
        .where(Customer.id == customer_id)
        .values(
            orders_count=count,
            revenue=revenue,
            first_purchase_at=first,
            last_purchase_at=last,
        )
        .execution_options(synchronize_session=False)
    )


@events.handles("order.paid")
async def order_paid(session: AsyncSession, event: OutboxEvent) -> None:
    if event.object_id is None:
        return
    customer_id = await session.scalar(select(Order.customer_id).where(Order.id == event.object_id))
    if customer_id is not None:
        await refresh_lifetime_figures(session, customer_id)


@events.handles("customer.merged")
@events.handles("customer.unmerged")
@events.handles("customer.restored")
async def customer_orders_moved(session: AsyncSession, event: OutboxEvent) -> None:
    """A merge moves the merged customers' orders to the survivor (an undo moves them back, and
    restores the merged ones): their figures follow the orders."""
    if event.object_id is not None:
        await refresh_lifetime_figures(session, event.object_id)
