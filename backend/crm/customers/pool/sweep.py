"""The pool sweep (a worker cron): return the customers the policies say are due, and warn the
owners of those due within ``warn_days_before`` days.

Everything is set-based: each rule of each enabled policy is one statement over an index range
(``ix_customers_pool_follow_up`` / ``ix_customers_pool_assigned``), run in batches of
:data:`BATCH` customers per transaction with ``FOR UPDATE SKIP LOCKED``, so a customer being
edited is taken on the next run and two sweeps never return the same customer twice.

Idempotency: a returned customer has no owner, so a second run finds nothing to return; a
warning's notification key names (customer, owner, due date), so it is sent once per due date
however often the sweep runs (a follow-up moves the due date and re-arms it).
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, Literal

from sqlalchemy import ColumnElement, and_, not_, or_, select, true, update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from crm.core.changes import record_change
from crm.customers.models import FOLLOW_UP_CLOCK, Customer
from crm.customers.pool.keepers import kept
from crm.customers.pool.models import PoolPolicy
from crm.customers.pool.schemas import SweepResult
from crm.notifications import service as notifications
from crm.notifications.service import NewNotification

BATCH = 1000
Rule = Literal["no_follow_up", "no_deal"]


@dataclass(frozen=True)
class _Policy:
    level: str | None
    follow_up_days: int | None
    deal_days: int | None
    warn_days: int

    def rules(self) -> list[tuple[Rule, int]]:
        """(rule, days) of the rules this policy switches on."""
        found: list[tuple[Rule, int]] = []
        if self.follow_up_days is not None:
            found.append(("no_follow_up", self.follow_up_days))
        if self.deal_days is not None:
            found.append(("no_deal", self.deal_days))
        return found


async def run(sessionmaker: async_sessionmaker[AsyncSession], *, now: datetime) -> SweepResult:
    async with sessionmaker() as session:
        policies = (await session.execute(select(PoolPolicy))).scalars().all()
    # A level with a policy of its own (even a disabled one) is not under the default policy.
    own_levels = sorted(p.level for p in policies if p.level is not None)
    enabled = [
        _Policy(p.level, p.days_without_follow_up, p.days_without_deal, p.warn_days_before)
        for p in policies
        if p.enabled
    ]
    returned = warned = 0
    for policy in enabled:
        for rule, days in policy.rules():
            returned += await _return_due(sessionmaker, policy, rule, days, own_levels, now)
    # Warnings after returns: a customer due now is returned, not warned.
    for policy in enabled:
        if policy.warn_days > 0:
            for rule, days in policy.rules():
                warned += await _warn(sessionmaker, policy, rule, days, own_levels, now)
    return SweepResult(returned=returned, warned=warned)


def _level_clause(policy: _Policy, own_levels: list[str]) -> ColumnElement[bool]:
    if policy.level is not None:
        return Customer.level == policy.level
    if not own_levels:
        return true()
    return or_(Customer.level.is_(None), Customer.level.not_in(own_levels))


def _clock(rule: Rule) -> Any:
    """What a rule counts its days from."""
    return FOLLOW_UP_CLOCK if rule == "no_follow_up" else Customer.owner_assigned_at


def _candidates(
    policy: _Policy, rule: Rule, own_levels: list[str], *, start: datetime | None, end: datetime
) -> ColumnElement[bool]:
    """Owned live customers under ``policy`` whose rule clock lies in [start, end)."""
    clock = _clock(rule)
    clauses = [
        Customer.owner_id.is_not(None),
        Customer.deleted_at.is_(None),
        _level_clause(policy, own_levels),
        clock < end,
    ]
    if start is not None:
        clauses.append(clock >= start)
    if rule == "no_deal":
        clauses.append(not_(kept(Customer.id)))
    return and_(*clauses)


async def _return_due(
    sessionmaker: async_sessionmaker[AsyncSession],
    policy: _Policy,
    rule: Rule,
    days: int,
    own_levels: list[str],
    now: datetime,
) -> int:
    due = _candidates(policy, rule, own_levels, start=None, end=now - timedelta(days=days))
    total = 0
    while True:
        async with sessionmaker() as session:
            batch = await _return_batch(session, due, rule=rule, days=days, now=now)
            await session.commit()
        total += batch
        if batch < BATCH:
            return total


async def _return_batch(
    session: AsyncSession, due: ColumnElement[bool], *, rule: Rule, days: int, now: datetime
) -> int:
    picked = (
        select(Customer.id).where(due).limit(BATCH).with_for_update(skip_locked=True)
    ).scalar_subquery()
    rows = (
        await session.execute(
            update(Customer)
            .where(Customer.id.in_(picked))
            # SET reads the row as it was: previous_owner_id gets the owner being removed.
            .values(
                previous_owner_id=Customer.owner_id,
                owner_id=None,
                owner_assigned_at=None,
                returned_to_pool_at=now,
                version=Customer.version + 1,
                updated_at=now,
            )
            .returning(
                Customer.id, Customer.previous_owner_id, Customer.department_id, Customer.name
            )
            .execution_options(synchronize_session=False)
        )
    ).all()
    # The previous owner learns it from their inbox, not by the customer vanishing.
    await notifications.notify(
        session,
        [
            _returned(rule, days, customer_id, owner_id, name, now)
            for customer_id, owner_id, _department_id, name in rows
            if owner_id is not None
        ],
    )
    for customer_id, previous_owner_id, department_id, _name in rows:
        record_change(
            session,
            action="return_to_pool",
            object_type="customer",
            object_id=customer_id,
            before={"owner_id": str(previous_owner_id)},
            after={"owner_id": None},
            extra={"rule": rule, "days": days},
            payload={
                "previous_owner_id": str(previous_owner_id),
                "department_id": None if department_id is None else str(department_id),
                "rule": rule,
                "days": days,
            },
        )
    return len(rows)


async def _warn(
    sessionmaker: async_sessionmaker[AsyncSession],
    policy: _Policy,
    rule: Rule,
    days: int,
    own_levels: list[str],
    now: datetime,
) -> int:
    """Notify the owners of customers that this rule returns within ``warn_days`` days."""
    cutoff = now - timedelta(days=days)
    window = _candidates(
        policy,
        rule,
        own_levels,
        start=cutoff,
        end=cutoff + timedelta(days=policy.warn_days),
    )
    clock = _clock(rule)
    sent = 0
    last_id: uuid.UUID | None = None
    while True:
        async with sessionmaker() as session:
            stmt = (
                select(Customer.id, Customer.owner_id, Customer.name, clock)
                # notify() keeps only the owners who may receive
                .where(window, Customer.owner_id.is_not(None))
                .order_by(Customer.id)
                .limit(BATCH)
            )
            if last_id is not None:
                stmt = stmt.where(Customer.id > last_id)
            rows = (await session.execute(stmt)).all()
            if not rows:
                return sent
            last_id = rows[-1][0]
            notes = [
                _warning(rule, days, customer_id, owner_id, name, started + timedelta(days=days))
                for customer_id, owner_id, name, started in rows
            ]
            sent += len(await notifications.notify(session, notes))
            await session.commit()
        if len(rows) < BATCH:
            return sent


_WHY = {
    "no_follow_up": "no follow-up for {days} days",
    "no_deal": "no open deal or signed contract for {days} days",
}


def _warning(
    rule: Rule,
    days: int,
    customer_id: uuid.UUID,
    owner_id: uuid.UUID,
    name: str,
    due_at: datetime,
) -> NewNotification:
    due_day = due_at.date().isoformat()
    why = _WHY[rule].format(days=days)
    return NewNotification(
        user_id=owner_id,
        kind="customer_pool_warning",
        title=f"{name} returns to the customer pool on {due_day}",
        body=f"{name} goes back to the pool on {due_day} ({why}) unless you act before.",
        link=f"/customers/{customer_id}",
        object_type="customer",
        object_id=customer_id,
        data={
            "customer_id": str(customer_id),
            "name": name,
            "due_at": due_at.isoformat(),
            "rule": rule,
            "days": days,
        },
        dedupe_key=f"customer_pool_warning:{customer_id}:{owner_id}:{due_day}",
    )


def _returned(
    rule: Rule,
    days: int,
    customer_id: uuid.UUID,
    owner_id: uuid.UUID,
    name: str,
    returned_at: datetime,
) -> NewNotification:
    why = _WHY[rule].format(days=days)
    return NewNotification(
        user_id=owner_id,
        kind="customer_returned_to_pool",
        title=f"{name} went back to the customer pool",
        body=f"{name} returned to the customer pool ({why}); claim it again from the pool "
        "if you still work on it.",
        link="/customer-pool",
        object_type="customer",
        object_id=customer_id,
        data={
            "customer_id": str(customer_id),
            "name": name,
            "returned_at": returned_at.isoformat(),
            "rule": rule,
            "days": days,
        },
        dedupe_key=f"customer_returned_to_pool:{customer_id}:{returned_at.isoformat()}",
    )
