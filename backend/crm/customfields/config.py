"""What one object type is configured with (field definitions, completeness rules), as plain
frozen values, cached per process.

Every write validates against the definitions and every customer read scores completeness
against the rules, so loading them per request would add a query to every call. Like the
principal cache (identity/principal_cache.py), each process keeps what it loaded for
``field_cache_seconds`` and drops everything the moment a transaction that changed definitions
or rules commits in this process: the process that made the change sees it at once, other
processes within the TTL.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Any

from sqlalchemy import event, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import ORMExecuteState, Session, UOWTransaction

from crm.core import broadcast
from crm.customfields.models import CompletenessRule, CustomField
from crm.settings import get_settings

_CHANGED = "crm.customfields.config_changed"  # session.info flag
_TOPIC = "custom_fields"  # the stale notice other processes hear (core/broadcast.py)
_MODELS = (CustomField, CompletenessRule)
_TABLES = frozenset({CustomField.__tablename__, CompletenessRule.__tablename__})


@dataclass(frozen=True)
class FieldDef:
    key: str
    field_type: str
    options: tuple[str, ...]  # the option values of select / multi_select
    required: bool
    validation: dict[str, Any]
    active: bool
    deleted: bool

    @property
    def writable(self) -> bool:
        return self.active and not self.deleted


@dataclass(frozen=True)
class Rule:
    field: str  # a standard field name, or "cf.<key>"
    weight: int


@dataclass(frozen=True)
class ObjectConfig:
    fields: dict[str, FieldDef]  # every definition, inactive and deleted ones included
    rules: tuple[Rule, ...] | None  # None: none configured (the object type's defaults apply)

    def field(self, key: str) -> FieldDef | None:
        return self.fields.get(key)


def field_def(row: CustomField) -> FieldDef:
    return FieldDef(
        key=row.key,
        field_type=row.field_type,
        options=tuple(str(o["value"]) for o in row.options or ()),
        required=row.required,
        validation=dict(row.validation or {}),
        active=row.active,
        deleted=row.deleted_at is not None,
    )


async def _load(session: AsyncSession, object_type: str) -> ObjectConfig:
    rows = (
        await session.execute(select(CustomField).where(CustomField.object_type == object_type))
    ).scalars()
    rule_row = await session.get(CompletenessRule, object_type)
    rules = (
        tuple(Rule(str(r["field"]), int(r["weight"])) for r in rule_row.rules)
        if rule_row is not None
        else None
    )
    return ObjectConfig(fields={row.key: field_def(row) for row in rows}, rules=rules)


@dataclass(frozen=True)
class _Entry:
    config: ObjectConfig
    expires: float


_entries: dict[str, _Entry] = {}
_generation = 0


def invalidate() -> None:
    """Forget every cached configuration (and any load still in flight)."""
    global _generation
    _generation += 1
    _entries.clear()


async def config_for(session: AsyncSession, object_type: str) -> ObjectConfig:
    ttl = get_settings().field_cache_seconds
    if session.info.get(_CHANGED):
        return await _load(session, object_type)  # this transaction changed it: not cached yet
    now = time.monotonic()
    entry = _entries.get(object_type)
    if ttl > 0 and entry is not None and entry.expires > now and broadcast.caches_may_serve():
        return entry.config
    generation = _generation
    config = await _load(session, object_type)
    if ttl > 0 and generation == _generation:
        _entries[object_type] = _Entry(config, now + ttl)
    return config


# --- invalidation: any committed write to the definitions or the rules -------------------------


@event.listens_for(Session, "after_flush")
def _note_flushed_changes(session: Session, _: UOWTransaction) -> None:
    if any(isinstance(o, _MODELS) for o in (*session.new, *session.dirty, *session.deleted)):
        session.info[_CHANGED] = True


@event.listens_for(Session, "do_orm_execute")
def _note_statements(state: ORMExecuteState) -> None:
    if state.is_insert or state.is_update or state.is_delete:
        table: Any = getattr(state.statement, "table", None)
        if getattr(table, "name", None) in _TABLES:
            state.session.info[_CHANGED] = True


@event.listens_for(Session, "after_commit")
def _invalidate_on_commit(session: Session) -> None:
    if session.info.pop(_CHANGED, False):
        invalidate()
        broadcast.announce(session, _TOPIC)


broadcast.on_stale(_TOPIC, invalidate)


@event.listens_for(Session, "after_rollback")
def _forget_flag_on_rollback(session: Session) -> None:
    session.info.pop(_CHANGED, None)
