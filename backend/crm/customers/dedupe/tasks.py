"""arq job of the duplicate report: scan every live customer, replace the stored groups."""

from __future__ import annotations

import asyncio
import uuid
from typing import Any

import structlog
from sqlalchemy import delete, insert, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from crm.core import jobs, redis
from crm.core.db import Database, utcnow
from crm.core.domain import scheduled, task
from crm.customers.dedupe import rekey
from crm.customers.dedupe.models import DuplicateGroup, DuplicateMember
from crm.customers.dedupe.scan import FoundGroup, ScanRow, find_groups
from crm.customers.models import Customer

log = structlog.get_logger(__name__)
FETCH_BATCH = 20_000
INSERT_BATCH = 5_000
# Progress (percent) at the end of each phase: reading, comparing, writing.
READ_DONE, COMPARE_DONE = 30, 90


async def _set_progress(
    sessionmaker: async_sessionmaker[AsyncSession], job_id: uuid.UUID, percent: int
) -> None:
    async with sessionmaker() as session:
        job = await session.get(jobs.Job, job_id)
        if job is not None:
            jobs.report_progress(job, percent)
            await session.commit()


async def _read_rows(session: AsyncSession) -> list[ScanRow]:
    stmt = select(
        Customer.id,
        Customer.kind,
        Customer.name,
        Customer.phone_key,
        Customer.email,
        Customer.address,
    ).where(Customer.deleted_at.is_(None))
    rows: list[ScanRow] = []
    result = await session.stream(stmt.execution_options(yield_per=FETCH_BATCH))
    async for partition in result.partitions():
        rows += [ScanRow(*row) for row in partition]
    return rows


async def _store(session: AsyncSession, job_id: uuid.UUID, groups: list[FoundGroup]) -> int:
    """Replace the report with ``groups``; returns how many customers they hold."""
    await session.execute(delete(DuplicateGroup))
    now = utcnow()
    group_rows: list[dict[str, Any]] = []
    member_rows: list[dict[str, Any]] = []
    for found in groups:
        group_id = uuid.uuid4()
        group_rows.append(
            {
                "id": group_id,
                "job_id": job_id,
                "score": found.score,
                "reasons": found.reasons,
                "member_count": len(found.member_ids),
                "created_at": now,
            }
        )
        member_rows += [
            {
                "group_id": group_id,
                "customer_id": member,
                "score": found.member_scores[member],
                "reasons": found.member_reasons[member],
            }
            for member in found.member_ids
        ]
    for table, values in ((DuplicateGroup, group_rows), (DuplicateMember, member_rows)):
        for start in range(0, len(values), INSERT_BATCH):
            await session.execute(insert(table), values[start : start + INSERT_BATCH])
    return len(member_rows)


async def run_scan(sessionmaker: async_sessionmaker[AsyncSession], job_id: uuid.UUID) -> None:
    """The scan itself; idempotent (a finished job is left alone, a rerun replaces the report)."""
    async with sessionmaker() as session:
        job = await session.get(jobs.Job, job_id)
        if job is None or job.status in (jobs.JobStatus.SUCCEEDED, jobs.JobStatus.CANCELLED):
            return
        jobs.mark_running(job, total=100)
        await session.commit()
    try:
        async with sessionmaker() as session:
            rows = await _read_rows(session)
        await _set_progress(sessionmaker, job_id, READ_DONE)
        # CPU-bound: off the event loop, so the worker keeps serving its other jobs.
        groups = await asyncio.to_thread(find_groups, rows)
        await _set_progress(sessionmaker, job_id, COMPARE_DONE)
        async with sessionmaker() as session:
            customers = await _store(session, job_id, groups)
            job = await session.get(jobs.Job, job_id)
            assert job is not None
            jobs.mark_finished(
                job,
                result={"scanned": len(rows), "groups": len(groups), "customers": customers},
            )
            await session.commit()
    except Exception as exc:
        log.exception("duplicate_scan_failed", job_id=str(job_id))
        async with sessionmaker() as session:
            job = await session.get(jobs.Job, job_id)
            if job is not None:
                jobs.mark_finished(job, error=f"The scan failed: {type(exc).__name__}")
                await session.commit()
        raise


@task(timeout=3600)
async def scan_customer_duplicates(ctx: dict[str, Any], job_id: str) -> None:
    db: Database = ctx["db"]
    await run_scan(db.sessionmaker, uuid.UUID(job_id))


REKEY_JOB_ID = "rekey:customers.name_normalized"


# Resumes batch by batch if cut; the next sweep queues it again.
@task(timeout=3600)
async def rekey_customer_names(ctx: dict[str, Any]) -> int:
    """arq job: bring stored matching names to the current key version (dedupe/rekey.py)."""
    db: Database = ctx["db"]
    return await rekey.rekey_customer_names(db.sessionmaker)


async def start_rekey_if_behind(db: Database) -> bool:
    """From the worker's sweep: queue the re-key when the stored names are behind. One at a
    time: arq keeps a job id while the job is queued or running."""
    async with db.sessionmaker() as session:
        if await rekey.is_current(session):
            return False
    await redis.client().enqueue_job("rekey_customer_names", _job_id=REKEY_JOB_ID)
    return True


@scheduled(second=0, run_at_startup=True)
async def start_customer_rekey(ctx: dict[str, Any]) -> bool:
    """Every minute: start re-keying stored customer names if their key version is behind the
    code's."""
    return await start_rekey_if_behind(ctx["db"])
