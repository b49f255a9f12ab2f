"""Column-wise cleaners: the cleaning rules of ``crm.core.cleaning``, applied to a whole
column of an imported file at once.

A file of a million rows cannot afford a Python call per cell for every rule (validating a
phone number with ``phonenumbers`` costs ~60 µs, an e-mail address ~70 µs). So each cleaner
does what it can as one polars expression over the column, and calls the per-value rule only
for the values that expression cannot settle, once per distinct value. The fast paths are
exact: ``tests/imports/test_columns.py`` checks them against the per-value rules.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

import phonenumbers
import polars as pl
from email_validator import EmailNotValidError, validate_email

from crm.core.cleaning import (
    normalize_company_name,
    normalize_email,
    parse_date,
    phone_to_e164,
)
from crm.core.formulas import (
    DASHES_PATTERN,
    FORMULA_MESSAGES,
    FORMULA_START_PATTERN,
    NUMBER_LIKE_PATTERN,
    is_formula,
)
from crm.core.importable import CleanedColumn, CleanOptions, ColumnCleaner

FORMULA_MESSAGE = "'{value}': " + FORMULA_MESSAGES["en"]


def null_where(column: pl.Series, mask: pl.Series) -> pl.Series:
    """A copy of ``column`` with null where ``mask`` is true (``Series.set`` works in place)."""
    return pl.select(
        pl.when(mask.fill_null(False)).then(None).otherwise(column).alias(column.name)
    ).to_series()


def blank_to_null(column: pl.Series) -> pl.Series:
    """Cells trimmed; empty ones null."""
    trimmed = column.cast(pl.String).str.strip_chars()
    return null_where(trimmed, trimmed == "")


def _message_where(condition: pl.Series, template: str, column: pl.Series) -> pl.Series:
    """``template`` (``{value}`` replaced by the cell) where ``condition``, else null."""
    before, found, after = template.partition("{value}")
    text = (
        pl.concat_str([pl.lit(before), column.str.slice(0, 60), pl.lit(after)])
        if found
        else pl.lit(template)
    )
    frame = pl.DataFrame({"c": condition.fill_null(False), "v": column})
    return frame.select(
        pl.when(pl.col("c")).then(text.alias("m")).otherwise(None).alias("m")
    ).to_series()


def _first(*series: pl.Series | None) -> pl.Series | None:
    """Per row, the first non-null of several message columns."""
    present = [s for s in series if s is not None]
    if not present:
        return None
    if len(present) == 1:
        return present[0]
    return (
        pl.DataFrame({str(i): s for i, s in enumerate(present)})
        .select(pl.coalesce(pl.all()))
        .to_series()
    )


# Distinct raw values read into Python per step of map_distinct (and of the customers' address
# split): a million distinct names alive at once as str objects, dict entries and lists were
# hundreds of MB of an import's peak memory.
DISTINCT_CHUNK = 100_000


def map_distinct(
    column: pl.Series, rule: Callable[[str], Any], dtype: pl.DataType | type[pl.DataType]
) -> tuple[pl.Series, pl.Series]:
    """(values, errors) of ``rule`` applied once per distinct non-null value. ``rule`` returns
    the cleaned value or raises ValueError, whose message becomes the row's error."""
    distinct = column.drop_nulls().unique()
    values: list[Any] = []
    errors: list[str | None] = []
    for start in range(0, distinct.len(), DISTINCT_CHUNK):
        for raw in distinct.slice(start, DISTINCT_CHUNK).to_list():
            try:
                values.append(rule(raw))
                errors.append(None)
            except ValueError as exc:
                values.append(None)
                errors.append(str(exc))
    # One Series of all the values, then the cast: their common type is inferred over all of
    # them (decimals keep one scale), as a replacement list is.
    cleaned = pl.Series(values).cast(dtype)
    del values
    messages = pl.Series(errors, dtype=pl.String)
    return lookup(column, distinct, cleaned), lookup(column, distinct, messages)


def lookup(column: pl.Series, keys: pl.Series, values: pl.Series) -> pl.Series:
    """Per cell of ``column``, the value whose key (``keys``: distinct) it holds; null where
    none. A join of two narrow frames: no Python object per key."""
    table = pl.DataFrame({"key": keys, "value": values})
    joined = column.to_frame("key").join(table, on="key", how="left", maintain_order="left")
    return joined["value"].alias(column.name)


# --- text ---------------------------------------------------------------------------------------


def formulas(values: pl.Series) -> pl.Series:
    """Per cell, whether it is text a spreadsheet would run as a formula: the rule of
    :func:`crm.core.formulas.is_formula`, as one expression over the column."""
    return (
        values.str.contains(FORMULA_START_PATTERN)
        & ~values.str.contains(NUMBER_LIKE_PATTERN)
        & ~values.str.contains(DASHES_PATTERN)
    )


def text(max_length: int, *, required: bool = False, refuse_formulas: bool = True) -> ColumnCleaner:
    """Free text (trimmed); text that would run as a formula is refused, unless the caller
    checks it itself (``refuse_formulas=False``: a phone number)."""

    def clean(column: pl.Series, options: CleanOptions) -> CleanedColumn:
        values = blank_to_null(column)
        too_long = values.str.len_chars() > max_length
        errors = _first(
            _message_where(formulas(values), FORMULA_MESSAGE, values) if refuse_formulas else None,
            _message_where(too_long, f"Longer than {max_length} characters.", values),
            _message_where(values.is_null(), "Required.", values) if required else None,
        )
        return CleanedColumn(null_where(values, too_long), errors)

    return clean


def choice(synonyms: dict[str, str], *, default: str | None = None) -> ColumnCleaner:
    """One of a fixed set of values, matched case-insensitively against their synonyms
    (``{"公司": "company", ...}``)."""
    lookup = {k.casefold(): v for k, v in synonyms.items()}
    allowed = ", ".join(dict.fromkeys(synonyms))

    def rule(raw: str) -> str:
        found = lookup.get(raw.casefold())
        if found is None:
            raise ValueError(f"'{raw[:60]}' is not one of: {allowed}.")
        return found

    def clean(column: pl.Series, options: CleanOptions) -> CleanedColumn:
        values, errors = map_distinct(blank_to_null(column), rule, pl.String)
        if default is not None:
            values = null_where(values.fill_null(default), errors.is_not_null())
        return CleanedColumn(values, errors)

    return clean


TRUE_WORDS = frozenset({"true", "yes", "y", "1", "是", "对", "有", "√", "✓"})
FALSE_WORDS = frozenset({"false", "no", "n", "0", "否", "不是", "无", "×", "✗"})


def parse_boolean(raw: str) -> bool:
    word = raw.strip().casefold()
    if word in TRUE_WORDS:
        return True
    if word in FALSE_WORDS:
        return False
    raise ValueError("Must be yes or no (是 / 否, true / false, 1 / 0).")


def boolean(*, default: bool | None = None) -> ColumnCleaner:
    def clean(column: pl.Series, options: CleanOptions) -> CleanedColumn:
        values, errors = map_distinct(blank_to_null(column), parse_boolean, pl.Boolean)
        if default is not None:
            values = null_where(values.fill_null(default), errors.is_not_null())
        return CleanedColumn(values, errors)

    return clean


_LIST_SEPARATORS = re.compile(r"[,;，；、|]")


def split_list(raw: str, item_max_length: int, max_items: int) -> list[str]:
    items = list(dict.fromkeys(p.strip() for p in _LIST_SEPARATORS.split(raw) if p.strip()))
    if any(is_formula(item) for item in items):
        raise ValueError(FORMULA_MESSAGE.format(value=raw[:60]))
    if any(len(item) > item_max_length for item in items):
        raise ValueError(f"An item is longer than {item_max_length} characters.")
    if len(items) > max_items:
        raise ValueError(f"More than {max_items} items.")
    return items


def string_list(item_max_length: int, max_items: int) -> ColumnCleaner:
    """A list typed in one cell: "VIP, 华东；重点" → ["VIP", "华东", "重点"]."""

    def clean(column: pl.Series, options: CleanOptions) -> CleanedColumn:
        values, errors = map_distinct(
            blank_to_null(column),
            # A cell of separators only ("，") holds no item: empty, like a blank cell.
            lambda raw: split_list(raw, item_max_length, max_items) or None,
            pl.List(pl.String),
        )
        return CleanedColumn(values, errors)

    return clean


# --- phone numbers --------------------------------------------------------------------------------


@dataclass(frozen=True)
class _FastPhone:
    """What the fast path of a region needs, from phonenumbers' own metadata."""

    code: str  # the country calling code: "86"
    idd_00: bool  # "00" is an international prefix of the region ("0086 ..." is "+86 ...")
    conditions: tuple[pl.Expr, ...]  # on ``national``: together, a valid mobile number


def _matches_desc(column: pl.Expr, desc: Any) -> list[pl.Expr]:
    """What ``phonenumbers`` checks of a national number against one of its descriptions: a
    possible length and a full match of the pattern."""
    conditions = [column.str.contains(f"^(?:{desc.national_number_pattern})$")]
    if desc.possible_length:
        conditions.append(column.str.len_chars().is_in(list(desc.possible_length)))
    return conditions


@functools.lru_cache(maxsize=16)
def _fast_phone(region: str) -> _FastPhone | None:
    """The fast path of ``region``, or None where it has none (then every value goes to the
    library). Only the main region of a country code has one: ``phonenumbers`` tries that
    region's patterns first, so a number matching its mobile pattern is valid."""
    metadata = phonenumbers.PhoneMetadata.metadata_for_region(region)
    if (
        metadata is None
        or metadata.country_code is None
        or metadata.mobile is None
        or not metadata.mobile.national_number_pattern
        or metadata.general_desc is None
        or not metadata.general_desc.national_number_pattern
        or phonenumbers.region_code_for_country_code(metadata.country_code) != region
    ):
        return None
    national = pl.col("national")
    conditions = [
        # ASCII digits only: the patterns' "\d" also matches full-width and other digits,
        # which the library reads as their ASCII digits.
        national.str.contains(r"^[0-9]+$"),
        *_matches_desc(national, metadata.general_desc),
        *_matches_desc(national, metadata.mobile),
    ]
    # A national number that starts like a national prefix or an international prefix
    # (China's 17951 / 12593 IP-dialling codes ...) is parsed by rules the fast path does not
    # mirror: the library decides.
    for prefix in (metadata.national_prefix_for_parsing, metadata.international_prefix):
        if prefix:
            conditions.append(~national.str.contains(f"^(?:{prefix})"))
    idd = metadata.international_prefix
    idd_00 = idd is not None and re.fullmatch(idd, "00") is not None
    return _FastPhone(str(metadata.country_code), idd_00, tuple(conditions))


# What the fast path removes before looking at the digits: the separators people type and the
# library ignores. Not every kind of white space: the library rejects a tab or a line break
# inside a number.
_PHONE_PUNCTUATION = "[ \u00a0\u3000()\\-.]"  # space, no-break space, ideographic space
_PHONE_MAX_INPUT = 250  # the library rejects longer input (phonenumbers' own limit)
_SLOW_PHONE_CACHE = 200_000


@functools.lru_cache(maxsize=_SLOW_PHONE_CACHE)
def _slow_e164(raw: str, region: str) -> str | None:
    return phone_to_e164(raw, region)


def phones_e164(column: pl.Series, region: str) -> pl.Series:
    """The E.164 form of each phone number (null when not a valid number), as
    :func:`crm.core.cleaning.phone_to_e164` gives it (``region`` in either case: "cn" is
    "CN").

    Fast path, as expressions: mobile numbers of the default region written nationally or with
    its country code (+86 / 0086), separated by spaces, hyphens, dots or brackets. Those are
    most of a Chinese customer list, and their validity is exactly "the national number matches
    the region's general and mobile descriptions". Everything else (fixed lines with trunk
    prefix, foreign numbers, junk) goes to ``phonenumbers`` once per distinct value.
    """
    region = region.upper()
    fast_path = _fast_phone(region)
    values = blank_to_null(column)
    if fast_path is None:
        e164, _ = map_distinct(values, lambda raw: _slow_e164(raw, region), pl.String)
        return e164
    code = fast_path.code
    digits = pl.col("digits")
    frame = pl.DataFrame({"raw": values}).with_columns(
        digits=pl.when(pl.col("raw").str.len_chars() <= _PHONE_MAX_INPUT).then(
            pl.col("raw").str.replace_all(_PHONE_PUNCTUATION, "")
        )
    )
    national = (
        pl.when(digits.str.starts_with(f"+{code}"))
        .then(digits.str.slice(len(code) + 1))
        .when(pl.lit(fast_path.idd_00) & digits.str.starts_with(f"00{code}"))
        .then(digits.str.slice(len(code) + 2))
        .when(digits.str.starts_with("+") | digits.str.starts_with("0"))
        .then(None)  # another country, or a trunk prefix: the library decides
        .otherwise(digits)
    )
    frame = frame.with_columns(national=national).with_columns(
        fast=pl.when(pl.all_horizontal(fast_path.conditions).fill_null(False))
        .then(pl.concat_str([pl.lit(f"+{code}"), pl.col("national")]))
        .otherwise(None)
    )
    fast = frame["fast"]
    rest = null_where(values, fast.is_not_null())
    slow, _ = map_distinct(rest, lambda raw: _slow_e164(raw, region), pl.String)
    return fast.fill_null(slow)


def phone(max_length: int = 50) -> ColumnCleaner:
    """The number as typed (kept), with its E.164 form derived into ``<key>_e164``; a number
    that is not valid goes in as typed, with a warning, unless it would run as a formula (a
    valid number, "+86 10 8888 6666 转 123" too, is data whatever its first character)."""
    as_text = text(max_length, refuse_formulas=False)

    def clean(column: pl.Series, options: CleanOptions) -> CleanedColumn:
        typed = as_text(column, options)
        e164 = phones_e164(typed.values, options.phone_region)
        invalid = typed.values.is_not_null() & e164.is_null()
        formula = _message_where(invalid & formulas(typed.values), FORMULA_MESSAGE, typed.values)
        warnings = _message_where(
            invalid, "'{value}' is not a valid phone number; kept as typed.", typed.values
        )
        return CleanedColumn(typed.values, _first(formula, typed.errors), warnings, {"e164": e164})

    return clean


# --- e-mail ---------------------------------------------------------------------------------------

# The ASCII dot-atom of RFC 5322: what email_validator accepts as an unquoted local part.
_ATEXT = r"[a-z0-9!#$%&'*+/=?^_`{|}~-]"
_SIMPLE_ADDRESS = rf"^{_ATEXT}+(?:\.{_ATEXT}+)*@[a-z0-9](?:[a-z0-9.-]*[a-z0-9])?$"


@functools.lru_cache(maxsize=100_000)
def _domain_ok(domain: str) -> bool:
    """Whether email_validator accepts the (lower-case ASCII) domain part as it is, checked
    with a plain local part: valid, and normalised to itself (an IDNA domain, "xn--...", is
    normalised to its Unicode form, so it is not settled by the fast path)."""
    try:
        checked = validate_email(f"a@{domain}", check_deliverability=False)
    except EmailNotValidError:
        return False
    return bool(checked.domain == domain)


def _email_rule(raw: str) -> str:
    cleaned = normalize_email(raw)
    assert cleaned is not None
    return cleaned


def emails(column: pl.Series) -> tuple[pl.Series, pl.Series]:
    """(normalised addresses, errors) as :func:`crm.core.cleaning.normalize_email`
    gives them. Fast path: plain ASCII addresses (lower-cased, local part of at most 64 and
    the whole of at most 254 characters) whose domain the validator accepts, checked once per
    distinct domain; the rest goes through the validator one distinct value at a time."""
    values = blank_to_null(column)
    lowered = values.str.to_lowercase()
    domains = lowered.str.extract(r"@([^@]*)$")
    distinct_domains = domains.drop_nulls().unique().to_list()
    good_domains = [d for d in distinct_domains if _domain_ok(d)]
    simple = (
        lowered.str.contains(_SIMPLE_ADDRESS)
        & (lowered.str.extract(r"^([^@]*)@").str.len_chars() <= 64)
        & (lowered.str.len_chars() <= 254)
        & domains.is_in(good_domains)
    ).fill_null(False)
    rest = null_where(values, simple)
    slow, errors = map_distinct(rest, _email_rule, pl.String)
    fast = null_where(lowered, ~simple)
    return fast.fill_null(slow), errors


def email() -> ColumnCleaner:
    def clean(column: pl.Series, options: CleanOptions) -> CleanedColumn:
        values, errors = emails(column)
        return CleanedColumn(values, errors)

    return clean


# --- dates and names ---------------------------------------------------------------------


def date() -> ColumnCleaner:
    """Dates in the spreadsheet forms :func:`parse_date` knows, as ``date`` values."""

    def clean(column: pl.Series, options: CleanOptions) -> CleanedColumn:
        def rule(raw: str) -> Any:
            return parse_date(raw, day_first=options.day_first)

        values, errors = map_distinct(blank_to_null(column), rule, pl.Date)
        return CleanedColumn(values, errors)

    return clean


def company_names(column: pl.Series) -> pl.Series:
    """The normalised (matching) form of each name, once per distinct name."""
    normalized, _ = map_distinct(column, normalize_company_name, pl.String)
    return normalized


def merge_messages(columns: Iterable[pl.Series | None]) -> pl.Series | None:
    """Per row, all non-null messages of several columns joined ("; ")."""
    present = [c for c in columns if c is not None]
    if not present:
        return None
    joined = pl.DataFrame({str(i): c for i, c in enumerate(present)}).select(
        pl.concat_str(pl.all(), separator="; ", ignore_nulls=True)
    )
    out = joined.to_series()
    return null_where(out, out == "")
