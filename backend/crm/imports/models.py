"""An import: the uploaded file, its mapping, its preview and the outcome of its commit; and the
rows of it that have something to say (errors, warnings, duplicates)."""

from __future__ import annotations

import enum
import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import BigInteger, DateTime, ForeignKey, Index, Integer, String, Text
from sqlalchemy.dialects.postgresql import JSONB, UUID
from sqlalchemy.orm import Mapped, mapped_column

from crm.core.db import Base, IdMixin, TimestampMixin


class ImportStatus(enum.StrEnum):
    UPLOADED = "uploaded"  # the file is stored and its columns read; map them, then preview
    PREVIEWING = "previewing"
    PREVIEWED = "previewed"  # ready to commit (or to preview again with another mapping)
    COMMITTING = "committing"
    CANCELLING = "cancelling"  # asked to stop: the running batch finishes, no further one
    COMMITTED = "committed"
    CANCELLED = "cancelled"
    FAILED = "failed"


class Import(IdMixin, TimestampMixin, Base):
    __tablename__ = "imports"

    object_type: Mapped[str] = mapped_column(String(50))
    status: Mapped[str] = mapped_column(String(20), default=ImportStatus.UPLOADED)
    filename: Mapped[str] = mapped_column(String(255))
    file_key: Mapped[str] = mapped_column(String(300))
    size: Mapped[int] = mapped_column(BigInteger)
    sha256: Mapped[str] = mapped_column(String(64), index=True)
    format: Mapped[str] = mapped_column(String(10))  # csv, xlsx, xls, ods
    encoding: Mapped[str | None] = mapped_column(String(20))  # of a CSV: utf-8, gb18030 ...
    header_row: Mapped[int] = mapped_column(Integer)  # 1-based, as a spreadsheet numbers it
    headers: Mapped[list[str]] = mapped_column(JSONB)
    sample: Mapped[list[list[str | None]]] = mapped_column(JSONB)  # the first data rows
    # Column index (as a string: JSON keys) -> field key; set by a preview.
    mapping: Mapped[dict[str, str] | None] = mapped_column(JSONB)
    options: Mapped[dict[str, Any]] = mapped_column(JSONB, default=dict)
    total_rows: Mapped[int | None] = mapped_column(Integer)
    summary: Mapped[dict[str, Any] | None] = mapped_column(JSONB)  # of the last preview
    result: Mapped[dict[str, Any] | None] = mapped_column(JSONB)  # of the commit
    error: Mapped[str | None] = mapped_column(Text)
    preview_job_id: Mapped[uuid.UUID | None] = mapped_column(
        UUID(as_uuid=True), ForeignKey("jobs.id", ondelete="SET NULL")
    )
    commit_job_id: Mapped[uuid.UUID | None] = mapped_column(
        UUID(as_uuid=True), ForeignKey("jobs.id", ondelete="SET NULL")
    )
    # When the worker's sweep deleted the uploaded file and the per-row detail (retention:
    # CRM_IMPORT_FILE_TTL_SECONDS after the import's last change); the import's summary and
    # result stay, but it can no longer be previewed, committed or reported on.
    files_expired_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    created_by: Mapped[uuid.UUID] = mapped_column(
        UUID(as_uuid=True), ForeignKey("users.id"), index=True
    )


class ImportRow(Base):
    """One row of the file with errors (it is rejected), warnings or a duplicate, as the last
    preview found it. Rows with nothing to say are not stored."""

    __tablename__ = "import_rows"
    __table_args__ = (Index("ix_import_rows_status", "import_id", "status", "row"),)

    import_id: Mapped[uuid.UUID] = mapped_column(
        UUID(as_uuid=True), ForeignKey("imports.id", ondelete="CASCADE"), primary_key=True
    )
    row: Mapped[int] = mapped_column(Integer, primary_key=True)  # as the spreadsheet numbers it
    status: Mapped[str] = mapped_column(String(10))  # error, duplicate, warning (the worst)
    errors: Mapped[str | None] = mapped_column(Text)
    warnings: Mapped[str | None] = mapped_column(Text)
    # The duplicate: an earlier row of the same file, or an existing record.
    duplicate_of_row: Mapped[int | None] = mapped_column(Integer)
    match_id: Mapped[uuid.UUID | None] = mapped_column(UUID(as_uuid=True))
    match_reason: Mapped[str | None] = mapped_column(String(20))
    # The existing record is outside the importer's data scope: it cannot be updated or shown.
    match_hidden: Mapped[bool | None] = mapped_column()
    cells: Mapped[dict[str, Any]] = mapped_column(JSONB)  # the row's cells as read, by header
    # The row's outcome once committed: created, updated, skipped, rejected.
    outcome: Mapped[str | None] = mapped_column(String(10))
    record_id: Mapped[uuid.UUID | None] = mapped_column(UUID(as_uuid=True))
