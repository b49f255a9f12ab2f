"""The import's worker jobs: preview (read, clean, validate, find duplicates) and commit
(write in batches, each all-or-nothing, with progress and cancelling between batches)."""

from __future__ import annotations

import asyncio
import io
import tempfile
import time
import uuid
from datetime import timedelta
from pathlib import Path
from typing import Any

import polars as pl
import structlog
from sqlalchemy import delete, select, text, update
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncSession, async_sessionmaker

from crm.core import context, files, jobs
from crm.core.changes import record_change
from crm.core.cleaning import DateOrder
from crm.core.db import Database, utcnow
from crm.core.domain import scheduled, task
from crm.core.importable import CleanOptions, Importable
from crm.core.permissions import Principal
from crm.identity.repository import principal_for_user
from crm.imports import engine, reading, service, staging
from crm.imports.models import Import, ImportRow, ImportStatus
from crm.settings import get_settings

log = structlog.get_logger(__name__)
_MATCH_COLUMNS = ("_row", "_dup_row")
# Imports whose files one sweep deletes at most: the rest wait for the next minute.
_EXPIRE_PER_SWEEP = 100


class ImportFailed(Exception):
    """A reason the importer can act on; stored on the import and its job."""


@task(timeout=3600)
async def run_import_preview(ctx: dict[str, Any], job_id: str) -> None:
    db: Database = ctx["db"]
    await preview_job(db.sessionmaker, uuid.UUID(job_id))


@task(timeout=4 * 3600)
async def run_import_commit(ctx: dict[str, Any], job_id: str) -> None:
    db: Database = ctx["db"]
    await commit_job(db, uuid.UUID(job_id))


def _reason(exc: Exception) -> str:
    if isinstance(exc, ImportFailed | reading.UnreadableFile):
        return str(exc)
    log.exception("import_failed")
    return "The import failed unexpectedly; try again, or ask an administrator to look at the logs."


async def _fail(
    sessionmaker: async_sessionmaker[AsyncSession],
    job_id: uuid.UUID,
    import_id: uuid.UUID,
    reason: str,
) -> None:
    async with sessionmaker() as session:
        job = await session.get(jobs.Job, job_id)
        item = await session.get(Import, import_id)
        if job is not None:
            jobs.mark_finished(job, error=reason)
        if item is not None and item.status not in (ImportStatus.COMMITTED,):
            item.status = ImportStatus.FAILED
            item.error = reason
        await session.commit()


async def _principal(session: AsyncSession, item: Import, importable: Importable) -> Principal:
    principal = await principal_for_user(session, item.created_by)
    if principal is None:
        raise ImportFailed("The user who started this import is no longer active.")
    if not service.may_import(principal, importable):
        raise ImportFailed("The user who started this import may no longer import this data.")
    return principal


def _options(item: Import) -> CleanOptions:
    return CleanOptions(
        phone_region=item.options.get("phone_region") or get_settings().default_phone_region,
        day_first=item.options.get("day_first"),
        date_orders={
            int(index): order == DateOrder.DAY_FIRST
            for index, order in item.options.get("date_orders", {}).items()
        },
    )


# --- preview ----------------------------------------------------------------------------------


async def preview_job(sessionmaker: async_sessionmaker[AsyncSession], job_id: uuid.UUID) -> None:
    async with sessionmaker() as session:
        job = await session.get(jobs.Job, job_id)
        if job is None or job.status not in (jobs.JobStatus.QUEUED, jobs.JobStatus.RUNNING):
            return
        import_id = uuid.UUID(job.params["import_id"])
        item = await session.get(Import, import_id)
        if item is None or item.status != ImportStatus.PREVIEWING or item.preview_job_id != job_id:
            jobs.mark_finished(job, error="The import was cancelled or previewed again.")
            await session.commit()
            return
        context.set_request(f"job:{job_id}", None)
        context.set_actor(job.created_by, "user")
        jobs.mark_running(job, total=item.total_rows)
        await session.commit()
        try:
            await _preview(session, job, item)
        except Exception as exc:
            reason = _reason(exc)
            await session.rollback()
            await _fail(sessionmaker, job_id, import_id, reason)


async def _clean(
    session: AsyncSession, item: Import, importable: Importable, principal: Principal
) -> tuple[pl.DataFrame, reading.Table]:
    language = item.options.get("language") or "en"
    async with service.local_path(item.file_key) as path:
        raw, _ = await asyncio.to_thread(reading.read_table, path, item.format)
    table = reading.to_table(raw, item.header_row, width=len(item.headers))
    # The table holds its own copy of the data rows: let the raw read go before cleaning
    # makes more copies (at a million rows each copy is hundreds of MB of the worker's peak).
    del raw
    if table.headers != item.headers:
        raise ImportFailed("The file's header changed since it was uploaded; upload it again.")
    limit = get_settings().import_max_rows
    if table.data.height > limit:
        raise ImportFailed(
            f"The file has {table.data.height:,} data rows; an import takes at most "
            f"{limit:,}. Split the file and import the parts one after another."
        )
    # The upload read only the file's head: the rows are counted here.
    item.total_rows = table.data.height
    fields = await importable.all_fields(session)
    mapping = {int(i): k for i, k in (item.mapping or {}).items()}
    missing = [k for k in mapping.values() if k not in {f.key for f in fields}]
    if missing:
        raise ImportFailed(f"These fields no longer exist: {', '.join(missing)}. Preview again.")
    problems: list[dict[str, Any]] = []
    date_columns: list[dict[str, Any]] = []
    frame = await asyncio.to_thread(
        engine.clean_table,
        importable,
        table,
        mapping,
        fields,
        _options(item),
        language,
        problems,
        date_columns,
    )
    item.options = {**item.options, "column_problems": problems, "date_columns": date_columns}
    frame = await engine.resolve_users(session, principal, importable, frame, fields, language)
    frame = await engine.resolve_references(session, principal, frame, fields, language)
    return engine.in_file_duplicates(frame, importable), table


async def _existing_matches(
    session: AsyncSession, frame: pl.DataFrame, importable: Importable, principal: Principal
) -> pl.DataFrame:
    """(_row, _match_id, _match_reason, _match_hidden) of the valid rows that repeat a record."""
    keys = [k.column for k in importable.match_keys if k.column in frame.columns]
    skip = [k.skip_when[0] for k in importable.match_keys if k.skip_when]
    compared = importable.matcher.columns if importable.matcher is not None else ()
    wanted = [*_MATCH_COLUMNS, *keys, *[c for c in (*skip, *compared) if c in frame.columns]]
    valid = frame.filter(pl.col("_errors").is_null()).select(list(dict.fromkeys(wanted)))
    conn = await session.connection()
    stage = await staging.create_stage(conn, valid, drop_on_commit=True)
    await staging.match_existing(session, stage, importable, principal)
    found = await session.execute(
        text(
            f"SELECT _row, _match_id, _match_reason, _match_hidden FROM {staging.STAGE} "
            "WHERE _match_id IS NOT NULL"
        )
    )
    rows = found.all()
    return pl.DataFrame(
        {
            "_row": [r[0] for r in rows],
            "_match_id": [str(r[1]) for r in rows],
            "_match_reason": [r[2] for r in rows],
            "_match_hidden": [r[3] for r in rows],
        },
        schema={
            "_row": pl.Int64,
            "_match_id": pl.String,
            "_match_reason": pl.String,
            "_match_hidden": pl.Boolean,
        },
    )


def _issue_rows(frame: pl.DataFrame, table: reading.Table, import_id: uuid.UUID) -> pl.DataFrame:
    """The import_rows of the rows with errors, duplicates or warnings, ready to COPY."""
    status = (
        pl.when(pl.col("_errors").is_not_null())
        .then(pl.lit("error"))
        .when(pl.col("_dup_row").is_not_null() | pl.col("_match_id").is_not_null())
        .then(pl.lit("duplicate"))
        .when(pl.col("_warnings").is_not_null())
        .then(pl.lit("warning"))
        .otherwise(None)
    )
    flagged = (
        frame.select(
            "_row",
            "_errors",
            "_warnings",
            "_dup_row",
            "_match_id",
            "_match_reason",
            "_match_hidden",
        )
        .with_columns(status=status)
        .filter(pl.col("status").is_not_null())
    )
    cells = table.data.join(flagged.select("_row"), on="_row", how="semi")
    names = {f"c{i}": h for i, h in enumerate(table.headers)}
    cells = cells.select(
        "_row",
        pl.struct([pl.col(c).alias(h) for c, h in names.items()])
        .struct.json_encode()
        .alias("cells"),
    )
    return flagged.join(cells, on="_row", how="left").select(
        pl.lit(str(import_id)).alias("import_id"),
        pl.col("_row").alias("row"),
        "status",
        pl.col("_errors").alias("errors"),
        pl.col("_warnings").alias("warnings"),
        pl.col("_dup_row").alias("duplicate_of_row"),
        # A record outside the importer's scope is a hidden duplicate: that it exists is all
        # the importer learns, so its id is never stored (the commit matches it again).
        pl.when(pl.col("_match_hidden").fill_null(False))
        .then(None)
        .otherwise(pl.col("_match_id"))
        .alias("match_id"),
        pl.col("_match_reason").alias("match_reason"),
        pl.col("_match_hidden").alias("match_hidden"),
        "cells",
    )


async def _copy_rows(session: AsyncSession, rows: pl.DataFrame) -> None:
    buffer = io.BytesIO()
    rows.write_csv(buffer, include_header=False)
    buffer.seek(0)
    conn = await session.connection()
    raw = await conn.get_raw_connection()
    await raw.driver_connection.copy_to_table(  # type: ignore[union-attr]
        ImportRow.__tablename__, source=buffer, columns=list(rows.columns), format="csv"
    )


def _duplicate_kinds(frame: pl.DataFrame) -> dict[str, pl.Series]:
    """Per kind of duplicate (:data:`staging.DUPLICATE_KINDS`), which valid rows are of it,
    classed as the commit classes them: a row repeating an existing record is of that kind
    even when it also repeats an earlier row."""
    valid = frame["_errors"].is_null()
    matched = frame["_match_id"].is_not_null() & valid
    hidden = matched & frame["_match_hidden"].fill_null(False)
    return {
        staging.HIDDEN: hidden,
        staging.EXISTING: matched & ~hidden,
        staging.IN_FILE: frame["_dup_row"].is_not_null() & valid & ~matched,
    }


def _outcomes(new: int, kinds: dict[str, int]) -> list[dict[str, Any]]:
    """What the commit will do with the valid rows under each choice of its two defaults."""
    outcomes = []
    for on_duplicate in staging.DUPLICATE_CHOICES:
        for on_file_duplicate in ("skip", "create"):
            counts = {"create": new, "update": 0, "skip": 0}
            for kind, rows in kinds.items():
                choice = staging.chosen_default(
                    kind, on_duplicate=on_duplicate, on_file_duplicate=on_file_duplicate
                )
                counts[staging.duplicate_action(kind, choice)] += rows
            outcomes.append(
                {
                    "on_duplicate": on_duplicate,
                    "on_file_duplicate": on_file_duplicate,
                    "created": counts["create"],
                    "updated": counts["update"],
                    "skipped": counts["skip"],
                }
            )
    return outcomes


def _summary(frame: pl.DataFrame, table: reading.Table, item: Import) -> dict[str, Any]:
    errors = frame["_errors"].is_not_null()
    valid = ~errors
    kinds = {kind: int(rows.sum()) for kind, rows in _duplicate_kinds(frame).items()}
    new = int(valid.sum()) - sum(kinds.values())
    return {
        "rows": frame.height,
        "valid": int(valid.sum()),
        "errors": int(errors.sum()),
        "warnings": int((frame["_warnings"].is_not_null() & valid).sum()),
        "duplicates_in_file": kinds[staging.IN_FILE],
        "duplicates_existing": kinds[staging.EXISTING] + kinds[staging.HIDDEN],
        "duplicates_hidden": kinds[staging.HIDDEN],
        "new": new,
        "outcomes": _outcomes(new, kinds),
        "header_notes": table.notes,
        "column_problems": item.options.get("column_problems", []),
        "date_columns": item.options.get("date_columns", []),
        "unmapped_columns": [
            h for i, h in enumerate(table.headers) if str(i) not in (item.mapping or {})
        ],
    }


async def _preview(session: AsyncSession, job: jobs.Job, item: Import) -> None:
    importable = service.find_importable(item.object_type)
    principal = await _principal(session, item, importable)
    frame, table = await _clean(session, item, importable, principal)
    jobs.mark_running(job, total=item.total_rows)
    # What the commit needs, cleaned once: the valid rows, streamed to the file rather than
    # copied in memory first (a million rows are several hundred MB in each copy).
    valid = frame.lazy().filter(pl.col("_errors").is_null())
    await _store_parquet(service.clean_key(item), valid)
    matches = await _existing_matches(session, frame, importable, principal)
    # The few matches lined up with the rows and added as columns: joining them onto the whole
    # frame would copy all of it.
    aligned = frame.select("_row").join(matches, on="_row", how="left", maintain_order="left")
    frame = frame.hstack(aligned.drop("_row"))
    await session.execute(delete(ImportRow).where(ImportRow.import_id == item.id))
    await _copy_rows(session, _issue_rows(frame, table, item.id))
    current = await session.get(Import, item.id, populate_existing=True, with_for_update=True)
    if current is None or current.status != ImportStatus.PREVIEWING:
        await session.rollback()  # cancelled meanwhile: nothing of this preview stays
        return
    item.summary = _summary(frame, table, item)
    item.status = ImportStatus.PREVIEWED
    jobs.report_progress(job, frame.height)
    jobs.mark_finished(job, result={"import_id": str(item.id), **item.summary})
    await session.commit()


async def _store_parquet(key: str, rows: pl.LazyFrame) -> None:
    with tempfile.TemporaryDirectory(prefix="crm-import-") as tmp:
        path = Path(tmp) / "clean.parquet"
        await asyncio.to_thread(rows.sink_parquet, path)
        with path.open("rb") as source:
            await files.get_storage().put(key, source)


# --- commit -----------------------------------------------------------------------------------


async def commit_job(db: Database, job_id: uuid.UUID) -> None:
    sessionmaker = db.sessionmaker
    async with sessionmaker() as session:
        job = await session.get(jobs.Job, job_id)
        if job is None or job.status not in (jobs.JobStatus.QUEUED, jobs.JobStatus.RUNNING):
            return
        import_id = uuid.UUID(job.params["import_id"])
        context.set_request(f"job:{job_id}", None)
        context.set_actor(job.created_by, "user")
    try:
        await _commit(db, job_id, import_id)
    except Exception as exc:
        await _fail(sessionmaker, job_id, import_id, _reason(exc))


async def _load_clean(item: Import) -> pl.DataFrame:
    async with service.local_path(service.clean_key(item)) as path:
        return await asyncio.to_thread(pl.read_parquet, path)


def _batches(rows: list[int], size: int) -> list[tuple[int, int]]:
    """(first row, last row) of each batch of ``size`` staged rows, in file order."""
    return [(rows[i], rows[min(i + size, len(rows)) - 1]) for i in range(0, len(rows), size)]


async def _commit(db: Database, job_id: uuid.UUID, import_id: uuid.UUID) -> None:
    # One connection for the whole job: the staged rows live in its temporary table, and the
    # advisory lock on it keeps two imports of one object type from deciding on duplicates
    # at the same time (both would "create" the same new customer).
    async with db.engine.connect() as conn:
        try:
            await _commit_on(conn, job_id, import_id)
        except BaseException:
            # The connection may hold the import's advisory lock and its temporary stage:
            # closed rather than returned to the pool, it releases both, whatever its state.
            await conn.invalidate()
            raise


async def _commit_on(conn: AsyncConnection, job_id: uuid.UUID, import_id: uuid.UUID) -> None:
    session = AsyncSession(bind=conn, expire_on_commit=False)
    job = await session.get(jobs.Job, job_id)
    item = await session.get(Import, import_id)
    assert job is not None and item is not None
    if item.commit_job_id != job_id or item.status not in (
        ImportStatus.COMMITTING,
        ImportStatus.CANCELLING,
    ):
        jobs.mark_finished(job, error="The import is not waiting to be committed.")
        await session.commit()
        return
    importable = service.find_importable(item.object_type)
    if item.status == ImportStatus.CANCELLING:  # cancelled before it started
        await _finish(session, job, item, importable, _EMPTY_TOTALS, [], cancelled=True)
        return
    principal = await _principal(session, item, importable)
    await session.execute(
        text("SELECT pg_advisory_lock(hashtext(:key))"),
        {"key": f"crm.import.{item.object_type}"},
    )
    started = time.perf_counter()
    frame, json_columns = staging.copy_ready(await _load_clean(item))
    stage = await staging.create_stage(
        conn, frame, json_columns=json_columns, drop_on_commit=False, for_commit=True
    )
    # The rows live in the stage now; the batches need only their numbers.
    rows = frame["_row"].to_list()
    del frame
    staged = time.perf_counter()
    await staging.match_existing(session, stage, importable, principal)
    matched = time.perf_counter()
    await staging.decide(
        session,
        stage,
        on_duplicate=item.options.get("on_duplicate", "skip"),
        on_file_duplicate=item.options.get("on_file_duplicate", "skip"),
        decisions={int(r): a for r, a in job.params.get("decisions", {}).items()},
    )
    jobs.mark_running(job, total=len(rows))
    await session.commit()
    log.info(
        "import_staged",
        rows=len(rows),
        stage_s=round(staged - started, 2),
        match_s=round(matched - staged, 2),
        decide_s=round(time.perf_counter() - matched, 2),
    )
    await _write_batches(session, job, item, importable, stage, rows)
    await session.execute(text(f"DROP TABLE IF EXISTS {staging.STAGE}"))
    await session.execute(
        text("SELECT pg_advisory_unlock(hashtext(:key))"),
        {"key": f"crm.import.{item.object_type}"},
    )
    await session.commit()
    await jobs.dispatch_pending(session)
    await session.close()


async def _write_batches(
    session: AsyncSession,
    job: jobs.Job,
    item: Import,
    importable: Importable,
    stage: Any,
    rows: list[int],
) -> None:
    settings = get_settings()
    totals = dict(_EMPTY_TOTALS)
    batches: list[dict[str, Any]] = []
    done = 0
    cancelled = False
    for low, high in _batches(rows, settings.import_batch_size):
        status = (
            await session.execute(
                select(Import.status).where(Import.id == item.id).with_for_update()
            )
        ).scalar_one()
        if status == ImportStatus.CANCELLING:
            cancelled = True
            break
        batch_started = time.perf_counter()
        counts = await staging.write_batch(
            session,
            importable,
            stage,
            low=low,
            high=high,
            importer=item.created_by,
            import_id=item.id,
            request_id=f"job:{job.id}",
        )
        await staging.record_outcomes(session, item.id, low=low, high=high)
        batch = {
            "first_row": low,
            "last_row": high,
            "created": counts.get("create", 0),
            "updated": counts.get("update", 0),
            "skipped": counts.get("skip", 0),
        }
        batches.append(batch)
        for key in totals:
            totals[key] += batch[key]
        done += sum(counts.values())
        log.info("import_batch", seconds=round(time.perf_counter() - batch_started, 2), **batch)
        jobs.report_progress(job, done)
        item.result = _result(totals, batches, item, finished=False)
        # The batch's rows, the job's progress and the import's result commit together: what
        # the job says went in is exactly what did.
        await session.commit()
    await _finish(session, job, item, importable, totals, batches, cancelled=cancelled)


_EMPTY_TOTALS = {"created": 0, "updated": 0, "skipped": 0}


def _result(
    totals: dict[str, int], batches: list[dict[str, Any]], item: Import, *, finished: bool
) -> dict[str, Any]:
    rejected = (item.summary or {}).get("errors", 0)
    return {**totals, "rejected": rejected, "batches": batches, "finished": finished}


async def _finish(
    session: AsyncSession,
    job: jobs.Job,
    item: Import,
    importable: Importable,
    totals: dict[str, int],
    batches: list[dict[str, Any]],
    *,
    cancelled: bool,
) -> None:
    await session.execute(
        update(ImportRow)
        .where(ImportRow.import_id == item.id, ImportRow.status == "error")
        .values(outcome="rejected")
    )
    item.result = _result(totals, batches, item, finished=not cancelled)
    item.status = ImportStatus.CANCELLED if cancelled else ImportStatus.COMMITTED
    if cancelled:
        job.status = jobs.JobStatus.CANCELLED
        job.result = {"import_id": str(item.id), **item.result}
        job.finished_at = utcnow()
    else:
        jobs.mark_finished(job, result={"import_id": str(item.id), **item.result})
    record_change(
        session,
        action="import",
        object_type=importable.record_type,
        object_id=None,
        extra={
            "import_id": str(item.id),
            "filename": item.filename,
            "sha256": item.sha256,
            "cancelled": cancelled,
            **totals,
            "rejected": item.result["rejected"],
        },
        payload={"import_id": str(item.id), **totals},
    )
    await session.commit()


async def expire_files(
    sessionmaker: async_sessionmaker[AsyncSession], storage: files.FileStorage | None = None
) -> int:
    """Delete the uploaded files and row details of imports idle for longer than the retention;
    the imports themselves stay, with their summary and result."""
    storage = storage or files.get_storage()
    cutoff = utcnow() - timedelta(seconds=get_settings().import_file_ttl_seconds)
    async with sessionmaker() as session:
        due = (
            (
                await session.execute(
                    select(Import)
                    .where(
                        Import.files_expired_at.is_(None),
                        Import.status.not_in(service.BUSY),
                        Import.updated_at < cutoff,
                    )
                    .order_by(Import.updated_at)
                    .limit(_EXPIRE_PER_SWEEP)
                    # Skip one a request is changing right now: it is not idle any more.
                    .with_for_update(skip_locked=True)
                )
            )
            .scalars()
            .all()
        )
        for item in due:
            await storage.delete(service.source_key(item))
            await storage.delete(service.clean_key(item))
            await session.execute(delete(ImportRow).where(ImportRow.import_id == item.id))
            item.files_expired_at = utcnow()
        await session.commit()
    if due:
        log.info("import_files_expired", count=len(due))
    return len(due)


@scheduled(second=0, run_at_startup=True)
async def expire_import_files(ctx: dict[str, Any]) -> int:
    """Every minute: delete the files and row details of imports idle past the retention."""
    db: Database = ctx["db"]
    return await expire_files(db.sessionmaker)
