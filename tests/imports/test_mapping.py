"""The mapping of a file's columns to fields (``suggest_mapping``), and the duplicates inside
one file (``in_file_duplicates``), on the registered customers importable. Pure: no
database."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path
from typing import Any

import polars as pl
import pytest

from crm.core.importable import CleanOptions, Importable, ImportField
from crm.imports import reading
from crm.imports.engine import clean_table, header_key, in_file_duplicates, suggest_mapping
from crm.imports.service import find_importable


@pytest.fixture(scope="module")
def customers() -> Importable:
    return find_importable("customers")


@pytest.fixture(scope="module")
def fields(customers: Importable) -> tuple[ImportField, ...]:
    return customers.fields


# --- header_key and suggest_mapping -------------------------------------------------------------


@pytest.mark.parametrize(
    ("header", "key"),
    [
        ("电话（必填）", "电话"),
        ("电话(必填)", "电话"),
        ("Phone *", "phone"),
        ("*客户名称", "客户名称"),
        ("E-MAIL", "email"),
        ("e_mail", "email"),
        ("Ｐｈｏｎｅ", "phone"),  # full-width
        ("  地 址 ", "地址"),
        ("手机号码：", "手机号码"),
        ("Tags【用逗号分隔】", "tags"),
        ("标签[tag]", "标签"),
        ("Customer.Name", "customername"),
        ("Owner/ID", "ownerid"),
    ],
)
def test_header_key(header: str, key: str) -> None:
    assert header_key(header) == key


def test_every_name_of_a_field_maps_to_it(fields: tuple[ImportField, ...]) -> None:
    """No key, label or alias of a field is taken by another field."""
    for item in fields:
        for name in (item.key, *item.labels.values(), *item.aliases):
            assert suggest_mapping([name], fields) == {0: item.key}, name


def test_chinese_headers(fields: tuple[ImportField, ...]) -> None:
    headers = ["客户名称", "类型", "电话", "邮箱", "省份", "城市", "区县", "地址", "行业"]
    headers += ["来源", "标签", "负责人", "备注"]
    assert suggest_mapping(headers, fields) == {
        0: "name",
        1: "kind",
        2: "phone",
        3: "email",
        4: "province",
        5: "city",
        6: "district",
        7: "address",
        8: "industry",
        9: "source",
        10: "tags",
        11: "owner_id",
        12: "notes",
    }


def test_english_headers_keys_and_aliases(fields: tuple[ImportField, ...]) -> None:
    headers = ["Company Name", "Mobile", "E-MAIL", "owner_id", "Lead Source", "Remarks", "Kind"]
    assert suggest_mapping(headers, fields) == {
        0: "name",
        1: "phone",
        2: "email",
        3: "owner_id",
        4: "source",
        5: "notes",
        6: "kind",
    }


def test_marks_hints_case_and_width_do_not_matter(fields: tuple[ImportField, ...]) -> None:
    headers = [
        "*客户名称（必填）",
        "Phone *",
        "电子邮箱 (选填)",
        "ＴＡＧＳ",
        " 详细 地址 ",
        "备注:",
    ]
    assert suggest_mapping(headers, fields) == {
        0: "name",
        1: "phone",
        2: "email",
        3: "tags",
        4: "address",
        5: "notes",
    }


def test_each_field_once_the_leftmost_column_wins(fields: tuple[ImportField, ...]) -> None:
    headers = ["备注", "手机", "电话", "名称", "客户名称", "Phone (2)", "电话 (2)"]
    assert suggest_mapping(headers, fields) == {0: "notes", 1: "phone", 3: "name"}


def test_unknown_headers_stay_unmapped(fields: tuple[ImportField, ...]) -> None:
    headers = ["序号", "Column C", "", "邮箱/Email", "phone#", "金额", "年营业额"]
    assert suggest_mapping(headers, fields) == {}
    assert suggest_mapping([], fields) == {}
    # 客户等级 is the customer level (the customer pool's policies go by it).
    assert suggest_mapping(["客户等级"], fields) == {0: "level"}


# --- duplicates inside a file -------------------------------------------------------------------


@pytest.fixture(scope="module")
def by_keys(customers: Importable) -> Importable:
    """Customers matched on equal keys alone (the generic rule of importables without a
    matcher; customers' own matcher is tested in tests/customers/test_dedupe_quality.py)."""
    return replace(customers, matcher=None)


def _frame(rows: list[dict[str, Any]]) -> pl.DataFrame:
    """A cleaned frame: ``_row`` from 2, the match columns, ``_errors``."""
    columns = ["phone_key", "email", "name_normalized", "kind", "_errors"]
    return pl.DataFrame(
        {
            "_row": [i + 2 for i in range(len(rows))],
            **{c: [r.get(c) for r in rows] for c in columns},
        },
        schema_overrides={c: pl.String for c in columns},
    )


def _dups(frame: pl.DataFrame, importable: Importable) -> list[tuple[Any, Any]]:
    out = in_file_duplicates(frame, importable)
    return list(zip(out["_dup_row"].to_list(), out["_dup_reason"].to_list(), strict=True))


def test_later_rows_repeating_an_earlier_one(by_keys: Importable) -> None:
    frame = _frame(
        [
            {"phone_key": "8613800138000", "email": "a@x.com", "name_normalized": "星辰"},
            {"phone_key": "8613800138000", "name_normalized": "月光"},  # phone of row 2
            {"email": "a@x.com", "name_normalized": "太阳"},  # e-mail of row 2
            {"name_normalized": "星辰"},  # name of row 2
            {"phone_key": "8613900139000", "name_normalized": "天空"},
            {"name_normalized": "月光"},  # name of row 3
            {"phone_key": "8613800138000"},  # phone of row 2 again
        ]
    )
    assert _dups(frame, by_keys) == [
        (None, None),
        (2, "phone"),
        (2, "email"),
        (2, "name"),
        (None, None),
        (3, "name"),
        (2, "phone"),
    ]
    assert in_file_duplicates(frame, by_keys)["_dup_row"].dtype == pl.Int64


def test_the_first_match_key_wins(by_keys: Importable) -> None:
    frame = _frame(
        [
            {"email": "a@x.com", "name_normalized": "月光"},
            {"phone_key": "8613800138000", "name_normalized": "星辰"},
            # phone of row 3, e-mail of row 2, name of row 3: the phone is the reason
            {"phone_key": "8613800138000", "email": "a@x.com", "name_normalized": "星辰"},
            # e-mail of row 2, name of row 3: the e-mail is
            {"email": "a@x.com", "name_normalized": "星辰"},
        ]
    )
    assert _dups(frame, by_keys) == [(None, None), (None, None), (3, "phone"), (2, "email")]


def test_rows_with_errors_are_ignored(by_keys: Importable) -> None:
    frame = _frame(
        [
            {"phone_key": "8613800138000", "_errors": "Name: Required."},
            {"phone_key": "8613800138000", "name_normalized": "星辰"},
            {"phone_key": "8613800138000", "name_normalized": "月光", "_errors": "x"},
            {"phone_key": "8613800138000", "name_normalized": "太阳"},
        ]
    )
    # The erroneous row 2 is no first occurrence; the erroneous row 4 no duplicate.
    assert _dups(frame, by_keys) == [(None, None), (None, None), (None, None), (3, "phone")]


def test_persons_are_not_matched_on_their_name(by_keys: Importable) -> None:
    frame = _frame(
        [
            {"name_normalized": "张伟", "kind": "person"},
            {"name_normalized": "张伟", "kind": "person"},
            {"name_normalized": "张伟", "kind": "company"},
            {"name_normalized": "张伟", "kind": "company"},
            {"name_normalized": "张伟"},  # kind not given: a company
            {"name_normalized": "张伟", "kind": "person", "phone_key": "8613800138000"},
            {"name_normalized": "李娜", "kind": "person", "phone_key": "8613800138000"},
        ]
    )
    assert _dups(frame, by_keys) == [
        (None, None),
        (None, None),
        (None, None),
        (4, "name"),
        (4, "name"),
        (None, None),
        (7, "phone"),  # persons still match on phone and e-mail
    ]


def test_nulls_are_no_match(by_keys: Importable) -> None:
    frame = _frame([{}, {}, {"kind": "company"}])
    assert _dups(frame, by_keys) == [(None, None)] * 3


def test_columns_not_mapped_are_skipped(by_keys: Importable) -> None:
    frame = pl.DataFrame(
        {"_row": [2, 3], "email": ["a@x.com", "a@x.com"], "_errors": [None, None]},
        schema_overrides={"_errors": pl.String},
    )
    assert _dups(frame, by_keys) == [(None, None), (2, "email")]


# --- from a file to its duplicates --------------------------------------------------------------


def test_a_file_cleaned_and_its_duplicates_found(tmp_path: Path, customers: Importable) -> None:
    """The pure part of a preview: read, map, clean, find the duplicates inside the file."""
    text = (
        "客户名单,,,,\n"
        "*客户名称（必填）,Phone *,E-MAIL,类型,标签\n"
        "上海星辰科技有限公司,138 0013 8000,Info@XingChen.CN,公司,VIP；华东\n"
        "\n"
        "星辰科技,+86-138-0013-8000,,,\n"
        "北京月光贸易,,INFO@xingchen.cn,,\n"
        "张伟,139 0013 9000,,个人,\n"
        "张伟,,,个人,\n"
        ",137 0013 7000,bad@,,\n"
        "深圳太阳,137 0013 7000,,企业,\n"
    )
    path = tmp_path / "customers.csv"
    path.write_bytes(text.encode("gbk"))
    raw, encoding = reading.read_table(path, reading.sniff_format(path.read_bytes()[:4096]))
    assert encoding == "gb18030"
    table = reading.to_table(raw)
    assert table.header_row == 2
    mapping = suggest_mapping(table.headers, customers.fields)
    assert mapping == {0: "name", 1: "phone", 2: "email", 3: "kind", 4: "tags"}
    options = CleanOptions(phone_region="CN", day_first=True)
    frame = clean_table(customers, table, mapping, customers.fields, options, "zh-CN")
    frame = in_file_duplicates(frame, customers)
    assert frame["_row"].to_list() == [3, 5, 6, 7, 8, 9, 10]
    assert frame["phone_e164"].to_list() == [
        "+8613800138000",
        "+8613800138000",
        None,
        "+8613900139000",
        None,
        "+8613700137000",
        "+8613700137000",
    ]
    assert frame["email"].to_list() == [
        "info@xingchen.cn",
        None,
        "info@xingchen.cn",
        None,
        None,
        None,
        None,
    ]
    assert frame["kind"].to_list() == [
        "company",
        "company",
        "company",
        "person",
        "person",
        "company",
        "company",
    ]
    assert frame["tags"].to_list() == [["VIP", "华东"], None, None, None, None, None, None]
    errors = frame["_errors"].to_list()
    assert errors[:5] == [None] * 5
    assert errors[5] is not None
    assert errors[5].startswith("客户名称: Required.; 邮箱: not a valid e-mail address")
    assert errors[6] is None
    assert list(zip(frame["_dup_row"], frame["_dup_reason"], strict=True)) == [
        (None, None),
        (3, "phone"),
        # The same e-mail, but another name written with another city: not the same company.
        (None, None),
        (None, None),
        (None, None),  # persons: not matched on name
        (None, None),  # rejected row
        (None, None),  # its phone's first valid row
    ]
    # "上海星辰科技有限公司" and "星辰科技" are different names; the phone made them duplicates.
    assert frame["name_normalized"].to_list()[:2] == ["星辰科技", "星辰科技"]  # the core
