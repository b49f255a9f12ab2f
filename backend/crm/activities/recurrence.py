"""Task recurrence: RFC 5545 RRULE strings, read with python-dateutil.

A rule is stored without DTSTART; occurrences count from the series' first due time, in the
configured time zone, so "every Monday 09:00" stays 09:00 local across DST changes and
COUNT / UNTIL hold over the whole series.
"""

from __future__ import annotations

import re
from datetime import datetime
from zoneinfo import ZoneInfo

from dateutil.rrule import rrule, rrulestr

ALLOWED_FREQUENCIES = ("DAILY", "WEEKLY", "MONTHLY", "YEARLY")
# RFC 5545 3.3.10's ranges of the numeric parts: (smallest, largest, may count from the end).
# dateutil checks only the time parts; out of these ranges it silently makes a rule that never
# occurs (BYMONTH=13), loops forever (INTERVAL=0) or fails only when the task is completed.
_PART_RANGES: dict[str, tuple[int, int, bool]] = {
    "BYMONTH": (1, 12, False),
    "BYMONTHDAY": (1, 31, True),
    "BYYEARDAY": (1, 366, True),
    "BYWEEKNO": (1, 53, True),
    "BYSETPOS": (1, 366, True),
    "BYHOUR": (0, 23, False),
    "BYMINUTE": (0, 59, False),
    "BYSECOND": (0, 59, False),
    "INTERVAL": (1, 1000, False),
    "COUNT": (1, 100_000, False),
}
_WEEKDAY = re.compile(r"([+-]?\d{1,2})?(MO|TU|WE|TH|FR|SA|SU)")


class InvalidRule(ValueError):
    pass


def normalise(rule: str) -> str:
    """The rule in canonical form (upper case, no ``RRULE:`` prefix), or InvalidRule."""
    text = rule.strip().upper().removeprefix("RRULE:")
    if not text or "\n" in text or "DTSTART" in text:
        raise InvalidRule("Give one RRULE without DTSTART, e.g. FREQ=WEEKLY;BYDAY=MO.")
    parts = dict(part.partition("=")[::2] for part in text.split(";") if part)
    freq = parts.get("FREQ")
    if freq not in ALLOWED_FREQUENCIES:
        raise InvalidRule(f"FREQ must be one of {', '.join(ALLOWED_FREQUENCIES)}.")
    for name, value in parts.items():
        _check_part(name, value)
    try:
        _rule(text, datetime(2000, 1, 1, tzinfo=ZoneInfo("UTC")))
    except (ValueError, TypeError, IndexError, OverflowError) as exc:
        raise InvalidRule(f"Not a valid RRULE: {exc}") from exc
    return text


def _check_part(name: str, value: str) -> None:
    if name == "BYDAY":
        for day in value.split(","):
            match = _WEEKDAY.fullmatch(day)
            if match is None or (match[1] and not 1 <= abs(int(match[1])) <= 53):
                raise InvalidRule(f"BYDAY: {day!r} is not a weekday like MO, 2TU or -1FR.")
        return
    if name not in _PART_RANGES:
        return  # FREQ, UNTIL, WKST: dateutil checks them
    low, high, from_end = _PART_RANGES[name]
    for item in value.split(","):
        number = int(item) if re.fullmatch(r"[+-]?\d{1,6}", item) else None
        if number is None or not (low <= number <= high or (from_end and low <= -number <= high)):
            allowed = f"{low}..{high}" + (f" or -{high}..-{low}" if from_end else "")
            raise InvalidRule(f"{name} must be in {allowed}, not {item!r}.")


def _rule(text: str, start: datetime) -> rrule:
    parsed = rrulestr(text, dtstart=start)
    assert isinstance(parsed, rrule)
    return parsed


def next_occurrence(
    rule: str, *, series_start: datetime, after: datetime, tz: str
) -> datetime | None:
    """The first occurrence strictly after ``after``, or None when the series has ended.
    Both datetimes are aware; the result is in UTC. A series whose next occurrence would fall
    outside the calendar (years 1 to 9999, in the zone or in UTC) has ended too."""
    zone = ZoneInfo(tz)
    try:
        local_start = series_start.astimezone(zone)
        upcoming = _rule(rule, local_start).after(after.astimezone(zone), inc=False)
        return upcoming.astimezone(ZoneInfo("UTC")) if upcoming else None
    except (OverflowError, ValueError):
        return None
