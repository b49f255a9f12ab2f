"""Custom field definitions and completeness rules: the administrator's side."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from crm.core import audit
from crm.core.changes import record_change
from crm.core.concurrency import check_version
from crm.core.db import utcnow
from crm.core.errors import Conflict, Forbidden, ProblemError, Unprocessable
from crm.core.pagination import PageParams, paginate
from crm.core.permissions import Principal, get_or_404
from crm.customfields import config as field_config
from crm.customfields import registry
from crm.customfields.completeness import CUSTOM_PREFIX, effective_rules
from crm.customfields.models import CompletenessRule, CustomField
from crm.customfields.schemas import (
    CompletenessRuleItem,
    CompletenessRulesRead,
    CompletenessRulesUpdate,
    CustomFieldCreate,
    CustomFieldReorder,
    CustomFieldUpdate,
    Option,
    Validation,
)

FIELD_SORTS = {"position": CustomField.position, "created_at": CustomField.created_at}
_SELECTS = ("select", "multi_select")


def _invalid(loc: Sequence[str], msg: str) -> Unprocessable:
    return Unprocessable(msg, errors=[{"loc": ["body", *loc], "msg": msg, "type": "value_error"}])


def readable_type(principal: Principal, name: str) -> registry.ObjectType:
    """The object type, if the caller may read objects of that type (else 403)."""
    object_type = registry.get(name)
    if not principal.can(object_type.read_permission):
        raise Forbidden(f"Your role does not allow this ({object_type.read_permission}).")
    return object_type


# --- checking a definition ----------------------------------------------------------------------


def _bound(field_type: str, value: int | str, loc: str) -> Any:
    try:
        if field_type == "number" and isinstance(value, int):
            return value
        if field_type == "decimal":
            parsed = Decimal(str(value))
            if parsed.is_finite():
                return parsed
        if field_type == "date" and isinstance(value, str):
            return date.fromisoformat(value)
    except (InvalidOperation, ValueError):
        pass
    raise _invalid(["validation", loc], f"Not a valid {loc} for a {field_type} field.")


def _check_validation(field_type: str, rules: Validation) -> None:
    given = rules.model_dump(exclude_none=True)
    allowed = {
        "text": {"max_length", "regex"},
        "number": {"min", "max"},
        "decimal": {"min", "max", "decimal_places"},
        "date": {"min", "max"},
    }.get(field_type, set())
    for name in sorted(set(given) - allowed):
        raise _invalid(["validation", name], f"'{name}' does not apply to a {field_type} field.")
    low = _bound(field_type, rules.min, "min") if rules.min is not None else None
    high = _bound(field_type, rules.max, "max") if rules.max is not None else None
    if low is not None and high is not None and low > high:
        raise _invalid(["validation", "max"], "max is below min.")


def _check_options(field_type: str, options: list[Option]) -> None:
    if field_type not in _SELECTS:
        if options:
            raise _invalid(["options"], f"A {field_type} field has no options.")
        return
    if not options:
        raise _invalid(["options"], f"A {field_type} field needs at least one option.")
    values = [o.value for o in options]
    dupes = sorted({v for v in values if values.count(v) > 1})
    if dupes:
        raise _invalid(["options"], f"Duplicate option(s): {', '.join(dupes)}.")


def _check_label(label: Any) -> None:
    if not (label.en or label.zh):
        raise _invalid(["label"], "Give a label in at least one language.")


# --- definitions --------------------------------------------------------------------------------


async def get_field(
    session: AsyncSession, field_id: uuid.UUID, *, for_update: bool = False
) -> CustomField:
    return await get_or_404(
        session, CustomField, field_id, not_found="No such custom field.", for_update=for_update
    )


async def get_readable_field(
    session: AsyncSession, principal: Principal, field_id: uuid.UUID
) -> CustomField:
    found = await get_field(session, field_id)
    if found.object_type in registry.names():
        readable_type(principal, found.object_type)
    return found


async def active_definitions(session: AsyncSession, object_type: str) -> Sequence[CustomField]:
    """The active definitions of an object type, in the administrators' order (what exports
    and imports offer as columns)."""
    return (
        (
            await session.execute(
                select(CustomField)
                .where(
                    CustomField.object_type == object_type,
                    CustomField.active.is_(True),
                    CustomField.deleted_at.is_(None),
                )
                .order_by(CustomField.position, CustomField.key)
            )
        )
        .scalars()
        .all()
    )


async def list_fields(
    session: AsyncSession,
    principal: Principal,
    *,
    object_type: str,
    active: bool | None,
    params: PageParams,
) -> tuple[Sequence[CustomField], str | None, int | None]:
    readable_type(principal, object_type)
    stmt = select(CustomField).where(
        CustomField.object_type == object_type, CustomField.deleted_at.is_(None)
    )
    if active is not None:
        stmt = stmt.where(CustomField.active.is_(active))
    return await paginate(
        session,
        stmt,
        params=params,
        id_column=CustomField.id,
        sortable=FIELD_SORTS,
        default_sort="position",
    )


async def create_field(
    session: AsyncSession, principal: Principal, *, data: CustomFieldCreate
) -> CustomField:
    registry.get(data.object_type, location="body")
    _check_label(data.label)
    _check_options(data.field_type, data.options)
    _check_validation(data.field_type, data.validation)
    taken = await session.execute(
        select(CustomField.id, CustomField.deleted_at).where(
            CustomField.object_type == data.object_type, CustomField.key == data.key
        )
    )
    row = taken.first()
    if row is not None:
        note = " by a deleted field (its stored values are kept)" if row.deleted_at else ""
        raise Conflict(
            f"The key '{data.key}' is taken{note}.",
            errors=[{"loc": ["body", "key"], "msg": "Taken.", "type": "value_error"}],
        )
    position = data.position
    if position is None:
        last = await session.execute(
            select(func.max(CustomField.position)).where(
                CustomField.object_type == data.object_type
            )
        )
        position = (last.scalar_one_or_none() or 0) + 1
    created = CustomField(
        object_type=data.object_type,
        key=data.key,
        label=data.label.model_dump(exclude_none=True),
        field_type=data.field_type,
        options=[o.model_dump(exclude_none=True) for o in data.options],
        required=data.required,
        validation=data.validation.model_dump(exclude_none=True),
        description=data.description,
        position=position,
        active=data.active,
    )
    session.add(created)
    await session.flush()
    record_change(
        session,
        action="create",
        object_type="custom_field",
        object_id=created.id,
        after=audit.snapshot(created),
        payload={"object_type": created.object_type, "key": created.key},
    )
    return created


async def _options_in_use(
    session: AsyncSession, found: CustomField, removed: set[str]
) -> list[str]:
    """The removed option values some record (deleted ones included) still holds."""
    object_type = registry.get(found.object_type)
    column = object_type.model.custom
    used = []
    for value in sorted(removed):
        probe: Any = [value] if found.field_type == "multi_select" else value
        hit = await session.execute(
            select(object_type.model.id).where(column.contains({found.key: probe})).limit(1)
        )
        if hit.first() is not None:
            used.append(value)
    return used


async def update_field(
    session: AsyncSession,
    principal: Principal,
    *,
    field_id: uuid.UUID,
    data: CustomFieldUpdate,
    if_match: int | None,
) -> CustomField:
    found = await get_field(session, field_id, for_update=True)
    check_version(found, if_match, data.version)
    before = audit.snapshot(found)
    given = data.model_fields_set - {"version"}
    if "label" in given:
        if data.label is None:
            raise _invalid(["label"], "A field needs a label.")
        _check_label(data.label)
        found.label = data.label.model_dump(exclude_none=True)
    if "options" in given:
        options = data.options or []
        _check_options(found.field_type, options)
        removed = {str(o["value"]) for o in found.options} - {o.value for o in options}
        in_use = await _options_in_use(session, found, removed) if removed else []
        if in_use:
            raise Conflict(
                f"Option(s) still used by stored records: {', '.join(in_use)}. Change those "
                "records first (or deactivate the field).",
                errors=[{"loc": ["body", "options"], "msg": "In use.", "type": "value_error"}],
            )
        found.options = [o.model_dump(exclude_none=True) for o in options]
    if "validation" in given:
        rules = data.validation or Validation()
        _check_validation(found.field_type, rules)
        found.validation = rules.model_dump(exclude_none=True)
    for name in ("required", "position", "active"):
        if name in given and getattr(data, name) is not None:
            setattr(found, name, getattr(data, name))
    if "description" in given:
        found.description = data.description
    await session.flush()
    after = audit.snapshot(found)
    record_change(
        session,
        action="update",
        object_type="custom_field",
        object_id=found.id,
        before=before,
        after=after,
        payload={"changed": sorted(audit.diff(before, after))},
    )
    return found


async def delete_field(session: AsyncSession, principal: Principal, *, field_id: uuid.UUID) -> None:
    """Soft delete: the definition disappears, the key stays reserved, stored values stay."""
    found = await get_field(session, field_id, for_update=True)
    before = audit.snapshot(found)
    found.deleted_at = utcnow()
    await session.flush()
    record_change(
        session,
        action="delete",
        object_type="custom_field",
        object_id=found.id,
        before=before,
        after=audit.snapshot(found),
    )


async def reorder_fields(
    session: AsyncSession, principal: Principal, *, data: CustomFieldReorder
) -> list[CustomField]:
    registry.get(data.object_type, location="body")
    rows = list(
        (
            await session.execute(
                select(CustomField)
                .where(
                    CustomField.object_type == data.object_type, CustomField.deleted_at.is_(None)
                )
                .order_by(CustomField.position, CustomField.created_at)
                .with_for_update()
            )
        ).scalars()
    )
    by_id = {row.id: row for row in rows}
    unknown = [str(i) for i in data.ids if i not in by_id]
    if unknown or len(set(data.ids)) != len(data.ids):
        raise _invalid(["ids"], f"Not fields of this object type (or repeated): {unknown}.")
    ordered = [by_id[i] for i in data.ids] + [r for r in rows if r.id not in set(data.ids)]
    for position, row in enumerate(ordered, start=1):
        if row.position != position:
            row.position = position
    await session.flush()
    record_change(
        session,
        action="reorder",
        object_type="custom_field",
        object_id=None,
        extra={"object_type": data.object_type, "order": [r.key for r in ordered]},
        payload={"object_type": data.object_type},
    )
    return ordered


# --- completeness rules -------------------------------------------------------------------------


async def get_rules(
    session: AsyncSession, principal: Principal, *, object_type: str
) -> CompletenessRulesRead:
    kind = readable_type(principal, object_type)
    config = await field_config.config_for(session, object_type)
    stored = config.rules
    rules = stored if stored is not None else effective_rules(kind, config)
    return CompletenessRulesRead(
        object_type=object_type,
        rules=[CompletenessRuleItem(field=r.field, weight=r.weight) for r in rules],
        is_default=stored is None,
        standard_fields=list(kind.standard_fields),
    )


async def put_rules(
    session: AsyncSession, principal: Principal, *, object_type: str, data: CompletenessRulesUpdate
) -> CompletenessRulesRead:
    kind = registry.get(object_type, location="path")
    config = await field_config.config_for(session, object_type)
    errors = []
    seen: set[str] = set()
    for index, rule in enumerate(data.rules):
        loc = ["body", "rules", str(index), "field"]
        if rule.field in seen:
            errors.append({"loc": loc, "msg": "Named twice.", "type": "value_error"})
        seen.add(rule.field)
        if rule.field.startswith(CUSTOM_PREFIX):
            defn = config.field(rule.field.removeprefix(CUSTOM_PREFIX))
            if defn is None or defn.deleted:
                errors.append({"loc": loc, "msg": "No such custom field.", "type": "value_error"})
        elif rule.field not in kind.standard_fields:
            msg = f"Not a field of {object_type}: use one of {', '.join(kind.standard_fields)}."
            errors.append({"loc": loc, "msg": msg, "type": "value_error"})
    if errors:
        raise ProblemError("Invalid completeness rules.", status=422, errors=errors)
    row = await session.get(CompletenessRule, object_type, with_for_update=True)
    before = [dict(r) for r in row.rules] if row is not None else None
    rules = [r.model_dump() for r in data.rules]
    if row is None:
        row = CompletenessRule(object_type=object_type, rules=rules)
        session.add(row)
    else:
        row.rules = rules
    row.updated_by = principal.user_id
    await session.flush()
    record_change(
        session,
        action="update",
        object_type="completeness_rules",
        object_id=None,
        before={"object_type": object_type, "rules": before},
        after={"object_type": object_type, "rules": rules},
        payload={"object_type": object_type},
    )
    return await get_rules(session, principal, object_type=object_type)
