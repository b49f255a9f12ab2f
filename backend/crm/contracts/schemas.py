"""Request and response models of contract templates and contracts."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from decimal import Decimal
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, model_validator

from crm.contracts.lines import Amount, LineIn, LineRead
from crm.core.dates import StrictDate
from crm.core.formulas import NoFormula

ContractStatus = Literal["draft", "in_review", "signed", "expired", "terminated"]
Name = Annotated[
    str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200), NoFormula
]
Currency = Annotated[str, StringConstraints(pattern=r"^[A-Z]{3}$")]
Body = Annotated[str, StringConstraints(max_length=100_000)]
Notes = Annotated[str, StringConstraints(max_length=20_000), NoFormula]
Lines = Annotated[list[LineIn], Field(max_length=500)]


class _Write(BaseModel):
    model_config = ConfigDict(extra="forbid")


class _Read(BaseModel):
    model_config = ConfigDict(from_attributes=True)


def _check_range(min_amount: Decimal | None, max_amount: Decimal | None) -> None:
    if min_amount is not None and max_amount is not None and min_amount > max_amount:
        raise ValueError("min_amount must not exceed max_amount")


# --- templates ----------------------------------------------------------------------------------


class ContractTemplateCreate(_Write):
    name: Name
    product_line: Annotated[str, StringConstraints(max_length=100)] | None = None
    min_amount: Amount | None = None
    max_amount: Amount | None = None
    currency: Currency = "CNY"
    body: Body = Field(
        default="",
        description="Jinja2 text (sandboxed, autoescaped). Variables: `contract` (number, "
        "title, start_date, end_date, total, currency), `customer` (name, address, phone, "
        "email), `company` (name), `lines` (description, quantity, unit_price, "
        "discount_percent, line_total).",
    )
    active: bool = True

    @model_validator(mode="after")
    def _range(self) -> ContractTemplateCreate:
        _check_range(self.min_amount, self.max_amount)
        return self


class ContractTemplateUpdate(_Write):
    name: Name | None = None
    product_line: Annotated[str, StringConstraints(max_length=100)] | None = None
    min_amount: Amount | None = None
    max_amount: Amount | None = None
    currency: Currency | None = None
    body: Body | None = None
    active: bool | None = None
    version: int | None = None


class ContractTemplateRead(_Read):
    id: uuid.UUID
    name: str
    product_line: str | None
    min_amount: Decimal | None
    max_amount: Decimal | None
    currency: str
    body: str
    active: bool
    version: int
    created_at: datetime
    updated_at: datetime


# --- contracts ----------------------------------------------------------------------------------


class ContractCreate(_Write):
    customer_id: uuid.UUID
    title: Name | None = None
    template_id: uuid.UUID | None = None
    start_date: StrictDate | None = None
    end_date: StrictDate | None = None
    currency: Currency = "CNY"
    lines: Lines = Field(default_factory=list)
    terms: Body | None = Field(
        default=None, description="Used as is; otherwise rendered from the template"
    )
    notes: Notes | None = None

    @model_validator(mode="after")
    def _dates(self) -> ContractCreate:
        if self.start_date and self.end_date and self.end_date < self.start_date:
            raise ValueError("end_date must not precede start_date")
        return self


class ContractUpdate(_Write):
    """Only a draft's content may change; signing freezes it."""

    title: Name | None = None
    start_date: StrictDate | None = None
    end_date: StrictDate | None = None
    currency: Currency | None = None
    lines: Lines | None = None
    terms: Body | None = None
    notes: Notes | None = None
    version: int | None = None


class ContractTransition(_Write):
    status: ContractStatus
    version: int | None = None


class ContractRenew(_Write):
    start_date: StrictDate | None = Field(
        default=None, description="Default: the day after the renewed contract's end"
    )
    end_date: StrictDate | None = Field(
        default=None, description="Default: as long after the start as the renewed one ran"
    )


class ContractRead(_Read):
    id: uuid.UUID
    number: str
    title: str
    customer_id: uuid.UUID
    deal_id: uuid.UUID | None
    template_id: uuid.UUID | None
    renewed_from_id: uuid.UUID | None
    parties: dict[str, Any]
    terms: str
    start_date: date | None
    end_date: date | None
    currency: str
    lines: list[LineRead]
    total: Decimal
    status: ContractStatus
    signed_at: datetime | None
    notes: str | None
    owner_id: uuid.UUID | None
    department_id: uuid.UUID | None
    version: int
    created_at: datetime
    updated_at: datetime


class ContractSummary(_Read):
    """A list item: the contract without its terms and lines."""

    id: uuid.UUID
    number: str
    title: str
    customer_id: uuid.UUID
    customer_name: str | None = Field(description="The customer (null if purged)")
    deal_id: uuid.UUID | None
    start_date: date | None
    end_date: date | None
    currency: str
    total: Decimal
    status: ContractStatus
    signed_at: datetime | None
    owner_id: uuid.UUID | None
    department_id: uuid.UUID | None
    version: int
    created_at: datetime
    updated_at: datetime
