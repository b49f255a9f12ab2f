"""The export job: stream the creator's scoped list into a CSV or XLSX file.

The rows come from the object type's registered list statement, built for the job's creator
(their principal rebuilt from the database, so a right taken away since the request applies),
sorted and keyset-paged exactly as the list endpoint pages it, one batch at a time. Each batch
is written to a temporary file and its progress committed on the job; the finished file goes to
the file store and the export is audited with its row count.
"""

from __future__ import annotations

import asyncio
import tempfile
import uuid
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import structlog
from sqlalchemy import DateTime, Select, cast, func, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from crm.core import context, files, jobs
from crm.core.changes import record_change
from crm.core.db import Database, utcnow
from crm.core.domain import scheduled, task
from crm.core.errors import ProblemError
from crm.core.exportable import Exportable, ExportColumn
from crm.core.pagination import PageParams, paginate
from crm.core.permissions import Principal
from crm.exports import service, writers
from crm.identity.repository import principal_for_user
from crm.settings import get_settings

log = structlog.get_logger(__name__)


class ExportFailed(Exception):
    """A reason the creator can act on; stored on the job as its error."""


@task(timeout=3600)  # a large export may take a while: it has the hour
async def run_export(ctx: dict[str, Any], job_id: str) -> None:
    """arq entry point."""
    db: Database = ctx["db"]
    await export_job(db.sessionmaker, uuid.UUID(job_id))


async def export_job(
    sessionmaker: async_sessionmaker[AsyncSession],
    job_id: uuid.UUID,
    *,
    storage: files.FileStorage | None = None,
) -> None:
    """Run one export job to its end; safe to run again (a finished job is left alone)."""
    async with sessionmaker() as session:
        job = await session.get(jobs.Job, job_id)
        if job is None or job.status not in (jobs.JobStatus.QUEUED, jobs.JobStatus.RUNNING):
            return
        context.set_request(f"job:{job_id}", None)
        context.set_actor(job.created_by, "user")
        try:
            await _export(session, sessionmaker, job, storage or files.get_storage())
        except Exception as exc:
            reason = _reason(exc)
            await session.rollback()
            job = await session.get(jobs.Job, job_id)
            assert job is not None
            jobs.mark_finished(job, error=reason)
            await session.commit()


def _reason(exc: Exception) -> str:
    if isinstance(exc, ExportFailed | writers.TooManyRows):
        return str(exc)
    if isinstance(exc, ProblemError):
        return exc.detail
    log.exception("export_failed")
    return "The export failed unexpectedly; try again, or ask an administrator to look at the logs."


async def _principal(session: AsyncSession, job: jobs.Job, exportable: Exportable) -> Principal:
    principal = (
        await principal_for_user(session, job.created_by) if job.created_by is not None else None
    )
    if principal is None:
        raise ExportFailed("The user who started this export is no longer active.")
    if not service.may_export(principal, exportable):
        raise ExportFailed("The user who started this export may no longer export this data.")
    return principal


async def _export(
    session: AsyncSession,
    sessionmaker: async_sessionmaker[AsyncSession],
    job: jobs.Job,
    storage: files.FileStorage,
) -> None:
    params = job.params
    settings = get_settings()
    exportable = service.find_exportable(params["object_type"])
    filters, sort = service.validate_filters(
        exportable, {**params["filters"], **({"sort": params["sort"]} if params["sort"] else {})}
    )
    language = params.get("language") or "en"
    fmt = params["format"]

    # The rows are read in their own session, so the job's progress can be committed (and
    # seen through GET /jobs/{id}) while the reading goes on.
    async with sessionmaker() as data:
        principal = await _principal(data, job, exportable)
        columns = _columns(await exportable.all_columns(data), params["columns"])
        stmt = exportable.statement(principal, exportable.filters.model_validate(filters))
        total = (
            await data.execute(select(func.count()).select_from(stmt.order_by(None).subquery()))
        ).scalar_one()
        jobs.mark_running(job, total=total)
        await session.commit()

        with tempfile.TemporaryDirectory(prefix="crm-export-") as tmp:
            path = Path(tmp) / f"export.{fmt}"
            writer = writers.open_writer(
                fmt, path, [c.kind for c in columns], exportable.label(language)
            )
            try:
                header = [
                    c.key if params["header"] == "keys" else c.label(language) for c in columns
                ]
                writer.write_header(header)
                rows = await _write_rows(
                    data,
                    session,
                    job,
                    exportable,
                    stmt,
                    sort,
                    columns,
                    writer,
                    batch_size=settings.export_batch_size,
                )
            finally:
                await asyncio.to_thread(writer.close)
            with path.open("rb") as source:
                size = await storage.put(service.file_key(job), source)

    now = utcnow()
    jobs.report_progress(job, rows)
    jobs.mark_finished(
        job,
        result={
            "object_type": exportable.object_type,
            "format": fmt,
            "rows": rows,
            "size": size,
            # The name a browser saves it under, in the requester's language, and a plain
            # ASCII one for clients that cannot take more.
            "filename": f"{exportable.label(language)}-{now:%Y%m%d-%H%M%S}.{fmt}",
            "ascii_filename": f"{exportable.object_type}-{now:%Y%m%d-%H%M%S}.{fmt}",
            "content_type": writers.CONTENT_TYPES[fmt],
            "expires_at": (now + timedelta(seconds=settings.export_ttl_seconds)).isoformat(),
            "download_url": f"/api/v1/exports/{job.id}/file",
        },
    )
    record_change(
        session,
        action="export",
        object_type=exportable.record_type,
        object_id=None,
        extra={
            "job_id": str(job.id),
            "format": fmt,
            "filters": filters,
            "sort": sort,
            "columns": params["columns"],
            "rows": rows,
        },
        payload={"job_id": str(job.id), "format": fmt, "rows": rows},
    )
    await session.commit()


def _columns(available: list[ExportColumn], keys: list[str]) -> list[ExportColumn]:
    by_key = {c.key: c for c in available}
    missing = [k for k in keys if k not in by_key]
    if missing:
        raise ExportFailed(f"These columns no longer exist: {', '.join(missing)}.")
    return [by_key[k] for k in keys]


async def _write_rows(
    data: AsyncSession,
    session: AsyncSession,
    job: jobs.Job,
    exportable: Exportable,
    stmt: Select[Any],
    sort: str | None,
    columns: list[ExportColumn],
    writer: writers.RowWriter,
    *,
    batch_size: int,
) -> int:
    """Page through ``stmt`` as the list endpoint does, writing and reporting each batch."""
    written = 0
    cursor: str | None = None
    while True:
        params = PageParams(limit=batch_size, cursor=cursor, sort=sort, q=None, with_total=False)
        batch, cursor, _ = await paginate(
            data,
            stmt,
            params=params,
            id_column=exportable.id_column,
            sortable=exportable.sortable,
            default_sort=exportable.default_sort,
        )
        prepared = await exportable.prepare(data, batch)
        values = [[c.value(row, prepared) for c in columns] for row in batch]
        await asyncio.to_thread(writer.write_rows, values)
        written += len(batch)
        data.expunge_all()  # the batch's objects are written: let them go
        jobs.report_progress(job, written)
        await session.commit()
        if cursor is None:
            return written


def _expired_exports(now: datetime) -> Any:
    expires_at = cast(jobs.Job.result["expires_at"].astext, DateTime(timezone=True))
    return select(jobs.Job).where(
        jobs.Job.status == jobs.JobStatus.SUCCEEDED,
        jobs.Job.params["_task"].astext == service.EXPORT_TASK,
        jobs.Job.result["expired"].astext.is_distinct_from("true"),
        jobs.Job.result["expires_at"].astext.is_not(None),
        expires_at < now,
    )


async def expire_files(
    sessionmaker: async_sessionmaker[AsyncSession], storage: files.FileStorage | None = None
) -> int:
    """Delete the files of exports past their expiry."""
    storage = storage or files.get_storage()
    async with sessionmaker() as session:
        expired = (await session.execute(_expired_exports(utcnow()))).scalars().all()
        for job in expired:
            await storage.delete(service.file_key(job))
            # A new dict: JSONB columns are not tracked for in-place changes.
            job.result = {**(job.result or {}), "expired": True, "download_url": None}
        await session.commit()
    if expired:
        log.info("export_files_expired", count=len(expired))
    return len(expired)


@scheduled(second=0, run_at_startup=True)
async def expire_export_files(ctx: dict[str, Any]) -> int:
    """Every minute: delete the files of exports past their expiry."""
    db: Database = ctx["db"]
    return await expire_files(db.sessionmaker)
