"""The registry of importable object types.

Core knows no domain: each domain registers what can be imported into it (in its ``imports``
module, ``crm/<domain>/imports.py``, which the imports feature loads at start-up): the fields a
file's columns can be mapped to, each with a column-wise cleaner, the stored columns derived
from them, the keys duplicates are matched on, and where the rows go. The import engine
(``crm/imports``) is generic over these definitions: a new object type plugs in by registering
one, with no importer code of its own.

Fields can be extended at run time: :func:`add_field_provider` appends fields computed per
import (custom fields defined by an administrator, for example).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

import polars as pl
from sqlalchemy.ext.asyncio import AsyncSession

LANGUAGES = ("en", "zh-CN")
DEFAULT_LANGUAGE = "en"
# What a field holds, for the template's example row and the mapping screen.
FieldKind = Literal[
    "text",
    "phone",
    "email",
    "date",
    "number",
    "decimal",
    "boolean",
    "select",
    "multi_select",
    "list",
    "user",
    "reference",
]


@dataclass(frozen=True)
class CleanedColumn:
    """A cleaned column: ``values`` (null where empty or rejected), and per row an error
    (the row is rejected) or a warning (the row goes in, with a note), null where none."""

    values: pl.Series
    errors: pl.Series | None = None
    warnings: pl.Series | None = None
    # Stored columns computed from this one on the way (the E.164 form of a phone ...).
    derived: Mapping[str, pl.Series] = field(default_factory=dict)


# (the column as read: strings, null where empty; the import's options) -> cleaned column.
ColumnCleaner = Callable[[pl.Series, "CleanOptions"], CleanedColumn]


@dataclass(frozen=True)
class CleanOptions:
    phone_region: str  # default region of national phone numbers
    # 05/03/2024 is 5 March (True), May 3 (False), or not known (None: each date column's
    # values decide, and a date whose two readings differ is rejected until the user chooses).
    day_first: bool | None
    # Column index -> the order the user chose for that column, over ``day_first``.
    date_orders: Mapping[int, bool] = field(default_factory=dict)


@dataclass(frozen=True)
class Reference:
    """A field naming another record: its id, or its name (exact, or normalised through
    ``normalize`` into ``normalized_column``), among the records the importer may see."""

    model: Any
    name_column: str = "name"
    normalized_column: str | None = None
    normalize: Callable[[str], str] | None = None


@dataclass(frozen=True)
class ImportField:
    key: str  # the target: a standard field ("name") or a custom one ("cf.level")
    labels: Mapping[str, str]  # language -> header label; "en" at least
    kind: FieldKind
    clean: ColumnCleaner
    required: bool = False
    # Other header names that mean this field (old CRMs' and spreadsheets' usual names).
    aliases: tuple[str, ...] = ()
    example: str = ""  # the template's sample value
    options: tuple[str, ...] = ()  # allowed values of select fields, for the mapping screen
    reference: Reference | None = None  # for kind "reference": what it names

    def label(self, language: str) -> str:
        return self.labels.get(language) or self.labels.get(DEFAULT_LANGUAGE) or self.key


@dataclass(frozen=True)
class MatchKey:
    """A stored column that identifies a duplicate when equal (normalised phone, e-mail ...)."""

    reason: str  # as the duplicate report names it: "phone", "email", "name"
    column: str
    # (column, value): rows holding this value are not matched on this key (a person's name
    # is no evidence of a duplicate: ("kind", "person")).
    skip_when: tuple[str, str] | None = None


@dataclass(frozen=True)
class Matcher:
    """Duplicates decided from all the evidence of a pair of records, instead of one equal key
    (customers: crm.customers.dedupe.scoring). The match keys then only find the candidates."""

    columns: tuple[str, ...]  # what it compares: columns of the cleaned rows and of the model
    # Rows in file order -> {index of a duplicate row: (index of the earlier row it repeats,
    # reason)}; every duplicate must repeat that row itself, not a chain of rows.
    link_rows: Callable[[Sequence[Mapping[str, Any]]], Mapping[int, tuple[int, str]]]
    # (a staged row, an existing record) -> (weight, reason) when they are one, else None.
    compare: Callable[[Mapping[str, Any], Mapping[str, Any]], tuple[float, str] | None]


FieldProvider = Callable[[AsyncSession], Awaitable[Sequence[ImportField]]]
# Adds the stored columns derived from the cleaned fields (E.164 phone, normalised name ...).
Deriver = Callable[[pl.DataFrame, CleanOptions], pl.DataFrame]


def _no_derived_columns(frame: pl.DataFrame, options: CleanOptions) -> pl.DataFrame:
    return frame


@dataclass(frozen=True)
class Importable:
    object_type: str  # as requested: "customers"
    record_type: str  # as one record is named in events and the audit log: "customer"
    labels: Mapping[str, str]
    permissions: tuple[str, ...]  # every one is needed to import
    read_permission: str  # enough to download the template (it shows the fields only)
    model: Any  # the SQLAlchemy model rows are inserted into (owned: owner_id / department_id)
    fields: tuple[ImportField, ...]
    match_keys: tuple[MatchKey, ...]
    # Model columns an "update existing" decision may overwrite -> the field whose cell must be
    # non-empty for it to (a derived column follows its source: phone_e164 follows phone).
    updatable: Mapping[str, str]
    derive: Deriver = _no_derived_columns
    matcher: Matcher | None = None
    # Rows without an owner column value belong to the importer (True), or to nobody (False:
    # leads go to the pool, where the assignment rules pick them up).
    importer_owns: bool = True
    providers: list[FieldProvider] = field(default_factory=list)

    def label(self, language: str) -> str:
        return self.labels.get(language) or self.labels.get(DEFAULT_LANGUAGE) or self.object_type

    async def all_fields(self, session: AsyncSession) -> list[ImportField]:
        """The registered fields, then every provider's, in order; the first of a key wins."""
        fields = list(self.fields)
        for provider in self.providers:
            fields.extend(await provider(session))
        seen: set[str] = set()
        unique = []
        for item in fields:
            if item.key not in seen:
                seen.add(item.key)
                unique.append(item)
        return unique


_registry: dict[str, Importable] = {}


def register(importable: Importable) -> None:
    assert importable.object_type not in _registry, f"{importable.object_type} registered twice"
    _registry[importable.object_type] = importable


def add_field_provider(object_type: str, provider: FieldProvider) -> None:
    _registry[object_type].providers.append(provider)


def get(object_type: str) -> Importable | None:
    return _registry.get(object_type)


def registered() -> Mapping[str, Importable]:
    return dict(_registry)


def labels(en: str, zh: str) -> dict[str, Any]:
    return {"en": en, "zh-CN": zh}
