"""Keyset (cursor) pagination: ``{items, next_cursor, total}`` with ``limit``, ``cursor``,
``sort``, ``q`` and ``with_total``.

A cursor carries the sort field and the last row's (value, id), so a deep page costs the same
index range scan as the first one.
"""

from __future__ import annotations

import base64
import json
import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Annotated, Any, Generic, TypeVar

import orjson
from fastapi import Depends, Query, Response
from pydantic import BaseModel
from sqlalchemy import ColumnElement, Select, func, select, tuple_
from sqlalchemy.ext.asyncio import AsyncSession

from crm.core.errors import ProblemError, field_error

T = TypeVar("T")
DEFAULT_LIMIT = 50
MAX_LIMIT = 200


class Page(BaseModel, Generic[T]):
    items: list[T]
    next_cursor: str | None = None
    total: int | None = None


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
        str | None, Query(max_length=50, description="Field to sort by; prefix - for descending")
    ] = None,
    q: Annotated[str | None, Query(max_length=200, description="Search text")] = None,
    with_total: Annotated[bool, Query(description="Also count all matching rows")] = False,
) -> PageParams:
    q = q.strip() if q else None
    return PageParams(limit=limit, cursor=cursor, sort=sort, q=q or None, with_total=with_total)


PageParamsDep = Annotated[PageParams, Depends(_page_params)]


def text_contains(column: Any, q: str) -> ColumnElement[bool]:
    """Case-insensitive partial match of ``q`` in ``column``, taking ``%``, ``_`` and ``\\``
    in the search text literally (a search for "50%" must not match "500")."""
    escaped = q.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return column.ilike(f"%{escaped}%", escape="\\")


def _bad(param: str, msg: str) -> ProblemError:
    return ProblemError(
        msg, status=400, errors=[{**field_error(param, msg), "loc": ["query", param]}]
    )


def _encode_value(value: Any) -> Any:
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, uuid.UUID | Decimal):
        return str(value)
    return value


def _decode_value(raw: Any, python_type: type) -> Any:
    if raw is None:
        # Sort columns are NOT NULL (see paginate), so no genuine cursor carries a null.
        raise ValueError("a cursor value cannot be null")
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


def _decode_cursor(cursor: str, sort: str, python_type: type) -> tuple[Any, uuid.UUID]:
    try:
        padded = cursor + "=" * (-len(cursor) % 4)
        cursor_sort, raw_value, raw_id = json.loads(base64.urlsafe_b64decode(padded))
        if cursor_sort != sort:
            raise ValueError("sort changed")
        return _decode_value(raw_value, python_type), uuid.UUID(raw_id)
    except (ValueError, TypeError, json.JSONDecodeError) as exc:
        raise _bad("cursor", "The cursor is invalid or belongs to another sort order.") from exc


def decode_cursor(cursor: str, sort: str, python_type: type) -> tuple[Any, uuid.UUID]:
    """The (value, id) of a cursor made by :func:`encode_cursor` for ``sort``; 400 otherwise.
    For collections that page on their own (e.g. a stream merged from two tables)."""
    return _decode_cursor(cursor, sort, python_type)


@dataclass(frozen=True)
class SortSpec:
    key: str  # as given, e.g. "-updated_at"
    column: Any
    descending: bool


def resolve_sort(sort: str | None, sortable: Mapping[str, Any], default: str) -> SortSpec:
    key = sort or default
    name = key.removeprefix("-")
    if name not in sortable:
        allowed = ", ".join(sorted(sortable))
        raise _bad("sort", f"Cannot sort by '{name}'. Sortable fields: {allowed}.")
    return SortSpec(key=key, column=sortable[name], descending=key.startswith("-"))


def _page_statement(
    stmt: Select[Any], params: PageParams, id_column: Any, spec: SortSpec
) -> Select[Any]:
    """``stmt`` narrowed to the page after the cursor, in sort order, one row over the limit
    (that extra row says whether a next page exists)."""
    if params.cursor:
        value, last_id = _decode_cursor(params.cursor, spec.key, spec.column.type.python_type)
        keyset = tuple_(spec.column, id_column)
        stmt = stmt.where(
            keyset < tuple_(value, last_id) if spec.descending else keyset > tuple_(value, last_id)
        )
    order = (spec.column.desc(), id_column.desc()) if spec.descending else (spec.column, id_column)
    return stmt.order_by(*order).limit(params.limit + 1)


async def _count(session: AsyncSession, stmt: Select[Any]) -> int:
    count_stmt = select(func.count()).select_from(stmt.order_by(None).subquery())
    return int((await session.execute(count_stmt)).scalar_one())


def _cut(
    rows: Sequence[Any], params: PageParams, spec: SortSpec, id_column: Any
) -> tuple[Sequence[Any], str | None]:
    if len(rows) <= params.limit:
        return rows, None
    rows = rows[: params.limit]
    last = rows[-1]
    return rows, encode_cursor(
        spec.key, getattr(last, spec.column.key), getattr(last, id_column.key)
    )


async def paginate(
    session: AsyncSession,
    stmt: Select[Any],
    *,
    params: PageParams,
    id_column: Any,
    sortable: Mapping[str, Any],
    default_sort: str = "-created_at",
) -> tuple[Sequence[Any], str | None, int | None]:
    """Run ``stmt`` (already filtered and scoped) one page at a time.

    ``stmt`` selects either one ORM entity (the page holds model instances) or plain columns
    (the page holds rows; see :func:`select_columns` and :func:`page_response`).
    Sortable columns must be NOT NULL: the keyset comparison on (value, id) relies on it.
    """
    spec = resolve_sort(params.sort, sortable, default_sort)
    total = await _count(session, stmt) if params.with_total else None
    result = await session.execute(_page_statement(stmt, params, id_column, spec))
    descriptions = stmt.column_descriptions
    one_entity = len(descriptions) == 1 and descriptions[0]["entity"] is descriptions[0]["expr"]
    rows = result.scalars().all() if one_entity else result.all()
    rows, next_cursor = _cut(rows, params, spec, id_column)
    return rows, next_cursor, total


def select_columns(schema: type[BaseModel], model: Any) -> Select[Any]:
    """``SELECT`` of exactly the ``model`` columns that ``schema`` exposes, for list routes.

    A list page read as plain rows and written straight to JSON costs a fraction of loading
    ORM instances and validating a pydantic model per row (the list routes are the hottest
    path of the API). The columns come from the schema, so the JSON carries exactly its
    fields; the response model still documents the route.
    """
    table = model.__table__
    return select(*(table.c[name] for name in schema.model_fields))


def page_response(result: tuple[Sequence[Any], str | None, int | None]) -> Response:
    """The page envelope of a :func:`paginate` result over :func:`select_columns`, as JSON.

    orjson writes the database values as the response model's serialiser does (UUIDs and
    decimals as strings, datetimes in ISO 8601 with ``Z`` for UTC) at a tenth of its cost.
    """
    rows, next_cursor, total = result
    keys = rows[0]._fields if rows else ()
    body = {
        "items": [dict(zip(keys, row, strict=True)) for row in rows],
        "next_cursor": next_cursor,
        "total": total,
    }
    # asyncpg's UUID is a subclass of uuid.UUID, which orjson hands to `default`.
    content = orjson.dumps(body, default=str, option=orjson.OPT_UTC_Z)
    return Response(content=content, media_type="application/json")


M = TypeVar("M", bound=BaseModel)


def to_page(schema: type[M], result: tuple[Sequence[Any], str | None, int | None]) -> Page[M]:
    """Shape a :func:`paginate` result as the response envelope of ``schema`` items."""
    rows, next_cursor, total = result
    return Page[schema](  # type: ignore[valid-type]
        items=[schema.model_validate(row) for row in rows], next_cursor=next_cursor, total=total
    )
