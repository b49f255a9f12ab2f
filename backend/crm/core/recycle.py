"""Soft delete and the recycle bin.

Deleting a record stamps ``deleted_at`` on it and files an entry here (noting the owner and
department it had then). Who sees an entry, and may restore or purge it, follows the record's
*current* owner (or its parent's), through the data-scope rule in core/permissions.py: a
customer reassigned after its contact was deleted takes the contact's entry along to its new
owner. Restoring clears both; purging removes the record for good. Domains register their
deletable models with :func:`register`.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, DateTime, Index, String, and_, delete, exists, or_, select
from sqlalchemy.dialects.postgresql import UUID
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import Mapped, mapped_column

from crm.core import audit
from crm.core.changes import record_change
from crm.core.db import Base, IdMixin, utcnow
from crm.core.errors import Forbidden, NotFound
from crm.core.permissions import Principal, ownership_clause


@dataclass(frozen=True)
class Deletable:
    object_type: str  # e.g. "contact"
    model: Any
    resource: str  # its records' data-scope resource, e.g. "customers" (noted on each entry)
    restore_permission: str  # e.g. "contacts:delete"
    # A condition on ``model`` rows: the principal's scope covers the record's current owner.
    owned_in_scope: Callable[[Principal], ColumnElement[bool]]


_registry: dict[str, Deletable] = {}


def register(
    object_type: str,
    model: Any,
    *,
    resource: str,
    restore_permission: str,
    owned_in_scope: Callable[[Principal], ColumnElement[bool]] | None = None,
) -> None:
    """File ``model`` as deletable. Its bin entries are seen by whoever's scope covers the
    record's owner now: by default as the model's data scope says (its own owner, or its
    parent's when it declares ``__scope_parent__``: a contact or an activity follows its
    customer's current owner); ``owned_in_scope`` replaces that for a model scoped otherwise."""

    def by_data_scope(principal: Principal) -> ColumnElement[bool]:
        return ownership_clause(model, principal)

    _registry[object_type] = Deletable(
        object_type, model, resource, restore_permission, owned_in_scope or by_data_scope
    )


def registered() -> dict[str, Deletable]:
    return dict(_registry)


class DeletedRecord(IdMixin, Base):
    __tablename__ = "recycle_bin"
    __table_args__ = (Index("ix_recycle_bin_object", "object_type", "object_id", unique=True),)

    object_type: Mapped[str] = mapped_column(String(50))
    object_id: Mapped[uuid.UUID] = mapped_column(UUID(as_uuid=True))
    resource: Mapped[str] = mapped_column(String(50))
    title: Mapped[str] = mapped_column(String(300))
    owner_id: Mapped[uuid.UUID | None] = mapped_column(UUID(as_uuid=True))
    department_id: Mapped[uuid.UUID | None] = mapped_column(UUID(as_uuid=True))
    deleted_by: Mapped[uuid.UUID | None] = mapped_column(UUID(as_uuid=True))
    deleted_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), default=utcnow, index=True
    )


async def soft_delete(
    session: AsyncSession,
    obj: Any,
    *,
    object_type: str,
    title: str,
    actor_id: uuid.UUID | None,
    owner_id: uuid.UUID | None = None,
    department_id: uuid.UUID | None = None,
) -> None:
    """Move ``obj`` to the recycle bin, with audit entry and ``<type>.deleted`` event."""
    entry = _registry[object_type]
    before = audit.snapshot(obj)
    obj.deleted_at = utcnow()
    session.add(
        DeletedRecord(
            object_type=object_type,
            object_id=obj.id,
            resource=entry.resource,
            title=title[:300],
            owner_id=owner_id if owner_id is not None else getattr(obj, "owner_id", None),
            department_id=department_id
            if department_id is not None
            else getattr(obj, "department_id", None),
            deleted_by=actor_id,
        )
    )
    await session.flush()
    record_change(
        session,
        action="delete",
        object_type=object_type,
        object_id=obj.id,
        before=before,
        after=audit.snapshot(obj),
    )


def visible_entries(principal: Principal) -> Any:
    """Bin entries the principal could see if the records were alive: judged on the records as
    they are now, not on the owner noted at deletion, which a reassignment makes stale."""
    per_type = [
        and_(
            DeletedRecord.object_type == deletable.object_type,
            exists(
                select(1).where(
                    deletable.model.id == DeletedRecord.object_id,
                    deletable.owned_in_scope(principal),
                )
            ),
        )
        for deletable in _registry.values()
    ]
    return or_(*per_type) if per_type else False


async def _get_entry(
    session: AsyncSession, principal: Principal, object_type: str, object_id: uuid.UUID
) -> tuple[DeletedRecord, Deletable]:
    entry = _registry.get(object_type)
    record = None
    if entry is not None:
        record = (
            await session.execute(
                select(DeletedRecord).where(
                    DeletedRecord.object_type == object_type,
                    DeletedRecord.object_id == object_id,
                    visible_entries(principal),
                )
            )
        ).scalar_one_or_none()
    if record is None or entry is None:
        raise NotFound("No such record in the recycle bin.")
    return record, entry


async def restore(
    session: AsyncSession, principal: Principal, object_type: str, object_id: uuid.UUID
) -> DeletedRecord:
    record, entry = await _get_entry(session, principal, object_type, object_id)
    if not principal.can(entry.restore_permission):
        raise Forbidden(f"Restoring needs the {entry.restore_permission} permission.")
    obj = await session.get(entry.model, object_id, with_for_update=True)
    if obj is None:
        raise NotFound("The record no longer exists.")
    obj.deleted_at = None
    await session.delete(record)
    await session.flush()
    record_change(session, action="restore", object_type=object_type, object_id=object_id)
    return record


async def _drop_orphaned_entries(session: AsyncSession) -> None:
    """Entries whose record went with a purged one (ON DELETE CASCADE, e.g. the deleted contacts
    of a purged customer) could never be restored: remove them too."""
    await session.flush()
    for deletable in _registry.values():
        await session.execute(
            delete(DeletedRecord)
            .where(
                DeletedRecord.object_type == deletable.object_type,
                ~exists().where(deletable.model.id == DeletedRecord.object_id),
            )
            .execution_options(synchronize_session=False)
        )


async def purge(
    session: AsyncSession, principal: Principal, object_type: str, object_id: uuid.UUID
) -> None:
    record, entry = await _get_entry(session, principal, object_type, object_id)
    await session.execute(delete(entry.model).where(entry.model.id == object_id))
    await session.delete(record)
    await _drop_orphaned_entries(session)
    record_change(
        session,
        action="purge",
        object_type=object_type,
        object_id=object_id,
        extra={"title": record.title},
    )
