"""The preview's duplicate counts are what the commit does, for every choice of the commit's
defaults and for per-row decisions, on a first import and on a re-import of the same file: a
row that repeats an existing record is an existing-record duplicate whatever the in-file rule
says."""

from __future__ import annotations

from typing import Any

import pytest

from import_helpers import commit, csv_bytes, preview, rows_of, upload

HEADER = ["客户名称", "电话", "邮箱", "来源"]
MINE, NEW, COLLEAGUES = "13800138101", "13800138102", "13800138103"
FILE = csv_bytes(
    [
        HEADER,
        ["我的客户", MINE, "", "导入"],  # row 2: the importer's customer
        ["我的客户", MINE, "", "导入"],  # row 3: repeats row 2 and the importer's customer
        ["新客户", NEW, "", "导入"],  # row 4: new
        ["新客户", NEW, "", "导入"],  # row 5: repeats row 4 only
        ["同事的客户", COLLEAGUES, "", "导入"],  # row 6: a customer outside the scope
        ["同事的客户", COLLEAGUES, "", "导入"],  # row 7: repeats row 6 and that customer
        ["坏邮箱", "", "not-an-email"],  # row 8: rejected
    ]
)
# What becomes of a row of each kind under the choice that applies to it (its decision, else
# the commit's default for its kind), written out rather than taken from the code under test.
ACTION = {
    ("existing", "skip"): "skipped",
    ("existing", "update"): "updated",
    ("existing", "create"): "created",
    ("hidden", "skip"): "skipped",
    ("hidden", "update"): "skipped",
    ("hidden", "create"): "created",
    ("in_file", "skip"): "skipped",
    ("in_file", "create"): "created",
}


def _partition(summary: dict[str, Any]) -> dict[str, int]:
    return {
        "new": summary["new"],
        "existing": summary["duplicates_existing"] - summary["duplicates_hidden"],
        "hidden": summary["duplicates_hidden"],
        "in_file": summary["duplicates_in_file"],
    }


def _expected(partition: dict[str, int], on_duplicate: str, on_file: str) -> dict[str, int]:
    counts = {"created": partition["new"], "updated": 0, "skipped": 0}
    for kind in ("existing", "hidden", "in_file"):
        choice = on_file if kind == "in_file" else on_duplicate
        counts[ACTION[kind, choice]] += partition[kind]
    return counts


async def _total(api: Any) -> int:
    r = await api.get("/api/v1/customers", params={"limit": 1, "with_total": "true"})
    assert r.status_code == 200, r.text
    return int(r.json()["total"])


async def _preview_and_commit(
    api: Any, db: Any, **options: Any
) -> tuple[dict[str, Any], dict[str, Any]]:
    previewed = await preview(api, db, await upload(api, FILE))
    assert previewed["status"] == "previewed", previewed["error"]
    done = await commit(api, db, previewed, **options)
    assert done["status"] == "committed", done["error"]
    return previewed["summary"], done


@pytest.fixture
async def world(factory: Any) -> dict[str, Any]:
    importer, colleague = await factory.user("sales"), await factory.user("sales")
    return {
        "importer": importer,
        "admin": factory.admin,
        "mine": await factory.customer(importer, name="我的客户有限公司", phone=MINE),
        "colleagues": await factory.customer(colleague, name="同事的客户", phone=COLLEAGUES),
        "colleague": colleague,
    }


@pytest.mark.parametrize("on_duplicate", ["skip", "update", "create"])
@pytest.mark.parametrize("on_file", ["skip", "create"])
async def test_the_preview_counts_what_the_commit_does_on_import_and_reimport(
    world: dict[str, Any], db: Any, on_duplicate: str, on_file: str
) -> None:
    importer, admin = world["importer"], world["admin"]
    options = {"on_duplicate": on_duplicate, "on_file_duplicate": on_file}
    for attempt in ("first import", "re-import"):
        before = await _total(admin)
        summary, done = await _preview_and_commit(importer, db, **options)
        partition = _partition(summary)
        if attempt == "first import":
            # Rows 3 and 7 repeat an earlier row too, but they repeat a record first.
            assert partition == {"new": 1, "existing": 2, "hidden": 2, "in_file": 1}
        else:  # rows 4 and 5 now repeat the record the first import made of row 4
            # (and rows 6 and 7 the importer's own records, when they were created).
            hidden = 0 if on_duplicate == "create" else 2
            assert partition == {"new": 0, "existing": 6 - hidden, "hidden": hidden, "in_file": 0}
        expected = _expected(partition, on_duplicate, on_file)
        [announced] = [
            {k: o[k] for k in ("created", "updated", "skipped")}
            for o in summary["outcomes"]
            if (o["on_duplicate"], o["on_file_duplicate"]) == (on_duplicate, on_file)
        ]
        result = {k: done["result"][k] for k in ("created", "updated", "skipped")}
        assert announced == expected, attempt
        assert result == expected, attempt
        assert done["result"]["rejected"] == summary["errors"] == 1
        assert await _total(admin) == before + expected["created"], attempt
    mine = (await importer.get(f"/api/v1/customers/{world['mine']['id']}")).json()
    assert (mine["source"] == "导入") is (on_duplicate == "update")
    colleagues = await world["colleague"].get(f"/api/v1/customers/{world['colleagues']['id']}")
    assert colleagues.json()["version"] == world["colleagues"]["version"]


async def test_a_row_decision_applies_the_rule_of_the_rows_kind(
    world: dict[str, Any], db: Any
) -> None:
    importer = world["importer"]
    before = await _total(world["admin"])
    decisions = [
        {"row": 2, "action": "update"},
        {"row": 3, "action": "create"},  # repeats a record: created as asked
        {"row": 5, "action": "update"},  # repeats a row only: nothing to update
        {"row": 6, "action": "update"},  # outside the scope: never updated
        {"row": 7, "action": "create"},
    ]
    summary, done = await _preview_and_commit(importer, db, decisions=decisions)
    assert _partition(summary) == {"new": 1, "existing": 2, "hidden": 2, "in_file": 1}
    result = {k: done["result"][k] for k in ("created", "updated", "skipped")}
    assert result == {"created": 3, "updated": 1, "skipped": 2}
    outcomes = {r["row"]: r["outcome"] for r in await rows_of(importer, done, status="duplicate")}
    assert outcomes == {2: "updated", 3: "created", 5: "skipped", 6: "skipped", 7: "created"}
    assert await _total(world["admin"]) == before + 3
