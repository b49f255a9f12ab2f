"""Every write leaves two traces in its own transaction: an audit entry and a domain event."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import insert
from sqlalchemy.ext.asyncio import AsyncSession

from crm.core import audit, context, events
from crm.core.db import utcnow
from crm.core.ids import new_id

_PAST_TENSE = {
    "create": "created",
    "update": "updated",
    "delete": "deleted",
    "restore": "restored",
    "purge": "purged",
    "revoke": "revoked",
    "export": "exported",
    "import": "imported",
    "preview": "previewed",
    "commit": "committed",
    "cancel": "cancelled",
    "merge": "merged",
    "unmerge": "unmerged",
    "complete": "completed",
    "assign": "assigned",
    "claim": "claimed",
    "convert": "converted",
    "reorder": "reordered",
    # The customer pool (customers/pool).
    "assign_from_pool": "assigned_from_pool",
    "release_to_pool": "released_to_pool",
    "return_to_pool": "returned_to_pool",
    "request": "requested",
    "approve": "approved",
    "reject": "rejected",
    "submit": "submitted",
    "send": "sent",
    "accept": "accepted",
    "revise": "revised",
    "supersede": "superseded",
}


def event_type(object_type: str, action: str) -> str:
    """``<object_type>.<action in past tense>``: the event a change emits."""
    return f"{object_type}.{_PAST_TENSE.get(action, action)}"


def record_change(
    session: AsyncSession,
    *,
    action: str,
    object_type: str,
    object_id: uuid.UUID | None,
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
    extra: dict[str, Any] | None = None,
    payload: dict[str, Any] | None = None,
) -> audit.AuditLog:
    """Audit ``action`` on the object and emit ``<object_type>.<action in past tense>``;
    returns the audit entry (its id names the change, e.g. for an undo)."""
    entry = audit.record(
        session,
        action=action,
        object_type=object_type,
        object_id=object_id,
        before=before,
        after=after,
        extra=extra,
    )
    events.emit(
        session,
        event_type(object_type, action),
        object_type=object_type,
        object_id=object_id,
        payload=payload,
    )
    return entry


@dataclass(frozen=True)
class Change:
    """One change for :func:`record_changes` (the arguments of :func:`record_change`)."""

    action: str
    object_type: str
    object_id: uuid.UUID | None
    before: dict[str, Any] | None = None
    after: dict[str, Any] | None = None
    extra: dict[str, Any] | None = None
    payload: dict[str, Any] | None = None


async def record_changes(session: AsyncSession, changes: Sequence[Change]) -> None:
    """:func:`record_change` for many changes at once: the audit entries and the events as
    two multi-row INSERTs instead of two ORM objects each (a worker batch assigning hundreds
    of records would otherwise spend most of its time flushing them)."""
    if not changes:
        return
    ctx = context.current()
    now = utcnow()
    entries = []
    outbox = []
    for change in changes:
        diffs: dict[str, Any] = {"diff": audit.diff(change.before, change.after)}
        if change.extra:
            diffs.update(audit.jsonable(change.extra))
        entries.append(
            {
                "id": new_id(),
                "at": now,
                "actor_id": ctx.actor_id,
                "actor_type": ctx.actor_type,
                "action": change.action,
                "object_type": change.object_type,
                "object_id": change.object_id,
                "changes": diffs,
                "request_id": ctx.request_id,
                "ip": ctx.ip,
            }
        )
        outbox.append(
            {
                "id": new_id(),
                "event_type": event_type(change.object_type, change.action),
                "object_type": change.object_type,
                "object_id": change.object_id,
                "payload": change.payload or {},
                "actor_id": ctx.actor_id,
                "request_id": ctx.request_id,
                "created_at": now,
                "attempts": 0,
            }
        )
    await session.execute(insert(audit.AuditLog), entries)
    await session.execute(insert(events.OutboxEvent), outbox)
    events.enqueue_drain(session)
