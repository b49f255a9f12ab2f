"""Request and response models of quotes."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from decimal import Decimal
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

from crm.core.dates import StrictDate
from crm.core.formulas import NoFormula

QuoteStatus = Literal[
    "draft", "pending_approval", "approved", "rejected", "sent", "accepted", "superseded"
]
Percent = Annotated[Decimal, Field(ge=0, le=100, max_digits=5, decimal_places=2)]
Quantity = Annotated[Decimal, Field(gt=0, max_digits=14, decimal_places=3)]
UnitPrice = Annotated[Decimal, Field(ge=0, max_digits=18, decimal_places=4)]
Description = Annotated[str, StringConstraints(strip_whitespace=True, max_length=500), NoFormula]
Notes = Annotated[str, StringConstraints(max_length=10_000), NoFormula]


class _Write(BaseModel):
    model_config = ConfigDict(extra="forbid")


class QuoteLineWrite(_Write):
    product_id: uuid.UUID
    description: Description | None = Field(default=None, description="Default: product name")
    quantity: Quantity
    unit_price: UnitPrice | None = Field(
        default=None,
        description="Default: the list price. An override below the list price counts as a "
        "discount for the approval policy.",
    )
    discount_percent: Percent = Decimal("0")


class QuoteCreate(_Write):
    deal_id: uuid.UUID
    price_book_id: uuid.UUID | None = Field(
        default=None,
        description="Default: per line, the customer group's book in the deal's currency, "
        "then the general one, effective today",
    )
    valid_until: StrictDate | None = None
    discount_percent: Percent = Decimal("0")
    tax_rate_percent: Percent = Decimal("0")
    notes: Notes | None = None
    lines: list[QuoteLineWrite] = Field(default_factory=list, max_length=500)


class QuoteUpdate(_Write):
    """Lines, when given, replace all lines. Editing a sent or approved quote creates the next
    revision (a new quote id, same number); earlier revisions are read-only."""

    price_book_id: uuid.UUID | None = None
    valid_until: StrictDate | None = None
    discount_percent: Percent | None = None
    tax_rate_percent: Percent | None = None
    notes: Notes | None = None
    lines: list[QuoteLineWrite] | None = Field(default=None, max_length=500)
    version: int | None = Field(default=None, description="Expected current version (else 412)")


class QuoteLineRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    position: int
    product_id: uuid.UUID
    description: str
    quantity: Decimal
    unit: str
    list_unit_price: Decimal
    unit_price: Decimal
    discount_percent: Decimal
    line_total: Decimal


class QuoteSummary(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    deal_id: uuid.UUID
    number: str
    revision: int
    status: QuoteStatus
    currency: str
    price_book_id: uuid.UUID | None
    customer_group: str | None
    valid_until: date | None
    discount_percent: Decimal
    tax_rate_percent: Decimal
    list_total: Decimal
    subtotal: Decimal
    discount_amount: Decimal
    tax_amount: Decimal
    total: Decimal
    effective_discount_percent: Decimal
    notes: str | None
    decision_comment: str | None
    created_by: uuid.UUID | None
    sent_at: datetime | None
    accepted_at: datetime | None
    version: int
    created_at: datetime
    updated_at: datetime


class QuoteRead(QuoteSummary):
    lines: list[QuoteLineRead]
    approval_id: uuid.UUID | None = Field(default=None, description="The latest approval request")
