"""Dates written 05/03/2024 are read in the order each column's own values settle; a column
they leave ambiguous (or contradict) is flagged in the preview and its two-way dates are not
imported until the user chooses the order: day and month are never swapped silently."""

from __future__ import annotations

from typing import Any

from import_helpers import commit, csv_bytes, preview, rows_of, upload
from platform_helpers import assert_problem

HEADER = ["客户名称", "合作日期", "续约日期", "签约日期"]
FILE = csv_bytes(
    [
        HEADER,
        # since: month first (17 can only be a day); renewal: either; signed: both orders
        ["甲", "3/11/2015", "3/11/2015", "13/01/2020"],
        ["乙", "8/17/2020", "5/5/2021", "01/13/2020"],
    ]
)


async def _date_fields(admin: Any) -> None:
    for key, en, zh in (
        ("since", "Since", "合作日期"),
        ("renewal", "Renewal", "续约日期"),
        ("signed", "Signed", "签约日期"),
    ):
        body = {
            "object_type": "customer",
            "key": key,
            "label": {"en": en, "zh": zh},
            "field_type": "date",
        }
        r = await admin.post("/api/v1/custom-fields", json=body)
        assert r.status_code == 201, r.text


def _flags(summary: dict[str, Any]) -> dict[str, tuple[str, str | None, bool]]:
    return {
        c["header"]: (c["detected"], c["order"], c["needs_choice"]) for c in summary["date_columns"]
    }


async def _custom_fields(api: Any) -> dict[str, dict[str, Any]]:
    r = await api.get("/api/v1/customers", params={"limit": 10})
    assert r.status_code == 200, r.text
    return {c["name"]: c["custom_fields"] for c in r.json()["items"]}


async def test_each_date_column_is_read_in_the_order_its_values_settle(admin: Any, db: Any) -> None:
    await _date_fields(admin)
    item = await upload(admin, FILE)
    previewed = await preview(admin, db, item)
    assert _flags(previewed["summary"]) == {
        "合作日期": ("month_first", "month_first", False),
        "续约日期": ("ambiguous", None, True),
        "签约日期": ("conflicting", None, True),
    }
    errors = {r["row"]: r["errors"] for r in await rows_of(admin, previewed, status="error")}
    # Row 2's renewal reads two ways, and both rows' signing dates do; 5/5/2021 reads one way.
    assert "Renewal" not in errors[3] and "Signed: '01/13/2020'" in errors[3]
    assert "Renewal: '3/11/2015': the column's dates do not show whether" in errors[2]

    chosen = await preview(
        admin,
        db,
        item,
        options={"date_orders": {"2": "day_first", "3": "month_first"}},
    )
    assert _flags(chosen["summary"]) == {
        "合作日期": ("month_first", "month_first", False),
        "续约日期": ("ambiguous", "day_first", False),
        "签约日期": ("conflicting", "month_first", False),
    }
    [rejected] = await rows_of(admin, chosen, status="error")
    assert rejected["row"] == 2 and "not a valid date: '13/01/2020'" in rejected["errors"]
    done = await commit(admin, db, chosen)
    assert done["result"]["created"] == 1
    assert await _custom_fields(admin) == {
        "乙": {"since": "2020-08-17", "renewal": "2021-05-05", "signed": "2020-01-13"}
    }


async def test_a_file_wide_order_applies_where_no_column_order_is_chosen(
    admin: Any, db: Any
) -> None:
    await _date_fields(admin)
    content = csv_bytes([HEADER, ["甲", "3/11/2015", "3/11/2015", "4/12/2016"]])
    item = await upload(admin, content)
    previewed = await preview(
        admin, db, item, options={"day_first": False, "date_orders": {"3": "day_first"}}
    )
    assert _flags(previewed["summary"]) == {
        "合作日期": ("ambiguous", "month_first", False),
        "续约日期": ("ambiguous", "month_first", False),
        "签约日期": ("ambiguous", "day_first", False),
    }
    await commit(admin, db, previewed)
    assert await _custom_fields(admin) == {
        "甲": {"since": "2015-03-11", "renewal": "2015-03-11", "signed": "2016-12-04"}
    }


async def test_a_date_order_must_name_a_column_of_the_file(admin: Any) -> None:
    item = await upload(admin, csv_bytes([HEADER, ["甲", "3/11/2015", "", ""]]))
    for column in ("9", "x"):
        r = await admin.post(
            f"/api/v1/imports/{item['id']}/preview",
            json={
                "mapping": item["suggested_mapping"],
                "options": {"date_orders": {column: "day_first"}},
            },
        )
        assert_problem(r, 422)
        assert f"options.date_orders.{column}" in r.text
    r = await admin.post(
        f"/api/v1/imports/{item['id']}/preview",
        json={"mapping": {"0": "name"}, "options": {"date_orders": {"1": "year_first"}}},
        headers={"Accept-Language": "zh-CN"},
    )
    assert_problem(r, 422)
