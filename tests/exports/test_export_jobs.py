"""Export requests, the job's life (progress, failures), downloads, expiry and the audit trail."""

from __future__ import annotations

import io
import uuid
from datetime import timedelta
from typing import Any, BinaryIO

import pytest
from arq.worker import Worker
from sqlalchemy import update

from crm.core import files, jobs
from crm.core.audit import AuditLog
from crm.core.db import utcnow
from crm.core.events import OutboxEvent
from crm.exports import writers
from crm.exports.tasks import expire_export_files, expire_files, export_job
from crm.settings import get_settings
from crm.worker import WorkerSettings
from export_helpers import download, export, finished_job, read, run_queued, start
from platform_helpers import assert_problem, count, error_locs, rows


def _stored(job_id: str, fmt: str = "csv") -> bool:
    return (get_settings().resolved_files_dir() / "exports" / f"{job_id}.{fmt}").exists()


# --- bad input --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("body", "loc", "says"),
    [
        ({"object_type": "deals"}, ["body", "object_type"], "Cannot export 'deals'"),
        ({"object_type": "customers", "format": "pdf"}, ["body", "format"], None),
        (
            {"object_type": "customers", "columns": ["name", "salary"]},
            ["body", "columns"],
            "salary",
        ),
        ({"object_type": "customers", "columns": ["name", "name"]}, ["body", "columns"], "twice"),
        ({"object_type": "customers", "columns": []}, ["body", "columns"], None),
        (
            {"object_type": "customers", "filters": {"owner": "x"}},
            ["body", "filters", "owner"],
            None,
        ),
        (
            {"object_type": "customers", "filters": {"owner_id": "not-a-uuid"}},
            ["body", "filters", "owner_id"],
            None,
        ),
        (
            {"object_type": "customers", "filters": {"kind": "alien"}},
            ["body", "filters", "kind"],
            None,
        ),
        (
            {"object_type": "customers", "filters": {"q": "x" * 201}},
            ["body", "filters", "q"],
            None,
        ),
        (
            {"object_type": "customers", "filters": {"sort": "phone"}},
            ["body", "filters", "sort"],
            "Sortable fields: created_at, name, updated_at",
        ),
        ({"object_type": "customers", "filters": {"sort": 3}}, ["body", "filters", "sort"], None),
        (
            {"object_type": "contacts", "filters": {"tag": "vip"}},
            ["body", "filters", "tag"],
            None,
        ),
        ({"object_type": "customers", "header": "both"}, ["body", "header"], None),
        ({"object_type": "customers", "surprise": 1}, ["body", "surprise"], None),
    ],
)
async def test_bad_requests_are_422_and_start_nothing(
    admin: Any, db: Any, body: dict[str, Any], loc: list[str], says: str | None
) -> None:
    audits = await count(db, AuditLog)
    problem = assert_problem(await admin.post("/api/v1/exports", json=body), 422)
    assert loc in error_locs(problem), problem
    if says:
        assert says in problem["detail"], problem
    assert await count(db, jobs.Job) == 0
    assert await count(db, AuditLog) == audits


async def test_not_signed_in_is_401(anon: Any) -> None:
    assert_problem(await anon.post("/api/v1/exports", json={"object_type": "customers"}), 401)


# --- the job ----------------------------------------------------------------------------------


class _Watching:
    """A file store that, when the finished file arrives, looks at the job through the API:
    the progress the worker committed must be visible to the creator while it runs."""

    def __init__(self, api: Any, job_id: str) -> None:
        self.api, self.job_id = api, job_id
        self.seen: dict[str, Any] = {}
        self.inner = files.get_storage()

    async def put(self, key: str, source: BinaryIO) -> int:
        self.seen = await finished_job(self.api, self.job_id)
        return await self.inner.put(key, source)


async def test_progress_is_visible_while_the_job_runs(
    admin: Any, factory: Any, db: Any, monkeypatch: Any
) -> None:
    monkeypatch.setattr(get_settings(), "export_batch_size", 2)
    for i in range(5):
        await factory.customer(admin, name=f"P{i}")
    job = await start(admin)
    assert (job["status"], job["kind"], job["progress"]) == ("queued", "customers.export", 0)
    assert job["created_by"] == admin.user_id

    watcher = _Watching(admin, job["id"])
    await export_job(db.sessionmaker, uuid.UUID(job["id"]), storage=watcher)  # type: ignore[arg-type]
    running = watcher.seen
    assert (running["status"], running["total"], running["done"], running["progress"]) == (
        "running",
        5,
        5,
        100,
    )
    assert running["started_at"] is not None and running["finished_at"] is None

    done = await finished_job(admin, job["id"])
    assert (done["status"], done["done"], done["total"], done["progress"]) == (
        "succeeded",
        5,
        5,
        100,
    )
    result = done["result"]
    assert result["rows"] == 5 and result["download_url"] == f"/api/v1/exports/{job['id']}/file"
    assert result["content_type"] == "text/csv; charset=utf-8"
    assert result["size"] == len((await download(admin, job["id"])).content)
    assert result["filename"].startswith("Customers-") and result["filename"].endswith(".csv")

    # Running it again (a duplicate delivery) changes nothing.
    await export_job(db.sessionmaker, uuid.UUID(job["id"]))
    assert await finished_job(admin, job["id"]) == done


async def _fail_with(api: Any, db: Any, **body: Any) -> dict[str, Any]:
    job = await start(api, **body)
    await run_queued(db)
    failed = await finished_job(api, job["id"])
    assert failed["status"] == "failed", failed
    assert failed["result"] is None and failed["finished_at"] is not None
    assert not _stored(job["id"], body.get("format", "csv"))
    download_problem = assert_problem(await api.get(f"/api/v1/exports/{job['id']}/file"), 409)
    assert download_problem["detail"] == f"The export failed: {failed['error']}"
    return failed


async def test_a_creator_who_lost_the_right_or_left_fails_the_job(
    admin: Any, factory: Any, db: Any
) -> None:
    manager = await factory.user("manager")
    await factory.customer(manager)
    job = await start(manager)
    r = await admin.patch(f"/api/v1/users/{manager.user_id}", json={"role_keys": ["sales"]})
    assert r.status_code == 200, r.text
    await run_queued(db)
    failed = await finished_job(manager, job["id"])
    assert failed["status"] == "failed"
    assert failed["error"] == "The user who started this export may no longer export this data."

    other = await factory.user("marketing")
    job = await start(other)
    r = await admin.patch(f"/api/v1/users/{other.user_id}", json={"is_active": False})
    assert r.status_code == 200, r.text
    await run_queued(db)
    async with db.sessionmaker() as session:
        stored = await session.get(jobs.Job, uuid.UUID(job["id"]))
        assert stored is not None and stored.status == "failed"
        assert stored.error == "The user who started this export is no longer active."


async def test_too_many_rows_for_excel_fails_with_a_reason(
    admin: Any, factory: Any, db: Any, monkeypatch: Any
) -> None:
    monkeypatch.setattr(writers, "XLSX_MAX_ROWS", 3)  # the header and two rows
    for i in range(3):
        await factory.customer(admin, name=f"Row {i}")
    failed = await _fail_with(admin, db, format="xlsx")
    assert failed["error"] == (
        "An Excel sheet holds at most 2 rows; narrow the filters or export as CSV."
    )
    assert await count(db, AuditLog, AuditLog.action == "export") == 0


class _BrokenStorage:
    async def put(self, key: str, source: BinaryIO) -> int:
        raise OSError("No space left on device")


async def test_an_unexpected_error_fails_the_job_without_leaking_details(
    admin: Any, factory: Any, db: Any
) -> None:
    await factory.customer(admin)
    job = await start(admin)
    await export_job(db.sessionmaker, uuid.UUID(job["id"]), storage=_BrokenStorage())  # type: ignore[arg-type]
    failed = await finished_job(admin, job["id"])
    assert failed["status"] == "failed"
    assert failed["error"].startswith("The export failed unexpectedly")
    assert "space" not in failed["error"]
    assert_problem(await admin.get(f"/api/v1/exports/{job['id']}/file"), 409)


async def test_a_queued_export_is_not_downloadable_yet(admin: Any) -> None:
    job = await start(admin)
    problem = assert_problem(await admin.get(f"/api/v1/exports/{job['id']}/file"), 409)
    assert "not finished" in problem["detail"]


async def test_the_real_worker_runs_the_export(admin: Any, factory: Any, db: Any) -> None:
    """Through Redis and arq's worker loop, as in production (burst: stop when idle)."""
    from crm.core import redis

    await factory.customer(admin, name="Via arq")
    job = await start(admin)
    worker = Worker(
        functions=WorkerSettings.functions,
        redis_pool=redis.client(),
        burst=True,
        poll_delay=0.05,
        handle_signals=False,
        ctx={"db": db},
    )
    await worker.main()
    assert worker.jobs_complete >= 1 and worker.jobs_failed == 0
    done = await finished_job(admin, job["id"])
    assert done["status"] == "succeeded"
    frame = read(await download(admin, job["id"]))
    assert frame["Name"].to_list() == ["Via arq"]


# --- downloads --------------------------------------------------------------------------------


async def test_only_the_creator_and_administrators_may_download(
    admin: Any, factory: Any, sales_team: dict[str, Any], anon: Any, db: Any
) -> None:
    manager = sales_team["manager"]
    await factory.customer(manager)
    job, response = await export(manager, db)
    url = f"/api/v1/exports/{job['id']}/file"
    for stranger in (
        sales_team["sales_a"],
        sales_team["marketing"],  # may export too, but not download another's file
        sales_team["auditor"],
        await factory.user("manager", department_id=manager.info["department_id"]),
    ):
        body = assert_problem(await stranger.get(url), 404)
        assert body["detail"] == "No such export."
    assert_problem(await anon.get(url), 401)
    assert (await admin.get(url)).content == response.content
    # Unknown ids and jobs that are not exports look the same.
    assert_problem(await manager.get(f"/api/v1/exports/{uuid.uuid4()}/file"), 404)
    async with db.sessionmaker() as session:
        other = await jobs.create_job(
            session, kind="k", task="something_else", created_by=uuid.UUID(manager.user_id)
        )
        await session.commit()
    assert_problem(await manager.get(f"/api/v1/exports/{other.id}/file"), 404)


async def test_expired_files_are_deleted_by_the_scheduled_sweep(
    admin: Any, factory: Any, db: Any
) -> None:
    await factory.customer(admin)
    old, _ = await export(admin, db)
    fresh, _ = await export(admin, db, format="xlsx")
    expires = utcnow() + timedelta(seconds=get_settings().export_ttl_seconds)
    from datetime import datetime

    assert abs(datetime.fromisoformat(old["result"]["expires_at"]) - expires) < timedelta(minutes=1)
    async with db.sessionmaker() as session:
        await session.execute(
            update(jobs.Job)
            .where(jobs.Job.id == uuid.UUID(old["id"]))
            .values(
                result={
                    **old["result"],
                    "expires_at": (utcnow() - timedelta(seconds=1)).isoformat(),
                }
            )
        )
        await session.commit()
    assert _stored(old["id"]) and _stored(fresh["id"], "xlsx")

    assert "cron:expire_export_files" in {job.name for job in WorkerSettings.cron_jobs}
    await expire_export_files({"db": db})

    assert not _stored(old["id"]) and _stored(fresh["id"], "xlsx")
    expired = await finished_job(admin, old["id"])
    assert expired["result"]["expired"] is True and expired["result"]["download_url"] is None
    body = assert_problem(await admin.get(f"/api/v1/exports/{old['id']}/file"), 410)
    assert "expired" in body["detail"]
    assert (await admin.get(f"/api/v1/exports/{fresh['id']}/file")).status_code == 200
    assert await expire_files(db.sessionmaker) == 0  # nothing left to expire


async def test_a_file_lost_from_storage_answers_410(admin: Any, factory: Any, db: Any) -> None:
    await factory.customer(admin)
    job, _ = await export(admin, db)
    await files.get_storage().delete(f"exports/{job['id']}.csv")
    assert_problem(await admin.get(f"/api/v1/exports/{job['id']}/file"), 410)


# --- the audit trail --------------------------------------------------------------------------


async def test_an_export_is_audited_with_filters_and_row_count(
    admin: Any, factory: Any, sales_team: dict[str, Any], db: Any
) -> None:
    manager = sales_team["manager"]
    for name in ("Audit one", "Audit two", "Other"):
        await factory.customer(manager, name=name)
    job, _ = await export(
        manager, db, filters={"q": "Audit", "sort": "name"}, columns=["id", "name"]
    )
    [requested] = await rows(db, AuditLog, AuditLog.object_type == "export")
    assert requested.action == "create" and str(requested.object_id) == job["id"]
    assert str(requested.actor_id) == manager.user_id and requested.actor_type == "user"
    assert requested.changes["diff"]["filters"] == [None, {"q": "Audit"}]

    [exported] = await rows(db, AuditLog, AuditLog.action == "export")
    assert (exported.object_type, exported.object_id) == ("customer", None)
    assert str(exported.actor_id) == manager.user_id
    assert exported.request_id == f"job:{job['id']}"
    assert {
        k: exported.changes[k] for k in ("job_id", "format", "filters", "sort", "columns", "rows")
    } == {
        "job_id": job["id"],
        "format": "csv",
        "filters": {"q": "Audit"},
        "sort": "name",
        "columns": ["id", "name"],
        "rows": 2,
    }
    [event] = await rows(db, OutboxEvent, OutboxEvent.event_type == "customer.exported")
    assert event.payload == {"job_id": job["id"], "format": "csv", "rows": 2}
    assert await count(db, OutboxEvent, OutboxEvent.event_type == "export.created") == 1


# --- what may be exported ---------------------------------------------------------------------


async def test_object_types_lists_what_the_caller_may_export(
    admin: Any, sales_team: dict[str, Any]
) -> None:
    r = await sales_team["marketing"].get(
        "/api/v1/exports/object-types", headers={"Accept-Language": "zh-CN,zh;q=0.9"}
    )
    assert r.status_code == 200, r.text
    by_type = {t["object_type"]: t for t in r.json()}
    assert set(by_type) == {"activities", "contacts", "customers"}
    customers = by_type["customers"]
    assert customers["label"] == "客户"
    assert customers["sortable"] == ["created_at", "name", "updated_at"]
    columns = {c["key"]: c for c in customers["columns"]}
    assert columns["name"] == {"key": "name", "label": "名称", "default": True}
    assert columns["phone_e164"]["default"] is False
    for label in ("sales_a", "auditor", "service"):
        r = await sales_team[label].get("/api/v1/exports/object-types")
        assert r.status_code == 200 and r.json() == []
    english = await admin.get("/api/v1/exports/object-types")
    assert {t["label"] for t in english.json()} == {"Customers", "Contacts", "Activities"}


async def test_bytes_survive_the_store_round_trip(admin: Any, factory: Any, db: Any) -> None:
    await factory.customer(admin, name="Round trip")
    job, response = await export(admin, db)
    stored = b"".join(
        [chunk async for chunk in files.get_storage().open(f"exports/{job['id']}.csv")]
    )
    assert stored == response.content
    assert io.BytesIO(stored).read(3) == b"\xef\xbb\xbf"
