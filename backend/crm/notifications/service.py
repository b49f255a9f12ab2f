"""Notifications: created by the system for one user, read and marked read by that user only.

THE recipient rule lives here, in :func:`notify`: a notification reaches an active user who is
not deleted, whoever asked for it; a note for anyone else is dropped. Callers pick whom a
notification concerns (an owner, an assignee, an approver) and leave that rule to it.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import ColumnElement, and_, func, select, update
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from crm.core.changes import Change, record_change, record_changes
from crm.core.db import utcnow
from crm.core.ids import new_id
from crm.core.pagination import PageParams, paginate
from crm.core.permissions import Principal, get_visible
from crm.identity.models import User
from crm.notifications.models import EmailStatus, Notification

_CHUNK = 1000


@dataclass(frozen=True)
class NewNotification:
    user_id: uuid.UUID
    kind: str
    title: str
    dedupe_key: str | None = None
    body: str | None = None
    link: str | None = None
    object_type: str | None = None
    object_id: uuid.UUID | None = None
    data: dict[str, Any] = field(default_factory=dict)


async def notify(
    session: AsyncSession, notes: Sequence[NewNotification], *, email: bool = False
) -> list[uuid.UUID]:
    """Insert ``notes``, skipping any whose ``dedupe_key`` exists already; returns the ids of
    the rows really inserted. A concurrent insert of the same key waits for the other
    transaction and then skips, so a key yields one notification however often it is tried.
    With ``email``, the new rows are queued for the mailer (see notifications/mailer.py)."""
    notes = await _to_recipients(session, notes)
    notes = await _without_delivered(session, notes)
    if not notes:
        return []
    rows = [
        {
            "id": new_id(),
            "user_id": n.user_id,
            "kind": n.kind,
            "title": n.title[:300],
            "body": n.body,
            "link": n.link,
            "object_type": n.object_type,
            "object_id": n.object_id,
            "data": n.data,
            "dedupe_key": n.dedupe_key,
            "created_at": utcnow(),
            "email_status": EmailStatus.PENDING if email else None,
        }
        for n in notes
    ]
    inserted: list[Any] = []
    # Chunks keep each statement under PostgreSQL's 32767 bind parameters.
    for start in range(0, len(rows), _CHUNK):
        stmt = (
            insert(Notification)
            .values(rows[start : start + _CHUNK])
            .on_conflict_do_nothing(index_elements=[Notification.dedupe_key])
            .returning(Notification.id, Notification.user_id, Notification.kind)
        )
        inserted += (await session.execute(stmt)).all()
    await record_changes(
        session,
        [
            Change(
                action="create",
                object_type="notification",
                object_id=note_id,
                payload={"user_id": str(user_id), "kind": kind},
            )
            for note_id, user_id, kind in inserted
        ],
    )
    return [row[0] for row in inserted]


def receives_notifications() -> ColumnElement[bool]:
    """The users a notification may reach: active and not deleted (to select everyone to tell,
    as the holiday reminder does)."""
    return and_(User.is_active.is_(True), User.deleted_at.is_(None))


async def _to_recipients(
    session: AsyncSession, notes: Sequence[NewNotification]
) -> list[NewNotification]:
    """``notes`` without those for users the recipient rule excludes."""
    user_ids = {n.user_id for n in notes}
    if not user_ids:
        return []
    receiving: set[uuid.UUID] = set()
    ids = list(user_ids)
    for start in range(0, len(ids), _CHUNK * 10):
        found = await session.execute(
            select(User.id).where(
                User.id.in_(ids[start : start + _CHUNK * 10]), receives_notifications()
            )
        )
        receiving.update(found.scalars())
    return [n for n in notes if n.user_id in receiving]


async def _without_delivered(
    session: AsyncSession, notes: Sequence[NewNotification]
) -> list[NewNotification]:
    """Drop the notes whose key exists already. Only a saving (a reminder is offered again on
    every run while it is due): ON CONFLICT in :func:`notify` is what guarantees one per key."""
    keys = [n.dedupe_key for n in notes if n.dedupe_key is not None]
    if not keys:
        return list(notes)
    existing: set[str] = set()
    for start in range(0, len(keys), _CHUNK * 10):
        found = await session.execute(
            select(Notification.dedupe_key).where(
                Notification.dedupe_key.in_(keys[start : start + _CHUNK * 10])
            )
        )
        existing.update(key for key in found.scalars() if key is not None)
    return [n for n in notes if n.dedupe_key is None or n.dedupe_key not in existing]


async def list_notifications(
    session: AsyncSession, principal: Principal, *, params: PageParams, unread: bool | None
) -> tuple[Sequence[Notification], str | None, int | None]:
    stmt = select(Notification).where(Notification.user_id == principal.user_id)
    if unread is True:
        stmt = stmt.where(Notification.read_at.is_(None))
    elif unread is False:
        stmt = stmt.where(Notification.read_at.is_not(None))
    return await paginate(
        session,
        stmt,
        params=params,
        id_column=Notification.id,
        sortable={"created_at": Notification.created_at},
        default_sort="-created_at",
    )


async def unread_count(session: AsyncSession, principal: Principal) -> int:
    stmt = select(func.count()).where(
        Notification.user_id == principal.user_id, Notification.read_at.is_(None)
    )
    return int((await session.execute(stmt)).scalar_one())


async def mark_read(
    session: AsyncSession, principal: Principal, *, notification_id: uuid.UUID
) -> Notification:
    """Mark one of the caller's notifications read (someone else's answers 404)."""
    note = await get_visible(
        session,
        Notification,
        notification_id,
        principal,
        not_found="No such notification.",
        for_update=True,
        visible=Notification.user_id == principal.user_id,
    )
    if note.read_at is None:
        note.read_at = utcnow()
        await session.flush()
        record_change(session, action="read", object_type="notification", object_id=note.id)
    return note


async def mark_all_read(session: AsyncSession, principal: Principal) -> int:
    result = await session.execute(
        update(Notification)
        .where(Notification.user_id == principal.user_id, Notification.read_at.is_(None))
        .values(read_at=utcnow())
        .returning(Notification.id)
        .execution_options(synchronize_session=False)
    )
    marked = len(result.all())
    if marked:
        record_change(
            session,
            action="read_all",
            object_type="notification",
            object_id=None,
            extra={"count": marked},
            payload={"user_id": str(principal.user_id), "count": marked},
        )
    return marked
