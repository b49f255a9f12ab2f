"""Date and datetime types that accept ISO 8601 text only.

Pydantic reads a number as a Unix timestamp (``as_of=0`` → 1970-01-01), so a client that sends
a number by mistake gets a date it never meant instead of an error. Every date and datetime a
request carries (body field or query parameter) is one of these types.
"""

from __future__ import annotations

import re
from datetime import date, datetime
from decimal import Decimal
from typing import Annotated, Any

from pydantic import AwareDatetime, BeforeValidator
from pydantic_core import PydanticCustomError

_NUMBER = re.compile(r"\s*[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?\s*")


def _refuse_numbers(value: Any) -> Any:
    if isinstance(value, bytes):
        value = value.decode("latin-1")
    if isinstance(value, int | float | Decimal) or (
        isinstance(value, str) and _NUMBER.fullmatch(value)
    ):
        raise PydanticCustomError(
            "date_not_a_number",
            "Give an ISO 8601 date or date-time (2026-01-31, 2026-01-31T09:00:00Z), not a number.",
        )
    return value


StrictDate = Annotated[date, BeforeValidator(_refuse_numbers)]
StrictDatetime = Annotated[datetime, BeforeValidator(_refuse_numbers)]
StrictAwareDatetime = Annotated[AwareDatetime, BeforeValidator(_refuse_numbers)]
