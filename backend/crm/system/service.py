"""Platform queries: health probes, job status, audit log and recycle bin listings."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from typing import Any

from sqlalchemy import select, text
from sqlalchemy.ext.asyncio import AsyncSession

from crm.core import recycle, redis
from crm.core.audit import AuditLog
from crm.core.db import Database
from crm.core.errors import NotFound
from crm.core.jobs import Job
from crm.core.pagination import PageParams, paginate, text_contains
from crm.core.permissions import Principal, creator_or_holder

# Whoever started a job sees it; administrators and auditors see all jobs.
SEE_ALL_JOBS_PERMISSION = "audit:read"


async def probe(database: Database) -> dict[str, str]:
    """ "ok" or the error of each dependency; never raises."""
    result = {"database": "ok", "redis": "ok"}
    try:
        async with database.sessionmaker() as session:
            await session.execute(text("SELECT 1"))
    except Exception as exc:
        result["database"] = f"error: {type(exc).__name__}"
    try:
        await redis.client().ping()
    except Exception as exc:
        result["redis"] = f"error: {type(exc).__name__}"
    return result


async def get_job(session: AsyncSession, principal: Principal, job_id: uuid.UUID) -> Job:
    """A job is visible to whoever started it, and to administrators and auditors."""
    stmt = select(Job).where(
        Job.id == job_id, creator_or_holder(principal, Job.created_by, SEE_ALL_JOBS_PERMISSION)
    )
    job = (await session.execute(stmt)).scalar_one_or_none()
    if job is None:
        raise NotFound("No such job.")
    return job


async def list_audit_logs(
    session: AsyncSession,
    *,
    params: PageParams,
    object_type: str | None,
    object_id: uuid.UUID | None,
    actor_id: uuid.UUID | None,
    action: str | None,
) -> tuple[Sequence[AuditLog], str | None, int | None]:
    stmt = select(AuditLog)
    filters: dict[Any, Any] = {
        AuditLog.object_type: object_type,
        AuditLog.object_id: object_id,
        AuditLog.actor_id: actor_id,
        AuditLog.action: action,
    }
    for column, value in filters.items():
        if value is not None:
            stmt = stmt.where(column == value)
    return await paginate(
        session,
        stmt,
        params=params,
        id_column=AuditLog.id,
        sortable={"at": AuditLog.at},
        default_sort="-at",
    )


async def list_recycle_bin(
    session: AsyncSession, principal: Principal, *, params: PageParams, object_type: str | None
) -> tuple[Sequence[recycle.DeletedRecord], str | None, int | None]:
    stmt = select(recycle.DeletedRecord).where(recycle.visible_entries(principal))
    if object_type is not None:
        stmt = stmt.where(recycle.DeletedRecord.object_type == object_type)
    if params.q:
        stmt = stmt.where(text_contains(recycle.DeletedRecord.title, params.q))
    return await paginate(
        session,
        stmt,
        params=params,
        id_column=recycle.DeletedRecord.id,
        sortable={"deleted_at": recycle.DeletedRecord.deleted_at},
        default_sort="-deleted_at",
    )
