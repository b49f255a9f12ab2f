"""The transactional outbox: domain events are rows written with the change they describe.

Services call :func:`emit`; the worker drains undelivered rows and hands each to the handlers
registered with :func:`handles`. Handlers must be idempotent: a crash between handling and
marking processed means the event is handled again.
"""

from __future__ import annotations

import uuid
from collections import defaultdict
from collections.abc import Awaitable, Callable
from datetime import datetime
from typing import Any

import structlog
from sqlalchemy import DateTime, Index, Integer, String, Text, select, update
from sqlalchemy.dialects.postgresql import JSONB, UUID
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from sqlalchemy.orm import Mapped, mapped_column

from crm.core import context
from crm.core.db import Base, IdMixin, utcnow
from crm.core.jobs import enqueue_after_commit

log = structlog.get_logger(__name__)
DRAIN_TASK = "drain_outbox"


class OutboxEvent(IdMixin, Base):
    __tablename__ = "outbox_events"
    __table_args__ = (
        Index("ix_outbox_events_pending", "id", postgresql_where="processed_at IS NULL"),
    )

    event_type: Mapped[str] = mapped_column(String(100))
    object_type: Mapped[str] = mapped_column(String(50))
    object_id: Mapped[uuid.UUID | None] = mapped_column(UUID(as_uuid=True))
    payload: Mapped[dict[str, Any]] = mapped_column(JSONB, default=dict)
    actor_id: Mapped[uuid.UUID | None] = mapped_column(UUID(as_uuid=True))
    request_id: Mapped[str | None] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    processed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    last_error: Mapped[str | None] = mapped_column(Text)


Handler = Callable[[AsyncSession, OutboxEvent], Awaitable[None]]
BatchHandler = Callable[[AsyncSession, list[OutboxEvent]], Awaitable[None]]
_handlers: dict[str, list[Handler]] = defaultdict(list)
_batch_handlers: dict[str, list[BatchHandler]] = defaultdict(list)
BATCH_SIZE = 500


def handles(event_type: str) -> Callable[[Handler], Handler]:
    """Register a handler for ``event_type`` ("*" receives every event)."""

    def register(fn: Handler) -> Handler:
        _handlers[event_type].append(fn)
        return fn

    return register


def handles_batch(event_type: str) -> Callable[[BatchHandler], BatchHandler]:
    """Register a handler receiving pending ``event_type`` events in batches (oldest first,
    up to :data:`BATCH_SIZE`, one transaction per batch): for high-volume events whose
    handling pays for itself once per batch (rules loaded once, one grouped query ...).
    A failing batch is retried by later drains, like a failing single event."""

    def register(fn: BatchHandler) -> BatchHandler:
        _batch_handlers[event_type].append(fn)
        return fn

    return register


def emit(
    session: AsyncSession,
    event_type: str,
    *,
    object_type: str,
    object_id: uuid.UUID | None,
    payload: dict[str, Any] | None = None,
) -> OutboxEvent:
    ctx = context.current()
    event = OutboxEvent(
        event_type=event_type,
        object_type=object_type,
        object_id=object_id,
        payload=payload or {},
        actor_id=ctx.actor_id,
        request_id=ctx.request_id,
    )
    session.add(event)
    enqueue_drain(session)
    return event


def enqueue_drain(session: AsyncSession) -> None:
    """Have the worker drain the outbox once ``session`` commits (for events written
    without :func:`emit`, e.g. in bulk)."""
    # One drain per transaction is enough; arq dedupes the fixed job id while it is queued.
    if not session.info.get("crm_drain_enqueued"):
        session.info["crm_drain_enqueued"] = True
        enqueue_after_commit(session, DRAIN_TASK)


async def drain(sessionmaker: async_sessionmaker[AsyncSession], *, batch_size: int = 200) -> int:
    """Deliver pending events to their handlers; returns how many were processed.

    Each event is handled in its own transaction with a row lock (SKIP LOCKED), so two workers
    never handle the same event at once and one failing handler does not block the rest. A
    drain tries each event at most once (it walks forward by id), so a failing event is retried
    by later drains instead of burning all its attempts at once.
    """
    processed = await _settle_unhandled(sessionmaker)
    for event_type in [t for t, fns in _batch_handlers.items() if fns]:
        processed += await _drain_batches(sessionmaker, event_type)
    last_id: uuid.UUID | None = None
    while True:
        async with sessionmaker() as session:
            stmt = select(OutboxEvent).where(
                OutboxEvent.processed_at.is_(None),
                OutboxEvent.attempts < 10,
                OutboxEvent.event_type.not_in(_batched_types()),
            )
            if last_id is not None:
                stmt = stmt.where(OutboxEvent.id > last_id)
            event = (
                await session.execute(
                    stmt.order_by(OutboxEvent.id).limit(1).with_for_update(skip_locked=True)
                )
            ).scalar_one_or_none()
            if event is None:
                return processed
            last_id = event.id
            try:
                async with session.begin_nested():
                    for handler in [*_handlers.get(event.event_type, []), *_handlers.get("*", [])]:
                        await handler(session, event)
                event.processed_at = utcnow()
            except Exception as exc:
                log.exception("event_handler_failed", event_type=event.event_type)
                event.last_error = str(exc)[:2000]
            event.attempts += 1
            await session.commit()
            processed += 1
            if processed >= batch_size:
                return processed


def _batched_types() -> list[str]:
    return [event_type for event_type, fns in _batch_handlers.items() if fns]


async def _drain_batches(sessionmaker: async_sessionmaker[AsyncSession], event_type: str) -> int:
    """Deliver pending ``event_type`` events a batch per transaction to its batch handlers (and
    to its single-event and "*" handlers, one event after the other in the same transaction).

    Rows are locked with SKIP LOCKED, so concurrent drains take disjoint batches. A failing
    batch is rolled back and only its attempts and error are recorded; the drain walks forward
    by id, so it does not retry it before later drains do.
    """
    processed = 0
    last_id: uuid.UUID | None = None
    while True:
        async with sessionmaker() as session:
            stmt = select(OutboxEvent).where(
                OutboxEvent.event_type == event_type,
                OutboxEvent.processed_at.is_(None),
                OutboxEvent.attempts < 10,
            )
            if last_id is not None:
                stmt = stmt.where(OutboxEvent.id > last_id)
            batch = list(
                (
                    await session.execute(
                        stmt.order_by(OutboxEvent.id)
                        .limit(BATCH_SIZE)
                        .with_for_update(skip_locked=True)
                    )
                ).scalars()
            )
            if not batch:
                return processed
            last_id = batch[-1].id
            try:
                async with session.begin_nested():
                    for batch_handler in _batch_handlers[event_type]:
                        await batch_handler(session, batch)
                    singles = [*_handlers.get(event_type, []), *_handlers.get("*", [])]
                    for event in batch if singles else []:
                        for handler in singles:
                            await handler(session, event)
                now = utcnow()
                for event in batch:
                    event.processed_at = now
                    event.attempts += 1
            except Exception as exc:
                log.exception("event_batch_handler_failed", event_type=event_type)
                for event in batch:
                    event.last_error = str(exc)[:2000]
                    event.attempts += 1
            await session.commit()
            processed += len(batch)


UNHANDLED_CHUNK = 10_000


async def _settle_unhandled(sessionmaker: async_sessionmaker[AsyncSession]) -> int:
    """Mark delivered, in bulk, the pending events no handler subscribes to.

    Delivering one event per transaction is right when a handler acts on it, but an import of
    a million customers writes a million ``customer.created`` events: walked one by one they
    would hold up the events that do matter for hours. Events of a type nobody handles have
    nothing to deliver, so they are settled ten thousand at a time.
    """
    if _handlers.get("*"):
        return 0
    handled = [event_type for event_type, fns in _handlers.items() if fns]
    handled += _batched_types()
    settled = 0
    while True:
        async with sessionmaker() as session:
            chunk = (
                select(OutboxEvent.id)
                .where(OutboxEvent.processed_at.is_(None), OutboxEvent.event_type.not_in(handled))
                .limit(UNHANDLED_CHUNK)
                .with_for_update(skip_locked=True)
            )
            result = await session.execute(
                update(OutboxEvent)
                .where(OutboxEvent.id.in_(chunk.scalar_subquery()))
                .values(processed_at=utcnow(), attempts=OutboxEvent.attempts + 1)
                .execution_options(synchronize_session=False)
            )
            await session.commit()
        count = int(result.rowcount or 0)  # type: ignore[attr-defined]
        settled += count
        if count < UNHANDLED_CHUNK:
            return settled
