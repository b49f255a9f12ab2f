"""arq jobs of the contracts domain: expiry reminders and expiring signed contracts."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from crm.contracts.models import Contract
from crm.contracts.service import set_status
from crm.core.db import Database, utcnow
from crm.core.domain import scheduled
from crm.notifications import service as notifications
from crm.notifications.service import NewNotification
from crm.settings import Settings, get_settings


@dataclass(frozen=True)
class ContractRunResult:
    reminded: int
    expired: int


async def run(
    sessionmaker: async_sessionmaker[AsyncSession], settings: Settings, *, now: datetime
) -> ContractRunResult:
    """Remind owners of signed contracts ending within ``contract_expiry_reminder_days`` (once
    per contract and end date: the notification key), and mark signed contracts whose end date
    has passed as expired. Safe to run as often as the worker likes."""
    today = now.astimezone(ZoneInfo(settings.timezone)).date()
    async with sessionmaker() as session:
        expired = await _expire(session, today)
        notes = await _expiry_notes(session, today, settings.contract_expiry_reminder_days)
        created = await notifications.notify(session, notes)
        await session.commit()
    return ContractRunResult(reminded=len(created), expired=expired)


async def _expire(session: AsyncSession, today: date) -> int:
    due = (
        (
            await session.execute(
                select(Contract)
                .where(
                    Contract.deleted_at.is_(None),
                    Contract.status == "signed",
                    Contract.end_date < today,
                )
                .with_for_update(skip_locked=True)
            )
        )
        .scalars()
        .all()
    )
    for contract in due:
        set_status(session, contract, "expired")
    await session.flush()
    return len(due)


async def _expiry_notes(session: AsyncSession, today: date, days: int) -> list[NewNotification]:
    rows = (
        await session.execute(
            select(Contract).where(
                Contract.deleted_at.is_(None),
                Contract.status == "signed",
                Contract.end_date >= today,
                Contract.end_date <= today + timedelta(days=days),
                Contract.owner_id.is_not(None),  # notify() keeps only owners who may receive
            )
        )
    ).scalars()
    notes = []
    for contract in rows:
        assert contract.owner_id is not None and contract.end_date is not None
        end = contract.end_date.isoformat()
        notes.append(
            NewNotification(
                user_id=contract.owner_id,
                kind="contract_expiring",
                title=f"Contract {contract.number} ends on {end}",
                body=contract.title,
                link=f"/contracts/{contract.id}",
                object_type="contract",
                object_id=contract.id,
                data={"number": contract.number, "end_date": end},
                # Once per contract and end date: a changed end date (a renewal) re-arms it.
                dedupe_key=f"contract_expiring:{contract.id}:{end}",
            )
        )
    return notes


# Date-based: hourly is plenty, and each reminder's key stops repeats.
@scheduled(minute=5, second=10)
async def contract_reminders(ctx: dict[str, Any]) -> int:
    """Hourly: expiry reminders and expired contracts."""
    db: Database = ctx["db"]
    result = await run(db.sessionmaker, get_settings(), now=utcnow())
    return result.reminded + result.expired
