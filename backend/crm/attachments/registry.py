"""Which records can carry attachments, and who may see and change them.

A domain registers its record type once (``register("deal", Deal, read="deals:read",
write="deals:write")``); an attachment is then visible exactly when its parent record is
visible to the caller through the data-scope function, and the caller holds the parent's read
permission (changing one needs the parent's write permission). Attachments know no domain
beyond this table, so a later domain (contracts) plugs in without a change here.

Registering a type also subscribes to its ``<type>.purged`` event: when an administrator purges
a record from the recycle bin, the worker deletes its attachments and their stored files (a
soft-deleted record keeps them, so a restore brings them back).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import structlog
from sqlalchemy import delete
from sqlalchemy.ext.asyncio import AsyncSession

from crm.attachments.models import Attachment
from crm.core import events, files
from crm.core.events import OutboxEvent

log = structlog.get_logger(__name__)


@dataclass(frozen=True)
class Attachable:
    object_type: str
    model: Any  # scoped through readable(): declares __scope_resource__ or __scope_parent__
    read_permission: str
    write_permission: str


_registry: dict[str, Attachable] = {}


def register(object_type: str, model: Any, *, read: str, write: str) -> None:
    if object_type not in _registry:
        events.handles(f"{object_type}.purged")(drop_attachments_of_purged_record)
    _registry[object_type] = Attachable(object_type, model, read, write)


async def drop_attachments_of_purged_record(session: AsyncSession, event: OutboxEvent) -> None:
    """The purged record's attachments go with it: rows first, then the stored files. Should
    the transaction fail after a file is gone, the rows left point at a record that no longer
    exists, so nobody can reach them; a redelivery finishes the job."""
    if event.object_id is None:
        return
    keys = (
        await session.scalars(
            delete(Attachment)
            .where(Attachment.object_type == event.object_type)
            .where(Attachment.object_id == event.object_id)
            .returning(Attachment.storage_key)
        )
    ).all()
    await session.flush()
    storage = files.get_storage()
    for key in keys:
        await storage.delete(key)
    if keys:
        log.info(
            "attachments_purged_with_record",
            object_type=event.object_type,
            object_id=str(event.object_id),
            files=len(keys),
        )


def get(object_type: str) -> Attachable | None:
    return _registry.get(object_type)


def object_types() -> list[str]:
    return sorted(_registry)
