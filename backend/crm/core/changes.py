"""Every write leaves two traces in its own transaction: an audit entry and a domain event."""

from __future__ import annotations

import uuid
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from crm.core import audit, events

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
    "request": "requested",
    "approve": "approved",
    "reject": "rejected",
    "submit": "submitted",
    "send": "sent",
    "accept": "accepted",
    "revise": "revised",
    "supersede": "superseded",
}


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
        f"{object_type}.{_PAST_TENSE.get(action, action)}",
        object_type=object_type,
        object_id=object_id,
        payload=payload,
    )
    return entry
