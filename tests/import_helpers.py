"""Helpers of the import tests: upload a file over HTTP, preview and commit it, and run the
queued import jobs with the worker's task functions on the real database."""

from __future__ import annotations

import io
import uuid
from typing import Any

from sqlalchemy import select

from crm.core import jobs
from crm.imports.service import COMMIT_TASK, PREVIEW_TASK
from crm.imports.tasks import run_import_commit, run_import_preview

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def csv_bytes(rows: list[list[Any]], *, encoding: str = "utf-8") -> bytes:
    import csv

    buffer = io.StringIO()
    csv.writer(buffer).writerows(rows)
    return buffer.getvalue().encode(encoding)


async def upload_raw(
    api: Any,
    content: bytes,
    *,
    filename: str = "customers.csv",
    object_type: str = "customers",
    **form: Any,
) -> Any:
    return await api.post(
        "/api/v1/imports",
        files={"file": (filename, content, "application/octet-stream")},
        data={"object_type": object_type, **{k: str(v) for k, v in form.items()}},
    )


async def upload(api: Any, content: bytes, **kw: Any) -> dict[str, Any]:
    r = await upload_raw(api, content, **kw)
    assert r.status_code == 201, r.text
    return dict(r.json())


async def run_queued(db: Any) -> list[uuid.UUID]:
    """Run every queued import job (previews and commits, oldest first) as the worker would."""
    async with db.sessionmaker() as session:
        queued = (
            await session.execute(
                select(jobs.Job.id, jobs.Job.params["_task"].astext)
                .where(
                    jobs.Job.status == jobs.JobStatus.QUEUED,
                    jobs.Job.params["_task"].astext.in_([PREVIEW_TASK, COMMIT_TASK]),
                )
                .order_by(jobs.Job.created_at)
            )
        ).all()
    for job_id, task in queued:
        runner = run_import_preview if task == PREVIEW_TASK else run_import_commit
        await runner({"db": db}, str(job_id))
    return [job_id for job_id, _ in queued]


async def preview(
    api: Any,
    db: Any,
    item: dict[str, Any],
    mapping: dict[str, str | None] | None = None,
    **body: Any,
) -> dict[str, Any]:
    """Preview with ``mapping`` (default: the suggested one), run the job, return the import."""
    r = await api.post(
        f"/api/v1/imports/{item['id']}/preview",
        json={"mapping": item["suggested_mapping"] if mapping is None else mapping, **body},
    )
    assert r.status_code == 202, r.text
    await run_queued(db)
    r = await api.get(f"/api/v1/imports/{item['id']}")
    assert r.status_code == 200, r.text
    return dict(r.json())


async def commit(api: Any, db: Any, item: dict[str, Any], **body: Any) -> dict[str, Any]:
    r = await api.post(f"/api/v1/imports/{item['id']}/commit", json=body)
    assert r.status_code == 202, r.text
    await run_queued(db)
    r = await api.get(f"/api/v1/imports/{item['id']}")
    assert r.status_code == 200, r.text
    return dict(r.json())


async def import_file(api: Any, db: Any, content: bytes, **commit_body: Any) -> dict[str, Any]:
    """Upload, preview with the suggested mapping, commit: the committed import."""
    item = await upload(api, content)
    previewed = await preview(api, db, item)
    assert previewed["status"] == "previewed", previewed
    return await commit(api, db, previewed, **commit_body)


async def rows_of(api: Any, item: dict[str, Any], **params: Any) -> list[dict[str, Any]]:
    r = await api.get(f"/api/v1/imports/{item['id']}/rows", params={"limit": 500, **params})
    assert r.status_code == 200, r.text
    return list(r.json()["items"])
