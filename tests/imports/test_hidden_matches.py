"""A row that repeats a record outside the importer's data scope is a hidden duplicate: the
importer learns that one exists, never which record it is. Salesperson B imports a row with
salesperson A's customer's (or lead's) phone; no answer B can get names A's record."""

from __future__ import annotations

from typing import Any

import pytest

from import_helpers import commit, csv_bytes, preview, rows_of, upload

PHONE = "13800138777"


async def _theirs(api: Any, object_type: str) -> str:
    if object_type == "customers":
        body: dict[str, Any] = {"name": "甲的客户", "phone": PHONE}
    else:
        body = {"person_name": "甲的线索", "phone": PHONE, "owner_id": api.user_id}
    r = await api.post(f"/api/v1/{object_type}", json=body)
    assert r.status_code == 201, r.text
    return str(r.json()["id"])


_FILES = {
    "customers": [["客户名称", "电话"], ["乙的客户", PHONE], ["乙的新客户", "13800138778"]],
    "leads": [["姓名", "手机"], ["乙的线索", PHONE], ["乙的新线索", "13800138778"]],
}


@pytest.mark.parametrize("object_type", ["customers", "leads"])
async def test_a_hidden_duplicate_says_only_that_it_exists(
    sales_team: dict[str, Any], db: Any, object_type: str
) -> None:
    a, b = sales_team["sales_a"], sales_team["sales_b"]
    theirs = await _theirs(a, object_type)
    assert (await b.get(f"/api/v1/{object_type}/{theirs}")).status_code == 404
    item = await upload(b, csv_bytes(_FILES[object_type]), object_type=object_type)
    previewed = await preview(b, db, item)
    assert previewed["summary"]["duplicates_hidden"] == 1
    [hidden] = await rows_of(b, previewed, status="duplicate")
    assert hidden["row"] == 2
    assert (hidden["match_hidden"], hidden["match_reason"]) == (True, "phone")
    assert (hidden["match_id"], hidden["match_name"], hidden["record_id"]) == (None, None, None)

    done = await commit(b, db, previewed, decisions=[{"row": 2, "action": "update"}])
    assert (done["result"]["created"], done["result"]["updated"]) == (1, 0)
    [skipped] = await rows_of(b, done, status="duplicate")
    assert skipped["outcome"] == "skipped"
    assert (skipped["match_id"], skipped["record_id"]) == (None, None)
    # Every answer about the import B can get: none holds the id of A's record.
    answers = [
        await b.get(f"/api/v1/imports/{item['id']}/rows"),
        await b.get(f"/api/v1/imports/{item['id']}"),
        await b.get("/api/v1/imports"),
        await b.get(f"/api/v1/imports/{item['id']}/error-report"),
        await b.get(f"/api/v1/jobs/{done['preview_job_id']}"),
        await b.get(f"/api/v1/jobs/{done['commit_job_id']}"),
    ]
    for answer in answers:
        assert answer.status_code == 200, answer.text
        assert theirs not in answer.text, answer.request.url
