"""HTTP routes of the platform: health, jobs, audit log, recycle bin."""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Depends, Query, Request, Response
from fastapi.responses import JSONResponse

from crm.core import recycle
from crm.core.deps import SessionDep
from crm.core.pagination import Page, PageParamsDep, page_response
from crm.core.permissions import CurrentPrincipal, Principal, authorize
from crm.system import service
from crm.system.schemas import (
    AuditLogFilters,
    AuditLogRead,
    Health,
    JobRead,
    RecycleBinEntry,
    RecycleBinFilters,
)

router = APIRouter(prefix="/api/v1")
AuditRead = Annotated[Principal, Depends(authorize("audit:read"))]
Purger = Annotated[Principal, Depends(authorize("admin:purge"))]
# Personal permissions (every user holds them; an API key only when they are granted).
JobsRead = Annotated[Principal, Depends(authorize("jobs:read"))]
RecycleBinRead = Annotated[Principal, Depends(authorize("recycle_bin:read"))]


@router.get(
    "/health",
    response_model=Health,
    tags=["system"],
    operation_id="system-health",
    responses={503: {"model": Health, "description": "A dependency is down"}},
)
async def health(request: Request) -> Health | JSONResponse:
    parts = await service.probe(request.app.state.db)
    ok = all(v == "ok" for v in parts.values())
    body = Health(status="ok" if ok else "degraded", **parts)
    return body if ok else JSONResponse(body.model_dump(), status_code=503)


@router.get("/jobs/{job_id}", response_model=JobRead, tags=["system"], operation_id="jobs-get")
async def get_job(session: SessionDep, principal: JobsRead, job_id: uuid.UUID) -> JobRead:
    return JobRead.model_validate(await service.get_job(session, principal, job_id))


@router.get(
    "/audit-logs",
    response_model=Page[AuditLogRead],
    tags=["system"],
    operation_id="audit-logs-list",
)
async def list_audit_logs(
    session: SessionDep,
    _: AuditRead,
    params: PageParamsDep,
    filters: Annotated[AuditLogFilters, Query()],
) -> Response:
    return page_response(
        await service.list_audit_logs(session, params=params, filters=filters),
        AuditLogRead,
    )


@router.get(
    "/recycle-bin",
    response_model=Page[RecycleBinEntry],
    tags=["recycle-bin"],
    operation_id="recycle-bin-list",
)
async def list_recycle_bin(
    session: SessionDep,
    principal: RecycleBinRead,
    params: PageParamsDep,
    filters: Annotated[RecycleBinFilters, Query()],
) -> Response:
    return page_response(
        await service.list_recycle_bin(session, principal, params=params, filters=filters),
        RecycleBinEntry,
    )


@router.post(
    "/recycle-bin/{object_type}/{object_id}/restore",
    response_model=RecycleBinEntry,
    tags=["recycle-bin"],
    operation_id="recycle-bin-restore",
)
async def restore(
    session: SessionDep, principal: CurrentPrincipal, object_type: str, object_id: uuid.UUID
) -> RecycleBinEntry:
    entry = await recycle.restore(session, principal, object_type, object_id)
    return RecycleBinEntry.model_validate(entry)


@router.delete(
    "/recycle-bin/{object_type}/{object_id}",
    status_code=204,
    tags=["recycle-bin"],
    operation_id="recycle-bin-purge",
)
async def purge(
    session: SessionDep, principal: Purger, object_type: str, object_id: uuid.UUID
) -> Response:
    await recycle.purge(session, principal, object_type, object_id)
    return Response(status_code=204)
