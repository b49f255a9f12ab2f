"""The column-wise cleaners of imports (``crm.imports.columns``): the fast paths give exactly
what the per-value rules of ``crm.core.cleaning`` give, and each cleaner's values, errors
and warnings. Pure: no database."""

from __future__ import annotations

import random
from collections.abc import Iterator
from datetime import date
from typing import Any

import polars as pl
import pytest

from crm.core.cleaning import normalize_email, phone_to_e164
from crm.core.formulas import is_formula
from crm.core.importable import CleanOptions
from crm.customfields.config import FieldDef
from crm.customfields.importing import custom_cleaner
from crm.imports import columns
from crm.imports.columns import (
    FORMULA_MESSAGE,
    choice,
    emails,
    map_distinct,
    merge_messages,
    null_where,
    phones_e164,
    string_list,
    text,
)

CN = CleanOptions(phone_region="CN", day_first=True)
US_DATES = CleanOptions(phone_region="CN", day_first=False)


def _s(values: list[Any]) -> pl.Series:
    return pl.Series("cells", values, dtype=pl.String)


# --- phone numbers: the fast path against phonenumbers -------------------------------------------


def _cn_mobiles() -> list[str]:
    """One random number under every four-digit prefix 1300-1999 (valid mobiles and not), and
    the special ranges 1610 / 1740x."""
    rng = random.Random(20240305)
    numbers = [f"{prefix}{rng.randrange(10**7):07d}" for prefix in range(1300, 2000)]
    numbers += [f"1610{rng.randrange(10**7):07d}" for _ in range(5)]
    numbers += [f"1740{d}{rng.randrange(10**6):06d}" for d in range(10)]
    return numbers


def _written(number: str) -> Iterator[str]:
    """The ways people type one 11-digit number."""
    a, b, c = number[:3], number[3:7], number[7:]
    yield number
    yield f"{a} {b} {c}"
    yield f"{a}-{b}-{c}"
    yield f"{a}.{b}.{c}"
    yield f"({a}) {b}-{c}"
    yield f"+86 {a} {b} {c}"
    yield f"+86-{number}"
    yield f"+86{number}"
    yield f"0086 {number}"
    yield f"00 86 {number}"
    yield f"(+86) {a} {b} {c}"
    yield f"+(86) {number}"
    yield f"86 {a} {b} {c}"  # the country code without its plus
    yield f"0{number}"  # a trunk prefix
    yield f"+86 0{number}"
    yield f"{a}\u00a0{b}\u00a0{c}"  # no-break spaces, as copied from a web page
    yield f"{a}\u3000{b}\u3000{c}"  # ideographic spaces
    yield f"{a}\t{b}\t{c}"  # a tab: not a number to phonenumbers
    yield f"{a}\n{b}{c}"  # a line break inside a quoted CSV value
    yield f"{a}\u2003{b}{c}"  # an em space
    yield f"{number[:7]}\uff10\uff11\uff12\uff13"  # full-width digits at the end
    yield f"{number}0"  # one digit too many
    yield number[:-1]  # one too few
    yield f"+8686{number}"
    yield f"  {number}  "


_OTHERS = [
    "010-12345678",
    "010 1234 5678",
    "021 6123 4567",
    "0755-8888 9999",
    "(0755) 88889999",
    "+86 10 1234 5678",
    "+86 755 8888 9999",
    "400-810-8888",
    "95588",
    "+1 415 555 2671",
    "+1 (415) 555-2671",
    "001 415 555 2671",
    "011 1 415 555 2671",
    "4155552671",
    "(415) 555-2671",
    "1 415 555 2671",
    "+44 20 7946 0958",
    "+44 7400 123456",
    "0044 7400 123456",
    "07400 123456",
    "7400123456",
    "+44 7911 123456",  # a Jersey mobile: valid, not under GB's own mobile pattern
    "+852 9123 4567",
    "abc",
    "12345",
    "138001380001234",
    "138 0013 8000 ext. 12",
    "Tel: 138 0013 8000",
    "138/0013/8000",
    "+",
    "++86 13800138000",
    "+86+13800138000",
    "8+613800138000",
    "1" + " " * 260 + "3800138000",  # longer than phonenumbers reads
    "",
    " ",
    "\t",
]


def _noisy(rng: random.Random, numbers: list[str]) -> list[str]:
    """Numbers with random prefixes and separators sprinkled between their digits."""
    separators = [" ", "-", ".", "(", ")", "\u00a0", "\u3000", "\t", "/", "\uff08", "\uff0d", ""]
    prefixes = ["", "", "+86", "+86 ", "0086", "(+86)", "86", "0", "+", "00", "+1", "+44"]
    out = []
    for _ in range(1500):
        number = rng.choice(numbers)
        chars = [
            digit + (rng.choice(separators) if rng.random() < 0.25 else "") for digit in number
        ]
        out.append(rng.choice(prefixes) + "".join(chars))
    return out


def _assert_same_e164(values: list[str], region: str) -> None:
    got = phones_e164(_s(values), region).to_list()
    want = [phone_to_e164(v, region) for v in values]
    assert len(got) == len(values)
    mismatches = [(v, g, w) for v, g, w in zip(values, got, want, strict=True) if g != w]
    assert not mismatches, f"{len(mismatches)} mismatches, e.g. {mismatches[:10]}"


def test_phones_e164_is_exactly_phone_to_e164_for_chinese_numbers() -> None:
    numbers = _cn_mobiles()
    # Every prefix in the usual forms, every seventh number in all of them.
    values = [form for n in numbers for form in list(_written(n))[:8]]
    values += [form for n in numbers[::7] for form in _written(n)]
    values += _OTHERS + _noisy(random.Random(7), numbers)
    _assert_same_e164(values, "CN")
    # The set is not vacuous: it holds many valid numbers and many invalid ones.
    valid = phones_e164(_s(values), "CN").drop_nulls()
    assert valid.len() > 4_000
    assert valid.len() < len(values) - 2_000


@pytest.mark.parametrize("region", ["US", "GB", "HK"])
def test_phones_e164_is_exactly_phone_to_e164_in_other_regions(region: str) -> None:
    sample = _cn_mobiles()[::25]
    values = [form for n in sample for form in _written(n)] + _OTHERS
    _assert_same_e164(values, region)


def test_phones_e164_keeps_nulls_and_reads_a_lower_case_region() -> None:
    values = ["13800138000", None, "+44 20 7946 0958", "010-12345678", None]
    assert phones_e164(_s(values), "CN").to_list() == [
        "+8613800138000",
        None,
        "+442079460958",
        "+861012345678",
        None,
    ]
    assert phones_e164(_s(values), "cn").to_list() == phones_e164(_s(values), "CN").to_list()


def test_plain_mobile_numbers_never_reach_the_library(monkeypatch: pytest.MonkeyPatch) -> None:
    """The fast path settles the common forms of the default region's mobiles by itself (a
    fast path that silently matched nothing would still be exact, and slow)."""
    calls: list[str] = []

    def counted(raw: str, region: str | None = None) -> str | None:
        calls.append(raw)
        return phone_to_e164(raw, region)

    monkeypatch.setattr(columns, "phone_to_e164", counted)
    columns._slow_e164.cache_clear()
    values = ["13800138000", "138 0013 8000", "+86 139-0013-9000", "0086 15912345678"]
    values += ["(+86) 186.1234.5678", "177\u00a01234\u00a05678"]
    result = phones_e164(_s(values), "CN").to_list()
    assert result == [
        "+8613800138000",
        "+8613800138000",
        "+8613900139000",
        "+8615912345678",
        "+8618612345678",
        "+8617712345678",
    ]
    assert calls == []
    assert phones_e164(_s(["010-12345678"]), "CN").to_list() == ["+861012345678"]
    assert calls == ["010-12345678"]
    columns._slow_e164.cache_clear()


def test_phone_cleaner_keeps_the_number_as_typed_with_its_e164_form() -> None:
    cleaned = columns.phone(20)(_s([" 138 0013 8000 ", "abc", None, "", "1" * 21, "=A1&B1"]), CN)
    assert cleaned.values.to_list() == ["138 0013 8000", "abc", None, None, None, "=A1&B1"]
    assert cleaned.derived["e164"].to_list() == ["+8613800138000", None, None, None, None, None]
    assert cleaned.warnings is not None
    assert cleaned.warnings.to_list() == [
        None,
        "'abc' is not a valid phone number; kept as typed.",
        None,
        None,
        None,
        "'=A1&B1' is not a valid phone number; kept as typed.",
    ]
    assert cleaned.errors is not None
    assert cleaned.errors.to_list() == [
        None,
        None,
        None,
        None,
        "Longer than 20 characters.",
        FORMULA_MESSAGE.format(value="=A1&B1"),
    ]


def test_a_phone_is_refused_as_a_formula_only_when_it_is_no_valid_number() -> None:
    cells = ["+86 138 0013 8000", "+1 650-253-0000 ext. 123", "+cmd|' /C calc'!A0"]
    cleaned = columns.phone(50)(_s(cells), CN)
    assert cleaned.derived["e164"].to_list() == ["+8613800138000", "+16502530000", None]
    assert cleaned.errors is not None
    assert cleaned.errors.to_list() == [None, None, FORMULA_MESSAGE.format(value=cells[2])]


# --- e-mail: the fast path against email_validator ------------------------------------------------

_ADDRESSES = [
    "Li.Lei@Example.COM",
    "li.lei@example.com",
    "a+tag@x.com",
    "A.B.C@Sub.Domain.CN",
    "first_last-1@qq.com",
    "!#$%&'*+/=?^_`{|}~-@x.com",
    "a..b@x.com",
    ".a@x.com",
    "a.@x.com",
    "a@-x.com",
    "a@x-.com",
    "a@x..com",
    "a@x.com.",
    "a@x",
    "a@localhost",
    "a@x.test",
    "a@x.invalid",
    "a@x.local",
    "a@example.com",
    "a@x.c",
    "a@x.123",
    "a@1.2.3.4",
    "a@[127.0.0.1]",
    "a@_x.com",
    "a@x_y.com",
    "a@x--y.com",
    "a@xn--x.com",
    "a@@x.com",
    "@x.com",
    "a@",
    "abc",
    "a b@x.com",
    '"a b"@x.com',
    "Li Lei <li@x.com>",
    "a@x.com,b@y.com",
    "a@x.com;",
    "李雷@example.com",
    "Müller@Example.DE",
    "é@x.com",
    "e\u0301@x.com",  # a combining accent: NFC-normalised by the validator
    "ß@x.com",
    "K@x.com",  # Kelvin sign
    "İ@x.com",
    "a@例子.中国",
    "a@München.de",
    "a@xn--mnchen-3ya.de",  # IDNA: the validator gives the Unicode form
    "A@XN--FSQU00A.XN--FIQS8S",
    "a@x.xn--p1ai",
    "a@ｘ.com",  # full-width
    "ａ@x.com",
    "a@x\u200b.com",
    "\u200ba@x.com",
    "  a@x.com  ",
    "\ta@x.com\n",
    "a@x.com\u00a0",
    "\u3000a@x.com",
    "a" * 64 + "@x.com",
    "a" * 65 + "@x.com",
    "a@" + "b" * 63 + ".com",
    "a@" + "b" * 64 + ".com",
    # 254 and 255 characters in all
    "a" * 64 + "@" + ".".join(["b" * 60] * 3) + "." + "c" * 5,
    "a" * 64 + "@" + ".".join(["b" * 60] * 3) + "." + "c" * 6,
    "a" * 60 + "@" + ".".join(["b" * 61] * 3) + ".com",
    "",
    " ",
]


def _generated_addresses() -> list[str]:
    rng = random.Random(42)
    alphabet = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789.+-_!#'é李"
    domains = ["x.com", "Example.ORG", "sub.x.cn", "a-b.net", "qq.com", "163.com", "x"]
    domains += ["localhost", "x.test", "-x.com", "x-.com", "xn--fiqs8s", "例子.中国", "x..com"]
    out = []
    for _ in range(3000):
        local = "".join(rng.choice(alphabet) for _ in range(rng.choice([1, 5, 20, 63, 64, 65])))
        out.append(local + "@" + rng.choice(domains))
    return out


def _reference(raw: str) -> tuple[str | None, str | None]:
    try:
        return normalize_email(raw), None
    except ValueError as exc:
        return None, str(exc)


def test_emails_are_exactly_normalize_email() -> None:
    values = _ADDRESSES + _generated_addresses()
    got, errors = emails(_s(values))
    rejected = 0
    for raw, value, error in zip(values, got.to_list(), errors.to_list(), strict=True):
        want, want_error = _reference(raw)
        assert (value, error) == (want, want_error), raw
        rejected += want_error is not None
    # Both outcomes are well represented.
    assert 500 < rejected < len(values) - 500


def test_emails_keep_nulls_and_name_each_rejected_address() -> None:
    values, errors = emails(_s(["Li.Lei@Example.COM", None, "a..b@x.com", "", "a@x"]))
    assert values.to_list() == ["li.lei@example.com", None, None, None, None]
    messages = errors.to_list()
    assert messages[:2] == [None, None]
    assert messages[2] is not None
    assert messages[2].startswith("not a valid e-mail address:")
    assert messages[3] is None
    assert messages[4] is not None


def test_plain_addresses_never_reach_the_validator_one_by_one(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    calls: list[str] = []

    def counted(raw: str | None) -> str | None:
        calls.append(str(raw))
        return normalize_email(raw)

    monkeypatch.setattr(columns, "normalize_email", counted)
    values = [f"User.{i}+crm@Example{i % 3}.com" for i in range(200)] + ["a@例子.中国"]
    got, errors = emails(_s(values))
    assert got.to_list()[:2] == ["user.0+crm@example0.com", "user.1+crm@example1.com"]
    assert errors.null_count() == len(values)
    assert calls == ["a@例子.中国"]


def test_email_cleaner() -> None:
    cleaned = columns.email()(_s([" A@X.com ", "nope", None]), CN)
    assert cleaned.values.to_list() == ["a@x.com", None, None]
    assert cleaned.errors is not None
    assert cleaned.errors.to_list()[0] is None
    assert cleaned.errors.to_list()[1] == _reference("nope")[1]


# --- text ---------------------------------------------------------------------------------------


def test_text_trims_and_nulls_empty_cells() -> None:
    cleaned = text(10)(_s(["  星辰科技 ", "", "   ", None, "\u3000x\u3000", "a b"]), CN)
    assert cleaned.values.to_list() == ["星辰科技", None, None, None, "x", "a b"]
    assert cleaned.errors is not None
    assert cleaned.errors.null_count() == 6


def test_text_too_long_is_an_error_and_the_value_is_dropped() -> None:
    cleaned = text(5)(_s(["12345", "123456", " 12345 ", "一二三四五六"]), CN)
    assert cleaned.values.to_list() == ["12345", None, "12345", None]
    assert cleaned.errors is not None
    assert cleaned.errors.to_list() == [
        None,
        "Longer than 5 characters.",
        None,
        "Longer than 5 characters.",
    ]


FORMULAS = [
    "=SUM(A1)",
    '=HYPERLINK("http://x.com","x")',
    "=(A1+B1)",
    " =a1 ",
    "=1+1",
    "=",
    "= SUM(A1)",
    "+cmd|' /C calc'!A0",
    "@SUM(1+1)*cmd|' /C calc'!A0",
    "-2+3+cmd|' /C calc'!A0",
    "+1+1",
    "-A1",
    "@张三 跟进",
]
NOT_FORMULAS = ["+86 138 0013 8000", "-1", "-5.5", "+86 (10) 6552-9988", "-", "--", "a=b", "1+1"]


def test_formula_cells_are_errors() -> None:
    cleaned = text(100)(_s(FORMULAS + NOT_FORMULAS), CN)
    assert cleaned.errors is not None
    errors = cleaned.errors.to_list()
    assert errors[: len(FORMULAS)] == [FORMULA_MESSAGE.format(value=c.strip()) for c in FORMULAS]
    assert errors[len(FORMULAS) :] == [None] * len(NOT_FORMULAS)
    assert "formula" in errors[0]
    assert cleaned.values.to_list()[len(FORMULAS) :] == NOT_FORMULAS


def test_the_column_check_is_the_core_rule() -> None:
    cells = [c.strip() for c in FORMULAS] + NOT_FORMULAS + ["\t=1", "+", "@", "abc", "(1)"]
    assert columns.formulas(_s(cells)).to_list() == [is_formula(c) for c in cells]


def test_a_list_item_that_is_a_formula_rejects_the_cell() -> None:
    cleaned = string_list(50, 10)(_s(["VIP, =1+1", "VIP, -5"]), CN)
    assert cleaned.values.to_list() == [None, ["VIP", "-5"]]
    assert cleaned.errors is not None
    assert cleaned.errors.to_list() == [FORMULA_MESSAGE.format(value="VIP, =1+1"), None]


def test_formula_message_quotes_at_most_60_characters() -> None:
    formula = "=CONCATENATE(" + "A" * 100 + ")"
    cleaned = text(1000)(_s([formula]), CN)
    assert cleaned.errors is not None
    assert cleaned.errors.to_list() == [FORMULA_MESSAGE.format(value=formula[:60])]


def test_required_text() -> None:
    cleaned = text(3, required=True)(_s(["abc", "", None, "  ", "abcd", "=A1"]), CN)
    assert cleaned.errors is not None
    assert cleaned.errors.to_list() == [
        None,
        "Required.",
        "Required.",
        "Required.",
        "Longer than 3 characters.",
        FORMULA_MESSAGE.format(value="=A1"),
    ]
    optional = text(3)(_s(["", None]), CN)
    assert optional.errors is not None
    assert optional.errors.to_list() == [None, None]


# --- choice and lists ---------------------------------------------------------------------------

_KINDS = {"company": "company", "person": "person", "公司": "company", "个人": "person"}


def test_choice_matches_synonyms_case_insensitively() -> None:
    cleaned = choice(_KINDS)(_s(["Company", " PERSON ", "公司", "个人", None, ""]), CN)
    assert cleaned.values.to_list() == ["company", "person", "company", "person", None, None]
    assert cleaned.errors is not None
    assert cleaned.errors.null_count() == 6


def test_choice_rejects_other_values_naming_the_allowed_ones() -> None:
    cleaned = choice(_KINDS, default="company")(_s(["partner", None, "个人", "x" * 100]), CN)
    assert cleaned.values.to_list() == [None, "company", "person", None]
    assert cleaned.errors is not None
    assert cleaned.errors.to_list() == [
        "'partner' is not one of: company, person, 公司, 个人.",
        None,
        None,
        f"'{'x' * 60}' is not one of: company, person, 公司, 个人.",
    ]


def test_string_list_splits_on_every_separator() -> None:
    cells = ["VIP, 华东；重点", "a;b,c", "a，b；c、d|e", " a | a , A ", "x,,y", "，", None, "solo"]
    cleaned = string_list(10, 10)(_s(cells), CN)
    assert cleaned.values.to_list() == [
        ["VIP", "华东", "重点"],
        ["a", "b", "c"],
        ["a", "b", "c", "d", "e"],
        ["a", "A"],
        ["x", "y"],
        None,
        None,
        ["solo"],
    ]
    assert cleaned.values.dtype == pl.List(pl.String)
    assert cleaned.errors is not None
    assert cleaned.errors.null_count() == len(cells)


def test_string_list_limits() -> None:
    cleaned = string_list(3, 2)(_s(["abc,de", "abcd,e", "a,b,c", "a,b,a,b", "abc"]), CN)
    assert cleaned.values.to_list() == [["abc", "de"], None, None, ["a", "b"], ["abc"]]
    assert cleaned.errors is not None
    assert cleaned.errors.to_list() == [
        None,
        "An item is longer than 3 characters.",
        "More than 2 items.",
        None,
        None,
    ]


# --- dates --------------------------------------------------------------------------------------


def test_dates_in_spreadsheet_forms() -> None:
    cells = ["2024/3/5", "2024-03-05", "2024年3月5日", "2024.3.5", "20240305", "45356"]
    cells += ["45356.75", "05/03/2024", "2024-03-05 10:30:00", "２０２４－０３－０５", None, ""]
    cleaned = columns.date()(_s(cells), CN)
    assert cleaned.values.dtype == pl.Date
    day = date(2024, 3, 5)
    assert cleaned.values.to_list() == [day] * 10 + [None, None]
    assert cleaned.errors is not None
    assert cleaned.errors.null_count() == len(cells)


def test_day_first_or_month_first() -> None:
    cells = ["05/03/2024", "5-3-2024", "13/01/2024"]
    day_first = columns.date()(_s(cells), CN)
    assert day_first.values.to_list() == [date(2024, 3, 5), date(2024, 3, 5), date(2024, 1, 13)]
    month_first = columns.date()(_s(cells), US_DATES)
    assert month_first.values.to_list() == [date(2024, 5, 3), date(2024, 5, 3), None]
    assert month_first.errors is not None
    assert month_first.errors.to_list() == [None, None, "not a valid date: '13/01/2024'"]


def test_dates_that_are_not_dates() -> None:
    cells = ["garbage", "2024-02-30", "2024/13/01", "20241301", "0", "next tuesday"]
    cleaned = columns.date()(_s(cells), CN)
    assert cleaned.values.to_list() == [None] * len(cells)
    assert cleaned.errors is not None
    assert cleaned.errors.to_list() == [
        "not a recognised date: 'garbage'",
        "not a valid date: '2024-02-30'",
        "not a valid date: '2024/13/01'",
        "not a valid date: '20241301'",
        "0.0 is not an Excel date serial number",
        "not a recognised date: 'next tuesday'",
    ]


# --- helpers ------------------------------------------------------------------------------------


def test_null_where_copies() -> None:
    column = _s(["a", "b", "c"])
    out = null_where(column, pl.Series([True, None, False]))
    assert out.to_list() == [None, "b", "c"]
    assert out.name == "cells"
    assert column.to_list() == ["a", "b", "c"]


def test_map_distinct_calls_the_rule_once_per_distinct_value() -> None:
    calls: list[str] = []

    def rule(raw: str) -> int:
        calls.append(raw)
        if raw == "bad":
            raise ValueError("no good")
        return len(raw)

    values, errors = map_distinct(_s(["aa", "bad", "aa", None, "bad", "b"]), rule, pl.Int64)
    assert values.to_list() == [2, None, 2, None, None, 1]
    assert errors.to_list() == [None, "no good", None, None, "no good", None]
    assert sorted(calls) == ["aa", "b", "bad"]


def test_merge_messages() -> None:
    merged = merge_messages([_s(["a", None, None]), None, _s(["b", None, "c"])])
    assert merged is not None
    assert merged.to_list() == ["a; b", None, "c"]
    assert merge_messages([None, None]) is None


def test_company_names() -> None:
    names = columns.company_names(_s(["上海星辰科技有限公司", "ACME Co., Ltd.", "ＡＣＭＥ", None]))
    assert names.to_list() == ["星辰科技", "acme", "acme", None]  # the core: region apart


# --- custom fields ------------------------------------------------------------------------------


def _defn(field_type: str, **kw: Any) -> FieldDef:
    values: dict[str, Any] = {
        "key": "f",
        "field_type": field_type,
        "options": (),
        "required": False,
        "validation": {},
        "active": True,
        "deleted": False,
    }
    values.update(kw)
    return FieldDef(**values)


@pytest.mark.parametrize(
    ("field_type", "extra", "cells", "values", "errors"),
    [
        (
            "number",
            {"validation": {"max": 100}},
            ["12", "12.0", " 7 ", "1.5", "101", "x", None],
            [12, 12, 7, None, None, None, None],
            [
                None,
                None,
                None,
                "Must be an integer.",
                "Must be at most 100.",
                "Must be an integer.",
                None,
            ],
        ),
        (
            "decimal",
            {"validation": {"decimal_places": 2}},
            ["12.5", "12.50", "1.234", "abc"],
            ["12.50", "12.50", None, None],
            [None, None, "At most 2 decimal places.", 'Must be a decimal number such as "12.50".'],
        ),
        (
            "boolean",
            {},
            ["yes", "是", "FALSE", "0", "√", "maybe"],
            [True, True, False, False, True, None],
            [None] * 5 + ["Must be yes or no (是 / 否, true / false, 1 / 0)."],
        ),
        (
            "date",
            {},
            ["2024/3/5", "2024年3月5日", "45356", "nope"],
            ["2024-03-05", "2024-03-05", "2024-03-05", None],
            [None, None, None, "not a recognised date: 'nope'"],
        ),
        (
            "select",
            {"options": ("A", "B")},
            ["A", "C"],
            ["A", None],
            [None, "Must be one of: A, B."],
        ),
        (
            "multi_select",
            {"options": ("A", "B")},
            ["A, B", "B；A；B", "A|C", "，"],
            [["A", "B"], ["B", "A"], None, None],
            [None, None, "Must be one of: A, B.", None],
        ),
        (
            "text",
            {"validation": {"max_length": 3}},
            [" ab ", "abcd"],
            ["ab", None],
            [None, "At most 3 characters."],
        ),
    ],
)
def test_custom_field_cleaners(
    field_type: str,
    extra: dict[str, Any],
    cells: list[str | None],
    values: list[Any],
    errors: list[str | None],
) -> None:
    cleaned = custom_cleaner(_defn(field_type, **extra))(_s(cells), CN)
    assert cleaned.values.to_list() == values
    assert cleaned.errors is not None
    assert cleaned.errors.to_list() == errors


def test_required_custom_field() -> None:
    cleaned = custom_cleaner(_defn("number", required=True))(_s(["1", None, "", "x"]), CN)
    assert cleaned.values.to_list() == [1, None, None, None]
    assert cleaned.errors is not None
    assert cleaned.errors.to_list() == [None, "Required.", "Required.", "Must be an integer."]
