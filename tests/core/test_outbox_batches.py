"""Batch handlers of the outbox (``events.handles_batch``): pending events of a type are
delivered a batch per transaction; a failing batch is rolled back, recorded and retried by a
later drain."""

from __future__ import annotations

import copy
import uuid
from collections.abc import Iterator
from typing import Any

import pytest
from sqlalchemy import update
from sqlalchemy.ext.asyncio import AsyncSession

from crm.core import events
from crm.core.events import OutboxEvent
from crm.identity.models import Department
from platform_helpers import rows


@pytest.fixture
def batch_handlers() -> Iterator[None]:
    saved = copy.deepcopy(dict(events._batch_handlers))
    yield
    events._batch_handlers.clear()
    events._batch_handlers.update(saved)


async def _departments(admin: Any, count: int) -> list[str]:
    ids = []
    for i in range(count):
        r = await admin.post("/api/v1/departments", json={"name": f"Batch {i}"})
        assert r.status_code == 201, r.text
        ids.append(r.json()["id"])
    return ids


async def test_events_arrive_in_batches_once_each(
    admin: Any, db: Any, batch_handlers: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    seen: list[list[str]] = []

    @events.handles_batch("department.created")
    async def on_batch(session: AsyncSession, batch: list[OutboxEvent]) -> None:
        seen.append([str(e.object_id) for e in batch])

    monkeypatch.setattr(events, "BATCH_SIZE", 2)
    ids = await _departments(admin, 5)
    await events.drain(db.sessionmaker)
    assert [len(b) for b in seen] == [2, 2, 1]
    assert [i for b in seen for i in b] == ids  # oldest first
    for event in await rows(db, OutboxEvent, OutboxEvent.event_type == "department.created"):
        assert event.processed_at is not None and event.attempts == 1
    assert await events.drain(db.sessionmaker) == 0
    assert len(seen) == 3


async def test_a_failing_batch_leaves_no_writes_and_is_retried_later(
    admin: Any, db: Any, batch_handlers: None
) -> None:
    calls = 0

    @events.handles_batch("department.created")
    async def flaky(session: AsyncSession, batch: list[OutboxEvent]) -> None:
        nonlocal calls
        calls += 1
        await session.execute(
            update(Department)
            .where(Department.id.in_([e.object_id for e in batch]))
            .values(name="Handled")
        )
        if calls == 1:
            raise RuntimeError("boom")

    ids = await _departments(admin, 2)
    await events.drain(db.sessionmaker)
    assert calls == 1  # not retried within the same drain
    stored = await rows(db, OutboxEvent, OutboxEvent.event_type == "department.created")
    assert all(e.processed_at is None and e.attempts == 1 for e in stored)
    assert all("boom" in (e.last_error or "") for e in stored)
    names = {
        d.name for d in await rows(db, Department, Department.id.in_([uuid.UUID(i) for i in ids]))
    }
    assert names == {"Batch 0", "Batch 1"}  # the failed batch's writes were rolled back
    await events.drain(db.sessionmaker)
    assert calls == 2
    stored = await rows(db, OutboxEvent, OutboxEvent.event_type == "department.created")
    assert all(e.processed_at is not None and e.attempts == 2 for e in stored)
    names = {
        d.name for d in await rows(db, Department, Department.id.in_([uuid.UUID(i) for i in ids]))
    }
    assert names == {"Handled"}
