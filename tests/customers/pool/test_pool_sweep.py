"""The pool sweep: exactly the due customers return (by follow-up age, by the lack of an open
deal, per level, never under a disabled policy), with audit, events and timeline entries; the
owners of customers due soon are warned once per due date."""

from __future__ import annotations

import asyncio
import uuid
from datetime import timedelta
from typing import Any

from sqlalchemy import update

from crm.core.audit import AuditLog
from crm.core.db import utcnow
from crm.core.events import OutboxEvent
from crm.customers.pool import keepers
from crm.notifications.models import Notification
from crm.sales import service as sales_service
from crm.sales.models import Deal
from crm.worker import WorkerSettings
from customers.pool.pool_helpers import activity, age, policy, run_sweep, stored
from platform_helpers import rows


async def _customers(factory: Any, owner: Any, n: int, **fields: Any) -> list[str]:
    return [(await factory.customer(owner, **fields))["id"] for _ in range(n)]


async def _owned(db: Any, ids: list[str]) -> dict[str, str | None]:
    return {cid: _s((await stored(db, cid)).owner_id) for cid in ids}


def _s(value: Any) -> str | None:
    return None if value is None else str(value)


async def test_customers_not_followed_up_return_and_the_rest_stay(
    admin: Any, factory: Any, sales_team: dict[str, Any], db: Any
) -> None:
    a = sales_team["sales_a"]
    await policy(admin, days_without_follow_up=30)
    stale, followed, followed_long_ago, fresh = await _customers(factory, a, 4)
    for cid in (stale, followed, followed_long_ago):
        await age(db, cid, assigned_days_ago=40)
    await age(db, fresh, assigned_days_ago=5)  # claimed lately: its old history does not count
    await activity(a, followed, days_ago=10)
    await activity(a, followed_long_ago, days_ago=35)
    await activity(a, fresh, days_ago=100)
    before = await stored(db, stale)

    result = await run_sweep(db)

    assert result.returned == 2
    owners = await _owned(db, [stale, followed, followed_long_ago, fresh])
    assert owners == {stale: None, followed: a.user_id, followed_long_ago: None, fresh: a.user_id}
    returned = await stored(db, stale)
    assert str(returned.previous_owner_id) == a.user_id
    assert returned.department_id == before.department_id  # the department's pool
    assert returned.returned_to_pool_at is not None and returned.owner_assigned_at is None
    assert returned.version == before.version + 1
    # Audited and announced, once per customer.
    audits = await rows(db, AuditLog, AuditLog.action == "return_to_pool")
    assert sorted(str(e.object_id) for e in audits) == sorted([stale, followed_long_ago])
    assert audits[0].changes["rule"] == "no_follow_up"
    events = await rows(db, OutboxEvent, OutboxEvent.event_type == "customer.returned_to_pool")
    assert sorted(str(e.object_id) for e in events) == sorted([stale, followed_long_ago])
    assert events[0].payload["previous_owner_id"] == a.user_id
    # The previous owner is told, once per customer.
    notes = await rows(db, Notification, Notification.kind == "customer_returned_to_pool")
    assert sorted((str(n.user_id), str(n.object_id)) for n in notes) == sorted(
        [(a.user_id, stale), (a.user_id, followed_long_ago)]
    )
    # On the customer's timeline.
    r = await admin.get(f"/api/v1/customers/{stale}/timeline")
    assert r.status_code == 200, r.text
    kinds = [item["kind"] for item in r.json()["items"]]
    assert "customer.returned_to_pool" in kinds
    entry = next(i for i in r.json()["items"] if i["kind"] == "customer.returned_to_pool")
    assert entry["title"] == "Returned to the customer pool"
    # The salesperson no longer sees it.
    assert (await a.get(f"/api/v1/customers/{stale}")).status_code == 404
    # A second run finds nothing more.
    assert (await run_sweep(db)).returned == 0
    assert len(await rows(db, AuditLog, AuditLog.action == "return_to_pool")) == 2


async def test_an_open_deal_keeps_a_customer_under_the_deal_rule(
    admin: Any, factory: Any, sales_team: dict[str, Any], db: Any
) -> None:
    a = sales_team["sales_a"]
    await policy(admin, days_without_deal=20)
    with_deal, without, lost_deal, deleted_deal, young = await _customers(factory, a, 5)
    for cid in (with_deal, without, lost_deal, deleted_deal):
        await age(db, cid, assigned_days_ago=30)
    await age(db, young, assigned_days_ago=10)
    async with db.sessionmaker() as session:
        for cid in (with_deal, lost_deal, deleted_deal):
            await sales_service.open_deal(
                session,
                name="Deal",
                customer_id=uuid.UUID(cid),
                owner_id=uuid.UUID(a.user_id),
                department_id=None,
                actor_id=None,
            )
        await session.execute(
            update(Deal).where(Deal.customer_id == uuid.UUID(lost_deal)).values(status="lost")
        )
        await session.execute(
            update(Deal)
            .where(Deal.customer_id == uuid.UUID(deleted_deal))
            .values(deleted_at=utcnow())
        )
        await session.commit()
    # Frequent follow-ups do not help under this rule.
    await activity(a, without, days_ago=1)

    assert (await run_sweep(db)).returned == 3
    owners = await _owned(db, [with_deal, without, lost_deal, deleted_deal, young])
    assert owners == {
        with_deal: a.user_id,
        without: None,
        lost_deal: None,
        deleted_deal: None,
        young: a.user_id,
    }
    audit = (await rows(db, AuditLog, AuditLog.object_id == uuid.UUID(without)))[-1]
    assert audit.action == "return_to_pool" and audit.changes["rule"] == "no_deal"


async def test_each_level_follows_its_own_policy_and_a_disabled_one_exempts_it(
    admin: Any, factory: Any, sales_team: dict[str, Any], db: Any
) -> None:
    a = sales_team["sales_a"]
    await policy(admin, days_without_follow_up=30)
    await policy(admin, level="A", days_without_follow_up=60)
    await policy(admin, level="B", days_without_follow_up=5, enabled=False)
    plain = (await factory.customer(a))["id"]
    level_a = (await factory.customer(a, level="A"))["id"]
    level_a_old = (await factory.customer(a, level="A"))["id"]
    level_b = (await factory.customer(a, level="B"))["id"]
    level_c = (await factory.customer(a, level="C"))["id"]  # no policy of its own: the default
    for cid in (plain, level_a, level_b, level_c):
        await age(db, cid, assigned_days_ago=40)
    await age(db, level_a_old, assigned_days_ago=70)

    assert (await run_sweep(db)).returned == 3
    assert await _owned(db, [plain, level_a, level_a_old, level_b, level_c]) == {
        plain: None,
        level_a: a.user_id,
        level_a_old: None,
        level_b: a.user_id,
        level_c: None,
    }


async def test_no_policy_or_a_disabled_default_returns_nothing(
    admin: Any, factory: Any, sales_team: dict[str, Any], db: Any
) -> None:
    a = sales_team["sales_a"]
    cid = (await factory.customer(a))["id"]
    await age(db, cid, assigned_days_ago=400)
    assert (await run_sweep(db)).returned == 0
    await policy(admin, days_without_follow_up=30, enabled=False)
    assert (await run_sweep(db)).returned == 0
    assert (await stored(db, cid)).owner_id is not None


async def test_owners_are_warned_once_per_due_date(
    admin: Any, factory: Any, sales_team: dict[str, Any], db: Any
) -> None:
    a, b = sales_team["sales_a"], sales_team["sales_b"]
    await policy(admin, days_without_follow_up=30, warn_days_before=5)
    soon = (await factory.customer(a, name="Soon Ltd"))["id"]
    later = (await factory.customer(a))["id"]
    other_owner = (await factory.customer(b))["id"]
    await age(db, soon, assigned_days_ago=27)  # due in 3 days
    await age(db, later, assigned_days_ago=20)  # due in 10 days: not yet
    await age(db, other_owner, assigned_days_ago=28)

    first = await run_sweep(db)
    assert first.returned == 0 and first.warned == 2
    notes = await rows(db, Notification, Notification.kind == "customer_pool_warning")
    by_customer = {str(n.object_id): n for n in notes}
    assert set(by_customer) == {soon, other_owner}
    note = by_customer[soon]
    assert str(note.user_id) == a.user_id
    due = (utcnow() + timedelta(days=3)).date().isoformat()
    assert note.title == f"Soon Ltd returns to the customer pool on {due}"
    assert note.data["customer_id"] == soon and note.data["rule"] == "no_follow_up"
    assert str(by_customer[other_owner].user_id) == b.user_id
    # The owner sees it in their inbox.
    inbox = (await a.get("/api/v1/notifications")).json()["items"]
    assert [n["kind"] for n in inbox] == ["customer_pool_warning"]

    # Again, and twice at once: no new notification.
    await run_sweep(db)
    await asyncio.gather(run_sweep(db), run_sweep(db))
    assert len(await rows(db, Notification, Notification.kind == "customer_pool_warning")) == 2

    # A follow-up moves the due date out of the window; going stale again re-arms it.
    await activity(a, soon, days_ago=0)
    assert (await run_sweep(db)).warned == 0
    await age(db, later, assigned_days_ago=26)
    assert (await run_sweep(db)).warned == 1


async def test_the_worker_runs_the_sweep_and_knows_the_open_deal_rule() -> None:
    names = {job.name for job in WorkerSettings.cron_jobs}
    assert "cron:sweep_customer_pool" in names
    assert "open_deal" in keepers.keeper_names()
