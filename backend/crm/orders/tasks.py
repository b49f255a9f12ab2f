"""arq jobs of the orders domain: reminders of overdue instalments."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from crm.core.db import Database, utcnow
from crm.core.domain import scheduled
from crm.notifications import service as notifications
from crm.notifications.service import NewNotification
from crm.orders.models import Instalment, Order
from crm.settings import Settings, get_settings


async def run(
    sessionmaker: async_sessionmaker[AsyncSession], settings: Settings, *, now: datetime
) -> int:
    """Notify each unpaid, overdue instalment's order owner, at most once a day per
    instalment (the notification key carries the day); returns how many were sent."""
    today = now.astimezone(ZoneInfo(settings.timezone)).date()
    async with sessionmaker() as session:
        rows = (
            await session.execute(
                select(Instalment, Order)
                .join(Order, Order.id == Instalment.order_id)
                .where(
                    Instalment.paid_amount < Instalment.amount,
                    Instalment.due_date < today,
                    Order.status == "pending_payment",
                    Order.deleted_at.is_(None),
                    Order.owner_id.is_not(None),  # notify() keeps only owners who may receive
                )
            )
        ).all()
        notes = []
        for instalment, order in rows:
            assert order.owner_id is not None
            outstanding = instalment.amount - instalment.paid_amount
            days = (today - instalment.due_date).days
            notes.append(
                NewNotification(
                    user_id=order.owner_id,
                    kind="instalment_overdue",
                    title=f"Order {order.number}: {outstanding} {order.currency} overdue "
                    f"by {days} day{'s' if days != 1 else ''}",
                    link=f"/orders/{order.id}",
                    object_type="order",
                    object_id=order.id,
                    data={
                        "number": order.number,
                        "instalment_id": str(instalment.id),
                        "due_date": instalment.due_date.isoformat(),
                        "outstanding": str(outstanding),
                        "currency": order.currency,
                    },
                    dedupe_key=f"instalment_overdue:{instalment.id}:{today.isoformat()}",
                )
            )
        created = await notifications.notify(session, notes)
        await session.commit()
    return len(created)


# Date-based: hourly is plenty, and each reminder's key stops repeats.
@scheduled(minute=7, second=10)
async def overdue_instalment_reminders(ctx: dict[str, Any]) -> int:
    """Hourly: reminders of overdue instalments (each at most once a day)."""
    db: Database = ctx["db"]
    return await run(db.sessionmaker, get_settings(), now=utcnow())
