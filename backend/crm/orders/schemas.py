"""Request and response models of orders, payment plans, payments, portal links and the
receivables report."""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Annotated, Literal

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    StringConstraints,
)

from crm.contracts.lines import LineIn, LineRead
from crm.core.dates import StrictAwareDatetime, StrictDate
from crm.core.formulas import NoFormula

OrderStatus = Literal["pending_payment", "paid", "shipped", "completed", "cancelled"]
InstalmentKind = Literal["prepayment", "instalment", "final"]
Currency = Annotated[str, StringConstraints(pattern=r"^[A-Z]{3}$")]
Notes = Annotated[str, StringConstraints(max_length=20_000), NoFormula]
PositiveAmount = Annotated[Decimal, Field(gt=0, max_digits=16, decimal_places=2)]
Instant = Annotated[StrictAwareDatetime, AfterValidator(lambda value: value.astimezone(UTC))]


class _Write(BaseModel):
    model_config = ConfigDict(extra="forbid")


class _Read(BaseModel):
    model_config = ConfigDict(from_attributes=True)


class InstalmentIn(_Write):
    kind: InstalmentKind
    due_date: StrictDate
    amount: PositiveAmount


PlanIn = Annotated[list[InstalmentIn], Field(min_length=1, max_length=100)]


class OrderCreate(_Write):
    customer_id: uuid.UUID
    lines: Annotated[list[LineIn], Field(min_length=1, max_length=500)]
    currency: Currency = "CNY"
    fx_rate: Annotated[Decimal, Field(gt=0, max_digits=18, decimal_places=8)] | None = Field(
        default=None,
        description="Company-currency units per unit of `currency`; required when the order "
        "is not in the company currency (lifetime revenue is counted in it)",
    )
    payment_plan: PlanIn | None = Field(
        default=None,
        description="Instalments summing to the total; default: one final payment due today",
    )
    notes: Notes | None = None


class OrderFromContract(_Write):
    fx_rate: Annotated[Decimal, Field(gt=0, max_digits=18, decimal_places=8)] | None = None
    payment_plan: PlanIn | None = None
    notes: Notes | None = None


class OrderTransition(_Write):
    status: OrderStatus
    version: int | None = None


class OrderRead(_Read):
    id: uuid.UUID
    number: str
    customer_id: uuid.UUID
    contract_id: uuid.UUID | None
    currency: str
    fx_rate: Decimal
    lines: list[LineRead]
    total: Decimal
    status: OrderStatus
    paid_at: datetime | None
    shipped_at: datetime | None
    completed_at: datetime | None
    cancelled_at: datetime | None
    notes: str | None
    owner_id: uuid.UUID | None
    department_id: uuid.UUID | None
    version: int
    created_at: datetime
    updated_at: datetime


class OrderSummary(_Read):
    id: uuid.UUID
    number: str
    customer_id: uuid.UUID
    customer_name: str | None = Field(description="The customer (null if purged)")
    contract_id: uuid.UUID | None
    currency: str
    total: Decimal
    status: OrderStatus
    paid_at: datetime | None
    owner_id: uuid.UUID | None
    department_id: uuid.UUID | None
    version: int
    created_at: datetime
    updated_at: datetime


class InstalmentRead(_Read):
    id: uuid.UUID
    position: int
    kind: InstalmentKind
    due_date: date
    amount: Decimal
    paid_amount: Decimal
    outstanding: Decimal


class PaymentPlanIn(_Write):
    instalments: PlanIn


class PaymentPlanRead(BaseModel):
    order_id: uuid.UUID
    currency: str
    total: Decimal
    paid: Decimal
    outstanding: Decimal
    instalments: list[InstalmentRead]


class PaymentCreate(_Write):
    instalment_id: uuid.UUID
    amount: PositiveAmount
    received_at: Instant | None = Field(default=None, description="Default: now")
    method: Annotated[str, StringConstraints(strip_whitespace=True, max_length=50)] | None = None
    reference: Annotated[str, StringConstraints(strip_whitespace=True, max_length=200)] | None = (
        None
    )


class PaymentRead(_Read):
    id: uuid.UUID
    order_id: uuid.UUID
    instalment_id: uuid.UUID
    amount: Decimal
    received_at: datetime
    method: str | None
    reference: str | None
    recorded_by: uuid.UUID | None
    created_at: datetime


class PortalLinkCreate(_Write):
    expires_in_days: Annotated[int, Field(ge=1, le=365)] | None = Field(
        default=None, description="Default: the portal_link_default_days setting (30)"
    )


class PortalLinkRead(_Read):
    id: uuid.UUID
    order_id: uuid.UUID
    expires_at: datetime
    revoked_at: datetime | None
    created_by: uuid.UUID | None
    created_at: datetime
    last_used_at: datetime | None


class PortalLinkCreated(PortalLinkRead):
    token: str = Field(description="Shown once; only its hash is stored")
    url: str = Field(
        description="The customer's read-only page of the order (path on this server: prefix "
        "it with the server's public address to send it)"
    )
    api_url: str = Field(description="The same order as JSON, for an integration's own page")


# --- the portal (what the customer sees, nothing more) ------------------------------------------


class PortalInstalment(BaseModel):
    kind: InstalmentKind
    due_date: date
    amount: Decimal
    paid_amount: Decimal
    outstanding: Decimal


class PortalPayment(BaseModel):
    amount: Decimal
    received_at: datetime


class PortalOrder(BaseModel):
    number: str
    status: OrderStatus
    currency: str
    lines: list[LineRead]
    total: Decimal
    paid: Decimal
    outstanding: Decimal
    created_at: datetime
    payment_plan: list[PortalInstalment]
    payments: list[PortalPayment]


# --- receivables --------------------------------------------------------------------------------


class AgingBuckets(BaseModel):
    days_0_30: Decimal = Field(description="Overdue by 1 to 30 days")
    days_31_60: Decimal
    days_61_90: Decimal
    days_over_90: Decimal


class ReceivableRow(BaseModel):
    customer_id: uuid.UUID
    customer_name: str
    owner_id: uuid.UUID | None
    currency: str
    outstanding: Decimal = Field(description="Unpaid, due or not")
    overdue: Decimal = Field(description="Unpaid and past its due date")
    aging: AgingBuckets


class ReceivablesReport(BaseModel):
    as_of: date
    items: list[ReceivableRow]
