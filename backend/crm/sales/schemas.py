"""Request and response models of pipelines, stages, deals, moves, the kanban and the forecast."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from decimal import Decimal
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

from crm.core.dates import StrictDate
from crm.core.filters import ListFilters
from crm.core.formulas import NoFormula
from crm.customers.schemas import _custom_in, _custom_out, _custom_patch

Name = Annotated[
    str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200), NoFormula
]
StageKey = Annotated[str, StringConstraints(pattern=r"^[a-z][a-z0-9_]{0,49}$")]
Category = Annotated[str, StringConstraints(pattern=r"^[a-z][a-z0-9_]{0,49}$")]
Currency = Annotated[str, StringConstraints(pattern=r"^[A-Z]{3}$")]
Short = Annotated[str, StringConstraints(strip_whitespace=True, max_length=100), NoFormula]
Reason = Annotated[str, StringConstraints(strip_whitespace=True, max_length=2000), NoFormula]
LongText = Annotated[str, StringConstraints(max_length=10_000), NoFormula]
Money = Annotated[Decimal, Field(ge=0, max_digits=18, decimal_places=2)]
StageKind = Literal["open", "won", "lost"]
DealStatus = Literal["open", "won", "lost"]


class _Write(BaseModel):
    model_config = ConfigDict(extra="forbid")


class _Read(BaseModel):
    model_config = ConfigDict(from_attributes=True)


# --- pipelines and stages ---------------------------------------------------------------------


class Gate(_Write):
    """What a deal needs before it may LEAVE the stage or move forward past it (unless the
    stage is skippable)."""

    required_fields: list[Annotated[str, StringConstraints(max_length=100)]] = Field(
        default_factory=list,
        max_length=50,
        description="Deal fields that must be non-empty (amount, expected_close_date, "
        "contact_id, product_line, notes, name; custom fields as `custom.<key>`).",
    )
    required_attachments: list[Category] = Field(
        default_factory=list,
        max_length=50,
        description="Attachment categories the deal needs at least one file of.",
    )


class Trigger(BaseModel):
    """Runs when a deal ENTERS the stage: ``{"type": "legal_review_task"}``; other keys are the
    trigger's own settings. Unknown types are kept and do nothing until a domain registers one."""

    model_config = ConfigDict(extra="allow")

    type: Annotated[str, StringConstraints(pattern=r"^[a-z][a-z0-9_]{0,49}$")]


class StageIn(_Write):
    key: StageKey
    name: Name
    probability: int = Field(ge=0, le=100)
    kind: StageKind = "open"
    gate: Gate = Field(default_factory=Gate)
    skippable: bool = Field(
        default=False, description="Deals may jump over this stage without meeting its gate."
    )
    triggers: list[Trigger] = Field(default_factory=list, max_length=20)


class StageUpdate(_Write):
    name: Name | None = None
    probability: int | None = Field(default=None, ge=0, le=100)
    kind: StageKind | None = None
    gate: Gate | None = None
    skippable: bool | None = None
    triggers: list[Trigger] | None = Field(default=None, max_length=20)
    position: int | None = Field(default=None, ge=1, description="1-based; the others shift")
    version: int | None = None


class PipelineCreate(_Write):
    name: Name
    is_default: bool = False
    stages: list[StageIn] = Field(
        min_length=3,
        max_length=50,
        description="In order; exactly one stage of kind won and one of kind lost.",
    )


class PipelineUpdate(_Write):
    name: Name | None = None
    is_default: bool | None = Field(default=None, description="true makes it THE default")
    active: bool | None = None
    version: int | None = None


class StageRead(_Read):
    id: uuid.UUID
    pipeline_id: uuid.UUID
    key: str
    name: str
    position: int
    probability: int
    kind: StageKind
    gate: dict[str, Any]
    skippable: bool
    triggers: list[dict[str, Any]]
    version: int


class PipelineRead(_Read):
    id: uuid.UUID
    name: str
    is_default: bool
    active: bool
    version: int
    created_at: datetime
    updated_at: datetime
    stages: list[StageRead] = []


# --- deals ------------------------------------------------------------------------------------


class DealCreate(_Write):
    name: Name
    customer_id: uuid.UUID
    contact_id: uuid.UUID | None = None
    pipeline_id: uuid.UUID | None = Field(default=None, description="Default: the default one")
    amount: Money = Decimal("0")
    currency: Currency = "CNY"
    expected_close_date: StrictDate | None = None
    product_line: Short | None = None
    notes: LongText | None = None
    owner_id: uuid.UUID | None = Field(default=None, description="Default: you")
    custom_fields: dict[str, Any] = _custom_in("deal")


class DealUpdate(_Write):
    """Stage and status change only through ``POST /deals/{id}/move``."""

    name: Name | None = None
    contact_id: uuid.UUID | None = None
    amount: Money | None = None
    currency: Currency | None = None
    expected_close_date: StrictDate | None = None
    product_line: Short | None = None
    notes: LongText | None = None
    owner_id: uuid.UUID | None = None
    custom_fields: dict[str, Any] | None = _custom_patch("deal")
    version: int | None = None


class DealRead(_Read):
    id: uuid.UUID
    name: str
    customer_id: uuid.UUID
    contact_id: uuid.UUID | None
    pipeline_id: uuid.UUID
    stage_id: uuid.UUID
    status: DealStatus
    amount: Decimal
    currency: str
    expected_close_date: date | None
    product_line: str | None
    lost_reason: str | None
    notes: str | None
    stage_entered_at: datetime
    closed_at: datetime | None
    recommended_contract_template_id: uuid.UUID | None
    custom_fields: dict[str, Any] = _custom_out("deal")
    owner_id: uuid.UUID | None
    department_id: uuid.UUID | None
    version: int
    created_at: datetime
    updated_at: datetime


class DealListItem(DealRead):
    """A deal in a list: with its customer's name."""

    customer_name: str | None = Field(description="The deal's customer (null if purged)")


class DealMove(_Write):
    stage_id: uuid.UUID | None = None
    stage_key: StageKey | None = None
    lost_reason: (
        Annotated[str, StringConstraints(strip_whitespace=True, max_length=2000)] | None
    ) = None
    note: LongText | None = None
    version: int | None = None


class StageChangeRead(BaseModel):
    id: uuid.UUID
    from_stage_id: uuid.UUID | None
    from_stage_key: str | None
    to_stage_id: uuid.UUID
    to_stage_key: str | None
    changed_by_id: uuid.UUID | None
    changed_by_name: str | None
    changed_at: datetime
    seconds_in_previous_stage: int | None
    note: str | None


class StageTime(BaseModel):
    stage_id: uuid.UUID
    stage_key: str | None
    seconds: int = Field(description="Total time spent in the stage (the current one: so far)")


class StageHistory(BaseModel):
    changes: list[StageChangeRead]
    time_in_stages: list[StageTime]


# --- kanban and forecast ----------------------------------------------------------------------


class AmountTotal(BaseModel):
    currency: str
    amount: Decimal


class KanbanCard(BaseModel):
    id: uuid.UUID
    stage_id: uuid.UUID
    name: str
    customer_id: uuid.UUID
    customer_name: str = Field(description="The deal's customer (a card shows it)")
    amount: Decimal
    currency: str
    expected_close_date: date | None
    owner_id: uuid.UUID | None
    stage_entered_at: datetime
    updated_at: datetime
    version: int


class KanbanColumn(BaseModel):
    stage: StageRead
    count: int
    totals: list[AmountTotal]
    cards: list[KanbanCard]
    next_cursor: str | None


class Kanban(BaseModel):
    pipeline_id: uuid.UUID
    columns: list[KanbanColumn]


class ForecastRow(BaseModel):
    month: str = Field(description="Expected close month, YYYY-MM")
    group_id: uuid.UUID | None = Field(description="The owner or department (null: none)")
    currency: str
    deals: int
    amount: Decimal = Field(description="Sum of the amounts")
    weighted: Decimal = Field(description="Sum of amount x stage probability / 100")


class Forecast(BaseModel):
    pipeline_id: uuid.UUID | None
    group_by: Literal["owner", "department"]
    rows: list[ForecastRow]


class DealFilters(ListFilters):
    """The filters of ``GET /deals`` (its query parameters)."""

    pipeline_id: uuid.UUID | None = None
    stage_id: uuid.UUID | None = None
    status: DealStatus | None = None
    owner_id: uuid.UUID | None = None
    customer_id: uuid.UUID | None = None
    close_from: StrictDate | None = Field(default=None, description="Expected close on or after")
    close_to: StrictDate | None = Field(default=None, description="Expected close on or before")
