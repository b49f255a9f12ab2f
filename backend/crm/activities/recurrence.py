"""Task recurrence: RFC 5545 RRULE strings, read with python-dateutil.

A rule is stored without DTSTART; occurrences count from the series' first due time, in the
configured time zone, so "every Monday 09:00" stays 09:00 local across DST changes and
COUNT / UNTIL hold over the whole series.
"""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from dateutil.rrule import rrule, rrulestr

ALLOWED_FREQUENCIES = ("DAILY", "WEEKLY", "MONTHLY", "YEARLY")


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
    try:
        _rule(text, datetime(2000, 1, 1, tzinfo=ZoneInfo("UTC")))
    except (ValueError, TypeError) as exc:
        raise InvalidRule(f"Not a valid RRULE: {exc}") from exc
    return text


def _rule(text: str, start: datetime) -> rrule:
    parsed = rrulestr(text, dtstart=start)
    assert isinstance(parsed, rrule)
    return parsed


def next_occurrence(
    rule: str, *, series_start: datetime, after: datetime, tz: str
) -> datetime | None:
    """The first occurrence strictly after ``after``, or None when the series has ended.
    Both datetimes are aware; the result is in UTC."""
    zone = ZoneInfo(tz)
    local_start = series_start.astimezone(zone)
    upcoming = _rule(rule, local_start).after(after.astimezone(zone), inc=False)
    return upcoming.astimezone(ZoneInfo("UTC")) if upcoming else None
