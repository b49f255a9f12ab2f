"""The transactional outbox: events commit with their change, the drain delivers them, a failing
handler is retried later without blocking the rest, and the real arq worker drains in burst mode."""

from __future__ import annotations

import copy
import uuid
from collections.abc import Iterator
from typing import Any

import pytest
from arq.worker import Worker
from sqlalchemy import update
from sqlalchemy.ext.asyncio import AsyncSession

from crm.core import events, redis
from crm.core.audit import AuditLog
from crm.core.events import OutboxEvent
from crm.identity.models import Department, User
from platform_helpers import assert_problem, count, rows


@pytest.fixture
def handlers() -> Iterator[None]:
    """Handlers registered by a test are removed afterwards."""
    saved = copy.deepcopy(dict(events._handlers))
    yield
    events._handlers.clear()
    events._handlers.update(saved)


async def _events(db: Any, *where: Any) -> list[OutboxEvent]:
    return await rows(db, OutboxEvent, *where, order_by=OutboxEvent.id)


async def test_a_write_creates_its_event_in_the_same_transaction(admin: Any, db: Any) -> None:
    r = await admin.post(
        "/api/v1/departments", json={"name": "Evented"}, headers={"X-Request-ID": "ev-1"}
    )
    dept_id = uuid.UUID(r.json()["id"])
    [event] = await _events(db, OutboxEvent.object_id == dept_id)
    assert event.event_type == "department.created"
    assert event.object_type == "department"
    assert str(event.actor_id) == admin.user_id
    assert event.request_id == "ev-1"
    assert event.processed_at is None and event.attempts == 0
    # The commit also queued a drain for the worker in Redis.
    assert await redis.client().zcard("arq:queue") >= 1


async def test_a_failed_write_creates_no_event(admin: Any, db: Any) -> None:
    before = await count(db, OutboxEvent)
    r = await admin.post(
        "/api/v1/users",
        json={
            "email": "x@example.com",
            "password": "long-enough-pw",
            "full_name": "X",
            "role_keys": ["no-such-role"],
        },
    )
    assert_problem(r, 422)
    # The user row was flushed before the role check failed; all of it rolled back.
    assert await count(db, User, User.email == "x@example.com") == 0
    assert await count(db, OutboxEvent) == before
    assert (
        await count(db, AuditLog, AuditLog.object_type == "user", AuditLog.action == "create") == 1
    )
    r = await admin.post(
        "/api/v1/departments", json={"name": "Orphan", "parent_id": str(uuid.uuid4())}
    )
    assert_problem(r, 422)
    assert await count(db, OutboxEvent) == before
    assert await count(db, Department) == 0


async def test_drain_delivers_to_handlers_and_marks_processed(
    admin: Any, db: Any, handlers: None
) -> None:
    seen: list[tuple[str, uuid.UUID | None]] = []
    everything: list[str] = []

    @events.handles("department.created")
    async def on_created(session: AsyncSession, event: OutboxEvent) -> None:
        seen.append((event.event_type, event.object_id))

    @events.handles("*")
    async def on_any(session: AsyncSession, event: OutboxEvent) -> None:
        everything.append(event.event_type)

    a = (await admin.post("/api/v1/departments", json={"name": "A"})).json()
    b = (await admin.post("/api/v1/departments", json={"name": "B"})).json()
    await admin.patch(f"/api/v1/departments/{a['id']}", json={"name": "A2"})

    processed = await events.drain(db.sessionmaker)
    assert processed == 4  # with the bootstrap's user.created of the administrator
    assert seen == [
        ("department.created", uuid.UUID(a["id"])),
        ("department.created", uuid.UUID(b["id"])),
    ]
    assert everything == [
        "user.created",
        "department.created",
        "department.created",
        "department.updated",
    ]
    for event in await _events(db):
        assert event.processed_at is not None and event.attempts == 1 and event.last_error is None
    # Nothing is delivered twice.
    assert await events.drain(db.sessionmaker) == 0
    assert len(seen) == 2


async def test_handler_writes_commit_with_the_event(admin: Any, db: Any, handlers: None) -> None:
    @events.handles("department.created")
    async def rename(session: AsyncSession, event: OutboxEvent) -> None:
        await session.execute(
            update(Department).where(Department.id == event.object_id).values(name="Handled")
        )

    dept = (await admin.post("/api/v1/departments", json={"name": "Raw"})).json()
    await events.drain(db.sessionmaker)
    [stored] = await rows(db, Department, Department.id == uuid.UUID(dept["id"]))
    assert stored.name == "Handled"


async def test_a_failing_handler_leaves_its_event_pending_and_others_flow(
    admin: Any, db: Any, handlers: None
) -> None:
    delivered: list[str] = []

    @events.handles("department.created")
    async def flaky(session: AsyncSession, event: OutboxEvent) -> None:
        name = event.payload.get("name") or (await session.get(Department, event.object_id)).name  # type: ignore[union-attr]
        if name == "Poison":
            # Its partial writes must be rolled back with it.
            session.add(
                AuditLog(actor_type="system", action="half-done", object_type="x", changes={})
            )
            await session.flush()
            raise RuntimeError("downstream is down")
        delivered.append(name)

    await events.drain(db.sessionmaker)  # the bootstrap's events, out of the way
    poison = (await admin.post("/api/v1/departments", json={"name": "Poison"})).json()
    await admin.post("/api/v1/departments", json={"name": "Fine 1"})
    await admin.post("/api/v1/departments", json={"name": "Fine 2"})

    await events.drain(db.sessionmaker)
    assert delivered == ["Fine 1", "Fine 2"]
    [bad] = await _events(db, OutboxEvent.object_id == uuid.UUID(poison["id"]))
    assert bad.processed_at is None
    assert bad.attempts == 1  # one try per drain, not all retries burnt at once
    assert bad.last_error == "downstream is down"
    assert await count(db, AuditLog, AuditLog.action == "half-done") == 0
    others = await _events(db, OutboxEvent.object_id != uuid.UUID(poison["id"]))
    assert all(e.processed_at is not None for e in others)

    # The next drain retries it (and only it).
    await events.drain(db.sessionmaker)
    [bad] = await _events(db, OutboxEvent.object_id == uuid.UUID(poison["id"]))
    assert bad.attempts == 2 and bad.processed_at is None
    assert delivered == ["Fine 1", "Fine 2"]

    # After ten attempts it is parked and no longer retried.
    async with db.sessionmaker() as session:
        await session.execute(
            update(OutboxEvent).where(OutboxEvent.id == bad.id).values(attempts=10)
        )
        await session.commit()
    assert await events.drain(db.sessionmaker) == 0
    [bad] = await _events(db, OutboxEvent.object_id == uuid.UUID(poison["id"]))
    assert bad.attempts == 10


async def test_many_failing_events_do_not_starve_later_ones(
    admin: Any, db: Any, handlers: None
) -> None:
    @events.handles("role.created")
    async def always_fails(session: AsyncSession, event: OutboxEvent) -> None:
        raise ValueError("nope")

    for i in range(3):
        r = await admin.post("/api/v1/roles", json={"key": f"failing_{i}", "name": f"F{i}"})
        assert r.status_code == 201
    good = (await admin.post("/api/v1/departments", json={"name": "Good"})).json()

    await events.drain(db.sessionmaker, batch_size=5)
    [event] = await _events(db, OutboxEvent.object_id == uuid.UUID(good["id"]))
    assert event.processed_at is not None
    failing = await _events(db, OutboxEvent.event_type == "role.created")
    assert [e.attempts for e in failing] == [1, 1, 1]


@pytest.mark.filterwarnings("ignore:Call to deprecated close:DeprecationWarning")  # inside arq
async def test_the_arq_worker_drains_the_outbox_in_burst_mode(
    admin: Any, db: Any, handlers: None
) -> None:
    from crm.core.jobs import redis_settings
    from crm.settings import get_settings
    from crm.worker import WorkerSettings, startup

    received: list[uuid.UUID | None] = []

    @events.handles("department.created")
    async def record(session: AsyncSession, event: OutboxEvent) -> None:
        received.append(event.object_id)

    dept = (await admin.post("/api/v1/departments", json={"name": "Via worker"})).json()
    [pending] = await _events(db, OutboxEvent.event_type == "department.created")
    assert pending.processed_at is None
    assert await redis.client().zcard("arq:queue") == 1

    async def shutdown(ctx: dict[str, Any]) -> None:
        # The worker's own database; the shared Redis client stays open for the app.
        await ctx["db"].dispose()

    worker = Worker(
        functions=WorkerSettings.functions,
        redis_settings=redis_settings(get_settings().redis_url or ""),
        on_startup=startup,
        on_shutdown=shutdown,
        burst=True,
        handle_signals=False,
        poll_delay=0.05,
    )
    try:
        await worker.async_run()
    finally:
        await worker.close()
    assert worker.jobs_complete == 1 and worker.jobs_failed == 0
    assert received == [uuid.UUID(dept["id"])]
    for done in await _events(db):  # the bootstrap's user.created went along
        assert done.processed_at is not None and done.attempts == 1
    assert await redis.client().zcard("arq:queue") == 0


async def test_events_nobody_handles_are_settled_in_bulk_and_handled_ones_still_delivered(
    admin: Any, db: Any, handlers: None
) -> None:
    delivered: list[str] = []

    @events.handles("department.created")
    async def on_created(session: AsyncSession, event: OutboxEvent) -> None:
        delivered.append(event.event_type)

    await admin.post("/api/v1/departments", json={"name": "Handled"})
    await admin.post("/api/v1/customers", json={"name": "Nobody listens"})
    processed = await events.drain(db.sessionmaker)
    assert processed == 3  # user.created (bootstrap) and customer.created settled, one delivered
    assert delivered == ["department.created"]
    assert all(e.processed_at is not None and e.attempts == 1 for e in await _events(db))
    assert await events.drain(db.sessionmaker) == 0
