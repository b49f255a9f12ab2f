"""Normalisation applied to every write: phone numbers to E.164 (the original is kept)."""

from __future__ import annotations

import re

import phonenumbers

from crm.settings import get_settings

_PHONE_PUNCTUATION = re.compile(r"[\s()+\-.]")


def phone_to_e164(raw: str | None, region: str | None = None) -> str | None:
    """E.164 form of ``raw`` (default region from settings), or None if it is no valid number."""
    if not raw or not raw.strip():
        return None
    try:
        parsed = phonenumbers.parse(raw, region or get_settings().default_phone_region)
    except phonenumbers.NumberParseException:
        return None
    if not phonenumbers.is_valid_number(parsed):
        return None
    return phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.E164)


def phone_search_digits(q: str) -> str | None:
    """The digits to look for in E.164 numbers when ``q`` looks like (part of) a phone number."""
    digits = _PHONE_PUNCTUATION.sub("", q)
    if len(digits) < 3 or not digits.isdigit():
        return None
    # A national number typed with its trunk prefix (0 in many regions) is stored without it.
    return digits.lstrip("0") or digits
