"""Helpers of the export tests: start an export over HTTP, run its job with the worker's task
function on the real database, download and parse the file with polars."""

from __future__ import annotations

import io
import uuid
from typing import Any

import httpx
import polars as pl
from sqlalchemy import select

from crm.core import jobs
from crm.exports.service import EXPORT_TASK
from crm.exports.tasks import run_export

BOM = b"\xef\xbb\xbf"


async def start(api: Any, object_type: str = "customers", **body: Any) -> dict[str, Any]:
    r = await api.post("/api/v1/exports", json={"object_type": object_type, **body})
    assert r.status_code == 202, r.text
    assert r.headers["location"] == f"/api/v1/jobs/{r.json()['id']}"
    return dict(r.json())


async def run_queued(db: Any) -> list[uuid.UUID]:
    """Run every queued export job through the arq task function, as the worker would."""
    async with db.sessionmaker() as session:
        ids = (
            (
                await session.execute(
                    select(jobs.Job.id)
                    .where(
                        jobs.Job.status == jobs.JobStatus.QUEUED,
                        jobs.Job.params["_task"].astext == EXPORT_TASK,
                    )
                    .order_by(jobs.Job.created_at)
                )
            )
            .scalars()
            .all()
        )
    for job_id in ids:
        await run_export({"db": db}, str(job_id))
    return list(ids)


async def finished_job(api: Any, job_id: str) -> dict[str, Any]:
    r = await api.get(f"/api/v1/jobs/{job_id}")
    assert r.status_code == 200, r.text
    return dict(r.json())


async def download(api: Any, job_id: str) -> httpx.Response:
    r = await api.get(f"/api/v1/exports/{job_id}/file")
    assert r.status_code == 200, r.text
    return r


async def export(
    api: Any, db: Any, object_type: str = "customers", **body: Any
) -> tuple[dict[str, Any], httpx.Response]:
    """Start an export, run it, check it succeeded; (the job, the download response)."""
    job = await start(api, object_type, **body)
    await run_queued(db)
    done = await finished_job(api, job["id"])
    assert done["status"] == "succeeded", done
    return done, await download(api, job["id"])


def read(response: httpx.Response, fmt: str = "csv") -> pl.DataFrame:
    """The downloaded file as a frame of strings (CSV) or typed cells (XLSX)."""
    if fmt == "csv":
        assert response.content.startswith(BOM)
        return pl.read_csv(io.BytesIO(response.content), infer_schema=False)
    return pl.read_excel(io.BytesIO(response.content))


async def exported_ids(api: Any, db: Any, **body: Any) -> list[str]:
    """The ids in an export of ``body`` (columns ["id"] unless given), in file order."""
    body.setdefault("columns", ["id"])
    body.setdefault("header", "keys")
    _, response = await export(api, db, **body)
    frame = read(response)
    return [str(v) for v in frame["id"].to_list()] if frame.height else []
