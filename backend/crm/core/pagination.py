"""Keyset (cursor) pagination: ``{items, next_cursor, total}`` with ``limit``, ``cursor``,
``sort``, ``q`` and ``with_total``.

A cursor carries the sort field and the last row's (value, id), so a deep page costs the same
index range scan as the first one.
"""

from __future__ import annotations

import base64
import functools
import json
import uuid
from collections.abc import Callable, Hashable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Annotated, Any, Generic, TypeVar

import asyncpg
import orjson
from fastapi import Depends, Query, Response
from pydantic import AliasChoices, BaseModel
from pydantic.fields import FieldInfo
from sqlalchemy import ColumnElement, Index, Select, bindparam, func, select, tuple_
from sqlalchemy.ext.asyncio import AsyncSession

from crm.core.compiled import compiled_for
from crm.core.errors import ProblemError, field_error
from crm.core.permissions import Principal

T = TypeVar("T")
DEFAULT_LIMIT = 50
MAX_LIMIT = 200


class Page(BaseModel, Generic[T]):
    items: list[T]
    next_cursor: str | None = None
    total: int | None = None


# A field name, or cf.<key> for a custom field; which names a list sorts by it says
# in its 400 (they differ per list and, with custom fields, per deployment).
SORT_PATTERN = r"^-?[a-z][a-z0-9_]*(\.[a-z][a-z0-9_]*)?$"


@dataclass(frozen=True)
class PageParams:
    limit: int
    cursor: str | None
    sort: str | None
    q: str | None
    with_total: bool


# async: a plain `def` dependency would run in the thread pool, a thread hop on every list call.
async def _page_params(
    limit: Annotated[int, Query(ge=1, le=MAX_LIMIT, description="Page size")] = DEFAULT_LIMIT,
    cursor: Annotated[str | None, Query(max_length=1000, description="From next_cursor")] = None,
    sort: Annotated[
        str | None,
        Query(
            max_length=50,
            pattern=SORT_PATTERN,
            description="Field to sort by; prefix - for descending",
        ),
    ] = None,
    q: Annotated[str | None, Query(max_length=200, description="Search text")] = None,
    with_total: Annotated[bool, Query(description="Also count all matching rows")] = False,
) -> PageParams:
    q = q.strip() if q else None
    return PageParams(limit=limit, cursor=cursor, sort=sort, q=q or None, with_total=with_total)


PageParamsDep = Annotated[PageParams, Depends(_page_params)]


def contains_pattern(q: str) -> str:
    """The LIKE pattern of a partial match of ``q``, taking ``%``, ``_`` and ``\\`` in the
    search text literally (a search for "50%" must not match "500")."""
    escaped = q.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def text_like(column: Any, pattern: Any) -> ColumnElement[bool]:
    """Case-insensitive match of ``column`` against a :func:`contains_pattern` (a string or a
    bind parameter carrying one).

    Written ``lower(column) LIKE lower(pattern)`` rather than ``ILIKE``: the same match, but
    PostgreSQL's ILIKE on multibyte text costs several times more per row checked (the trigram
    index's recheck, or a walk along a sort index), and a column searched at scale is indexed
    by :func:`lower_trigram_index`, which only this form can use. The pattern is lower-cased
    by PostgreSQL, as the column is (Python's str.lower differs on a few letters).
    """
    return func.lower(column).like(func.lower(pattern), escape="\\")


def text_contains(column: Any, q: str) -> ColumnElement[bool]:
    """Case-insensitive partial match of ``q`` in ``column`` (see :func:`text_like`)."""
    return text_like(column, contains_pattern(q))


def lower_trigram_index(name: str, column: Any) -> Index:
    """The trigram index that serves :func:`text_contains` on ``column`` (on ``lower(column)``).

    Where the table is large, the migration creating it also raises the expression's statistics
    target (``ALTER INDEX .. ALTER COLUMN 1 SET STATISTICS 1000``), so that the planner tells
    rare terms, for which this index is the way in, from common ones, for which a sort index is.
    """
    label = f"{column.key}_lower"
    return Index(
        name,
        func.lower(column).label(label),
        postgresql_using="gin",
        postgresql_ops={label: "gin_trgm_ops"},
    )


def _bad(param: str, msg: str) -> ProblemError:
    return ProblemError(
        msg, status=400, errors=[{**field_error(param, msg), "loc": ["query", param]}]
    )


def _encode_value(value: Any) -> Any:
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, uuid.UUID | Decimal):
        return str(value)
    if isinstance(value, list):
        return [_encode_value(v) for v in value]
    return value


def _decode_value(raw: Any, python_type: type) -> Any:
    if raw is None:
        # Sort columns are NOT NULL (see paginate), so no genuine cursor carries a null.
        raise ValueError("a cursor value cannot be null")
    if python_type is bool:
        if not isinstance(raw, bool):
            raise ValueError("not a boolean")
        return raw
    if python_type is datetime:
        return datetime.fromisoformat(raw)
    if python_type is date:
        return date.fromisoformat(raw)
    if python_type is uuid.UUID:
        return uuid.UUID(raw)
    if python_type is Decimal:
        return Decimal(raw)
    return python_type(raw)


def encode_cursor(sort: str, value: Any, row_id: uuid.UUID) -> str:
    raw = json.dumps([sort, _encode_value(value), str(row_id)], separators=(",", ":"))
    return base64.urlsafe_b64encode(raw.encode()).decode().rstrip("=")


def _decode_cursor(cursor: str, sort: str) -> tuple[Any, uuid.UUID]:
    """The raw (JSON) sort value(s) and the row id a cursor carries."""
    try:
        padded = cursor + "=" * (-len(cursor) % 4)
        cursor_sort, raw_value, raw_id = json.loads(base64.urlsafe_b64decode(padded))
        if cursor_sort != sort:
            raise ValueError("sort changed")
        return raw_value, uuid.UUID(raw_id)
    except (ValueError, TypeError, json.JSONDecodeError) as exc:
        raise _bad("cursor", "The cursor is invalid or belongs to another sort order.") from exc


def decode_cursor(cursor: str, sort: str, python_type: type) -> tuple[Any, uuid.UUID]:
    """The (value, id) of a cursor made by :func:`encode_cursor` for ``sort``; 400 otherwise.
    For collections that page on their own (e.g. a stream merged from two tables)."""
    raw, last_id = _decode_cursor(cursor, sort)
    return _decode_part(raw, python_type), last_id


@dataclass(frozen=True)
class SortExpression:
    """A sort key that is not one plain column, e.g. a value inside a JSONB document that may
    be missing: several NOT NULL expressions compared as a row (``(missing, coalesced value)``),
    their Python types (to decode a cursor), and how to compute the same values from a loaded
    row (to encode one). Keyset paging stays exact as long as ``values_of`` agrees with SQL."""

    parts: tuple[Any, ...]
    python_types: tuple[type, ...]
    values_of: Callable[[Any], tuple[Any, ...]]


@dataclass(frozen=True)
class SortSpec:
    key: str  # as given, e.g. "-updated_at"
    column: Any  # a NOT NULL column, or a SortExpression
    descending: bool

    @property
    def parts(self) -> tuple[Any, ...]:
        if isinstance(self.column, SortExpression):
            return self.column.parts
        return (self.column,)

    def decode(self, cursor: str) -> tuple[tuple[Any, ...], uuid.UUID]:
        if isinstance(self.column, SortExpression):
            types = self.column.python_types
            raw, last_id = _decode_cursor(cursor, self.key)
            if not isinstance(raw, list) or len(raw) != len(types):
                raise _bad("cursor", "The cursor is invalid or belongs to another sort order.")
            return tuple(_decode_part(v, t) for v, t in zip(raw, types, strict=True)), last_id
        raw, last_id = _decode_cursor(cursor, self.key)
        return (_decode_part(raw, self.column.type.python_type),), last_id

    def encode(self, row: Any, row_id: uuid.UUID) -> str:
        if isinstance(self.column, SortExpression):
            return encode_cursor(self.key, list(self.column.values_of(row)), row_id)
        return encode_cursor(self.key, _field(row, self.column.key), row_id)


def _decode_part(raw: Any, python_type: type) -> Any:
    try:
        return _decode_value(raw, python_type)
    except (ValueError, TypeError, ArithmeticError) as exc:
        raise _bad("cursor", "The cursor is invalid or belongs to another sort order.") from exc


def resolve_sort(sort: str | None, sortable: Mapping[str, Any], default: str) -> SortSpec:
    key = sort or default
    name = key.removeprefix("-")
    if name not in sortable:
        allowed = ", ".join(sorted(sortable))
        raise _bad("sort", f"Cannot sort by '{name}'. Sortable fields: {allowed}.")
    return SortSpec(key=key, column=sortable[name], descending=key.startswith("-"))


# Names of the bind parameters a page statement adds (see Compiled).
PAGE_LIMIT = "page_limit"
CURSOR_ID = "cursor_id"


def _cursor_bind(index: int) -> str:
    return f"cursor_{index}"


def _page_values(
    params: PageParams, spec: SortSpec
) -> tuple[dict[str, Any], tuple[tuple[Any, ...], uuid.UUID] | None]:
    """The bound values of a page statement (limit, cursor position) and the decoded cursor."""
    values: dict[str, Any] = {PAGE_LIMIT: params.limit + 1}
    if not params.cursor:
        return values, None
    after = spec.decode(params.cursor)
    sort_values, last_id = after
    values.update({_cursor_bind(i): value for i, value in enumerate(sort_values)})
    values[CURSOR_ID] = last_id
    return values, after


def _page_statement(
    stmt: Select[Any],
    spec: SortSpec,
    id_column: Any,
    after: tuple[tuple[Any, ...], uuid.UUID] | None,
    limit: int,
) -> Select[Any]:
    """``stmt`` narrowed to the page after the cursor position ``after``, in sort order, one
    row over the limit (that extra row says whether a next page exists). The position and the
    limit are named bind parameters (see :class:`Compiled`)."""
    parts = spec.parts
    if after is not None:
        sort_values, last_id = after
        keyset = tuple_(*parts, id_column)
        position = tuple_(
            *(
                bindparam(_cursor_bind(i), value, type_=part.type)
                for i, (part, value) in enumerate(zip(parts, sort_values, strict=True))
            ),
            bindparam(CURSOR_ID, last_id, type_=id_column.type),
        )
        stmt = stmt.where(keyset < position if spec.descending else keyset > position)
    order = [p.desc() for p in (*parts, id_column)] if spec.descending else [*parts, id_column]
    return stmt.order_by(*order).limit(bindparam(PAGE_LIMIT, limit + 1))


async def _count(session: AsyncSession, stmt: Select[Any]) -> int:
    count_stmt = select(func.count()).select_from(stmt.order_by(None).subquery())
    return int((await session.execute(count_stmt)).scalar_one())


def _field(row: Any, key: str) -> Any:
    # asyncpg's records (the compiled path) are read by key; rows and instances by attribute.
    return row[key] if isinstance(row, asyncpg.Record) else getattr(row, key)


def _cut(
    rows: Sequence[Any], params: PageParams, spec: SortSpec, id_column: Any
) -> tuple[Sequence[Any], str | None]:
    if len(rows) <= params.limit:
        return rows, None
    rows = rows[: params.limit]
    last = rows[-1]
    return rows, spec.encode(last, _field(last, id_column.key))


@dataclass(frozen=True)
class Compiled:
    """The compiled fast path of :func:`paginate`, for the hottest lists: the page statement
    is built and compiled once per principal, ``key`` and page shape (see
    :mod:`crm.core.compiled`), and a request only binds ``values``.

    The statement given to :func:`paginate` is then a builder (called only on a compile)
    making the filtered, scoped statement of :func:`select_columns` with the request's values
    as named bind parameters; ``values`` holds those values by name, and ``key`` must tell
    apart every statement the builder can make (which filters are given)."""

    principal: Principal
    key: Hashable
    values: Mapping[str, Any]


StatementSource = Select[Any] | Callable[[], Select[Any]]


def _statement(stmt: StatementSource) -> Select[Any]:
    return stmt if isinstance(stmt, Select) else stmt()


async def paginate(
    session: AsyncSession,
    stmt: StatementSource,
    *,
    params: PageParams,
    id_column: Any,
    sortable: Mapping[str, Any],
    default_sort: str = "-created_at",
    compiled: Compiled | None = None,
) -> tuple[Sequence[Any], str | None, int | None]:
    """Run ``stmt`` (already filtered and scoped) one page at a time: the one paging engine.

    ``stmt`` selects either one ORM entity (the page holds model instances) or plain columns
    (the page holds rows; see :func:`select_columns` and :func:`page_response`); it may be a
    builder of the statement, called when needed. ``compiled`` takes the compiled fast path
    (see :class:`Compiled`); the rows are then asyncpg records, in the statement's column
    order. Sortable columns (and the parts of a :class:`SortExpression`) must be NOT NULL: the
    keyset comparison on (value, id) relies on it.
    """
    spec = resolve_sort(params.sort, sortable, default_sort)
    # Rare shapes (a count, a custom field's sort) take the general path even when compiled.
    if (
        compiled is not None
        and not params.with_total
        and not isinstance(spec.column, SortExpression)
    ):
        return await _compiled_page(session, stmt, compiled, params, spec, id_column)
    stmt = _statement(stmt)
    total = await _count(session, stmt) if params.with_total else None
    after = spec.decode(params.cursor) if params.cursor else None
    page = _page_statement(stmt, spec, id_column, after, params.limit)
    rows: Sequence[Any]
    if stmt.get_execution_options().get(_PLAIN_ROWS):
        # select_columns: the connection returns the rows without the ORM's row loading
        # (about a tenth of a list request's time in Python).
        rows = (await (await session.connection()).execute(page)).all()
    else:
        rows = (await session.execute(page)).all()
        if rows and len(rows[0]) == 1 and hasattr(rows[0][0], "__mapper__"):
            rows = [row[0] for row in rows]  # one ORM entity per row: the page holds instances
    rows, next_cursor = _cut(rows, params, spec, id_column)
    return rows, next_cursor, total


async def _compiled_page(
    session: AsyncSession,
    stmt: StatementSource,
    compiled: Compiled,
    params: PageParams,
    spec: SortSpec,
    id_column: Any,
) -> tuple[Sequence[Any], str | None, int | None]:
    page_values, after = _page_values(params, spec)
    query = compiled_for(
        compiled.principal,
        ("page", compiled.key, spec.key, after is not None),
        lambda: _page_statement(_statement(stmt), spec, id_column, after, params.limit),
        session.get_bind().dialect,
    )
    rows = await query.fetch(session, {**compiled.values, **page_values})
    rows_on_page, next_cursor = _cut(rows, params, spec, id_column)
    return rows_on_page, next_cursor, None


def _column_name(field: FieldInfo, name: str, table: Any) -> str | None:
    """The table column a schema field reads: its own name, or the first of its validation
    aliases that is a column (``custom_fields`` reads ``custom``); None for a computed field."""
    candidates = [name]
    alias = field.validation_alias
    if isinstance(alias, str):
        candidates.insert(0, alias)
    elif isinstance(alias, AliasChoices):
        candidates[:0] = [a for a in alias.choices if isinstance(a, str)]
    return next((c for c in candidates if c in table.c), None)


@functools.cache
def _row_shape(schema: type[BaseModel], table: Any) -> tuple[tuple[str, str], ...]:
    """(JSON key, column name) of every schema field a table column holds."""
    pairs = []
    for name, field in schema.model_fields.items():
        column = _column_name(field, name, table)
        if column is not None:
            pairs.append((name, column))
    return tuple(pairs)


# Execution option marking a select_columns statement (see paginate).
_PLAIN_ROWS = "crm_plain_rows"


@functools.cache  # a Select is immutable: every list request narrows the same one
def select_columns(schema: type[BaseModel], model: Any) -> Select[Any]:
    """``SELECT`` of exactly the ``model`` columns that ``schema`` exposes, for list routes.

    A list page read as plain rows and written straight to JSON costs a fraction of loading
    ORM instances and validating a pydantic model per row (the list routes are the hottest
    path of the API). The columns come from the schema, so the JSON carries exactly its
    fields (see :func:`page_response`); the response model still documents the route. Rows
    carry the columns under their own names, as a model instance would (``row.custom``).
    """
    table = model.__table__
    columns = (table.c[column] for _, column in _row_shape(schema, table))
    # The mark survives .where() / .order_by(): paginate reads such pages as plain rows.
    return select(*columns).execution_options(**{_PLAIN_ROWS: True})


# Computes the fields no column holds from an item's JSON fields (those the columns gave).
RowExtra = Callable[[dict[str, Any]], Mapping[str, Any]]


def row_items(
    rows: Sequence[Any], schema: type[BaseModel], model: Any, *, computed: RowExtra | None = None
) -> list[dict[str, Any]]:
    """Rows of :func:`select_columns` of ``schema`` as its JSON items (keyed by its field
    names). ``computed`` adds the fields no column holds (a completeness score)."""
    # select_columns selected the columns in the shape's order: row positions match its keys.
    keys = [key for key, _ in _row_shape(schema, model.__table__)]
    items = []
    for row in rows:
        item = dict(zip(keys, row, strict=True))
        if computed is not None:
            item.update(computed(item))
        items.append(item)
    return items


def json_response(body: Any) -> Response:
    """``body`` (database values: UUIDs, decimals, datetimes) written as JSON the way the
    response models' serialiser writes them (UUIDs and decimals as strings, datetimes in
    ISO 8601 with ``Z`` for UTC), at a tenth of its cost."""
    # asyncpg's UUID is a subclass of uuid.UUID, which orjson hands to `default`.
    content = orjson.dumps(body, default=str, option=orjson.OPT_UTC_Z)
    return Response(content=content, media_type="application/json")


def page_response(
    result: tuple[Sequence[Any], str | None, int | None],
    schema: type[BaseModel],
    model: Any = None,
    *,
    computed: RowExtra | None = None,
) -> Response:
    """The page envelope of a :func:`paginate` result as ``schema`` items, as JSON: the one
    response shaper of every list.

    With ``model``, the rows are those of :func:`select_columns` of ``schema`` on ``model``,
    written straight to JSON (see :func:`row_items`); otherwise each row (a model instance, or
    a row whose attributes the schema reads) is validated by ``schema`` and dumped as the
    response model would be."""
    rows, next_cursor, total = result
    if model is not None:
        items = row_items(rows, schema, model, computed=computed)
    else:
        items = [schema.model_validate(row).model_dump(mode="json", by_alias=True) for row in rows]
        if computed is not None:
            for item in items:
                item.update(computed(item))
    return json_response({"items": items, "next_cursor": next_cursor, "total": total})
