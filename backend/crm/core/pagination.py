"""Keyset (cursor) pagination: ``{items, next_cursor, total}`` with ``limit``, ``cursor``,
``sort``, ``q`` and ``with_total``.

A cursor carries the sort field and the last row's (value, id), so a deep page costs the same
index range scan as the first one.
"""

from __future__ import annotations

import base64
import json
import uuid
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Annotated, Any, Generic, TypeVar

from fastapi import Depends, Query
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
        return encode_cursor(self.key, getattr(row, self.column.key), row_id)


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

    Sortable columns (and the parts of a :class:`SortExpression`) must be NOT NULL: the keyset
    comparison on (value, id) relies on it.
    """
    spec = resolve_sort(params.sort, sortable, default_sort)
    total = None
    if params.with_total:
        count_stmt = select(func.count()).select_from(stmt.order_by(None).subquery())
        total = (await session.execute(count_stmt)).scalar_one()

    page_stmt = stmt
    parts = spec.parts
    if params.cursor:
        values, last_id = spec.decode(params.cursor)
        keyset = tuple_(*parts, id_column)
        after = tuple_(*values, last_id)
        page_stmt = page_stmt.where(keyset < after if spec.descending else keyset > after)
    order = [p.desc() for p in (*parts, id_column)] if spec.descending else [*parts, id_column]
    rows = (
        (await session.execute(page_stmt.order_by(*order).limit(params.limit + 1))).scalars().all()
    )

    next_cursor = None
    if len(rows) > params.limit:
        rows = rows[: params.limit]
        last = rows[-1]
        next_cursor = spec.encode(last, getattr(last, id_column.key))
    return rows, next_cursor, total


M = TypeVar("M", bound=BaseModel)


def to_page(schema: type[M], result: tuple[Sequence[Any], str | None, int | None]) -> Page[M]:
    """Shape a :func:`paginate` result as the response envelope of ``schema`` items."""
    rows, next_cursor, total = result
    return Page[schema](  # type: ignore[valid-type]
        items=[schema.model_validate(row) for row in rows], next_cursor=next_cursor, total=total
    )
