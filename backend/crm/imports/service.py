"""Imports: templates, upload, preview and commit requests, cancelling, the rows' report.

The flow: upload a file (it is stored and its columns read at once, with a suggested mapping),
preview it with a mapping (a worker job cleans, validates and finds duplicates), then commit it
with duplicate decisions (a worker job writes it in batches). The slow parts live in
:mod:`crm.imports.tasks`.
"""

from __future__ import annotations

import asyncio
import csv
import hashlib
import io
import tempfile
import uuid
from collections.abc import AsyncIterator, Iterator, Mapping, Sequence
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any, BinaryIO

import structlog
import xlsxwriter
from sqlalchemy import ColumnElement, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from crm.core import files, jobs
from crm.core import importable as registry
from crm.core.changes import record_change
from crm.core.errors import (
    Conflict,
    Forbidden,
    NotFound,
    ProblemError,
    Unprocessable,
    field_error,
)
from crm.core.field_access import FieldView, view_for
from crm.core.formulas import defuse
from crm.core.importable import Importable, ImportField
from crm.core.pagination import PageParams, paginate, text_contains
from crm.core.permissions import Principal, creator_or_holder, readable
from crm.imports import reading
from crm.imports.engine import suggest_mapping
from crm.imports.models import Import, ImportRow, ImportStatus
from crm.imports.schemas import (
    ImportColumn,
    ImportCommitRequest,
    ImportFieldRead,
    ImportObjectType,
    ImportPreviewRequest,
    ImportRead,
)
from crm.settings import get_settings

PREVIEW_TASK = "run_import_preview"
COMMIT_TASK = "run_import_commit"
# Whoever holds it sees every import, not only their own.
SEE_ALL_PERMISSION = "admin:imports"
# An import the worker may be reading or writing: its files are never expired under it.
BUSY = (ImportStatus.PREVIEWING, ImportStatus.COMMITTING, ImportStatus.CANCELLING)

log = structlog.get_logger(__name__)
_RESTARTABLE = (ImportStatus.UPLOADED, ImportStatus.PREVIEWED, ImportStatus.FAILED)


def find_importable(object_type: str) -> Importable:
    found = registry.get(object_type)
    if found is None:
        known = ", ".join(sorted(registry.registered()))
        msg = f"Cannot import '{object_type}'. Importable object types: {known}."
        raise Unprocessable(msg, errors=[field_error("object_type", msg)])
    return found


def may_import(principal: Principal, importable: Importable) -> bool:
    return all(principal.can(code) for code in importable.permissions)


def _check_may_import(principal: Principal, importable: Importable) -> None:
    if not may_import(principal, importable):
        missing = [c for c in importable.permissions if not principal.can(c)]
        raise Forbidden(f"Your role does not allow this ({', '.join(missing)}).")


def _field_read(item: ImportField, language: str) -> ImportFieldRead:
    return ImportFieldRead(
        key=item.key,
        label=item.label(language),
        kind=item.kind,
        required=item.required,
        options=list(item.options),
        aliases=list(item.aliases),
    )


async def object_types(
    session: AsyncSession, principal: Principal, *, language: str
) -> list[ImportObjectType]:
    result = []
    for importable in sorted(registry.registered().values(), key=lambda i: i.object_type):
        if may_import(principal, importable):
            fields = await importable.all_fields(session)
            result.append(
                ImportObjectType(
                    object_type=importable.object_type,
                    label=importable.label(language),
                    fields=[_field_read(f, language) for f in fields],
                )
            )
    return result


# --- templates --------------------------------------------------------------------------------


async def template(
    session: AsyncSession, principal: Principal, *, object_type: str, fmt: str, language: str
) -> tuple[bytes, str]:
    """(the file, its name): the header of every field (required ones marked *) and an
    example row."""
    importable = find_importable(object_type)
    if not principal.can(importable.read_permission):
        raise Forbidden(f"Your role does not allow this ({importable.read_permission}).")
    fields = await importable.all_fields(session)
    header = [f"{f.label(language)}{' *' if f.required else ''}" for f in fields]
    example = [f.example for f in fields]
    name = f"{importable.label(language)}-template.{fmt}"
    if fmt == "csv":
        buffer = io.StringIO()
        writer = csv.writer(buffer)
        writer.writerow(header)
        writer.writerow(example)
        # With a BOM, Excel opens the file as UTF-8 (Chinese headers stay readable).
        return buffer.getvalue().encode("utf-8-sig"), name
    return await asyncio.to_thread(
        _xlsx_template, header, example, importable.label(language)
    ), name


def _xlsx_template(header: list[str], example: list[str], sheet: str) -> bytes:
    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer, {"in_memory": True})
    worksheet = book.add_worksheet(sheet[:31])
    bold = book.add_format({"bold": True})
    as_text = book.add_format({"num_format": "@"})  # phone numbers stay text
    worksheet.write_row(0, 0, header, bold)
    worksheet.write_row(1, 0, example, as_text)
    worksheet.set_column(0, max(len(header) - 1, 0), 18, as_text)
    worksheet.freeze_panes(1, 0)
    book.close()
    return buffer.getvalue()


# --- upload -------------------------------------------------------------------------------------


def _file_key(import_id: uuid.UUID, name: str) -> str:
    return f"imports/{import_id}/{name}"


def source_key(item: Import) -> str:
    return _file_key(item.id, "source")


def clean_key(item: Import) -> str:
    return _file_key(item.id, "clean.parquet")


class _HashingReader(io.RawIOBase):
    """Reads through ``source`` while hashing and counting what passes."""

    def __init__(self, source: BinaryIO) -> None:
        self.source = source
        self.digest = hashlib.sha256()
        self.size = 0

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        chunk = self.source.read(len(buffer))
        self.digest.update(chunk)
        self.size += len(chunk)
        buffer[: len(chunk)] = chunk
        return len(chunk)


@asynccontextmanager
async def local_path(key: str) -> AsyncIterator[Path]:
    """A path on this machine holding the stored file (the file itself on the local store)."""
    storage = files.get_storage()
    if isinstance(storage, files.LocalFileStorage):
        yield storage.path(key)
        return
    with tempfile.TemporaryDirectory(prefix="crm-import-") as tmp:
        path = Path(tmp) / "file"
        with path.open("wb") as out:
            async for chunk in storage.open(key):
                out.write(chunk)
        yield path


def _read_columns(path: Path, header_row: int | None) -> tuple[str, str | None, reading.Table]:
    """The format, encoding, header and sample rows of a stored file, from its head only: the
    worker's preview reads the rest."""
    with path.open("rb") as handle:
        fmt = reading.sniff_format(handle.read(4096))
    raw, encoding = reading.read_head(path, fmt, header_row)
    return fmt, encoding, reading.to_table(raw, header_row)


def _unreadable(exc: reading.UnreadableFile) -> Unprocessable:
    return Unprocessable(str(exc), errors=[field_error("file", str(exc))])


async def upload(
    session: AsyncSession,
    principal: Principal,
    *,
    object_type: str,
    filename: str,
    source: BinaryIO,
    header_row: int | None,
) -> Import:
    """Store the file and read its columns and sample rows from its head; 422 with the reason
    when it cannot be read. Its rows are counted by the preview."""
    importable = find_importable(object_type)
    _check_may_import(principal, importable)
    import_id = uuid.uuid4()
    key = _file_key(import_id, "source")
    reader = _HashingReader(source)
    storage = files.get_storage()
    await storage.put(key, io.BufferedReader(reader))
    try:
        async with local_path(key) as path:
            fmt, encoding, table = await asyncio.to_thread(_read_columns, path, header_row)
    except reading.UnreadableFile as exc:
        await storage.delete(key)
        raise _unreadable(exc) from None
    sample = table.data.head(reading.SAMPLE_ROWS).drop("_row").rows()
    item = Import(
        id=import_id,
        object_type=importable.object_type,
        status=ImportStatus.UPLOADED,
        filename=(filename or "upload")[:255],
        file_key=key,
        size=reader.size,
        sha256=reader.digest.hexdigest(),
        format=fmt,
        encoding=encoding,
        header_row=table.header_row,
        headers=table.headers,
        sample=[list(r) for r in sample],
        total_rows=None,
        options={"header_notes": table.notes},
        created_by=principal.user_id,
    )
    session.add(item)
    await session.flush()
    _audit(session, item, "create", {"filename": item.filename, "sha256": item.sha256})
    return item


def _audit(session: AsyncSession, item: Import, action: str, details: dict[str, Any]) -> None:
    """Every step of an import is audited (the commit's outcome by the job, as "import")."""
    record_change(
        session,
        action=action,
        object_type="import",
        object_id=item.id,
        after={"object_type": item.object_type, "status": item.status, **details},
        payload={"object_type": item.object_type},
    )


# --- reading an import --------------------------------------------------------------------------


async def get_import(
    session: AsyncSession, principal: Principal, import_id: uuid.UUID, *, for_update: bool = False
) -> Import:
    """The import if the caller started it (or may see all imports); 404 otherwise."""
    stmt = select(Import).where(Import.id == import_id, _visible_to(principal))
    if for_update:
        stmt = stmt.with_for_update()
    item = (await session.execute(stmt)).scalar_one_or_none()
    if item is None:
        raise NotFound("No such import.")
    return item


def _require_files(item: Import) -> None:
    """410 for an import whose file and row details the retention sweep deleted."""
    if item.files_expired_at is not None:
        raise ProblemError(
            "The import's file and row details were deleted after the retention period; "
            "upload the file again.",
            status=410,
        )


def _visible_to(principal: Principal) -> ColumnElement[bool]:
    """The imports the principal may see: their own, or all with ``admin:imports``."""
    return creator_or_holder(principal, Import.created_by, SEE_ALL_PERMISSION)


async def to_read(
    session: AsyncSession,
    principal: Principal,
    item: Import,
    *,
    fields: dict[str, list[ImportField]] | None = None,
) -> ImportRead:
    """The import as the API shows it. ``fields`` caches the object types' fields across the
    imports of one list."""
    fields = {} if fields is None else fields
    if item.object_type not in fields:
        fields[item.object_type] = await find_importable(item.object_type).all_fields(session)
    # Never suggest a field the caller's role may not set (the preview would refuse it).
    view = view_for(principal, find_importable(item.object_type).record_type)
    settable = [f for f in fields[item.object_type] if f.key not in view.not_writable]
    suggested = suggest_mapping(item.headers, settable)
    columns = [
        ImportColumn(
            index=i, header=h, sample=[row[i] if i < len(row) else None for row in item.sample]
        )
        for i, h in enumerate(item.headers)
    ]
    # Earlier imports of the same file: only those the caller may see (another user's import
    # is not theirs to know about).
    same = (
        await session.execute(
            select(Import.id).where(
                Import.sha256 == item.sha256,
                Import.id != item.id,
                Import.object_type == item.object_type,
                Import.status == ImportStatus.COMMITTED,
                _visible_to(principal),
            )
        )
    ).scalars()
    return ImportRead.model_validate(
        {
            **{c: getattr(item, c) for c in ImportRead.model_fields if hasattr(item, c)},
            "columns": columns,
            "suggested_mapping": {str(i): k for i, k in suggested.items()},
            "same_file_imports": list(same),
        }
    )


async def list_imports(
    session: AsyncSession,
    principal: Principal,
    *,
    params: PageParams,
    object_type: str | None = None,
    status: str | None = None,
) -> tuple[Sequence[Import], str | None, int | None]:
    """The imports the caller may see, newest first; ``q`` matches the file name."""
    stmt = select(Import).where(_visible_to(principal))
    if object_type is not None:
        stmt = stmt.where(Import.object_type == object_type)
    if status is not None:
        stmt = stmt.where(Import.status == status)
    if params.q:
        stmt = stmt.where(text_contains(Import.filename, params.q))
    return await paginate(
        session,
        stmt,
        params=params,
        id_column=Import.id,
        sortable={"created_at": Import.created_at, "updated_at": Import.updated_at},
    )


async def list_rows(
    session: AsyncSession,
    principal: Principal,
    import_id: uuid.UUID,
    *,
    status: str | None,
    after_row: int | None,
    limit: int,
) -> tuple[list[tuple[ImportRow, str | None]], str | None, int]:
    """The rows the preview had something to say about, in file order, with the name of the
    existing record a duplicate repeats (only when it is in the caller's scope)."""
    item = await get_import(session, principal, import_id)
    _require_files(item)
    importable = find_importable(item.object_type)
    model = importable.model
    stmt = select(ImportRow).where(ImportRow.import_id == item.id)
    if status is not None:
        stmt = stmt.where(ImportRow.status == status)
    total = (await session.execute(select(func.count()).select_from(stmt.subquery()))).scalar_one()
    if after_row is not None:
        stmt = stmt.where(ImportRow.row > after_row)
    rows = (await session.execute(stmt.order_by(ImportRow.row).limit(limit + 1))).scalars().all()
    page = list(rows[:limit])
    ids = {r.match_id for r in page if r.match_id is not None and not r.match_hidden}
    names: dict[uuid.UUID, str] = {}
    if ids and hasattr(model, "name"):
        # Through the data scope again: the record may have left the caller's scope since.
        found = await session.execute(
            readable(select(model.id, model.name), model, principal).where(model.id.in_(ids))
        )
        names = {row_id: name for row_id, name in found.all()}
    cursor = str(page[-1].row) if len(rows) > limit else None
    return [(r, names.get(r.match_id) if r.match_id else None) for r in page], cursor, total


def _csv_safe(value: Any) -> str:
    """A cell as text that no spreadsheet will run as a formula."""
    return "" if value is None else defuse(str(value))


async def error_report(
    session: AsyncSession, principal: Principal, import_id: uuid.UUID
) -> tuple[Iterator[bytes], str]:
    """The rejected rows as CSV: row number, the reasons, then the row's cells as read."""
    item = await get_import(session, principal, import_id)
    _require_files(item)
    if item.summary is None:
        raise Conflict("Preview the import first: the report lists the rows it rejects.")
    rows = (
        await session.execute(
            select(ImportRow.row, ImportRow.errors, ImportRow.cells)
            .where(ImportRow.import_id == item.id, ImportRow.status == "error")
            .order_by(ImportRow.row)
        )
    ).all()
    headers = list(item.headers)

    def lines() -> Iterator[bytes]:
        buffer = io.StringIO()
        writer = csv.writer(buffer)
        writer.writerow(["row", "errors", *headers])
        yield ("\ufeff" + buffer.getvalue()).encode()
        for number, errors, cells in rows:
            buffer.seek(0)
            buffer.truncate()
            writer.writerow(
                [number, _csv_safe(errors), *[_csv_safe(cells.get(h)) for h in headers]]
            )
            yield buffer.getvalue().encode()

    stem = Path(item.filename).stem or "import"
    return lines(), f"{stem}-errors.csv"


# --- preview, commit, cancel --------------------------------------------------------------------


def _mapping_errors(
    item: Import, mapping: dict[str, str | None], fields: Sequence[ImportField], view: FieldView
) -> tuple[dict[int, str], list[dict[str, Any]]]:
    by_key = {f.key: f for f in fields}
    chosen: dict[int, str] = {}
    errors = []
    for raw_index, key in mapping.items():
        if key is None:
            continue
        loc = f"mapping.{raw_index}"
        if not raw_index.isdigit() or int(raw_index) >= len(item.headers):
            errors.append(
                field_error(loc, f"No column {raw_index}; the file has {len(item.headers)}.")
            )
        elif key not in by_key:
            errors.append(field_error(loc, f"Unknown field '{key}'."))
        elif key in chosen.values():
            errors.append(field_error(loc, f"The field '{key}' is mapped to two columns."))
        elif key in view.not_writable:
            errors.append(field_error(loc, f"Your role may not set the field '{key}'."))
        else:
            chosen[int(raw_index)] = key
    for item_field in fields:
        if item_field.required and item_field.key not in chosen.values():
            errors.append(
                field_error("mapping", f"Map a column to the required field '{item_field.key}'.")
            )
    return chosen, errors


def _date_order_errors(item: Import, date_orders: Mapping[str, str]) -> list[dict[str, Any]]:
    return [
        field_error(
            f"options.date_orders.{raw_index}",
            f"No column {raw_index}; the file has {len(item.headers)}.",
        )
        for raw_index in date_orders
        if not raw_index.isdigit() or int(raw_index) >= len(item.headers)
    ]


async def start_preview(
    session: AsyncSession,
    principal: Principal,
    import_id: uuid.UUID,
    *,
    data: ImportPreviewRequest,
    language: str,
) -> Import:
    item = await get_import(session, principal, import_id, for_update=True)
    importable = find_importable(item.object_type)
    _check_may_import(principal, importable)
    _require_files(item)
    if item.status not in _RESTARTABLE:
        raise Conflict(f"The import is {item.status}; it cannot be previewed again.")
    view = view_for(principal, importable.record_type)
    fields = await importable.all_fields(session)
    chosen, errors = _mapping_errors(item, data.mapping, fields, view)
    errors += _date_order_errors(item, data.options.date_orders)
    if errors:
        raise Unprocessable("The mapping is invalid; see `errors`.", errors=errors)
    item.mapping = {str(i): k for i, k in sorted(chosen.items())}
    item.options = {
        **(item.options or {}),
        "phone_region": (data.options.phone_region or get_settings().default_phone_region).upper(),
        "day_first": data.options.day_first,
        "date_orders": data.options.date_orders,
        "language": language,
    }
    item.status = ImportStatus.PREVIEWING
    item.summary = None
    item.error = None
    job = await jobs.create_job(
        session,
        kind=f"{item.object_type}.import_preview",
        task=PREVIEW_TASK,
        created_by=principal.user_id,
        params={"import_id": str(item.id)},
    )
    item.preview_job_id = job.id
    await session.flush()
    _audit(session, item, "preview", {"mapping": item.mapping})
    return item


async def start_commit(
    session: AsyncSession, principal: Principal, import_id: uuid.UUID, *, data: ImportCommitRequest
) -> Import:
    item = await get_import(session, principal, import_id, for_update=True)
    _check_may_import(principal, find_importable(item.object_type))
    _require_files(item)
    if item.status != ImportStatus.PREVIEWED:
        raise Conflict(
            f"The import is {item.status}; only a previewed import can be committed."
            if item.status != ImportStatus.UPLOADED
            else "Preview the import first."
        )
    rows = [d.row for d in data.decisions]
    if len(set(rows)) != len(rows):
        raise Unprocessable(
            "A row has two decisions.", errors=[field_error("decisions", "A row is listed twice.")]
        )
    item.status = ImportStatus.COMMITTING
    item.options = {
        **(item.options or {}),
        "on_duplicate": data.on_duplicate,
        "on_file_duplicate": data.on_file_duplicate,
    }
    job = await jobs.create_job(
        session,
        kind=f"{item.object_type}.import_commit",
        task=COMMIT_TASK,
        created_by=principal.user_id,
        params={
            "import_id": str(item.id),
            "decisions": {str(d.row): d.action for d in data.decisions},
        },
    )
    item.commit_job_id = job.id
    await session.flush()
    _audit(
        session,
        item,
        "commit",
        {
            "on_duplicate": data.on_duplicate,
            "on_file_duplicate": data.on_file_duplicate,
            "decisions": len(data.decisions),
        },
    )
    return item


async def cancel(session: AsyncSession, principal: Principal, import_id: uuid.UUID) -> Import:
    """Stop a running preview or commit: a commit finishes the batch it is writing (each batch
    is all-or-nothing) and writes no further one; the import's result says which rows went in."""
    item = await get_import(session, principal, import_id, for_update=True)
    _check_may_import(principal, find_importable(item.object_type))
    if item.status == ImportStatus.COMMITTING:
        item.status = ImportStatus.CANCELLING
    elif item.status == ImportStatus.PREVIEWING:
        item.status = ImportStatus.UPLOADED
        job = await session.get(jobs.Job, item.preview_job_id) if item.preview_job_id else None
        if job is not None and job.status in (jobs.JobStatus.QUEUED, jobs.JobStatus.RUNNING):
            job.status = jobs.JobStatus.CANCELLED
            job.finished_at = job.updated_at
    elif item.status in (ImportStatus.UPLOADED, ImportStatus.PREVIEWED):
        item.status = ImportStatus.CANCELLED
    else:
        raise Conflict(f"The import is {item.status}; there is nothing to cancel.")
    await session.flush()
    _audit(session, item, "cancel", {})
    return item
