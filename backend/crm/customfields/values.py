"""Custom field values: cleaning one value against its definition, and a whole write.

Stored forms (JSON in the object's ``custom`` column): text, select and user (a UUID) as
strings, number as a JSON integer, decimal as a canonical decimal string, date as ISO
``YYYY-MM-DD``, boolean as a JSON boolean, multi_select as a list of option values. An empty
value (null, "", []) is never stored: it removes the key.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from crm.core.errors import Unprocessable
from crm.core.formulas import FORMULA_MESSAGES, is_formula
from crm.customfields.config import FieldDef, ObjectConfig
from crm.identity.models import User

# JavaScript clients read JSON numbers as doubles: integers beyond this lose digits.
MAX_SAFE_INTEGER = 2**53 - 1
DEFAULT_TEXT_MAX_LENGTH = 1000
MAX_TEXT_LENGTH = 10_000


class InvalidValue(ValueError):
    pass


def _is_empty(value: Any) -> bool:
    return value is None or value == "" or value == []


def _bounds(defn: FieldDef, value: Any, parse: Any) -> None:
    low, high = defn.validation.get("min"), defn.validation.get("max")
    if low is not None and value < parse(low):
        raise InvalidValue(f"Must be at least {low}.")
    if high is not None and value > parse(high):
        raise InvalidValue(f"Must be at most {high}.")


def _text(defn: FieldDef, value: Any) -> str | None:
    if not isinstance(value, str):
        raise InvalidValue("Must be a string.")
    value = value.strip()
    if not value:
        return None
    max_length = int(defn.validation.get("max_length") or DEFAULT_TEXT_MAX_LENGTH)
    if len(value) > max_length:
        raise InvalidValue(f"At most {max_length} characters.")
    if is_formula(value):
        raise InvalidValue(FORMULA_MESSAGES["en"])
    pattern = defn.validation.get("regex")
    if pattern and re.fullmatch(pattern, value) is None:
        raise InvalidValue(f"Does not match the pattern {pattern}.")
    return value


def _number(defn: FieldDef, value: Any) -> int:
    if isinstance(value, bool):
        raise InvalidValue("Must be an integer.")
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, str) and re.fullmatch(r"\s*-?\d{1,16}\s*", value):
        value = int(value)
    if not isinstance(value, int):
        raise InvalidValue("Must be an integer.")
    if abs(value) > MAX_SAFE_INTEGER:
        raise InvalidValue(f"Must be between -{MAX_SAFE_INTEGER} and {MAX_SAFE_INTEGER}.")
    _bounds(defn, value, int)
    return value


def canonical_decimal(value: Decimal, places: int | None) -> str:
    if places is not None:
        return f"{value.quantize(Decimal(1).scaleb(-places)):f}"
    text = f"{value.normalize():f}"
    return "0" if text == "-0" else text


def _decimal(defn: FieldDef, value: Any) -> str:
    if isinstance(value, bool | float):
        raise InvalidValue('Send a decimal as a string, e.g. "12.50".')
    try:
        number = Decimal(str(value).strip()) if isinstance(value, str | int) else None
    except InvalidOperation:
        number = None
    if number is None or not number.is_finite() or abs(number) >= Decimal("1e15"):
        raise InvalidValue('Must be a decimal number such as "12.50".')
    places = defn.validation.get("decimal_places")
    exponent = number.as_tuple().exponent
    if places is not None and isinstance(exponent, int) and -exponent > int(places):
        raise InvalidValue(f"At most {places} decimal places.")
    _bounds(defn, number, Decimal)
    return canonical_decimal(number, None if places is None else int(places))


def _date(defn: FieldDef, value: Any) -> str:
    if not isinstance(value, str):
        raise InvalidValue("Must be a date such as 2026-01-31.")
    try:
        parsed = date.fromisoformat(value.strip())
    except ValueError as exc:
        raise InvalidValue("Must be a date such as 2026-01-31.") from exc
    if len(value.strip()) != 10:
        raise InvalidValue("Must be a date such as 2026-01-31.")
    _bounds(defn, parsed, date.fromisoformat)
    return parsed.isoformat()


def _boolean(defn: FieldDef, value: Any) -> bool:
    if not isinstance(value, bool):
        raise InvalidValue("Must be true or false.")
    return value


def _option(defn: FieldDef, value: Any) -> str:
    if not isinstance(value, str) or value not in defn.options:
        raise InvalidValue(f"Must be one of: {', '.join(defn.options)}.")
    return value


def _select(defn: FieldDef, value: Any) -> str:
    return _option(defn, value)


def _multi_select(defn: FieldDef, value: Any) -> list[str] | None:
    if not isinstance(value, list):
        raise InvalidValue("Must be a list of options.")
    chosen = list(dict.fromkeys(_option(defn, v) for v in value))
    return chosen or None


def _user(defn: FieldDef, value: Any) -> str:
    try:
        return str(uuid.UUID(str(value)))
    except ValueError as exc:
        raise InvalidValue("Must be a user id.") from exc


_CLEANERS: dict[str, Any] = {
    "text": _text,
    "number": _number,
    "decimal": _decimal,
    "date": _date,
    "boolean": _boolean,
    "select": _select,
    "multi_select": _multi_select,
    "user": _user,
}


def clean_value(defn: FieldDef, value: Any) -> Any:
    """The stored form of ``value`` (None: empty), or :class:`InvalidValue`."""
    if _is_empty(value):
        return None
    return _CLEANERS[defn.field_type](defn, value)


# --- a whole write ------------------------------------------------------------------------------


def _loc(key: str) -> list[str]:
    return ["body", "custom_fields", key]


@dataclass
class _Outcome:
    values: dict[str, Any]
    errors: list[dict[str, Any]] = field(default_factory=list)

    def fail(self, key: str, msg: str) -> None:
        self.errors.append({"loc": _loc(key), "msg": msg, "type": "value_error"})


def _apply(
    config: ObjectConfig, incoming: Mapping[str, Any], existing: Mapping[str, Any] | None
) -> _Outcome:
    outcome = _Outcome(values=dict(existing or {}))
    for key, raw in incoming.items():
        defn = config.field(key)
        if defn is None or not defn.writable:
            # A read-modify-write round trip sends back values of fields since deactivated or
            # deleted: unchanged, they are kept; a new value for them is refused.
            if existing is not None and existing.get(key) == raw:
                continue
            outcome.fail(
                key,
                f"Unknown custom field '{key}'."
                if defn is None or defn.deleted
                else f"The custom field '{key}' is inactive.",
            )
            continue
        try:
            value = clean_value(defn, raw)
        except InvalidValue as exc:
            outcome.fail(key, str(exc))
            continue
        if value is None:
            outcome.values.pop(key, None)
            if defn.required:
                outcome.fail(key, "Required.")
        else:
            outcome.values[key] = value
    if existing is None:  # a create: every required field must be given
        for defn in config.fields.values():
            failed = any(e["loc"] == _loc(defn.key) for e in outcome.errors)
            if defn.writable and defn.required and defn.key not in outcome.values and not failed:
                outcome.fail(defn.key, "Required.")
    return outcome


async def _check_users(
    session: AsyncSession, config: ObjectConfig, incoming: Mapping[str, Any], outcome: _Outcome
) -> None:
    """User references must name existing, active users."""
    refs = {
        key: value
        for key, value in outcome.values.items()
        if key in incoming
        and (defn := config.field(key)) is not None
        and defn.writable
        and defn.field_type == "user"
    }
    if not refs:
        return
    ids = {uuid.UUID(v) for v in refs.values()}
    found = set(
        (
            await session.execute(
                select(User.id).where(
                    User.id.in_(ids), User.is_active.is_(True), User.deleted_at.is_(None)
                )
            )
        ).scalars()
    )
    for key, value in refs.items():
        if uuid.UUID(value) not in found:
            outcome.fail(key, "No such active user.")


async def clean_write(
    session: AsyncSession,
    config: ObjectConfig,
    incoming: Mapping[str, Any] | None,
    *,
    existing: Mapping[str, Any] | None = None,
    creating: bool,
) -> dict[str, Any]:
    """The ``custom`` column after applying ``incoming`` (a merge: keys given are set, null
    removes one, keys not given stay) to ``existing``; 422 naming every bad key."""
    incoming = incoming or {}
    outcome = _apply(config, incoming, None if creating else (existing or {}))
    await _check_users(session, config, incoming, outcome)
    if outcome.errors:
        keys = ", ".join(str(e["loc"][-1]) for e in outcome.errors)
        raise Unprocessable(f"Invalid custom field value(s): {keys}.", errors=outcome.errors)
    return outcome.values
