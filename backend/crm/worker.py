"""arq WorkerSettings: every task and cron job of the worker, in one list."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import structlog
from arq import cron, func
from sqlalchemy import select

from crm import wiring  # noqa: F401  (every domain's handlers and plug-ins)
from crm.activities.tasks import send_reminders
from crm.contracts.tasks import contract_reminders
from crm.core import broadcast, events, jobs, redis
from crm.core.db import Database, utcnow
from crm.core.idempotency import purge_expired
from crm.core.logging import configure as configure_logging
from crm.customers.dedupe.tasks import (
    rekey_customer_names,
    scan_customer_duplicates,
    start_rekey_if_behind,
)
from crm.customers.pool.tasks import sweep_customer_pool
from crm.exports import service as export_service
from crm.exports.tasks import run_export
from crm.imports import service as import_service
from crm.imports.tasks import run_import_commit, run_import_preview
from crm.orders.tasks import overdue_instalment_reminders
from crm.settings import get_settings

log = structlog.get_logger(__name__)
_STALE_QUEUED_AFTER = timedelta(minutes=2)


async def startup(ctx: dict[str, Any]) -> None:
    settings = get_settings()
    configure_logging(settings.log_level, json=settings.log_json)
    assert settings.database_url and settings.redis_url, "the worker needs both server URLs"
    ctx["db"] = Database(settings.database_url, pool_size=4)
    await redis.connect(settings.redis_url)
    await broadcast.start_listening()


async def shutdown(ctx: dict[str, Any]) -> None:
    await broadcast.stop_listening()
    await redis.close()
    await ctx["db"].dispose()


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
            task = job.params.get("_task")
            if task:
                jobs.enqueue_after_commit(
                    session, task, job_id=str(job.id), _job_id=f"job:{job.id}"
                )
        await session.commit()
        await jobs.dispatch_pending(session)
        return len(stale)


async def sweep(ctx: dict[str, Any]) -> None:
    """Every minute: deliver events a lost enqueue left behind, revive stranded jobs, expire
    idempotency records, old export files and old import files, and start re-keying stored
    customer names if their key version is behind the code's."""
    db: Database = ctx["db"]
    await events.drain(db.sessionmaker)
    await requeue_stale_jobs(db)
    await purge_expired(db, get_settings().idempotency_ttl_seconds)
    await export_service.expire_files(db.sessionmaker)
    await import_service.expire_files(db.sessionmaker)
    await start_rekey_if_behind(db)


class WorkerSettings:
    functions = [
        func(drain_outbox, keep_result=0),
        # A large export may take a while; a job has the hour (arq's default is 5 minutes).
        func(run_export, keep_result=0, timeout=3600),
        func(scan_customer_duplicates, keep_result=0, timeout=3600),
        # Resumes batch by batch if cut; the next sweep queues it again.
        func(rekey_customer_names, keep_result=0, timeout=3600),
        func(run_import_preview, keep_result=0, timeout=3600),
        func(run_import_commit, keep_result=0, timeout=4 * 3600),
    ]
    cron_jobs = [cron(sweep, second=0, run_at_startup=True)]
    cron_jobs += [cron(send_reminders, second=30)]
    # Hourly; a sweep of a large pool may take minutes, and runs again the next hour if cut.
    cron_jobs += [cron(sweep_customer_pool, minute=5, second=15, timeout=3600)]
    # Date-based: hourly is plenty, and each reminder's key stops repeats.
    cron_jobs += [
        cron(contract_reminders, minute=5, second=10),
        cron(overdue_instalment_reminders, minute=7, second=10),
    ]
    on_startup = startup
    on_shutdown = shutdown
    max_jobs = 10
    redis_settings = jobs.redis_settings(get_settings().redis_url or "redis://127.0.0.1:6379")
