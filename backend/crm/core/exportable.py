"""The registry of exportable object types.

Core knows no domain: each domain registers what it lets people export (in its ``exports``
module, ``crm/<domain>/exports.py``, which the exports feature loads at start-up): the
columns, the filters its list endpoint takes, and the function that builds the list's scoped,
filtered statement. The export job streams exactly that statement, sorted and keyset-paged as
the list endpoint pages it, so an export never holds a row the caller's list would not.

Columns can be extended at run time: :func:`add_column_provider` appends columns computed per
export (custom fields defined by an administrator, for example).
"""

from __future__ import annotations

import uuid
from collections.abc import Awaitable, Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

from pydantic import BaseModel
from sqlalchemy import Select, select
from sqlalchemy.ext.asyncio import AsyncSession

from crm.core.permissions import Principal

# How a value is written: text cells stay text (a phone number is never turned into a number
# by a spreadsheet), lists are joined, dates and numbers get their cell types in XLSX.
ValueKind = Literal["text", "number", "bool", "date", "datetime", "list"]
LANGUAGES = ("en", "zh-CN")
DEFAULT_LANGUAGE = "en"
ValueGetter = Callable[[Any, Mapping[str, Any]], Any]


@dataclass(frozen=True)
class ExportColumn:
    key: str
    labels: Mapping[str, str]  # language -> header label; "en" at least
    value: ValueGetter  # (row, the batch's prepared context) -> value
    kind: ValueKind = "text"
    default: bool = True  # part of an export that names no columns

    def label(self, language: str) -> str:
        return self.labels.get(language) or self.labels.get(DEFAULT_LANGUAGE) or self.key


def attribute(name: str) -> ValueGetter:
    """The value getter of a plain attribute of the row."""

    def get(row: Any, context: Mapping[str, Any]) -> Any:
        return getattr(row, name)

    return get


def lookup(key: str, labels: Mapping[str, str], names: str, id_attribute: str) -> ExportColumn:
    """A column showing the name of a referenced record: ``context[names]`` (filled once per
    batch by the object type's preparer, e.g. with :func:`names_by_id`) maps the row's
    ``id_attribute`` to it."""

    def value(row: Any, context: Mapping[str, Any]) -> Any:
        return context[names].get(getattr(row, id_attribute))

    return ExportColumn(key, labels, value, "text")


async def names_by_id(
    session: AsyncSession, name_column: Any, id_column: Any, ids: Iterable[uuid.UUID | None]
) -> dict[uuid.UUID, str]:
    """``{id: name}`` of the referenced records of a batch, in one query."""
    wanted = {i for i in ids if i is not None}
    if not wanted:
        return {}
    rows = await session.execute(select(id_column, name_column).where(id_column.in_(wanted)))
    return {row_id: name for row_id, name in rows.all()}


StatementBuilder = Callable[[Principal, Any], Select[Any]]
ColumnProvider = Callable[[AsyncSession], Awaitable[Sequence[ExportColumn]]]
# Runs once per batch before its values are read: looks up what the rows refer to (owner
# names, ...) in one query per batch rather than one per row.
BatchPreparer = Callable[[AsyncSession, Sequence[Any]], Awaitable[Mapping[str, Any]]]


async def _nothing_to_prepare(session: AsyncSession, rows: Sequence[Any]) -> Mapping[str, Any]:
    return {}


@dataclass(frozen=True)
class Exportable:
    object_type: str  # as requested: "customers"
    record_type: str  # as the audit log names one record: "customer"
    labels: Mapping[str, str]  # language -> name of the object type (file names, headers)
    permissions: tuple[str, ...]  # every one is needed to export it
    filters: type[BaseModel]  # the list endpoint's filters (q included), extra="forbid"
    statement: StatementBuilder  # (principal, validated filters) -> scoped, filtered select
    id_column: Any
    sortable: Mapping[str, Any]  # the list endpoint's sort fields
    default_sort: str
    columns: tuple[ExportColumn, ...]
    prepare: BatchPreparer = _nothing_to_prepare
    providers: list[ColumnProvider] = field(default_factory=list)

    def label(self, language: str) -> str:
        return self.labels.get(language) or self.labels.get(DEFAULT_LANGUAGE) or self.object_type

    async def all_columns(self, session: AsyncSession) -> list[ExportColumn]:
        """The registered columns, then every provider's, in order; the first of a key wins."""
        columns = list(self.columns)
        for provider in self.providers:
            columns.extend(await provider(session))
        seen: set[str] = set()
        unique = []
        for column in columns:
            if column.key not in seen:
                seen.add(column.key)
                unique.append(column)
        return unique


_registry: dict[str, Exportable] = {}


def register(exportable: Exportable) -> None:
    assert exportable.object_type not in _registry, f"{exportable.object_type} registered twice"
    _registry[exportable.object_type] = exportable


def add_column_provider(object_type: str, provider: ColumnProvider) -> None:
    """Append dynamic columns (e.g. custom fields) to a registered object type."""
    _registry[object_type].providers.append(provider)


def get(object_type: str) -> Exportable | None:
    return _registry.get(object_type)


def registered() -> dict[str, Exportable]:
    return dict(_registry)
