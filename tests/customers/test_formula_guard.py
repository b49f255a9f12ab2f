"""Text a spreadsheet would run as a formula is refused on every way in (customer and contact
writes, custom-field text, tags, imports), in the caller's language; numbers and phone numbers
that start with + or - are data and stay as they were typed."""

from __future__ import annotations

from typing import Any

import pytest

from crm.core.formulas import defuse, is_formula
from customfields.helpers import define
from import_helpers import commit, csv_bytes, preview, rows_of, upload
from platform_helpers import assert_problem, error_locs

FORMULAS = [
    '=HYPERLINK("http://evil.example","click")',
    "=1+1",
    "+cmd|' /C calc'!A0",
    "@SUM(1+1)*cmd|' /C calc'!A0",
    "-2+3+cmd|' /C calc'!A0",
    "\t=1+1",
    "\r=1+1",
]
DATA = ["-5", "+86 138 0013 8000", "-", "1+1", "a=b", "某公司 =1"]


@pytest.mark.parametrize("text", FORMULAS)
def test_the_rule_flags_formulas_and_the_export_side_defuses_them(text: str) -> None:
    assert is_formula(text)
    assert defuse(text) == "'" + text


@pytest.mark.parametrize("text", DATA)
def test_numbers_phone_numbers_and_plain_text_are_data(text: str) -> None:
    assert not is_formula(text)
    assert defuse(text) == text


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("name", FORMULAS[0]),
        ("notes", FORMULAS[3]),
        ("industry", FORMULAS[2]),
        ("address", FORMULAS[1]),
        ("tags", [FORMULAS[4]]),
    ],
)
async def test_a_customer_write_refuses_a_formula_naming_the_field(
    admin: Any, field: str, value: Any
) -> None:
    body = {"name": "安全的名字", field: value}
    problem = assert_problem(await admin.post("/api/v1/customers", json=body), 422)
    assert ["body", field] == error_locs(problem)[0][:2]
    assert "formula" in problem["errors"][0]["msg"]
    customer = (await admin.post("/api/v1/customers", json={"name": "安全的名字"})).json()
    r = await admin.patch(
        f"/api/v1/customers/{customer['id']}",
        json={field: value},
        headers={"Accept-Language": "zh-CN"},
    )
    problem = assert_problem(r, 422)
    assert ["body", field] == error_locs(problem)[0][:2]
    assert "公式" in problem["errors"][0]["msg"]
    unchanged = (await admin.get(f"/api/v1/customers/{customer['id']}")).json()
    assert unchanged["version"] == customer["version"]


async def test_signed_numbers_and_phone_numbers_go_in_as_typed(admin: Any) -> None:
    r = await admin.post(
        "/api/v1/customers",
        json={"name": "某公司", "phone": "+86 138 0013 8000", "notes": "-5", "tags": ["-"]},
    )
    assert r.status_code == 201, r.text
    stored = r.json()
    assert (stored["phone"], stored["notes"], stored["tags"]) == ("+86 138 0013 8000", "-5", ["-"])


async def test_contacts_and_custom_text_refuse_formulas(admin: Any) -> None:
    await define(admin, "remark", "text")
    r = await admin.post(
        "/api/v1/customers", json={"name": "某公司", "custom_fields": {"remark": "=1+1"}}
    )
    problem = assert_problem(r, 422)
    assert "formula" in problem["detail"] + str(problem.get("errors"))
    customer = (await admin.post("/api/v1/customers", json={"name": "某公司"})).json()
    r = await admin.post(
        "/api/v1/contacts",
        json={"customer_id": customer["id"], "name": "张三", "title": "@SUM(1+1)"},
    )
    assert error_locs(assert_problem(r, 422))[0][:2] == ["body", "title"]


async def test_an_import_rejects_formula_cells_and_keeps_signed_numbers(
    admin: Any, db: Any
) -> None:
    await define(admin, "remark", "text")
    content = csv_bytes(
        [
            ["客户名称", "电话", "标签", "备注", "remark"],
            ["甲", "+86 138 0013 8000", "-", "-5", "-"],  # row 2: data
            [FORMULAS[2], "", "", "", ""],  # row 3
            ["乙", "+cmd|' /C calc'!A0", "", "", ""],  # row 4: no phone number
            ["丙", "", "VIP, @SUM(1+1)", "", ""],  # row 5
            ["丁", "", "", "=1+1", ""],  # row 6
            ["戊", "", "", "", "-2+3+cmd|' /C calc'!A0"],  # row 7
        ]
    )
    item = await upload(admin, content)
    assert item["suggested_mapping"]["4"] == "cf.remark"
    previewed = await preview(admin, db, item)
    errors = {r["row"]: r["errors"] for r in await rows_of(admin, previewed, status="error")}
    assert sorted(errors) == [3, 4, 5, 6, 7]
    assert all("formula" in message for message in errors.values())
    done = await commit(admin, db, previewed)
    assert done["result"]["created"] == 1
    [stored] = (await admin.get("/api/v1/customers")).json()["items"]
    assert (stored["phone"], stored["tags"], stored["notes"]) == ("+86 138 0013 8000", ["-"], "-5")
    assert stored["custom_fields"] == {"remark": "-"}


async def test_leads_and_activities_refuse_formulas_too(admin: Any) -> None:
    r = await admin.post(
        "/api/v1/leads",
        json={"company_name": "某公司", "campaign": "=1+1", "owner_id": admin.user_id},
    )
    assert error_locs(assert_problem(r, 422))[0][:2] == ["body", "campaign"]
    customer = (await admin.post("/api/v1/customers", json={"name": "某公司"})).json()
    r = await admin.post(
        "/api/v1/activities",
        json={"kind": "call", "customer_id": customer["id"], "subject": "@SUM(1+1)"},
    )
    assert error_locs(assert_problem(r, 422))[0][:2] == ["body", "subject"]
    r = await admin.post(
        "/api/v1/activities",
        json={"kind": "call", "customer_id": customer["id"], "subject": "回访", "outcome": "-5"},
    )
    assert r.status_code == 201, r.text
