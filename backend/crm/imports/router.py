"""HTTP routes of imports: templates, upload, preview, commit, cancel, rows, error report."""

from __future__ import annotations

import uuid
from typing import Annotated, Literal

from fastapi import APIRouter, File, Form, Header, Query, Response, UploadFile
from fastapi.responses import StreamingResponse

from crm.core import files
from crm.core.deps import SessionDep
from crm.core.i18n import language_from
from crm.core.importable import ImportField
from crm.core.pagination import Page, PageParamsDep
from crm.core.permissions import CurrentPrincipal
from crm.imports import service
from crm.imports.deps import ImportsRead
from crm.imports.models import ImportStatus
from crm.imports.schemas import (
    ImportCommitRequest,
    ImportObjectType,
    ImportPreviewRequest,
    ImportRead,
    ImportRowRead,
    TemplateFormat,
)

router = APIRouter(prefix="/api/v1", tags=["imports"])
AcceptLanguage = Annotated[str | None, Header(include_in_schema=False)]
_CONTENT_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


@router.get(
    "/imports/object-types",
    response_model=list[ImportObjectType],
    operation_id="imports-object-types",
)
async def list_object_types(
    session: SessionDep, principal: ImportsRead, accept_language: AcceptLanguage = None
) -> list[ImportObjectType]:
    """What the caller may import, with every field a column can be mapped to."""
    return await service.object_types(session, principal, language=language_from(accept_language))


@router.get(
    "/imports/templates/{object_type}",
    operation_id="imports-template",
    response_class=Response,
    responses={200: {"content": {ct.split(";")[0]: {} for ct in _CONTENT_TYPES.values()}}},
)
async def download_template(
    session: SessionDep,
    principal: CurrentPrincipal,
    object_type: str,
    format: TemplateFormat = "xlsx",
    accept_language: AcceptLanguage = None,
) -> Response:
    """An empty file to fill in: one column per field (custom fields included; required ones
    marked *), headers in the caller's language, and an example row."""
    content, filename = await service.template(
        session,
        principal,
        object_type=object_type,
        fmt=format,
        language=language_from(accept_language),
    )
    return Response(
        content,
        media_type=_CONTENT_TYPES[format],
        headers={
            "Content-Disposition": files.attachment_disposition(
                filename, f"{object_type}-template.{format}"
            )
        },
    )


@router.post("/imports", response_model=ImportRead, status_code=201, operation_id="imports-upload")
async def upload(
    session: SessionDep,
    principal: CurrentPrincipal,
    response: Response,
    file: Annotated[UploadFile, File(description="A CSV file (UTF-8 or GBK) or an Excel workbook")],
    object_type: Annotated[str, Form(max_length=50)],
    header_row: Annotated[
        int | None, Form(ge=1, le=1000, description="1-based; default: found automatically")
    ] = None,
) -> ImportRead:
    """Upload a file to import. It is stored and its columns are read at once: the answer
    lists them with sample values and a suggested mapping. Then preview it."""
    item = await service.upload(
        session,
        principal,
        object_type=object_type,
        filename=file.filename or "upload",
        source=file.file,
        header_row=header_row,
    )
    response.headers["Location"] = f"/api/v1/imports/{item.id}"
    return await service.to_read(session, principal, item)


@router.get("/imports", response_model=Page[ImportRead], operation_id="imports-list")
async def list_imports(
    session: SessionDep,
    principal: ImportsRead,
    params: PageParamsDep,
    object_type: Annotated[str | None, Query(max_length=50)] = None,
    status: Annotated[ImportStatus | None, Query()] = None,
) -> Page[ImportRead]:
    """The caller's imports, newest first (all imports with ``admin:imports``); ``q`` searches
    the file name."""
    items, next_cursor, total = await service.list_imports(
        session, principal, params=params, object_type=object_type, status=status
    )
    fields: dict[str, list[ImportField]] = {}
    return Page[ImportRead](
        items=[await service.to_read(session, principal, item, fields=fields) for item in items],
        next_cursor=next_cursor,
        total=total,
    )


@router.get("/imports/{import_id}", response_model=ImportRead, operation_id="imports-get")
async def get_import(
    session: SessionDep,
    principal: ImportsRead,
    import_id: uuid.UUID,
) -> ImportRead:
    item = await service.get_import(session, principal, import_id)
    return await service.to_read(session, principal, item)


@router.post(
    "/imports/{import_id}/preview",
    response_model=ImportRead,
    status_code=202,
    operation_id="imports-preview",
)
async def preview(
    session: SessionDep,
    principal: CurrentPrincipal,
    import_id: uuid.UUID,
    body: ImportPreviewRequest,
    accept_language: AcceptLanguage = None,
) -> ImportRead:
    """Clean, validate and look for duplicates with this mapping (a worker job: follow
    ``preview_job_id`` at ``GET /jobs/{id}``); nothing is written. Preview again to change the
    mapping."""
    language = language_from(accept_language)
    item = await service.start_preview(session, principal, import_id, data=body, language=language)
    return await service.to_read(session, principal, item)


@router.post(
    "/imports/{import_id}/commit",
    response_model=ImportRead,
    status_code=202,
    operation_id="imports-commit",
)
async def commit(
    session: SessionDep,
    principal: CurrentPrincipal,
    import_id: uuid.UUID,
    body: ImportCommitRequest,
) -> ImportRead:
    """Write the previewed rows (a worker job: ``commit_job_id``), in batches that each go in
    whole or not at all. Rows with errors are never written; duplicates follow the decisions."""
    item = await service.start_commit(session, principal, import_id, data=body)
    return await service.to_read(session, principal, item)


@router.post(
    "/imports/{import_id}/cancel", response_model=ImportRead, operation_id="imports-cancel"
)
async def cancel(
    session: SessionDep,
    principal: CurrentPrincipal,
    import_id: uuid.UUID,
) -> ImportRead:
    """Stop a preview or a commit. A commit stops after the batch it is writing; its result
    lists the batches (row ranges) that went in."""
    item = await service.cancel(session, principal, import_id)
    return await service.to_read(session, principal, item)


@router.get(
    "/imports/{import_id}/rows", response_model=Page[ImportRowRead], operation_id="imports-rows"
)
async def list_rows(
    session: SessionDep,
    principal: ImportsRead,
    import_id: uuid.UUID,
    status: Literal["error", "duplicate", "warning"] | None = None,
    cursor: Annotated[str | None, Query(pattern=r"^\d{1,9}$")] = None,
    limit: Annotated[int, Query(ge=1, le=500)] = 100,
) -> Page[ImportRowRead]:
    """The rows the preview flagged (errors, duplicates, warnings), in file order."""
    rows, next_cursor, total = await service.list_rows(
        session,
        principal,
        import_id,
        status=status,
        after_row=int(cursor) if cursor else None,
        limit=limit,
    )
    items = []
    for row, name in rows:
        read = ImportRowRead.model_validate(row)
        read.match_name = name
        items.append(read)
    return Page[ImportRowRead](items=items, next_cursor=next_cursor, total=total)


@router.get(
    "/imports/{import_id}/error-report",
    operation_id="imports-error-report",
    response_class=StreamingResponse,
    responses={200: {"content": {"text/csv": {}}}},
)
async def error_report(
    session: SessionDep, principal: ImportsRead, import_id: uuid.UUID
) -> StreamingResponse:
    """The rejected rows as CSV: row number, reasons, and the row as it was in the file."""
    lines, filename = await service.error_report(session, principal, import_id)
    return StreamingResponse(
        lines,
        media_type="text/csv; charset=utf-8",
        headers={
            "Content-Disposition": files.attachment_disposition(
                filename, f"import-{import_id}-errors.csv"
            )
        },
    )
