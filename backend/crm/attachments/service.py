"""Attachments: upload (size-limited, content type sniffed), list per record, download, delete.

Every operation starts from the parent record: it must be of a registered type, visible to the
caller through the data-scope function, and the caller must hold the parent's read (or write)
permission. Otherwise the answer is 404 (403 for a missing permission on a record named in the
request; the scope is checked first), exactly as for the parent itself.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Sequence
from typing import Any, BinaryIO

from sqlalchemy import Row, select
from sqlalchemy.ext.asyncio import AsyncSession

from crm.attachments import registry, sniffing
from crm.attachments.models import Attachment
from crm.core import audit, files
from crm.core.changes import record_change
from crm.core.db import utcnow
from crm.core.errors import Forbidden, NotFound, ProblemError, Unprocessable, field_error
from crm.core.ids import new_id
from crm.core.pagination import PageParams, paginate
from crm.core.permissions import Principal, get_or_404, readable
from crm.settings import get_settings

ATTACHMENT_SORTS = {"created_at": Attachment.created_at, "filename": Attachment.filename}


def _attachable(object_type: str) -> registry.Attachable:
    found = registry.get(object_type)
    if found is None:
        known = ", ".join(registry.object_types())
        msg = f"Records of type '{object_type}' take no attachments (known: {known})."
        raise Unprocessable(msg, errors=[field_error("object_type", msg)])
    return found


async def _parent_visible(
    session: AsyncSession, principal: Principal, target: registry.Attachable, object_id: uuid.UUID
) -> bool:
    model = target.model
    stmt = readable(select(model.id).where(model.id == object_id), model, principal)
    return (await session.execute(stmt)).first() is not None


async def check_parent(
    session: AsyncSession,
    principal: Principal,
    *,
    object_type: str,
    object_id: uuid.UUID,
    write: bool = False,
) -> registry.Attachable:
    """The parent's registration if the caller may read (``write``: change) its attachments;
    403 without the permission, 404 when the record is outside the caller's scope."""
    target = _attachable(object_type)
    # Scope first: a record outside it is absent, whatever the caller's permissions.
    if not await _parent_visible(session, principal, target, object_id):
        raise NotFound(f"No such {object_type}.")
    _require(principal, target, write)
    return target


def _require(principal: Principal, target: registry.Attachable, write: bool) -> None:
    permission = target.write_permission if write else target.read_permission
    if not principal.can(permission):
        raise Forbidden(f"Your role does not allow this ({permission}).")


async def get_attachment(
    session: AsyncSession, principal: Principal, attachment_id: uuid.UUID, *, write: bool = False
) -> Attachment:
    """The attachment if its parent is visible to the caller (404 otherwise: its existence is
    not revealed) and the caller holds the parent's permission (403 otherwise)."""
    item = await get_or_404(session, Attachment, attachment_id, not_found="No such attachment.")
    target = registry.get(item.object_type)
    if target is None or not await _parent_visible(session, principal, target, item.object_id):
        raise NotFound("No such attachment.")
    _require(principal, target, write)
    return item


def _too_large(limit: int) -> ProblemError:
    return ProblemError(f"The file is larger than the limit of {limit} bytes.", status=413)


def _file_size(source: BinaryIO) -> int:
    position = source.tell()
    source.seek(0, 2)
    size = source.tell()
    source.seek(position)
    return size


async def upload(
    session: AsyncSession,
    principal: Principal,
    *,
    object_type: str,
    object_id: uuid.UUID,
    category: str,
    filename: str,
    source: BinaryIO,
) -> Attachment:
    await check_parent(session, principal, object_type=object_type, object_id=object_id, write=True)
    limit = get_settings().attachment_max_bytes
    size = _file_size(source)
    if size > limit:
        raise _too_large(limit)
    if size == 0:
        raise Unprocessable("The file is empty.", errors=[field_error("file", "Empty file.")])
    source.seek(0)
    head = source.read(sniffing.SNIFF_BYTES)
    source.seek(0)
    try:
        content_type = sniffing.sniff(head)
    except sniffing.RefusedType as exc:
        msg = "Executable files are not accepted as attachments."
        raise ProblemError(
            msg,
            status=415,
            errors=[{**field_error("file", msg, "unsupported_type"), "detected": str(exc)}],
        ) from exc
    item = Attachment(
        id=new_id(),
        object_type=object_type,
        object_id=object_id,
        category=category,
        filename=(filename or "file")[:255],
        content_type=content_type,
        size=size,
        uploaded_by=principal.user_id,
    )
    item.storage_key = f"attachments/{object_type}/{item.id}"
    await files.get_storage().put(item.storage_key, source)
    session.add(item)
    await session.flush()
    record_change(
        session,
        action="create",
        object_type="attachment",
        object_id=item.id,
        after=audit.snapshot(item),
        payload=_payload(item),
    )
    return item


def _payload(item: Attachment) -> dict[str, Any]:
    payload: dict[str, Any] = {
        "parent_type": item.object_type,
        "parent_id": str(item.object_id),
        "category": item.category,
        "filename": item.filename,
    }
    if item.object_type == "customer":
        payload["customer_id"] = str(item.object_id)  # the customer's timeline shows it
    return payload


async def list_attachments(
    session: AsyncSession,
    principal: Principal,
    *,
    object_type: str,
    object_id: uuid.UUID,
    category: str | None,
    params: PageParams,
) -> tuple[Sequence[Row[Any]], str | None, int | None]:
    await check_parent(session, principal, object_type=object_type, object_id=object_id)
    stmt = select(Attachment).where(
        Attachment.object_type == object_type,
        Attachment.object_id == object_id,
        Attachment.deleted_at.is_(None),
    )
    if category is not None:
        stmt = stmt.where(Attachment.category == category)
    return await paginate(
        session,
        stmt,
        params=params,
        id_column=Attachment.id,
        sortable=ATTACHMENT_SORTS,
        default_sort="-created_at",
    )


async def delete_attachment(
    session: AsyncSession, principal: Principal, *, attachment_id: uuid.UUID
) -> None:
    """Soft delete: the row is kept (with its file) for the audit trail; it no longer counts
    for stage gates and is no longer listed or downloadable."""
    item = await get_attachment(session, principal, attachment_id, write=True)
    before = audit.snapshot(item)
    item.deleted_at = utcnow()
    await session.flush()
    record_change(
        session,
        action="delete",
        object_type="attachment",
        object_id=item.id,
        before=before,
        after=audit.snapshot(item),
        payload=_payload(item),
    )


async def categories_present(
    session: AsyncSession, *, object_type: str, object_id: uuid.UUID, categories: Iterable[str]
) -> set[str]:
    """Which of ``categories`` the record has at least one live attachment of (stage gates)."""
    wanted = list(categories)
    if not wanted:
        return set()
    rows = await session.execute(
        select(Attachment.category)
        .where(
            Attachment.object_type == object_type,
            Attachment.object_id == object_id,
            Attachment.deleted_at.is_(None),
            Attachment.category.in_(wanted),
        )
        .distinct()
    )
    return set(rows.scalars())
