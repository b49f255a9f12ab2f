"""Platform queries: health probes, job status, audit log and recycle bin listings."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from typing import Any

from sqlalchemy import Select, select, text
from sqlalchemy.ext.asyncio import AsyncSession

from crm.core import recycle, redis
from crm.core.audit import AuditLog
from crm.core.db import Database
from crm.core.errors import NotFound
from crm.core.jobs import Job
from crm.core.pagination import PageParams, paginate, text_contains
from crm.core.permissions import Principal, creator_or_holder
from crm.system.schemas import AuditLogFilters, RecycleBinFilters

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


def audit_log_statement(filters: AuditLogFilters) -> Select[Any]:
    """The audit entries matching ``filters``, unsorted (the audit log list)."""
    stmt = select(AuditLog)
    equal: dict[Any, Any] = {
        AuditLog.object_type: filters.object_type,
        AuditLog.object_id: filters.object_id,
        AuditLog.actor_id: filters.actor_id,
        AuditLog.action: filters.action,
    }
    for column, value in equal.items():
        if value is not None:
            stmt = stmt.where(column == value)
    return stmt


async def list_audit_logs(
    session: AsyncSession, *, params: PageParams, filters: AuditLogFilters
) -> tuple[Sequence[AuditLog], str | None, int | None]:
    return await paginate(
        session,
        audit_log_statement(filters),
        params=params,
        id_column=AuditLog.id,
        sortable={"at": AuditLog.at},
        default_sort="-at",
    )


def recycle_bin_statement(principal: Principal, filters: RecycleBinFilters) -> Select[Any]:
    """The bin entries ``principal`` may see that match ``filters``, unsorted."""
    stmt = select(recycle.DeletedRecord).where(recycle.visible_entries(principal))
    if filters.object_type is not None:
        stmt = stmt.where(recycle.DeletedRecord.object_type == filters.object_type)
    if filters.q:
        stmt = stmt.where(text_contains(recycle.DeletedRecord.title, filters.q))
    return stmt


async def list_recycle_bin(
    session: AsyncSession, principal: Principal, *, params: PageParams, filters: RecycleBinFilters
) -> tuple[Sequence[recycle.DeletedRecord], str | None, int | None]:
    return await paginate(
        session,
        recycle_bin_statement(principal, filters),
        params=params,
        id_column=recycle.DeletedRecord.id,
        sortable={"deleted_at": recycle.DeletedRecord.deleted_at},
        default_sort="-deleted_at",
    )
