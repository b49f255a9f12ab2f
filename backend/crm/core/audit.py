"""The audit log: who did what to which record, with the before → after difference."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from decimal import Decimal
from enum import Enum
from typing import Any

from sqlalchemy import DateTime, Index, String, inspect
from sqlalchemy.dialects.postgresql import INET, JSONB, UUID
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import Mapped, mapped_column

from crm.core import context
from crm.core.db import Base, IdMixin, utcnow

# Never copied into the audit trail, whatever the model.
_REDACTED = frozenset({"password_hash", "token_hash", "key_hash"})
_IGNORED = frozenset({"updated_at", "version"})


class AuditLog(IdMixin, Base):
    __tablename__ = "audit_logs"
    __table_args__ = (Index("ix_audit_logs_object", "object_type", "object_id"),)

    at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow, index=True)
    actor_id: Mapped[uuid.UUID | None] = mapped_column(UUID(as_uuid=True), index=True)
    actor_type: Mapped[str] = mapped_column(String(20))
    action: Mapped[str] = mapped_column(String(50))
    object_type: Mapped[str] = mapped_column(String(50))
    object_id: Mapped[uuid.UUID | None] = mapped_column(UUID(as_uuid=True))
    changes: Mapped[dict[str, Any]] = mapped_column(JSONB, default=dict)
    request_id: Mapped[str | None] = mapped_column(String(64))
    ip: Mapped[str | None] = mapped_column(INET)


def jsonable(value: Any) -> Any:
    if isinstance(value, uuid.UUID | Decimal):
        return str(value)
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, list | tuple | set):
        return [jsonable(v) for v in value]
    if isinstance(value, dict):
        return {k: jsonable(v) for k, v in value.items()}
    return value


def snapshot(obj: Any) -> dict[str, Any]:
    """The column values of an ORM object, JSON-ready, secrets left out."""
    mapper = inspect(obj).mapper
    return {
        attr.key: jsonable(getattr(obj, attr.key))
        for attr in mapper.column_attrs
        if attr.key not in _REDACTED
    }


def diff(before: dict[str, Any] | None, after: dict[str, Any] | None) -> dict[str, Any]:
    """``{field: [old, new]}`` for the fields that changed."""
    before, after = before or {}, after or {}
    keys = (before.keys() | after.keys()) - _IGNORED
    return {k: [before.get(k), after.get(k)] for k in sorted(keys) if before.get(k) != after.get(k)}


def record(
    session: AsyncSession,
    *,
    action: str,
    object_type: str,
    object_id: uuid.UUID | None,
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
    extra: dict[str, Any] | None = None,
) -> AuditLog:
    ctx = context.current()
    changes: dict[str, Any] = {"diff": diff(before, after)}
    if extra:
        changes.update(jsonable(extra))
    entry = AuditLog(
        actor_id=ctx.actor_id,
        actor_type=ctx.actor_type,
        action=action,
        object_type=object_type,
        object_id=object_id,
        changes=changes,
        request_id=ctx.request_id,
        ip=ctx.ip,
    )
    session.add(entry)
    return entry
