"""The import's jobs: batches that go in whole or not at all, cancelling between batches,
custom fields, the data scope of the importer, bad files, templates and the audit trail."""

from __future__ import annotations

import io
import uuid
from typing import Any

import polars as pl
import pytest
from sqlalchemy import text

from crm.core.audit import AuditLog
from crm.core.events import OutboxEvent
from crm.imports.models import Import
from crm.settings import get_settings
from import_helpers import commit, csv_bytes, preview, rows_of, run_queued, upload, upload_raw
from platform_helpers import assert_problem, count, rows

HEADER = ["客户名称", "电话", "负责人"]


async def _names(api: Any) -> set[str]:
    r = await api.get("/api/v1/customers", params={"limit": 200})
    assert r.status_code == 200, r.text
    return {c["name"] for c in r.json()["items"]}


async def test_a_failing_batch_rolls_back_alone_and_the_result_says_what_went_in(
    admin: Any, db: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(get_settings(), "import_batch_size", 2)
    content = csv_bytes([HEADER, *[[f"公司{i}", f"1380013{i:04d}", ""] for i in range(5)]])
    previewed = await preview(admin, db, await upload(admin, content))
    # The third customer (row 4, in the second batch) cannot be written: the database refuses.
    async with db.engine.begin() as conn:
        await conn.execute(
            text(
                "CREATE FUNCTION refuse_company2() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN "
                "IF NEW.name = '公司2' THEN RAISE EXCEPTION 'refused'; END IF; RETURN NEW; END $$"
            )
        )
        await conn.execute(
            text(
                "CREATE TRIGGER refuse_company2 BEFORE INSERT ON customers "
                "FOR EACH ROW EXECUTE FUNCTION refuse_company2()"
            )
        )
    try:
        done = await commit(admin, db, previewed)
    finally:
        async with db.engine.begin() as conn:
            await conn.execute(text("DROP TRIGGER refuse_company2 ON customers"))
            await conn.execute(text("DROP FUNCTION refuse_company2()"))
    assert done["status"] == "failed"
    assert done["result"]["batches"] == [
        {"first_row": 2, "last_row": 3, "created": 2, "updated": 0, "skipped": 0}
    ]
    # The failed job's connection let go of the import lock (a pooled connection keeping it
    # would block every later import of customers).
    async with db.engine.connect() as conn:
        held = await conn.scalar(text("SELECT count(*) FROM pg_locks WHERE locktype = 'advisory'"))
    assert held == 0
    assert await _names(admin) == {"公司0", "公司1"}  # the second batch left nothing behind
    job = (await admin.get(f"/api/v1/jobs/{done['commit_job_id']}")).json()
    assert job["status"] == "failed"
    assert job["done"] == 2


async def test_cancelling_stops_between_batches(
    admin: Any, db: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(get_settings(), "import_batch_size", 2)
    content = csv_bytes([HEADER, *[[f"公司{i}", f"1390013{i:04d}", ""] for i in range(5)]])
    previewed = await preview(admin, db, await upload(admin, content))
    r = await admin.post(f"/api/v1/imports/{previewed['id']}/commit", json={})
    assert r.status_code == 202
    r = await admin.post(f"/api/v1/imports/{previewed['id']}/cancel")
    assert r.status_code == 200 and r.json()["status"] == "cancelling"
    await run_queued(db)
    done = (await admin.get(f"/api/v1/imports/{previewed['id']}")).json()
    assert done["status"] == "cancelled"
    assert done["result"]["batches"] == [] and done["result"]["finished"] is False
    assert await _names(admin) == set()
    job = (await admin.get(f"/api/v1/jobs/{done['commit_job_id']}")).json()
    assert job["status"] == "cancelled"
    assert_problem(await admin.post(f"/api/v1/imports/{previewed['id']}/cancel"), 409)


async def test_custom_fields_are_cleaned_validated_and_stored(admin: Any, db: Any) -> None:
    for body in (
        {
            "object_type": "customer",
            "key": "since",
            "label": {"en": "Since", "zh": "合作日期"},
            "field_type": "date",
        },
        {
            "object_type": "customer",
            "key": "rank",
            "label": {"en": "Rank", "zh": "排名"},
            "field_type": "select",
            "options": [{"value": "A"}, {"value": "B"}],
        },
        {
            "object_type": "customer",
            "key": "seats",
            "label": {"en": "Seats", "zh": "席位"},
            "field_type": "number",
        },
    ):
        r = await admin.post("/api/v1/custom-fields", json=body)
        assert r.status_code == 201, r.text
    content = csv_bytes(
        [
            ["客户名称", "合作日期", "排名", "席位"],
            ["甲", "2024年3月5日", "A", "10"],
            ["乙", "45356", "B", ""],
            ["丙", "2024/13/45", "A", "3"],
            ["丁", "", "Z", "many"],
        ]
    )
    item = await upload(admin, content)
    assert item["suggested_mapping"] == {
        "0": "name",
        "1": "cf.since",
        "2": "cf.rank",
        "3": "cf.seats",
    }
    previewed = await preview(admin, db, item)
    errors = {r["row"]: r["errors"] for r in await rows_of(admin, previewed, status="error")}
    assert sorted(errors) == [4, 5]
    assert "Since" in errors[4]  # the field's label in the previewer's language
    assert "Rank" in errors[5] and "Seats" in errors[5]
    await commit(admin, db, previewed)
    r = await admin.get("/api/v1/customers", params={"limit": 10, "sort": "name"})
    custom = {c["name"]: c["custom_fields"] for c in r.json()["items"]}
    assert custom == {
        "甲": {"since": "2024-03-05", "rank": "A", "seats": 10},
        "乙": {"since": "2024-03-05", "rank": "B"},
    }


async def test_an_owner_column_follows_the_one_assignment_rule(
    sales_team: dict[str, Any], admin: Any, db: Any
) -> None:
    """The owner column is checked with identity's assignment rule (active, inside the
    importer's scope), for all owners of the file at once: a manager may give rows to their
    team, not to another department's salesperson nor to a deactivated member of the team."""
    manager, sales_a, sales_b = sales_team["manager"], sales_team["sales_a"], sales_team["sales_b"]
    outsider = sales_team["outsider"]
    r = await admin.patch(f"/api/v1/users/{sales_b.user_id}", json={"is_active": False})
    assert r.status_code == 200, r.text
    content = csv_bytes(
        [
            HEADER,
            ["给组员的", "13800138891", sales_a.info["email"]],  # row 2: in scope
            ["给外人的", "13800138892", outsider.info["email"]],  # row 3: another department
            ["给停用的", "13800138893", sales_b.info["email"]],  # row 4: deactivated
            ["自己的", "13800138894", manager.info["email"]],  # row 5: the importer
        ]
    )
    previewed = await preview(manager, db, await upload(manager, content))
    errors = {r["row"]: r["errors"] for r in await rows_of(manager, previewed, status="error")}
    assert sorted(errors) == [3, 4]
    assert "outside your data scope" in errors[3]
    assert "No active user" in errors[4]
    done = await commit(manager, db, previewed)
    assert done["result"]["created"] == 2
    listed = await manager.get("/api/v1/customers", params={"limit": 10})
    owners = {c["name"]: c["owner_id"] for c in listed.json()["items"]}
    assert owners == {"给组员的": sales_a.user_id, "自己的": manager.user_id}


async def test_a_salesperson_imports_into_their_own_scope_only(
    sales_team: dict[str, Any], factory: Any, db: Any
) -> None:
    a, b = sales_team["sales_a"], sales_team["sales_b"]
    colleague = await factory.customer(b, name="同事的客户", phone="13800138888")
    a_email, b_email = a.info["email"], b.info["email"]
    content = csv_bytes(
        [
            HEADER,
            ["同事的客户", "13800138888", ""],  # row 2: the colleague's customer
            ["给同事的", "13800138889", b_email],  # row 3: an owner outside a's scope
            ["自己的", "13800138890", a_email],  # row 4
        ]
    )
    previewed = await preview(a, db, await upload(a, content))
    [hidden] = await rows_of(a, previewed, status="duplicate")
    assert hidden["row"] == 2 and hidden["match_hidden"] is True
    assert hidden["match_name"] is None  # never shown to someone who may not see it
    [refused] = await rows_of(a, previewed, status="error")
    assert refused["row"] == 3 and "outside your data scope" in refused["errors"]
    done = await commit(a, db, previewed, decisions=[{"row": 2, "action": "update"}])
    assert (done["result"]["created"], done["result"]["updated"]) == (1, 0)
    untouched = (await b.get(f"/api/v1/customers/{colleague['id']}")).json()
    assert untouched["version"] == colleague["version"]
    assert await _names(a) == {"自己的"}
    # Imports are their creator's: the colleague cannot see this one.
    assert_problem(await b.get(f"/api/v1/imports/{previewed['id']}"), 404)
    r = await sales_team["service"].post(
        "/api/v1/imports",
        files={"file": ("x.csv", content, "text/csv")},
        data={"object_type": "customers"},
    )
    assert_problem(r, 403)


@pytest.mark.parametrize(
    ("content", "says"),
    [
        (b"", "empty"),
        (b"\xef\xbb\xbf", "empty"),
        ("客户名称,电话\n".encode(), "no data rows"),
        (b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj", "PDF"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "PNG"),
        (b"name,phone\n\xff\xfe\xfa\x80\x81,1\n", "neither UTF-8 nor GBK"),
        (b"name,phone\nA,1\nB,2,3\n", "Row 3 has 3 values"),
        (b"PK\x03\x04garbage-not-a-zip", "cannot be read"),
    ],
)
async def test_unreadable_files_get_a_precise_422(
    admin: Any, db: Any, content: bytes, says: str
) -> None:
    body = assert_problem(await upload_raw(admin, content), 422)
    assert says in body["detail"], body
    assert await count(db, Import) == 0


async def test_gbk_files_and_utf8_with_bom_read_the_same(admin: Any) -> None:
    rows_ = [["客户名称", "电话"], ["上海星辰科技有限公司", "13800138000"]]
    for content, encoding in (
        (csv_bytes(rows_, encoding="gbk"), "gb18030"),
        (b"\xef\xbb\xbf" + csv_bytes(rows_), "utf-8-sig"),
        (csv_bytes(rows_), "utf-8"),
    ):
        item = await upload(admin, content)
        assert item["encoding"] == encoding
        assert [c["header"] for c in item["columns"]] == ["客户名称", "电话"]
        assert item["columns"][0]["sample"] == ["上海星辰科技有限公司"]


async def test_an_upload_over_the_import_limit_is_413_and_others_keep_theirs(
    admin: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    limit = get_settings().import_max_bytes
    big = b"name\n" + b"x" * (get_settings().max_body_bytes + 10) + b"\n"
    assert len(big) < limit
    item = await upload_raw(admin, big)
    assert item.status_code != 413  # an upload may be larger than other requests
    r = await admin.post(
        "/api/v1/customers", content=b"{" + b" " * (get_settings().max_body_bytes + 1) + b"}"
    )
    assert_problem(r, 413)


async def test_templates_list_every_field_in_the_callers_language(admin: Any, db: Any) -> None:
    r = await admin.get(
        "/api/v1/imports/templates/customers",
        params={"format": "csv"},
        headers={"Accept-Language": "zh-CN"},
    )
    assert r.status_code == 200
    assert r.content.startswith(b"\xef\xbb\xbf")
    header = r.content.decode("utf-8-sig").splitlines()[0].split(",")
    assert header[0] == "客户名称 *" and "电话" in header and "负责人" in header
    r = await admin.get("/api/v1/imports/templates/customers", params={"format": "xlsx"})
    assert r.status_code == 200
    frame = pl.read_excel(io.BytesIO(r.content))
    assert frame.columns[0] == "Name *"
    # The template uploads cleanly and maps itself.
    item = await upload(admin, r.content, filename="template.xlsx")
    assert item["format"] == "xlsx"
    assert set(item["suggested_mapping"].values()) >= {"name", "phone", "email", "tags"}
    assert_problem(await admin.get("/api/v1/imports/templates/deals"), 422)


async def test_every_step_is_audited_and_each_record_gets_its_event(admin: Any, db: Any) -> None:
    content = csv_bytes([HEADER, ["审计公司", "13800138123", ""]])
    done = await commit(admin, db, await preview(admin, db, await upload(admin, content)))
    actions = [
        (e.action, e.object_type)
        for e in await rows(db, AuditLog, AuditLog.object_type.in_(["import", "customer"]))
    ]
    assert ("create", "import") in actions
    assert ("preview", "import") in actions
    assert ("commit", "import") in actions
    assert ("import", "customer") in actions
    [customer] = (await admin.get("/api/v1/customers")).json()["items"]
    [created] = await rows(db, OutboxEvent, OutboxEvent.object_id == uuid.UUID(customer["id"]))
    assert created.event_type == "customer.created"
    assert created.payload["import_id"] == done["id"]
    assert created.actor_id == uuid.UUID(admin.user_id)
    timeline = (await admin.get(f"/api/v1/customers/{customer['id']}/timeline")).json()
    assert [i["kind"] for i in timeline["items"]] == ["customer.created"]
    assert await count(db, Import) == 1


async def test_contacts_import_onto_the_customers_the_importer_sees(
    sales_team: dict[str, Any], factory: Any, db: Any
) -> None:
    a, b = sales_team["sales_a"], sales_team["sales_b"]
    mine = await factory.customer(a, name="上海星辰科技有限公司")
    theirs = await factory.customer(b, name="北京月光贸易有限公司")
    content = csv_bytes(
        [
            ["客户名称", "联系人", "手机", "主要联系人", "生日"],
            ["上海星辰科技", "李雷", "139 0013 9000", "是", "1990年5月20日"],  # normalised name
            [mine["id"], "韩梅梅", "", "否", ""],  # by id
            ["北京月光贸易有限公司", "王五", "", "", ""],  # someone else's customer
            ["不存在的公司", "赵六", "", "", ""],
        ]
    )
    item = await upload(a, content, object_type="contacts")
    assert item["suggested_mapping"] == {
        "0": "customer_id",
        "1": "name",
        "2": "phone",
        "3": "is_primary",
        "4": "birthday",
    }
    previewed = await preview(a, db, item)
    errors = {r["row"]: r["errors"] for r in await rows_of(a, previewed, status="error")}
    assert sorted(errors) == [4, 5]
    assert "that you can see" in errors[4] and "that you can see" in errors[5]
    done = await commit(a, db, previewed)
    assert done["result"]["created"] == 2
    r = await a.get("/api/v1/contacts", params={"customer_id": mine["id"], "sort": "name"})
    contacts = {c["name"]: c for c in r.json()["items"]}
    assert set(contacts) == {"李雷", "韩梅梅"}
    assert contacts["李雷"]["phone_e164"] == "+8613900139000"
    assert contacts["李雷"]["is_primary"] is True
    assert contacts["李雷"]["birthday"] == "1990-05-20"
    assert contacts["韩梅梅"]["is_primary"] is False
    r = await b.get("/api/v1/contacts", params={"customer_id": theirs["id"]})
    assert r.json()["items"] == []
    timeline = (await a.get(f"/api/v1/customers/{mine['id']}/timeline")).json()
    assert sum(i["kind"] == "contact.created" for i in timeline["items"]) == 2


async def test_what_an_import_shows_of_others_stays_within_the_callers_scope(
    sales_team: dict[str, Any], factory: Any, admin: Any, db: Any
) -> None:
    a, b = sales_team["sales_a"], sales_team["sales_b"]
    own = await factory.customer(a, name="曾经的客户", phone="13800138777")
    content = csv_bytes([HEADER, ["曾经的客户", "13800138777", ""], ["新公司", "13800138778", ""]])
    previewed = await preview(a, db, await upload(a, content))
    [dup] = await rows_of(a, previewed, status="duplicate")
    assert dup["match_name"] == "曾经的客户"
    # The matched customer moves to a colleague: the import no longer names it.
    r = await admin.patch(f"/api/v1/customers/{own['id']}", json={"owner_id": b.user_id})
    assert r.status_code == 200, r.text
    [dup] = await rows_of(a, previewed, status="duplicate")
    assert dup["match_id"] == own["id"] and dup["match_name"] is None
    await commit(a, db, previewed)
    # The same file uploaded by the colleague: a's import is not theirs to know about.
    again = await upload(b, content)
    assert again["same_file_imports"] == []
    assert (await upload(a, content))["same_file_imports"] == [previewed["id"]]


# --- retention --------------------------------------------------------------------------------


async def test_the_sweep_deletes_idle_imports_files_and_row_details_but_keeps_the_import(
    admin: Any, db: Any
) -> None:
    from datetime import timedelta

    from sqlalchemy import update

    from crm.core import files
    from crm.core.db import utcnow
    from crm.imports.models import ImportRow
    from crm.imports.service import source_key
    from crm.imports.tasks import expire_files, expire_import_files
    from crm.worker import WorkerSettings

    bad = csv_bytes([HEADER, ["旧公司", "not a phone", ""], ["旧公司二", "13800138001", ""]])
    old = await preview(admin, db, await upload(admin, bad))
    fresh = await preview(admin, db, await upload(admin, csv_bytes([HEADER, ["新公司", "", ""]])))
    old_id = uuid.UUID(old["id"])
    assert await count(db, ImportRow, ImportRow.import_id == old_id) == 1  # the bad phone
    ttl = timedelta(seconds=get_settings().import_file_ttl_seconds)
    async with db.sessionmaker() as session:
        await session.execute(
            update(Import)
            .where(Import.id == old_id)
            .values(updated_at=utcnow() - ttl - timedelta(minutes=1))
        )
        await session.commit()
        item = await session.get(Import, old_id)
        assert item is not None
        old_key = source_key(item)
    assert await files.get_storage().size(old_key) == len(bad)

    assert "cron:expire_import_files" in {job.name for job in WorkerSettings.cron_jobs}
    await expire_import_files({"db": db})

    assert not await files.get_storage().delete(old_key)  # already gone
    assert await count(db, ImportRow, ImportRow.import_id == old_id) == 0
    expired = (await admin.get(f"/api/v1/imports/{old['id']}")).json()
    assert expired["files_expired_at"] is not None
    assert expired["summary"] == old["summary"]  # what the preview found is still on record
    for call in (
        admin.get(f"/api/v1/imports/{old['id']}/rows"),
        admin.get(f"/api/v1/imports/{old['id']}/error-report"),
        admin.post(f"/api/v1/imports/{old['id']}/commit", json={}),
        admin.post(f"/api/v1/imports/{old['id']}/preview", json={"mapping": old["mapping"]}),
    ):
        assert "upload the file again" in assert_problem(await call, 410)["detail"]
    # The fresh import is untouched and still commits.
    assert (await admin.get(f"/api/v1/imports/{fresh['id']}")).json()["files_expired_at"] is None
    assert (await commit(admin, db, fresh))["status"] == "committed"
    assert await expire_files(db.sessionmaker) == 0  # nothing else is due


# --- the list of imports ----------------------------------------------------------------------


async def test_the_list_pages_filters_and_shows_others_imports_only_to_admins(
    admin: Any, factory: Any, db: Any
) -> None:
    sales = await factory.user("sales")
    mine = [await upload(sales, csv_bytes([HEADER, [f"公司{i}", "", ""]])) for i in range(3)]
    previewed = await preview(sales, db, mine[0])
    theirs = await upload(
        admin, csv_bytes([HEADER, ["管理员公司", "", ""]]), filename="展会名单.csv"
    )

    first = (await sales.get("/api/v1/imports", params={"limit": 2, "with_total": True})).json()
    assert first["total"] == 3 and len(first["items"]) == 2 and first["next_cursor"]
    rest = (
        await sales.get("/api/v1/imports", params={"limit": 2, "cursor": first["next_cursor"]})
    ).json()
    listed = [i["id"] for i in first["items"] + rest["items"]]
    assert listed == [i["id"] for i in reversed(mine)]  # newest first, nobody else's
    assert rest["next_cursor"] is None

    by_status = (await sales.get("/api/v1/imports", params={"status": "previewed"})).json()
    assert [i["id"] for i in by_status["items"]] == [previewed["id"]]
    assert (await sales.get("/api/v1/imports", params={"object_type": "contacts"})).json()[
        "items"
    ] == []
    assert_problem(await sales.get("/api/v1/imports", params={"status": "exploded"}), 422)

    everyone = (await admin.get("/api/v1/imports", params={"with_total": True})).json()
    assert everyone["total"] == 4 and everyone["items"][0]["id"] == theirs["id"]
    named = (await admin.get("/api/v1/imports", params={"q": "展会"})).json()
    assert [i["id"] for i in named["items"]] == [theirs["id"]]
