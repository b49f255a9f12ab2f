"""Filtering and sorting lists by custom field values.

Query syntax (documented in each list route's description, see :data:`FILTER_DOC`):

- ``cf.<key>=<value>``: equal (multi_select: contains the option). Text compares exactly.
- ``cf.<key>.contains=<text>``: text contains, case-insensitive (multi_select: as ``=``).
- ``cf.<key>.gte=<value>`` / ``cf.<key>.lte=<value>``: ranges on number, decimal and date.
- ``sort=cf.<key>`` / ``sort=-cf.<key>``: records without a value come last ascending, first
  descending (PostgreSQL's NULLS LAST / NULLS FIRST); multi_select cannot be sorted.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Annotated, Any

from fastapi import Depends, Request
from sqlalchemy import Boolean, ColumnElement, Date, Numeric, String, cast, func, literal

from crm.core.errors import ProblemError
from crm.core.pagination import SortExpression, text_contains
from crm.customfields.config import FieldDef, ObjectConfig
from crm.customfields.values import InvalidValue, clean_value

PREFIX = "cf."
OPERATORS = ("contains", "gte", "lte")
FILTER_DOC = (
    "Custom fields (definitions: `GET /api/v1/custom-fields?object_type=...`): filter with "
    "`cf.<key>=<value>` (equal; multi_select: contains the option), `cf.<key>.contains=<text>` "
    "(text, case-insensitive), `cf.<key>.gte=` / `cf.<key>.lte=` (number, decimal, date); sort "
    "with `sort=cf.<key>` or `sort=-cf.<key>` (records without a value last ascending)."
)


def _bad(param: str, msg: str) -> ProblemError:
    return ProblemError(
        msg, status=400, errors=[{"loc": ["query", param], "msg": msg, "type": "value_error"}]
    )


async def _custom_params(request: Request) -> list[tuple[str, str]]:
    """Every ``cf.*`` query parameter, as given (validated against the definitions later)."""
    return [(k, v) for k, v in request.query_params.multi_items() if k.startswith(PREFIX)]


CustomFilterParams = Annotated[list[tuple[str, str]], Depends(_custom_params)]


@dataclass(frozen=True)
class Condition:
    key: str
    operator: str  # "eq", "contains", "gte", "lte"
    value: str
    param: str  # as the client spelled it, for errors


def parse(pairs: Iterable[tuple[str, str]]) -> list[Condition]:
    """``("cf.region", "east")`` → Condition; 400 for a malformed name."""
    conditions = []
    for name, value in pairs:
        rest = name.removeprefix(PREFIX)
        key, _, operator = rest.partition(".")
        operator = operator or "eq"
        if not key or operator not in ("eq", *OPERATORS):
            raise _bad(
                name, f"'{name}' is no custom field filter; use cf.<key>[.contains|.gte|.lte]."
            )
        conditions.append(Condition(key, operator, value, name))
    return conditions


def _defn(config: ObjectConfig, key: str, param: str) -> FieldDef:
    defn = config.field(key)
    if defn is None or defn.deleted:
        raise _bad(param, f"Unknown custom field '{key}'.")
    return defn


def _query_value(defn: FieldDef, raw: str, param: str) -> Any:
    """A query string as the stored form of ``defn``'s values."""
    value: Any = raw
    if defn.field_type == "number":
        value = raw.strip()
    elif defn.field_type == "boolean":
        if raw.lower() not in ("true", "false"):
            raise _bad(param, "Must be true or false.")
        value = raw.lower() == "true"
    elif defn.field_type == "multi_select":
        value = [raw]
    # Filters look for values, they do not write them: bounds and patterns do not apply.
    loose = FieldDef(defn.key, defn.field_type, defn.options, False, {}, True, False)
    try:
        cleaned = clean_value(loose, value)
    except InvalidValue as exc:
        raise _bad(param, str(exc)) from exc
    if cleaned is None:
        raise _bad(param, "Give a value.")
    return cleaned


def _typed(column: Any, defn: FieldDef) -> Any:
    """``custom ->> key`` as the SQL type its values compare in."""
    text = column[defn.key].astext
    if defn.field_type in ("number", "decimal"):
        return cast(text, Numeric)
    if defn.field_type == "date":
        return cast(text, Date)
    if defn.field_type == "boolean":
        return cast(text, Boolean)
    return text


def clause(column: Any, config: ObjectConfig, cond: Condition) -> ColumnElement[bool]:
    defn = _defn(config, cond.key, cond.param)
    kind = defn.field_type
    if cond.operator == "contains" and kind == "text":
        return text_contains(column[defn.key].astext, cond.value)
    if cond.operator in ("gte", "lte"):
        if kind not in ("number", "decimal", "date"):
            raise _bad(cond.param, f"'{cond.key}' ({kind}) has no range filters.")
        value = _query_value(defn, cond.value, cond.param)
        bound: Any = Decimal(value) if kind != "date" else date.fromisoformat(value)
        typed = _typed(column, defn)
        return typed >= bound if cond.operator == "gte" else typed <= bound
    if cond.operator == "contains" and kind != "multi_select":
        raise _bad(cond.param, f"'{cond.key}' ({kind}) has no contains filter.")
    value = _query_value(defn, cond.value, cond.param)
    if kind == "decimal":  # "10" must find "10.00": compare numbers, not spellings
        return _typed(column, defn) == Decimal(value)
    # Containment (@>) is what the GIN index on the column answers.
    return column.contains({defn.key: value})


def clauses(
    column: Any, config: ObjectConfig, pairs: Iterable[tuple[str, str]]
) -> list[ColumnElement[bool]]:
    return [clause(column, config, cond) for cond in parse(pairs)]


# --- sorting ------------------------------------------------------------------------------------

_ZERO: dict[str, Any] = {
    "number": Decimal(0),
    "decimal": Decimal(0),
    "date": date(1970, 1, 1),
    "boolean": False,
}
_PYTHON: dict[str, type] = {"number": Decimal, "decimal": Decimal, "date": date, "boolean": bool}


def _python_value(kind: str, stored: Any) -> Any:
    """What PostgreSQL's cast of ``custom ->> key`` gives for a stored value."""
    if kind in ("number", "decimal"):
        return Decimal(str(stored))
    if kind == "date":
        return date.fromisoformat(stored)
    if kind == "boolean":
        return bool(stored)
    return str(stored)


def sort_expression(column: Any, attribute: str, defn: FieldDef) -> SortExpression:
    """(value missing, value coalesced to a constant): both NOT NULL, so keyset paging holds."""
    kind = defn.field_type
    zero = _ZERO.get(kind, "")
    typed = _typed(column, defn)
    missing = column[defn.key].astext.is_(None)
    sql_zero = literal(zero, String) if kind not in _ZERO else literal(zero)

    def values_of(row: Any) -> tuple[Any, ...]:
        stored = (getattr(row, attribute) or {}).get(defn.key)
        if stored is None:
            return (True, zero)
        return (False, _python_value(kind, stored))

    return SortExpression(
        parts=(missing, func.coalesce(typed, sql_zero)),
        python_types=(bool, _PYTHON.get(kind, str)),
        values_of=values_of,
    )


def sortable(
    column: Any, attribute: str, config: ObjectConfig, sort: str | None
) -> dict[str, SortExpression]:
    """The sort entry for ``sort`` when it names a custom field (``cf.<key>``), else nothing."""
    name = (sort or "").removeprefix("-")
    if not name.startswith(PREFIX):
        return {}
    key = name.removeprefix(PREFIX)
    defn = _defn(config, key, "sort")
    if defn.field_type == "multi_select":
        raise _bad("sort", f"'{key}' (multi_select) cannot be sorted.")
    return {name: sort_expression(column, attribute, defn)}
