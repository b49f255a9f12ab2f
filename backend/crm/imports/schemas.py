"""Request and response models of imports."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

DuplicateAction = Literal["skip", "update", "create"]
FileDuplicateAction = Literal["skip", "create"]
TemplateFormat = Literal["csv", "xlsx"]
DateOrderChoice = Literal["day_first", "month_first"]


class ImportFieldRead(BaseModel):
    key: str
    label: str
    kind: str
    required: bool
    options: list[str]
    aliases: list[str]


class ImportObjectType(BaseModel):
    object_type: str
    label: str
    fields: list[ImportFieldRead]


class ImportOptions(BaseModel):
    model_config = ConfigDict(extra="forbid")

    phone_region: str | None = Field(
        default=None,
        min_length=2,
        max_length=2,
        pattern="^[A-Za-z]{2}$",
        description="Region of phone numbers written without a country code (ISO 3166, e.g. "
        "CN); default: the server's CRM_DEFAULT_PHONE_REGION",
    )
    day_first: bool | None = Field(
        default=None,
        description="How dates written 05/03/2024 read in every date column not named in "
        "`date_orders`: 5 March (true) or May 3 (false). Default (null): each column's own "
        "values decide (a first number over 12 means day first, a second one over 12 month "
        "first); a column they do not settle is listed in the summary's `date_columns` with "
        "`needs_choice`, and its dates that read two ways are rejected until you choose",
    )
    date_orders: dict[str, DateOrderChoice] = Field(
        default_factory=dict,
        max_length=500,
        description="Column index (0-based, as a string, as in `mapping`) -> the order of "
        "that column's 05/03/2024 dates, over `day_first`",
    )


class ImportPreviewRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    mapping: dict[str, str | None] = Field(
        description="Column index (0-based, as a string) -> field key; null or left out: the "
        "column is not imported. Default suggestions are in the import's `suggested_mapping`.",
        max_length=500,
    )
    options: ImportOptions = Field(default_factory=ImportOptions)


class RowDecision(BaseModel):
    model_config = ConfigDict(extra="forbid")

    row: int = Field(ge=1, description="The spreadsheet row number, as the preview gives it")
    action: DuplicateAction


class ImportCommitRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    on_duplicate: DuplicateAction = Field(
        default="skip",
        description="What to do with a row that repeats an existing record: skip it, update "
        "that record with the row's non-empty values, or create a new record anyway",
    )
    on_file_duplicate: FileDuplicateAction = Field(
        default="skip", description="What to do with a row that repeats an earlier row"
    )
    decisions: list[RowDecision] = Field(
        default_factory=list,
        max_length=100_000,
        description="Per-row choices overriding the two defaults",
    )


class ImportColumn(BaseModel):
    index: int
    header: str
    sample: list[str | None]


class ImportRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    object_type: str
    status: str
    filename: str
    size: int
    format: str
    encoding: str | None
    header_row: int
    columns: list[ImportColumn]
    suggested_mapping: dict[str, str]
    mapping: dict[str, str] | None
    options: dict[str, Any]
    total_rows: int | None = Field(
        description="The file's data rows, counted by the preview (null until then: the "
        "upload reads only the header and the sample rows)"
    )
    summary: dict[str, Any] | None = Field(
        description="The preview's counts: `new` rows, duplicates of an existing record "
        "(`duplicates_existing`, of which `duplicates_hidden` are outside your data scope; "
        "a row that also repeats an earlier row counts here) and of an earlier row only "
        "(`duplicates_in_file`); `outcomes`: the created / updated / skipped counts the "
        "commit gives under each choice of `on_duplicate` and `on_file_duplicate`; "
        "`date_columns`: date columns whose dates read day-first or month-first, as detected "
        "and as applied (`needs_choice`: choose in the preview's `date_orders`)",
    )
    result: dict[str, Any] | None
    error: str | None
    preview_job_id: uuid.UUID | None
    commit_job_id: uuid.UUID | None
    files_expired_at: datetime | None = Field(
        default=None,
        description="When the uploaded file and the row details were deleted (retention); "
        "an expired import can no longer be previewed, committed or reported on",
    )
    same_file_imports: list[uuid.UUID] = Field(
        default_factory=list,
        description="Earlier committed imports of a file with the same content",
    )
    created_by: uuid.UUID
    created_at: datetime
    updated_at: datetime


class ImportRowRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    row: int
    status: str
    errors: str | None
    warnings: str | None
    duplicate_of_row: int | None
    match_id: uuid.UUID | None
    match_name: str | None = None
    match_reason: str | None
    match_hidden: bool | None
    cells: dict[str, Any]
    outcome: str | None
    record_id: uuid.UUID | None
