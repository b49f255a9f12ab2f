"""The import engine, generic over :class:`crm.core.importable.Importable` definitions.

From a read table and a mapping (column index -> field key) it builds the cleaned frame: one
column per mapped field (and the columns derived from it), ``_row`` (the spreadsheet's row
number), ``_errors`` (the row is rejected) and ``_warnings``. Duplicates inside the file are
found here, in polars; duplicates of existing records in SQL, on a temporary table the rows are
copied into (:mod:`crm.imports.staging`).
"""

from __future__ import annotations

import contextlib
import re
import unicodedata
import uuid
from collections.abc import Mapping, Sequence
from dataclasses import replace
from typing import Any

import polars as pl
from sqlalchemy import func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from crm.core.cleaning import DateOrder, slash_date_order
from crm.core.importable import CleanOptions, Importable, ImportField, Matcher, Reference
from crm.core.permissions import Principal, readable
from crm.identity.models import User
from crm.identity.service import assignable_user_ids
from crm.imports.columns import merge_messages
from crm.imports.reading import Table

_HINT = re.compile(r"[（(\[【].*?[）)\]】]")  # "电话（必填）", "Phone (required)"
_NOISE = re.compile(r"[\s*:：_\-./]+")
CUSTOM_PREFIX = "cf."
OWNER_FIELD = "owner_id"


def header_key(name: str) -> str:
    """The form header names are compared in: width, case, hints in brackets, required-marks
    and separators do not matter."""
    text = unicodedata.normalize("NFKC", name).casefold()
    return _NOISE.sub("", _HINT.sub("", text))


def suggest_mapping(headers: Sequence[str], fields: Sequence[ImportField]) -> dict[int, str]:
    """Column index -> field key, for the headers that name a field (by key, a label in any
    language, or an alias); each field at most once, the leftmost column winning."""
    names: dict[str, str] = {}
    for item in fields:
        for name in (item.key, *item.labels.values(), *item.aliases):
            names.setdefault(header_key(name), item.key)
    mapping: dict[int, str] = {}
    used: set[str] = set()
    for index, header in enumerate(headers):
        key = names.get(header_key(header))
        if key is not None and key not in used:
            mapping[index] = key
            used.add(key)
    return mapping


def _prefix(messages: pl.Series, label: str) -> pl.Series:
    return (
        pl.DataFrame({"m": messages})
        .select(pl.concat_str([pl.lit(f"{label}: "), pl.col("m")]))
        .to_series()
    )


def clean_table(
    importable: Importable,
    table: Table,
    mapping: Mapping[int, str],
    fields: Sequence[ImportField],
    options: CleanOptions,
    language: str,
    column_problems: list[dict[str, Any]] | None = None,
    date_columns: list[dict[str, Any]] | None = None,
) -> pl.DataFrame:
    """The cleaned frame of ``table`` under ``mapping`` (already checked). Columns most of
    whose values are invalid (mapped to the wrong field?) are noted in ``column_problems``,
    date columns whose ``05/03/2024`` dates need an order in ``date_columns``."""
    by_key = {f.key: f for f in fields}
    columns: dict[str, pl.Series] = {"_row": table.data["_row"]}
    errors: list[pl.Series | None] = []
    warnings: list[pl.Series | None] = []
    for index, key in sorted(mapping.items()):
        item = by_key[key]
        label = item.label(language)
        column_options = options
        if item.kind == "date":
            column_options = _date_column_options(table, index, label, options, date_columns)
        cleaned = item.clean(table.data[f"c{index}"], column_options)
        columns[key] = cleaned.values.alias(key)
        for suffix, series in cleaned.derived.items():
            columns[f"{key}_{suffix}"] = series.alias(f"{key}_{suffix}")
        if column_problems is not None and cleaned.errors is not None:
            problem = _column_problem(table, index, label, cleaned.errors)
            if problem is not None:
                column_problems.append(problem)
        errors.append(_prefix(cleaned.errors, label) if cleaned.errors is not None else None)
        warnings.append(_prefix(cleaned.warnings, label) if cleaned.warnings is not None else None)
    frame = pl.DataFrame(columns)
    frame = importable.derive(frame, options)
    none = pl.Series([None] * frame.height, dtype=pl.String)
    return frame.with_columns(
        _errors=merge_messages(errors) if any(e is not None for e in errors) else none,
        _warnings=merge_messages(warnings) if any(w is not None for w in warnings) else none,
    )


def _date_column_options(
    table: Table,
    index: int,
    label: str,
    options: CleanOptions,
    date_columns: list[dict[str, Any]] | None,
) -> CleanOptions:
    """The options a date column is cleaned with: the order the user chose (for this column,
    else for the file), else the one the column's own values settle, else none (its dates
    that read two ways are rejected: a silent guess swaps day and month). A column whose
    values need an order is reported, with what they showed and the order applied."""
    chosen = options.date_orders.get(index, options.day_first)
    detected = slash_date_order(table.data[f"c{index}"].drop_nulls().unique().to_list())
    if detected is None:  # no date that reads two ways
        return options
    settled = {DateOrder.DAY_FIRST: True, DateOrder.MONTH_FIRST: False}.get(detected)
    day_first = settled if chosen is None else chosen
    if date_columns is not None:
        date_columns.append(
            {
                "column": index,
                "header": table.headers[index],
                "field": label,
                "detected": detected.value,
                "order": None if day_first is None else _ORDER_NAMES[day_first],
                "needs_choice": day_first is None,
            }
        )
    return replace(options, day_first=day_first)


_ORDER_NAMES = {True: DateOrder.DAY_FIRST.value, False: DateOrder.MONTH_FIRST.value}


# A column is suspicious when at least this share of its non-empty cells is invalid.
GARBAGE_SHARE = 0.5


def _column_problem(
    table: Table, index: int, label: str, errors: pl.Series
) -> dict[str, Any] | None:
    filled = int(table.data[f"c{index}"].drop_nulls().len())
    failed = int(errors.is_not_null().sum())
    if filled == 0 or failed < max(1, GARBAGE_SHARE * filled):
        return None
    header = table.headers[index]
    return {
        "column": index,
        "header": header,
        "field": label,
        "invalid": failed,
        "filled": filled,
        "message": (
            f"{failed:,} of the {filled:,} values of column '{header}' are not valid "
            f"{label} values: is it mapped to the right field?"
        ),
    }


def add_errors(frame: pl.DataFrame, messages: pl.Series) -> pl.DataFrame:
    """Append more per-row errors (null where none) to ``_errors``."""
    merged = merge_messages([frame["_errors"], messages])
    assert merged is not None
    return frame.with_columns(_errors=merged)


def _matched_in_file(frame: pl.DataFrame, importable: Importable, matcher: Matcher) -> pl.DataFrame:
    """``_dup_row`` / ``_dup_reason`` decided by the importable's matcher. Only the valid rows
    sharing a match key value with another one are compared (the blocking): a file of new
    records costs one pass of polars."""
    valid = pl.col("_errors").is_null()
    keys = [k.column for k in importable.match_keys if k.column in frame.columns]
    shared = [pl.col(c).is_not_null() & pl.col(c).is_duplicated() for c in keys]
    columns = [c for c in matcher.columns if c in frame.columns]
    candidates = (
        frame.filter(valid)
        .filter(pl.any_horizontal(shared) if shared else pl.lit(False))
        .select("_row", *columns)
        .sort("_row")
    )
    rows = candidates.to_dicts()
    links = matcher.link_rows(rows)
    found = pl.DataFrame(
        {
            "_row": [rows[i]["_row"] for i in links],
            "_dup_row": [rows[first]["_row"] for first, _ in links.values()],
            "_dup_reason": [reason for _, reason in links.values()],
        },
        schema={"_row": frame.schema["_row"], "_dup_row": pl.Int64, "_dup_reason": pl.String},
    )
    return frame.join(found, on="_row", how="left", maintain_order="left")


def in_file_duplicates(frame: pl.DataFrame, importable: Importable) -> pl.DataFrame:
    """``_dup_row`` / ``_dup_reason``: the earlier row of the file a valid row repeats (same
    value of a match key, or as the importable's matcher decides), null for first
    occurrences."""
    if importable.matcher is not None:
        return _matched_in_file(frame, importable, importable.matcher)
    valid = pl.col("_errors").is_null()
    dup_row = pl.lit(None, dtype=pl.Int64)
    reason = pl.lit(None, dtype=pl.String)
    for key in reversed(importable.match_keys):  # the first key wins: applied last
        if key.column not in frame.columns:
            continue
        eligible = valid & pl.col(key.column).is_not_null()
        if key.skip_when is not None and key.skip_when[0] in frame.columns:
            column, value = key.skip_when
            eligible = eligible & (pl.col(column).fill_null("") != value)
        first = (
            pl.when(eligible).then(pl.col("_row")).otherwise(None).min().over(pl.col(key.column))
        )
        repeats = eligible & (first < pl.col("_row"))
        dup_row = pl.when(repeats).then(first).otherwise(dup_row)
        reason = pl.when(repeats).then(pl.lit(key.reason)).otherwise(reason)
    return frame.with_columns(_dup_row=dup_row, _dup_reason=reason)


def _resolved(
    frame: pl.DataFrame,
    item: ImportField,
    ids: Mapping[str, Any],
    problems: Mapping[str, str],
    language: str,
) -> pl.DataFrame:
    """The field's cells replaced by the ids they resolved to, and the rows whose cell did
    not resolve given the reason as an error."""
    resolved = frame[item.key].replace_strict(
        list(ids), [str(v) for v in ids.values()], default=None, return_dtype=pl.String
    )
    messages = frame[item.key].replace_strict(
        list(problems), list(problems.values()), default=None, return_dtype=pl.String
    )
    frame = frame.with_columns(resolved.alias(item.key))
    return add_errors(frame, _prefix(messages, item.label(language)))


async def resolve_users(
    session: AsyncSession,
    principal: Principal,
    importable: Importable,
    frame: pl.DataFrame,
    fields: Sequence[ImportField],
    language: str,
) -> pl.DataFrame:
    """Replace the cells of user fields (an e-mail address or a full name) by user ids; a
    user nobody matches, a name several users share, or an owner outside the importer's data
    scope is an error of the row."""
    for item in fields:
        if item.kind != "user" or item.key not in frame.columns:
            continue
        wanted = frame[item.key].drop_nulls().unique().to_list()
        ids, problems = await _match_users(session, wanted)
        if item.key == OWNER_FIELD:
            allowed = await assignable_user_ids(
                session, principal, list(ids.values()), resource=importable.model.__scope_resource__
            )
            for value, user_id in list(ids.items()):
                if user_id not in allowed:
                    del ids[value]
                    problems[value] = f"'{value}' is outside your data scope."
        frame = _resolved(frame, item, ids, problems, language)
    return frame


async def resolve_references(
    session: AsyncSession,
    principal: Principal,
    frame: pl.DataFrame,
    fields: Sequence[ImportField],
    language: str,
) -> pl.DataFrame:
    """Replace the cells of reference fields (a record's id or name) by the id of the one
    record the importer may see that they name; none or several is an error of the row."""
    for item in fields:
        if item.reference is None or item.key not in frame.columns:
            continue
        wanted = frame[item.key].drop_nulls().unique().to_list()
        ids, problems = await _match_records(session, principal, item.reference, wanted)
        frame = _resolved(frame, item, ids, problems, language)
    return frame


async def _match_records(
    session: AsyncSession, principal: Principal, reference: Reference, wanted: list[str]
) -> tuple[dict[str, Any], dict[str, str]]:
    if not wanted:
        return {}, {}
    model = reference.model
    by_id: dict[str, uuid.UUID] = {}
    for value in wanted:
        with contextlib.suppress(ValueError):  # not an id: a name
            by_id[value] = uuid.UUID(value)
    names = [v for v in wanted if v not in by_id]
    keys = {v: reference.normalize(v) if reference.normalize else v for v in names}
    name_column = getattr(model, reference.normalized_column or reference.name_column)
    stmt = readable(select(model.id, name_column), model, principal).where(
        or_(model.id.in_(list(by_id.values())), name_column.in_(list(keys.values())))
    )
    found = (await session.execute(stmt)).all()
    ids_seen = {row_id for row_id, _ in found}
    by_name: dict[str, list[Any]] = {}
    for row_id, name in found:
        by_name.setdefault(name, []).append(row_id)
    ids: dict[str, Any] = {}
    problems: dict[str, str] = {}
    for value in wanted:
        if value in by_id:
            if by_id[value] in ids_seen:
                ids[value] = by_id[value]
            else:
                problems[value] = f"No record {value} that you can see."
            continue
        matches = by_name.get(keys[value], [])
        if len(matches) == 1:
            ids[value] = matches[0]
        elif matches:
            problems[value] = f"Several records are named '{value}'; give its id instead."
        else:
            problems[value] = f"Nothing named '{value}' that you can see."
    return ids, problems


async def _match_users(
    session: AsyncSession, wanted: list[str]
) -> tuple[dict[str, Any], dict[str, str]]:
    if not wanted:
        return {}, {}
    lowered = {w.casefold(): w for w in wanted}
    rows = (
        await session.execute(
            select(User.id, User.email, User.full_name).where(
                User.is_active.is_(True),
                User.deleted_at.is_(None),
                or_(func.lower(User.email).in_(list(lowered)), User.full_name.in_(wanted)),
            )
        )
    ).all()
    by_email = {email.casefold(): uid for uid, email, _ in rows}
    by_name: dict[str, list[Any]] = {}
    for uid, _, name in rows:
        by_name.setdefault(name, []).append(uid)
    ids: dict[str, Any] = {}
    problems: dict[str, str] = {}
    for value in wanted:
        if value.casefold() in by_email:
            ids[value] = by_email[value.casefold()]
        elif len(by_name.get(value, [])) == 1:
            ids[value] = by_name[value][0]
        elif by_name.get(value):
            problems[value] = f"Several users are named '{value}'; use their e-mail address."
        else:
            problems[value] = f"No active user '{value}'."
    return ids, problems
