"""Upload → preview → commit of customers, end to end through the API and the worker's jobs:
cleaning, validation, duplicates and their decisions, idempotent re-runs, the error report."""

from __future__ import annotations

import csv
import io
from typing import Any

from import_helpers import commit, csv_bytes, import_file, preview, rows_of, upload
from platform_helpers import assert_problem

HEADER = ["客户名称", "电话", "邮箱", "地址", "标签", "来源"]


def _file(*rows: list[str]) -> bytes:
    """A CSV of customers under HEADER; each row gives the leading columns, the rest empty."""
    return csv_bytes([HEADER, *[[*r, *[""] * (len(HEADER) - len(r))] for r in rows]])


async def _customers(api: Any, **params: Any) -> list[dict[str, Any]]:
    r = await api.get("/api/v1/customers", params={"limit": 200, **params})
    assert r.status_code == 200, r.text
    return list(r.json()["items"])


async def test_a_clean_file_goes_in_with_cleaned_values(admin: Any, db: Any) -> None:
    star = ["上海星辰科技有限公司", "138 0013 8000", "Info@XingChen.CN"]
    star += ["广东省深圳市南山区科技园", "VIP，华东", "展会"]
    item = await upload(admin, _file(star, ["北京月光贸易", "+86-139-0013-9000"]))
    assert item["status"] == "uploaded"
    assert item["total_rows"] is None  # the upload reads the head only; the preview counts
    assert item["suggested_mapping"] == {
        "0": "name",
        "1": "phone",
        "2": "email",
        "3": "address",
        "4": "tags",
        "5": "source",
    }
    assert item["columns"][1] == {
        "index": 1,
        "header": "电话",
        "sample": ["138 0013 8000", "+86-139-0013-9000"],
    }
    previewed = await preview(admin, db, item)
    assert previewed["status"] == "previewed", previewed["error"]
    assert previewed["total_rows"] == 2
    assert previewed["summary"]["valid"] == 2
    assert previewed["summary"]["new"] == 2
    done = await commit(admin, db, previewed)
    assert done["status"] == "committed", done["error"]
    assert done["result"]["created"] == 2
    assert done["result"]["batches"] == [
        {"first_row": 2, "last_row": 3, "created": 2, "updated": 0, "skipped": 0}
    ]
    by_name = {c["name"]: c for c in await _customers(admin)}
    row = by_name["上海星辰科技有限公司"]
    assert row["phone"] == "138 0013 8000"
    assert row["phone_e164"] == "+8613800138000"
    assert row["email"] == "info@xingchen.cn"
    assert (row["province"], row["city"], row["district"]) == ("广东省", "深圳市", "南山区")
    assert sorted(row["tags"]) == ["VIP", "华东"]
    assert row["source"] == "展会"
    assert row["owner_id"] == admin.user_id
    assert row["kind"] == "company"
    assert by_name["北京月光贸易"]["phone_e164"] == "+8613900139000"


async def test_rows_with_errors_are_rejected_and_reported_with_their_row_numbers(
    admin: Any, db: Any
) -> None:
    item = await upload(
        admin,
        _file(
            ["好公司", "13800138002", "ok@example.com"],
            ["", "13800138003"],  # no name
            ["坏邮箱公司", "", "not-an-email"],
            ['=HYPERLINK("http://x")', ""],
            ["电话不对公司", "12345"],  # a warning only: kept as typed
        ),
    )
    previewed = await preview(admin, db, item)
    summary = previewed["summary"]
    assert (summary["rows"], summary["valid"], summary["errors"]) == (5, 2, 3)
    assert summary["warnings"] == 1
    errors = {r["row"]: r for r in await rows_of(admin, previewed, status="error")}
    assert sorted(errors) == [3, 4, 5]
    assert "Required" in errors[3]["errors"]
    assert "e-mail" in errors[4]["errors"]
    assert "formula" in errors[5]["errors"]
    assert errors[4]["cells"]["邮箱"] == "not-an-email"
    [warning] = await rows_of(admin, previewed, status="warning")
    assert warning["row"] == 6 and "not a valid phone number" in warning["warnings"]

    report = await admin.get(f"/api/v1/imports/{item['id']}/error-report")
    assert report.status_code == 200
    assert report.content.startswith(b"\xef\xbb\xbf")
    lines = list(csv.reader(io.StringIO(report.content.decode("utf-8-sig"))))
    assert lines[0] == ["row", "errors", *HEADER]
    assert [line[0] for line in lines[1:]] == ["3", "4", "5"]
    # A formula cell is written back defused, never as a live formula.
    assert lines[3][2].startswith("'=")

    done = await commit(admin, db, previewed)
    assert done["result"]["created"] == 2
    assert done["result"]["rejected"] == 3
    assert {c["name"] for c in await _customers(admin)} == {"电话不对公司", "好公司"}
    assert {r["outcome"] for r in await rows_of(admin, done, status="error")} == {"rejected"}


async def test_rerunning_the_same_file_creates_no_duplicates(admin: Any, db: Any) -> None:
    content = _file(["甲公司", "13800138001"], ["乙公司", "", "b@x.cn"])
    first = await import_file(admin, db, content)
    assert first["result"]["created"] == 2
    second = await import_file(admin, db, content)
    assert second["result"]["created"] == 0
    assert second["result"]["skipped"] == 2
    assert second["same_file_imports"] == [first["id"]]
    assert len(await _customers(admin)) == 2


async def test_duplicates_in_the_file_and_in_the_database_follow_the_decisions(
    admin: Any, factory: Any, db: Any
) -> None:
    existing = await factory.customer(
        admin, name="老客户有限公司", phone="13800138010", email="old@x.cn"
    )
    item = await upload(
        admin,
        _file(
            ["老客户", "138-0013-8010", "", "", "", "电话会"],  # row 2: same phone
            ["新客户A", "13800138011"],  # row 3: new
            ["新客户A", "13800138011"],  # row 4: repeats row 3
            ["另一个名字", "", "OLD@x.cn"],  # row 5: same e-mail
        ),
    )
    previewed = await preview(admin, db, item)
    summary = previewed["summary"]
    assert summary["duplicates_existing"] == 2
    assert summary["duplicates_in_file"] == 1
    assert summary["new"] == 1
    dups = {r["row"]: r for r in await rows_of(admin, previewed, status="duplicate")}
    assert dups[2]["match_id"] == existing["id"]
    assert dups[2]["match_reason"] == "phone"
    assert dups[2]["match_name"] == "老客户有限公司"
    assert dups[4]["duplicate_of_row"] == 3
    assert dups[5]["match_reason"] == "email"

    done = await commit(
        admin,
        db,
        previewed,
        on_duplicate="skip",
        decisions=[{"row": 2, "action": "update"}, {"row": 4, "action": "create"}],
    )
    result = done["result"]
    assert (result["created"], result["updated"], result["skipped"]) == (2, 1, 1)
    updated = (await admin.get(f"/api/v1/customers/{existing['id']}")).json()
    assert updated["source"] == "电话会"  # the row's non-empty value
    assert updated["name"] == "老客户"
    assert updated["phone"] == "138-0013-8010"
    assert updated["version"] == existing["version"] + 1
    timeline = (await admin.get(f"/api/v1/customers/{existing['id']}/timeline")).json()
    imported = [i for i in timeline["items"] if i["data"].get("import_id") == done["id"]]
    assert [i["kind"] for i in imported] == ["customer.updated"]
    assert len([c for c in await _customers(admin) if c["name"] == "新客户A"]) == 2
    outcomes = {r["row"]: r["outcome"] for r in await rows_of(admin, done, status="duplicate")}
    assert outcomes == {2: "updated", 4: "created", 5: "skipped"}


async def test_commit_and_preview_refuse_what_does_not_fit(admin: Any, db: Any) -> None:
    item = await upload(admin, _file(["某公司", "13800138020"]))
    r = await admin.post(f"/api/v1/imports/{item['id']}/commit", json={})
    assert_problem(r, 409)
    r = await admin.post(f"/api/v1/imports/{item['id']}/preview", json={"mapping": {"1": "phone"}})
    assert_problem(r, 422)
    assert "required field 'name'" in r.text
    r = await admin.post(
        f"/api/v1/imports/{item['id']}/preview", json={"mapping": {"0": "name", "1": "name"}}
    )
    assert_problem(r, 422)
    r = await admin.post(
        f"/api/v1/imports/{item['id']}/preview", json={"mapping": {"0": "name", "9": "phone"}}
    )
    assert_problem(r, 422)
    r = await admin.post(
        f"/api/v1/imports/{item['id']}/preview", json={"mapping": {"0": "name", "1": "salary"}}
    )
    assert_problem(r, 422)
    previewed = await preview(admin, db, item)
    done = await commit(admin, db, previewed)
    assert done["status"] == "committed"
    r = await admin.post(f"/api/v1/imports/{item['id']}/commit", json={})
    assert_problem(r, 409)
    r = await admin.post(
        f"/api/v1/imports/{item['id']}/commit",
        json={"decisions": [{"row": 2, "action": "merge"}]},
    )
    assert_problem(r, 422)


async def test_a_column_of_garbage_is_named_in_the_summary(admin: Any, db: Any) -> None:
    content = csv_bytes(
        [
            ["客户名称", "邮箱"],
            *[[f"公司{i}", f"垃圾{i}"] for i in range(4)],
            ["公司9", "ok@example.com"],
        ]
    )
    previewed = await preview(admin, db, await upload(admin, content))
    [problem] = previewed["summary"]["column_problems"]
    assert problem["header"] == "邮箱" and problem["invalid"] == 4 and problem["filled"] == 5
    assert "mapped to the right field" in problem["message"]
    assert previewed["summary"]["errors"] == 4
