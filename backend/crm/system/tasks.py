"""The platform's own worker jobs: deliver the outbox, revive stranded jobs, expire
idempotency records."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from sqlalchemy import select

from crm.core import events, jobs
from crm.core.db import Database, utcnow
from crm.core.domain import scheduled, task
from crm.core.idempotency import purge_expired
from crm.settings import get_settings

_STALE_QUEUED_AFTER = timedelta(minutes=2)


@task()
async def drain_outbox(ctx: dict[str, Any]) -> int:
    db: Database = ctx["db"]
    return await events.drain(db.sessionmaker)


async def requeue_stale_jobs(db: Database) -> int:
    """Jobs still 'queued' long after creation lost their broker message (Redis was down)."""
    async with db.sessionmaker() as session:
        stale = (
            (
                await session.execute(
                    select(jobs.Job).where(
                        jobs.Job.status == jobs.JobStatus.QUEUED,
                        jobs.Job.created_at < utcnow() - _STALE_QUEUED_AFTER,
                    )
                )
            )
            .scalars()
            .all()
        )
        for job in stale:
            task_name = job.params.get("_task")
            if task_name:
                jobs.enqueue_after_commit(
                    session, task_name, job_id=str(job.id), _job_id=f"job:{job.id}"
                )
        await session.commit()
        await jobs.dispatch_pending(session)
        return len(stale)


@scheduled(second=0, run_at_startup=True)
async def sweep(ctx: dict[str, Any]) -> None:
    """Every minute: deliver events a lost enqueue left behind, revive stranded jobs, expire
    idempotency records. (Each domain's own sweeps are scheduled in its tasks.py.)"""
    db: Database = ctx["db"]
    await events.drain(db.sessionmaker)
    await requeue_stale_jobs(db)
    await purge_expired(db, get_settings().idempotency_ttl_seconds)
