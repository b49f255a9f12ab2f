"""Starting exports, handing out their files, and expiring old ones."""

from __future__ import annotations

import dataclasses
import uuid
from collections.abc import Sequence
from typing import Any

import structlog
from pydantic import ValidationError
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from crm.core import exportable as registry
from crm.core import jobs
from crm.core.changes import record_change
from crm.core.errors import Conflict, Forbidden, NotFound, ProblemError, Unprocessable, field_error
from crm.core.exportable import Exportable, ExportColumn
from crm.core.field_access import FieldView, mask_value, view_for
from crm.core.permissions import Principal, creator_or_holder
from crm.exports.schemas import ExportColumnRead, ExportCreate, ExportObjectType

log = structlog.get_logger(__name__)
EXPORT_TASK = "run_export"
# Whoever holds it may download any export's file, not only their own.
DOWNLOAD_ANY_PERMISSION = "admin:exports"


def may_export(principal: Principal, exportable: Exportable) -> bool:
    return all(principal.can(code) for code in exportable.permissions)


def _error(loc: Sequence[str | int], msg: str) -> dict[str, Any]:
    return {"loc": ["body", *[str(p) for p in loc]], "msg": msg, "type": "value_error"}


def find_exportable(object_type: str) -> Exportable:
    found = registry.get(object_type)
    if found is None:
        known = ", ".join(sorted(registry.registered()))
        msg = f"Cannot export '{object_type}'. Exportable object types: {known}."
        raise Unprocessable(msg, errors=[field_error("object_type", msg)])
    return found


def validate_filters(
    exportable: Exportable, raw: dict[str, Any]
) -> tuple[dict[str, Any], str | None]:
    """(the filters as JSON, the sort key) after the list endpoint's own rules; else 422."""
    raw = dict(raw)
    sort = raw.pop("sort", None)
    if sort is not None:
        name = sort.removeprefix("-") if isinstance(sort, str) else None
        if name not in exportable.sortable:
            allowed = ", ".join(sorted(exportable.sortable))
            msg = f"Cannot sort by {sort!r}. Sortable fields: {allowed} (prefix - for descending)."
            raise Unprocessable(msg, errors=[_error(("filters", "sort"), msg)])
    # The filters models ignore what they do not know (a list's query string carries paging
    # too); a filter the list does not have is an error here, not silently dropped.
    unknown = [key for key in raw if key not in exportable.filters.model_fields]
    if unknown:
        errors = [_error(("filters", key), "Extra inputs are not permitted") for key in unknown]
        raise Unprocessable(
            "The export's filters are invalid; see `errors` for each one.", errors=errors
        )
    try:
        filters = exportable.filters.model_validate(raw)
    except ValidationError as exc:
        errors = [_error(("filters", *e["loc"]), e["msg"]) for e in exc.errors()]
        raise Unprocessable(
            "The export's filters are invalid; see `errors` for each one.", errors=errors
        ) from exc
    return filters.model_dump(mode="json", exclude_none=True), sort


def choose_columns(available: Sequence[ExportColumn], requested: Sequence[str] | None) -> list[str]:
    """The requested column keys (checked), or the defaults."""
    if requested is None:
        return [c.key for c in available if c.default]
    known = {c.key for c in available}
    unknown = [key for key in requested if key not in known]
    if unknown:
        msg = (
            f"Unknown column(s): {', '.join(unknown)}. "
            f"Columns: {', '.join(c.key for c in available)}."
        )
        raise Unprocessable(msg, errors=[_error(("columns",), msg)])
    if len(set(requested)) != len(requested):
        msg = "A column is listed twice."
        raise Unprocessable(msg, errors=[_error(("columns",), msg)])
    return list(requested)


def columns_for(
    principal: Principal, exportable: Exportable, columns: Sequence[ExportColumn]
) -> list[ExportColumn]:
    """The columns ``principal`` may export, through their field permissions on the record
    type: the hidden ones left out, the masked ones masked in every cell."""
    view = view_for(principal, exportable.record_type)
    if not view.restricted:
        return list(columns)
    return [
        _masked_column(view, c) if c.key in view.masked else c
        for c in columns
        if view.visible(c.key)
    ]


def _masked_column(view: FieldView, column: ExportColumn) -> ExportColumn:
    kind = view.masked[column.key]
    read = column.value

    def value(row: Any, context: Any) -> Any:
        return mask_value(read(row, context), kind)

    # A masked value is text (a masked number is no number).
    return dataclasses.replace(column, value=value, kind="text")


async def object_types(
    session: AsyncSession, principal: Principal, *, language: str
) -> list[ExportObjectType]:
    """What the caller may export, with every column's key and label."""
    result = []
    for exportable in sorted(registry.registered().values(), key=lambda e: e.object_type):
        if not may_export(principal, exportable):
            continue
        columns = columns_for(principal, exportable, await exportable.all_columns(session))
        result.append(
            ExportObjectType(
                object_type=exportable.object_type,
                label=exportable.label(language),
                sortable=sorted(exportable.sortable),
                columns=[
                    ExportColumnRead(key=c.key, label=c.label(language), default=c.default)
                    for c in columns
                ],
            )
        )
    return result


async def start_export(
    session: AsyncSession, principal: Principal, *, data: ExportCreate, language: str
) -> jobs.Job:
    """Check the request, record the job and queue it; the worker writes the file."""
    exportable = find_exportable(data.object_type)
    if not may_export(principal, exportable):
        missing = [c for c in exportable.permissions if not principal.can(c)]
        raise Forbidden(f"Your role does not allow this ({', '.join(missing)}).")
    filters, sort = validate_filters(exportable, data.filters)
    available = columns_for(principal, exportable, await exportable.all_columns(session))
    columns = choose_columns(available, data.columns)
    request = {
        "object_type": exportable.object_type,
        "format": data.format,
        "filters": filters,
        "sort": sort,
        "columns": columns,
        "header": data.header,
        "language": data.language or language,
    }
    job = await jobs.create_job(
        session,
        kind=f"{exportable.object_type}.export",
        task=EXPORT_TASK,
        created_by=principal.user_id,
        params=request,
    )
    record_change(
        session,
        action="create",
        object_type="export",
        object_id=job.id,
        after=request,
        payload={"object_type": exportable.object_type, "format": data.format},
    )
    return job


def file_key(job: jobs.Job) -> str:
    """Where a job's file is stored: derived from the job, never from a request."""
    return f"exports/{job.id}.{job.params['format']}"


async def get_export(session: AsyncSession, principal: Principal, job_id: uuid.UUID) -> jobs.Job:
    """The export job if the caller may download it: its creator, or a holder of
    ``admin:exports``. Anyone else gets 404, as for a job that does not exist."""
    job = (
        await session.execute(
            select(jobs.Job).where(
                jobs.Job.id == job_id,
                creator_or_holder(principal, jobs.Job.created_by, DOWNLOAD_ANY_PERMISSION),
            )
        )
    ).scalar_one_or_none()
    if job is None or job.params.get("_task") != EXPORT_TASK:
        raise NotFound("No such export.")
    return job


async def export_file(session: AsyncSession, principal: Principal, job_id: uuid.UUID) -> jobs.Job:
    """The finished export whose file may be streamed now; 409 before it is ready, 410 after
    it expired."""
    job = await get_export(session, principal, job_id)
    if job.status == jobs.JobStatus.FAILED:
        raise Conflict(f"The export failed: {job.error}")
    if job.status != jobs.JobStatus.SUCCEEDED or not job.result:
        raise Conflict("The export is not finished yet; follow its progress at /api/v1/jobs/{id}.")
    if job.result.get("expired"):
        raise file_gone()
    return job


def file_gone() -> ProblemError:
    return ProblemError("The export's file has expired and was deleted; export again.", status=410)
