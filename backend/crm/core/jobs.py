"""Background jobs: the job table the API exposes, and the broker behind one small interface.

arq is in maintenance mode upstream, so nothing outside this module touches it: domains call
:func:`enqueue_after_commit` / :func:`create_job` and read :class:`Job` rows.
"""

from __future__ import annotations

import enum
import uuid
from datetime import datetime
from typing import Any

import structlog
from arq.connections import RedisSettings
from sqlalchemy import DateTime, ForeignKey, Integer, String, Text
from sqlalchemy.dialects.postgresql import JSONB, UUID
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import Mapped, mapped_column

from crm.core import redis
from crm.core.db import Base, IdMixin, TimestampMixin, utcnow

log = structlog.get_logger(__name__)
_PENDING_KEY = "crm_pending_jobs"


class JobStatus(enum.StrEnum):
    QUEUED = "queued"
    RUNNING = "running"
    SUCCEEDED = "succeeded"
    FAILED = "failed"
    CANCELLED = "cancelled"


class Job(IdMixin, TimestampMixin, Base):
    __tablename__ = "jobs"

    kind: Mapped[str] = mapped_column(String(100))
    status: Mapped[str] = mapped_column(String(20), default=JobStatus.QUEUED, index=True)
    progress: Mapped[int] = mapped_column(Integer, default=0)  # percent, 0..100
    total: Mapped[int | None] = mapped_column(Integer)
    done: Mapped[int] = mapped_column(Integer, default=0)
    params: Mapped[dict[str, Any]] = mapped_column(JSONB, default=dict)
    result: Mapped[dict[str, Any] | None] = mapped_column(JSONB)
    error: Mapped[str | None] = mapped_column(Text)
    created_by: Mapped[uuid.UUID | None] = mapped_column(
        UUID(as_uuid=True), ForeignKey("users.id"), index=True
    )
    started_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    finished_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))


def redis_settings(url: str) -> RedisSettings:
    return RedisSettings.from_dsn(url)


def enqueue_after_commit(session: AsyncSession, task: str, **kwargs: Any) -> None:
    """Queue ``task`` to run once the current transaction commits (never if it rolls back)."""
    session.info.setdefault(_PENDING_KEY, []).append((task, kwargs))


def discard_pending(session: AsyncSession) -> None:
    session.info.pop(_PENDING_KEY, None)


async def dispatch_pending(session: AsyncSession) -> None:
    """Send the jobs buffered in ``session``. A broker outage only delays them: the worker's
    sweep re-enqueues queued jobs and undrained events from the database."""
    pending = session.info.pop(_PENDING_KEY, [])
    pool = redis.maybe_client()
    if not pending or pool is None:
        return
    for task, kwargs in pending:
        job_id = kwargs.pop("_job_id", None)
        try:
            await pool.enqueue_job(task, _job_id=job_id, **kwargs)
        except Exception as exc:  # Redis down: the sweep picks it up later
            log.warning("enqueue_failed", task=task, error=str(exc))


async def create_job(
    session: AsyncSession,
    *,
    kind: str,
    task: str,
    created_by: uuid.UUID | None,
    params: dict[str, Any] | None = None,
) -> Job:
    """Record a job and enqueue ``task(job_id=...)`` after commit; the task reports on the row."""
    # The task name is kept so the worker's sweep can re-enqueue a job whose message was lost.
    job = Job(
        kind=kind,
        created_by=created_by,
        params={**(params or {}), "_task": task},
        status=JobStatus.QUEUED,
    )
    session.add(job)
    await session.flush()
    enqueue_after_commit(session, task, job_id=str(job.id), _job_id=f"job:{job.id}")
    return job


def mark_running(job: Job, *, total: int | None = None) -> None:
    job.status = JobStatus.RUNNING
    job.started_at = job.started_at or utcnow()
    job.total = total


def report_progress(job: Job, done: int) -> None:
    job.done = done
    if job.total:
        job.progress = min(100, int(done * 100 / job.total))


def mark_finished(
    job: Job, *, result: dict[str, Any] | None = None, error: str | None = None
) -> None:
    job.status = JobStatus.FAILED if error else JobStatus.SUCCEEDED
    job.error = error
    job.result = result
    job.progress = 100 if not error else job.progress
    job.finished_at = utcnow()
