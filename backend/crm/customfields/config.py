"""What one object type is configured with (field definitions, completeness rules), as plain
frozen values, cached per process.

Every write validates against the definitions and every customer read scores completeness
against the rules, so loading them per request would add a query to every call. Like the
principal cache, it is a :class:`crm.core.cache.CommitInvalidatedCache`: each process keeps
what it loaded for ``field_cache_seconds`` and drops everything the moment a transaction that
changed definitions or rules commits (in this process at once, in the others when they hear
the stale notice it publishes; see core/cache.py), and a transaction that changed them reads
its own writes.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from crm.core.cache import CommitInvalidatedCache
from crm.customfields.models import CompletenessRule, CustomField
from crm.settings import get_settings


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


# Keyed by object type; the generation check and the invalidation on commit live in core.
_cache: CommitInvalidatedCache[str, ObjectConfig] = CommitInvalidatedCache(
    "custom_fields",  # also the topic of the stale notices other processes hear
    flushed=(CustomField, CompletenessRule),
    statements_on=(CustomField.__tablename__, CompletenessRule.__tablename__),
    ttl=lambda: get_settings().field_cache_seconds,
)


def invalidate() -> None:
    """Forget every cached configuration (and any load still in flight)."""
    _cache.invalidate()


async def config_for(session: AsyncSession, object_type: str) -> ObjectConfig:
    config = await _cache.get(session, object_type, lambda: _load(session, object_type))
    assert config is not None  # _load always builds one
    return config
