"""Custom fields as import fields: one per active definition, cleaned against it exactly as an
API write is (``values.clean_value``), after turning spreadsheet text into the value's form."""

from __future__ import annotations

from typing import Any

import polars as pl
from sqlalchemy.ext.asyncio import AsyncSession

from crm.core.cleaning import parse_date
from crm.core.importable import CleanedColumn, CleanOptions, FieldProvider, ImportField
from crm.customfields import service as customfield_service
from crm.customfields.config import FieldDef, field_def
from crm.customfields.values import clean_value
from crm.imports.columns import (
    blank_to_null,
    map_distinct,
    merge_messages,
    parse_boolean,
    split_list,
)

_DTYPES: dict[str, Any] = {
    "number": pl.Int64,
    "boolean": pl.Boolean,
    "multi_select": pl.List(pl.String),
}
_EXAMPLES = {
    "number": "10",
    "decimal": "12.50",
    "date": "2026-01-31",
    "boolean": "yes",
    "user": "someone@example.com",
}


def _from_text(defn: FieldDef, raw: str, options: CleanOptions) -> Any:
    """The JSON form ``clean_value`` takes, from a cell's text."""
    kind = defn.field_type
    if kind == "date":
        parsed = parse_date(raw, day_first=options.day_first)
        return parsed.isoformat() if parsed else None
    if kind == "boolean":
        return parse_boolean(raw)
    if kind == "number" and raw.endswith(".0"):
        return raw[:-2]  # an integer cell of a spreadsheet read as a float
    if kind == "multi_select":
        return split_list(raw, 200, 100)
    return raw


def custom_cleaner(defn: FieldDef) -> Any:
    def clean(column: pl.Series, options: CleanOptions) -> CleanedColumn:
        values = blank_to_null(column)
        if defn.field_type == "user":  # resolved to user ids by the import engine
            cleaned, errors = values, None
        else:
            cleaned, errors = map_distinct(
                values,
                lambda raw: clean_value(defn, _from_text(defn, raw, options)),
                _DTYPES.get(defn.field_type, pl.String),
            )
        if defn.required:
            missing = pl.select(
                pl.when(values.is_null()).then(pl.lit("Required.")).otherwise(None)
            ).to_series()
            errors = merge_messages([errors, missing])
        return CleanedColumn(cleaned, errors)

    return clean


def import_fields(record_type: str) -> FieldProvider:
    """The provider of an object type's custom import fields, in the administrators' order."""

    async def provider(session: AsyncSession) -> list[ImportField]:
        rows = await customfield_service.active_definitions(session, record_type)
        fields = []
        for row in rows:
            defn = field_def(row)
            en = row.label.get("en") or row.label.get("zh") or row.key
            zh = row.label.get("zh") or en
            fields.append(
                ImportField(
                    key=f"cf.{row.key}",
                    labels={"en": en, "zh-CN": zh},
                    kind=row.field_type,  # type: ignore[arg-type]
                    clean=custom_cleaner(defn),
                    required=row.required,
                    aliases=(row.key,),
                    example=(
                        defn.options[0] if defn.options else _EXAMPLES.get(row.field_type, "")
                    ),
                    options=defn.options,
                )
            )
        return fields

    return provider
