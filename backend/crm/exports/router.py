"""HTTP routes of exports: start one, list what may be exported, download the file."""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Header, Response
from fastapi.responses import StreamingResponse

from crm.core import files
from crm.core.deps import SessionDep
from crm.core.errors import PROBLEM_CONTENT_TYPE, Problem
from crm.core.i18n import language_from
from crm.core.permissions import CurrentPrincipal
from crm.exports import service
from crm.exports.deps import ExportsRead
from crm.exports.schemas import ExportCreate, ExportObjectType
from crm.exports.writers import CONTENT_TYPES
from crm.system.schemas import JobRead

router = APIRouter(prefix="/api/v1", tags=["exports"])
AcceptLanguage = Annotated[str | None, Header(include_in_schema=False)]


@router.get(
    "/exports/object-types",
    response_model=list[ExportObjectType],
    operation_id="exports-object-types",
)
async def list_object_types(
    session: SessionDep, principal: ExportsRead, accept_language: AcceptLanguage = None
) -> list[ExportObjectType]:
    """The object types the caller may export, with their columns and sort fields."""
    return await service.object_types(session, principal, language=language_from(accept_language))


@router.post(
    "/exports",
    response_model=JobRead,
    status_code=202,
    operation_id="exports-create",
)
async def create_export(
    session: SessionDep,
    principal: CurrentPrincipal,
    body: ExportCreate,
    response: Response,
    accept_language: AcceptLanguage = None,
) -> JobRead:
    """Export the caller's list of an object type (its filters, search and sort) as CSV or
    XLSX. The permission depends on the object type (customers: ``customers:export``). The
    worker writes the file; follow the job at ``GET /jobs/{id}``, then download it from
    ``GET /exports/{id}/file``."""
    job = await service.start_export(
        session, principal, data=body, language=language_from(accept_language)
    )
    response.headers["Location"] = f"/api/v1/jobs/{job.id}"
    return JobRead.model_validate(job)


@router.get(
    "/exports/{job_id}/file",
    operation_id="exports-download",
    response_class=StreamingResponse,
    responses={
        200: {
            "description": "The exported file",
            "content": {ct.split(";")[0]: {} for ct in CONTENT_TYPES.values()},
        },
        409: {"description": "Not finished yet, or failed"},
        410: {
            "model": Problem,
            "content": {PROBLEM_CONTENT_TYPE: {}},
            "description": "The file expired and was deleted",
        },
    },
)
async def download_export(
    session: SessionDep, principal: ExportsRead, job_id: uuid.UUID
) -> StreamingResponse:
    """The export's file: for its creator (and administrators) only; others get 404."""
    job = await service.export_file(session, principal, job_id)
    assert job.result is not None
    storage = files.get_storage()
    key = service.file_key(job)
    try:
        size = await storage.size(key)
    except files.FileMissing as exc:
        raise service.file_gone() from exc
    filename = str(job.result["filename"])
    fallback = str(job.result.get("ascii_filename") or f"export-{job.id}")
    return StreamingResponse(
        storage.open(key),
        media_type=str(job.result["content_type"]),
        headers={
            "Content-Length": str(size),
            "Content-Disposition": files.attachment_disposition(filename, fallback),
            "Cache-Control": "private, no-store",
        },
    )
