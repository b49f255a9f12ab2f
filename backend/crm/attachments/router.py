"""HTTP routes of attachments: upload, list per record, download, delete."""

from __future__ import annotations

import re
import uuid
from typing import Annotated

from fastapi import APIRouter, File, Form, Query, Response, UploadFile
from fastapi.responses import StreamingResponse

from crm.attachments import service
from crm.attachments.schemas import CATEGORY_PATTERN, AttachmentRead
from crm.core import files
from crm.core.deps import SessionDep
from crm.core.errors import NotFound
from crm.core.pagination import Page, PageParamsDep, page_response
from crm.core.permissions import CurrentPrincipal

router = APIRouter(prefix="/api/v1", tags=["attachments"])
ObjectType = Annotated[str, Query(max_length=50, description="deal, customer, ...")]
_PERMISSION_DOC = (
    " Needs the parent record's read permission (deals:read for a deal, customers:read for a "
    "customer) and the record within your data scope; changing needs its write permission."
)


@router.post(
    "/attachments",
    response_model=AttachmentRead,
    status_code=201,
    operation_id="attachments-upload",
    description="Attach a file to a record (multipart). The content type is detected from "
    "the bytes, never taken from the name; executables are refused (415); files over "
    "CRM_ATTACHMENT_MAX_BYTES answer 413." + _PERMISSION_DOC,
)
async def upload_attachment(
    session: SessionDep,
    principal: CurrentPrincipal,
    response: Response,
    object_type: ObjectType,
    object_id: uuid.UUID,
    file: Annotated[UploadFile, File()],
    category: Annotated[
        str, Form(pattern=CATEGORY_PATTERN, description="e.g. needs_document")
    ] = "general",
) -> AttachmentRead:
    item = await service.upload(
        session,
        principal,
        object_type=object_type,
        object_id=object_id,
        category=category,
        filename=file.filename or "file",
        source=file.file,
    )
    response.headers["Location"] = f"/api/v1/attachments/{item.id}"
    return AttachmentRead.model_validate(item)


@router.get(
    "/attachments",
    response_model=Page[AttachmentRead],
    operation_id="attachments-list",
    description="A record's attachments, newest first." + _PERMISSION_DOC,
)
async def list_attachments(
    session: SessionDep,
    principal: CurrentPrincipal,
    params: PageParamsDep,
    object_type: ObjectType,
    object_id: uuid.UUID,
    category: Annotated[str | None, Query(pattern=CATEGORY_PATTERN)] = None,
) -> Response:
    return page_response(
        await service.list_attachments(
            session,
            principal,
            object_type=object_type,
            object_id=object_id,
            category=category,
            params=params,
        ),
        AttachmentRead,
    )


@router.get(
    "/attachments/{attachment_id}",
    response_model=AttachmentRead,
    operation_id="attachments-get",
)
async def get_attachment(
    session: SessionDep, principal: CurrentPrincipal, attachment_id: uuid.UUID
) -> AttachmentRead:
    """404 unless you may see the record it is attached to."""
    return AttachmentRead.model_validate(
        await service.get_attachment(session, principal, attachment_id)
    )


@router.get(
    "/attachments/{attachment_id}/download",
    response_class=StreamingResponse,
    operation_id="attachments-download",
    responses={200: {"content": {"application/octet-stream": {}}, "description": "The file"}},
)
async def download_attachment(
    session: SessionDep, principal: CurrentPrincipal, attachment_id: uuid.UUID
) -> StreamingResponse:
    """The file, with the sniffed content type; 404 unless you may see its record."""
    item = await service.get_attachment(session, principal, attachment_id)
    storage = files.get_storage()
    try:
        size = await storage.size(item.storage_key)
    except files.FileMissing as exc:
        raise NotFound("The attachment's file is missing from storage.") from exc
    fallback = re.sub(r"[^A-Za-z0-9._ -]", "_", item.filename) or "file"
    return StreamingResponse(
        storage.open(item.storage_key),
        media_type=item.content_type,
        headers={
            "Content-Length": str(size),
            "Content-Disposition": files.attachment_disposition(item.filename, fallback),
            "X-Content-Type-Options": "nosniff",
            "Cache-Control": "private, no-store",
        },
    )


@router.delete("/attachments/{attachment_id}", status_code=204, operation_id="attachments-delete")
async def delete_attachment(
    session: SessionDep, principal: CurrentPrincipal, attachment_id: uuid.UUID
) -> Response:
    """Soft delete (audited); 404 unless you may change the record it is attached to."""
    await service.delete_attachment(session, principal, attachment_id=attachment_id)
    return Response(status_code=204)
