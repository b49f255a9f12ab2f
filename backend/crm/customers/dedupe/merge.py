"""Merging duplicate customers into one survivor, and undoing a merge.

Related records move GENERICALLY: every foreign-key column of the metadata that references
``customers.id`` is repointed from the merged records to the survivor, so a domain added later
(activities, deals, orders, tickets ...) is covered without a change here. A column opts out
with ``info={"on_merge": "keep"}`` when its rows describe history rather than belong to the
customer (``customers.merged_into_id``, the duplicate report). A generic reference that names
a customer only on rows of one type (a task's ``related_type`` / ``related_id``) declares that
with ``info={"customer_when": ("related_type", "customer")}`` on its id column, and moves too.

The merge's audit entry keeps everything an undo needs: the snapshots of all records before,
the primary keys of every row moved (per column and per merged record) and the survivor's
version after the merge. An undo puts exactly those rows back, restores the merged records
from the recycle bin and the survivor's previous values, and is refused once the survivor has
changed since (its version moved on).
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import (
    Column,
    ColumnElement,
    Table,
    UniqueConstraint,
    and_,
    delete,
    exists,
    select,
    tuple_,
    update,
)
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.ext.asyncio import AsyncSession

from crm.core import audit, recycle
from crm.core.audit import AuditLog
from crm.core.changes import record_change
from crm.core.concurrency import check_version
from crm.core.db import utcnow
from crm.core.errors import Conflict, Unprocessable, field_error
from crm.core.permissions import Principal, get_or_404, readable
from crm.customers.dedupe.schemas import MergeRequest, mergeable_value
from crm.customers.models import Customer
from crm.customers.service import apply_cleaning, get_customer

KEEP_ON_MERGE = "keep"
CUSTOMER_WHEN = "customer_when"  # column info of a generic reference: (type column, value)
# Columns a merge never takes from another record: identity, bookkeeping, derived values
# (recomputed by apply_cleaning) and the department, which follows the owner.
_NOT_CHOSEN = frozenset(
    {
        "id",
        "created_at",
        "updated_at",
        "version",
        "deleted_at",
        "merged_into_id",
        "name_normalized",
        "phone_e164",
        "phone_key",
        "department_id",
    }
)


# --- what points at a customer ----------------------------------------------------------------


def customer_references() -> list[Column[Any]]:
    """Every column that references ``customers.id`` (foreign keys, and generic references
    declaring ``customer_when``), less the opted-out ones."""
    from crm.models import metadata  # every domain's models, so the list is complete

    target = metadata.tables["customers"].c.id
    found = [
        fk.parent
        for table in metadata.sorted_tables
        for fk in table.foreign_keys
        if fk.column is target and fk.parent.info.get("on_merge") != KEEP_ON_MERGE
    ]
    found += [
        column
        for table in metadata.sorted_tables
        for column in table.columns
        if CUSTOMER_WHEN in column.info
    ]
    return sorted(found, key=lambda col: (col.table.name, col.name))


def _only_customer_rows(column: Column[Any]) -> list[ColumnElement[bool]]:
    """For a generic reference: only the rows whose type column says they name a customer."""
    condition = column.info.get(CUSTOMER_WHEN)
    if condition is None:
        return []
    type_column, type_value = condition
    return [column.table.c[type_column] == type_value]


def _key(column: Column[Any]) -> str:
    return f"{column.table.name}.{column.name}"


def _bookkeeping(table: Table) -> dict[str, Any]:
    """Extra SET clauses for a moved row: it changed, so its version and timestamp move on."""
    values: dict[str, Any] = {}
    if "version" in table.c:
        values["version"] = table.c.version + 1
    if "updated_at" in table.c:
        values["updated_at"] = utcnow()
    return values


def _jsonable_key(values: Any) -> list[Any]:
    return [str(v) if isinstance(v, uuid.UUID) else v for v in values]


def _unique_sets(column: Column[Any]) -> list[list[Column[Any]]]:
    """The other columns of each unique constraint / unique index that includes ``column``."""
    table = column.table
    assert isinstance(table, Table)
    sets = [list(c.columns) for c in table.constraints if isinstance(c, UniqueConstraint)]
    sets.append(list(table.primary_key.columns))
    sets += [list(i.columns) for i in table.indexes if i.unique]
    return [[c for c in cols if c is not column] for cols in sets if column in cols]


def _no_conflict(column: Column[Any], to_id: uuid.UUID) -> list[ColumnElement[bool]]:
    """A row whose move would collide with one the target already has under a unique
    constraint (say the same tag on both customers) stays where it is: nothing is lost, the
    survivor already holds the same thing, and an undo has nothing to put back."""
    table = column.table
    assert isinstance(table, Table)
    twin = table.alias("twin")
    return [
        ~exists().where(twin.c[column.name] == to_id, *[twin.c[c.name] == c for c in others])
        for others in _unique_sets(column)  # none: one row per customer (moves if it has none)
    ]


async def _repoint(
    session: AsyncSession,
    column: Column[Any],
    *,
    from_ids: list[uuid.UUID],
    to_id: uuid.UUID,
    only_keys: list[list[Any]] | None = None,
) -> list[tuple[uuid.UUID, list[Any]]]:
    """UPDATE ``column`` from each of ``from_ids`` to ``to_id``; (old value, primary key as
    JSON) of each moved row. ``only_keys`` limits it to those rows (an undo)."""
    table = column.table
    assert isinstance(table, Table)
    pk = list(table.primary_key.columns)
    base = (
        update(table)
        .values({column.name: to_id, **_bookkeeping(table)})
        .where(*_no_conflict(column, to_id), *_only_customer_rows(column))
        .returning(*pk)
    )
    if only_keys is not None:
        typed = [tuple(_from_json(c, v) for c, v in zip(pk, key, strict=True)) for key in only_keys]
        base = base.where(tuple_(*pk).in_(typed))
    moved: list[tuple[uuid.UUID, list[Any]]] = []
    # One statement per source: RETURNING shows the new value only, and the undo needs to
    # know which record each row came from.
    for source in from_ids:
        rows = await session.execute(base.where(column == source))
        moved += [(source, _jsonable_key(row)) for row in rows]
    return moved


# --- merging ----------------------------------------------------------------------------------


def mergeable_fields() -> list[str]:
    """Fields a merge chooses a value for (new Customer columns join automatically)."""
    return [
        attr.key
        for attr in Customer.__mapper__.column_attrs
        if attr.key not in _NOT_CHOSEN and not _is_array(attr.key)
    ]


def _is_array(key: str) -> bool:
    return isinstance(Customer.__table__.c[key].type, ARRAY)


def array_fields() -> list[str]:
    return [attr.key for attr in Customer.__mapper__.column_attrs if _is_array(attr.key)]


def _validate(data: MergeRequest) -> None:
    if data.survivor_id in data.merged_ids:
        msg = "The survivor cannot also be merged away."
        raise Unprocessable(msg, errors=[field_error("merged_ids", msg)])
    if len(set(data.merged_ids)) != len(data.merged_ids):
        msg = "A customer is listed twice."
        raise Unprocessable(msg, errors=[field_error("merged_ids", msg)])
    allowed = set(mergeable_fields())
    involved = {data.survivor_id, *data.merged_ids}
    errors = []
    for name, source in data.fields.items():
        if name in array_fields():
            errors.append(field_error(f"fields.{name}", "Always the union of all records."))
        elif name not in allowed:
            errors.append(field_error(f"fields.{name}", "Not a field a merge chooses."))
        elif source not in involved:
            errors.append(field_error(f"fields.{name}", "Not one of the merged customers."))
    if errors:
        raise Unprocessable("Some field choices are invalid.", errors=errors)


async def _load_for_merge(
    session: AsyncSession, principal: Principal, data: MergeRequest
) -> tuple[Customer, list[Customer]]:
    """The survivor and the merged records, locked in id order (two merges cannot deadlock).
    One outside the caller's scope reads as absent: 422 naming the field it came in."""
    ids = sorted({data.survivor_id, *data.merged_ids})
    stmt = readable(select(Customer).where(Customer.id.in_(ids)), Customer, principal)
    found = {
        c.id: c
        for c in (await session.execute(stmt.order_by(Customer.id).with_for_update())).scalars()
    }
    if data.survivor_id not in found:
        raise Unprocessable(
            "No such customer.", errors=[field_error("survivor_id", "No such customer.")]
        )
    missing = [str(i) for i in data.merged_ids if i not in found]
    if missing:
        msg = f"No such customer: {', '.join(missing)}."
        raise Unprocessable(msg, errors=[field_error("merged_ids", msg)])
    return found[data.survivor_id], [found[i] for i in data.merged_ids]


def _combine_fields(survivor: Customer, merged: list[Customer], data: MergeRequest) -> None:
    """Set the survivor's fields: the chosen record's value, else its own, else the first
    merged record's that is filled in; arrays become the union (survivor's order first)."""
    by_id = {c.id: c for c in [survivor, *merged]}
    for name in mergeable_fields():
        if name in data.fields:
            source = by_id[data.fields[name]]
        elif mergeable_value(getattr(survivor, name)):
            continue
        else:
            source = next((m for m in merged if mergeable_value(getattr(m, name))), survivor)
        setattr(survivor, name, getattr(source, name))
        if name == "owner_id":
            survivor.department_id = source.department_id
    for name in array_fields():
        union: list[Any] = []
        for record in [survivor, *merged]:
            union += [v for v in getattr(record, name) or [] if v not in union]
        setattr(survivor, name, union)


async def merge_customers(
    session: AsyncSession, principal: Principal, *, data: MergeRequest
) -> tuple[AuditLog, Customer, dict[str, int]]:
    """Merge ``merged_ids`` into ``survivor_id``; (audit entry, survivor, rows moved per
    column)."""
    _validate(data)
    survivor, merged = await _load_for_merge(session, principal, data)
    check_version(survivor, None, data.survivor_version)
    survivor_before = audit.snapshot(survivor)
    merged_before = {str(m.id): audit.snapshot(m) for m in merged}

    _combine_fields(survivor, merged, data)
    apply_cleaning(survivor, address_changed=False)
    survivor.updated_at = utcnow()  # always a new version: an undo checks against it

    merged_ids = [m.id for m in merged]
    moved: dict[str, dict[str, list[list[Any]]]] = {}
    for column in customer_references():
        rows = await _repoint(session, column, from_ids=merged_ids, to_id=survivor.id)
        for source, key in rows:
            moved.setdefault(_key(column), {}).setdefault(str(source), []).append(key)

    for record in merged:
        record.merged_into_id = survivor.id
        await recycle.soft_delete(
            session, record, object_type="customer", title=record.name, actor_id=principal.user_id
        )
    await session.flush()
    counts = {col: sum(len(keys) for keys in per.values()) for col, per in moved.items()}
    entry = record_change(
        session,
        action="merge",
        object_type="customer",
        object_id=survivor.id,
        before=survivor_before,
        after=audit.snapshot(survivor),
        extra={
            "merged_ids": [str(i) for i in merged_ids],
            "merged_before": merged_before,
            "survivor_before": survivor_before,
            "moved": moved,
            "survivor_version": survivor.version,
        },
        payload={
            "survivor_id": str(survivor.id),
            "merged_ids": [str(i) for i in merged_ids],
            "moved": counts,
        },
    )
    await session.flush()
    return entry, survivor, counts


# --- undoing a merge --------------------------------------------------------------------------


@dataclass
class Unmerged:
    survivor: Customer
    restored_ids: list[uuid.UUID]
    moved_back: dict[str, int]


def _from_json(column: Column[Any], value: Any) -> Any:
    """A snapshot value (JSON form) back in the column's Python type."""
    if not isinstance(value, str):
        return value
    try:
        python_type = column.type.python_type
    except NotImplementedError:
        return value
    if python_type is uuid.UUID:
        return uuid.UUID(value)
    if python_type is datetime:
        return datetime.fromisoformat(value)
    if python_type is date:
        return date.fromisoformat(value)
    if python_type is Decimal:
        return Decimal(value)
    return value


async def _merge_entry(session: AsyncSession, audit_id: uuid.UUID) -> AuditLog:
    return await get_or_404(
        session,
        AuditLog,
        audit_id,
        not_found="No such merge.",
        where=and_(AuditLog.action == "merge", AuditLog.object_type == "customer"),
    )


async def _already_undone(session: AsyncSession, entry: AuditLog) -> bool:
    undo = await session.execute(
        select(AuditLog.id).where(
            AuditLog.action == "unmerge",
            AuditLog.object_id == entry.object_id,
            AuditLog.changes["merge_audit_id"].astext == str(entry.id),
        )
    )
    return undo.first() is not None


def _column(key: str) -> Column[Any]:
    from crm.models import metadata

    table_name, column_name = key.split(".", 1)
    return metadata.tables[table_name].c[column_name]


async def undo_merge(
    session: AsyncSession, principal: Principal, *, audit_id: uuid.UUID
) -> Unmerged:
    entry = await _merge_entry(session, audit_id)
    assert entry.object_id is not None
    survivor = await get_customer(session, principal, entry.object_id, for_update=True)
    if await _already_undone(session, entry):
        raise Conflict("This merge has already been undone.")
    changes = entry.changes
    if survivor.version != changes["survivor_version"]:
        raise Conflict(
            "The surviving customer has changed since the merge; the merge can no longer be "
            "undone automatically."
        )
    merged_ids = [uuid.UUID(i) for i in changes["merged_ids"]]
    merged = (
        (
            await session.execute(
                select(Customer)
                .where(Customer.id.in_(merged_ids))
                .order_by(Customer.id)
                .with_for_update()
            )
        )
        .scalars()
        .all()
    )
    intact = [m for m in merged if m.deleted_at is not None and m.merged_into_id == survivor.id]
    if len(intact) != len(merged_ids):
        raise Conflict(
            "A merged customer was restored or purged since the merge; it cannot be undone."
        )

    before = audit.snapshot(survivor)
    for name, value in changes["survivor_before"].items():
        if name not in ("id", "created_at", "updated_at", "version", "deleted_at"):
            setattr(survivor, name, _from_json(Customer.__table__.c[name], value))
    survivor.updated_at = utcnow()

    moved_back: dict[str, int] = {}
    for key, per_source in changes["moved"].items():
        column = _column(key)
        for source, keys in per_source.items():
            rows = await _repoint(
                session, column, from_ids=[survivor.id], to_id=uuid.UUID(source), only_keys=keys
            )
            moved_back[key] = moved_back.get(key, 0) + len(rows)

    for record in merged:
        record.deleted_at = None
        record.merged_into_id = None
    await session.execute(
        delete(recycle.DeletedRecord).where(
            recycle.DeletedRecord.object_type == "customer",
            recycle.DeletedRecord.object_id.in_(merged_ids),
        )
    )
    await session.flush()
    for record in merged:
        record_change(
            session,
            action="restore",
            object_type="customer",
            object_id=record.id,
            extra={"undo_of_merge": str(entry.id)},
        )
    record_change(
        session,
        action="unmerge",
        object_type="customer",
        object_id=survivor.id,
        before=before,
        after=audit.snapshot(survivor),
        extra={
            "merge_audit_id": str(entry.id),
            "restored_ids": [str(i) for i in merged_ids],
            "moved_back": moved_back,
        },
        payload={
            "survivor_id": str(survivor.id),
            "restored_ids": [str(i) for i in merged_ids],
            "merge_audit_id": str(entry.id),
        },
    )
    return Unmerged(survivor=survivor, restored_ids=merged_ids, moved_back=moved_back)
