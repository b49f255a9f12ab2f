"""Contract templates, contracts and the yearly document number counters."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import (
    Boolean,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    Numeric,
    String,
    Text,
)
from sqlalchemy.dialects.postgresql import JSONB, UUID
from sqlalchemy.orm import Mapped, mapped_column

from crm.core.db import (
    Base,
    IdMixin,
    OwnedMixin,
    SoftDeleteMixin,
    TimestampMixin,
    VersionMixin,
)
from crm.customers.models import Customer

CONTRACT_STATUSES = ("draft", "in_review", "signed", "expired", "terminated")


class DocumentCounter(Base):
    """The last number handed out per document kind ("HT" contracts, "DD" orders) and year.

    Incremented with one ``INSERT .. ON CONFLICT DO UPDATE .. RETURNING``: the row lock holds
    concurrent writers until the transaction ends, and a rollback takes the number back, so
    numbers are unique and without gaps among committed documents.
    """

    __tablename__ = "document_counters"

    kind: Mapped[str] = mapped_column(String(10), primary_key=True)
    year: Mapped[int] = mapped_column(Integer, primary_key=True)
    last: Mapped[int] = mapped_column(Integer, default=0)


class ContractTemplate(IdMixin, TimestampMixin, VersionMixin, Base):
    __tablename__ = "contract_templates"

    name: Mapped[str] = mapped_column(String(200))
    # Matching a deal: its product line (None: any line) and amount range (None: open-ended).
    product_line: Mapped[str | None] = mapped_column(String(100))
    min_amount: Mapped[Decimal | None] = mapped_column(Numeric(18, 2))
    max_amount: Mapped[Decimal | None] = mapped_column(Numeric(18, 2))
    currency: Mapped[str] = mapped_column(String(3), default="CNY")
    # Jinja2 text rendered in a sandbox into the contract's terms (see contracts/rendering.py).
    body: Mapped[str] = mapped_column(Text, default="")
    active: Mapped[bool] = mapped_column(Boolean, default=True, server_default="true")


class Contract(IdMixin, TimestampMixin, VersionMixin, SoftDeleteMixin, OwnedMixin, Base):
    __tablename__ = "contracts"
    __scope_resource__ = "contracts"
    __table_args__ = (
        Index("ix_contracts_updated", "updated_at", "id", postgresql_where="deleted_at IS NULL"),
        Index("ix_contracts_customer", "customer_id"),
        # One contract per deal, whatever happens to it: the won-deal handler relies on it.
        Index("ix_contracts_deal", "deal_id", unique=True, postgresql_where="deal_id IS NOT NULL"),
        # The expiry cron: signed contracts by end date.
        Index("ix_contracts_status_end", "status", "end_date"),
    )

    number: Mapped[str] = mapped_column(String(30), unique=True)
    title: Mapped[str] = mapped_column(String(200))
    customer_id: Mapped[uuid.UUID] = mapped_column(
        UUID(as_uuid=True), ForeignKey(Customer.id, ondelete="RESTRICT")
    )
    deal_id: Mapped[uuid.UUID | None] = mapped_column(
        UUID(as_uuid=True), ForeignKey("deals.id", ondelete="SET NULL")
    )
    template_id: Mapped[uuid.UUID | None] = mapped_column(
        UUID(as_uuid=True), ForeignKey(ContractTemplate.id, ondelete="SET NULL")
    )
    # The contract this one renews (POST /contracts/{id}/renew); one renewal per contract.
    renewed_from_id: Mapped[uuid.UUID | None] = mapped_column(
        UUID(as_uuid=True), ForeignKey("contracts.id", ondelete="SET NULL"), unique=True
    )
    # {"company": {...}, "customer": {...}}: the parties as they stood when the contract was made.
    parties: Mapped[dict[str, Any]] = mapped_column(JSONB, default=dict)
    terms: Mapped[str] = mapped_column(Text, default="")
    start_date: Mapped[date | None] = mapped_column(Date)
    end_date: Mapped[date | None] = mapped_column(Date)
    currency: Mapped[str] = mapped_column(String(3), default="CNY")
    # [{product_id, description, quantity, unit_price, discount_percent, line_total}] as strings.
    lines: Mapped[list[dict[str, Any]]] = mapped_column(JSONB, default=list)
    total: Mapped[Decimal] = mapped_column(Numeric(18, 2), default=Decimal("0"))
    status: Mapped[str] = mapped_column(String(20), default="draft")
    signed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    notes: Mapped[str | None] = mapped_column(Text)
