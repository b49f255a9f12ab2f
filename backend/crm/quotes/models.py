"""Quotes and their lines. A quote is visible exactly when its deal is."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import (
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    Numeric,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.dialects.postgresql import UUID
from sqlalchemy.orm import Mapped, mapped_column

from crm.catalog.models import PriceBook, Product
from crm.core.db import Base, IdMixin, TimestampMixin, VersionMixin
from crm.sales.models import Deal

QUOTE_STATUSES = (
    "draft",
    "pending_approval",
    "approved",
    "rejected",
    "sent",
    "accepted",
    "superseded",
)


class Quote(IdMixin, TimestampMixin, VersionMixin, Base):
    """One revision of a quote. Editing a sent or approved quote creates revision n+1 under the
    same number and marks this one superseded (read-only). ``version`` is the optimistic
    concurrency counter, ``revision`` the quote's business version."""

    __tablename__ = "quotes"
    __scope_parent__ = ("deal_id", Deal)
    __table_args__ = (
        UniqueConstraint("number", "revision", name="uq_quotes_number_revision"),
        Index("ix_quotes_deal", "deal_id", "created_at"),
        # One accepted quote per deal: what the contract is built from.
        Index(
            "uq_quotes_deal_accepted",
            "deal_id",
            unique=True,
            postgresql_where="status = 'accepted'",
        ),
    )

    deal_id: Mapped[uuid.UUID] = mapped_column(
        UUID(as_uuid=True), ForeignKey(Deal.id, ondelete="CASCADE")
    )
    number: Mapped[str] = mapped_column(String(40))
    revision: Mapped[int] = mapped_column(Integer, default=1)
    status: Mapped[str] = mapped_column(String(20), default="draft", server_default="draft")
    currency: Mapped[str] = mapped_column(String(3))
    # The book the list prices came from (None: looked up per line, group book then general).
    price_book_id: Mapped[uuid.UUID | None] = mapped_column(
        UUID(as_uuid=True), ForeignKey(PriceBook.id, ondelete="RESTRICT")
    )
    customer_group: Mapped[str | None] = mapped_column(String(50))
    valid_until: Mapped[date | None] = mapped_column(Date)
    discount_percent: Mapped[Decimal] = mapped_column(Numeric(5, 2), default=Decimal("0"))
    tax_rate_percent: Mapped[Decimal] = mapped_column(Numeric(5, 2), default=Decimal("0"))
    # Computed on the server (quotes/pricing.py) at every write.
    list_total: Mapped[Decimal] = mapped_column(Numeric(18, 2), default=Decimal("0"))
    subtotal: Mapped[Decimal] = mapped_column(Numeric(18, 2), default=Decimal("0"))
    discount_amount: Mapped[Decimal] = mapped_column(Numeric(18, 2), default=Decimal("0"))
    tax_amount: Mapped[Decimal] = mapped_column(Numeric(18, 2), default=Decimal("0"))
    total: Mapped[Decimal] = mapped_column(Numeric(18, 2), default=Decimal("0"))
    effective_discount_percent: Mapped[Decimal] = mapped_column(Numeric(9, 4), default=Decimal("0"))
    notes: Mapped[str | None] = mapped_column(Text)
    # The approver's comment on the last decision (a rejection's reason).
    decision_comment: Mapped[str | None] = mapped_column(Text)
    created_by: Mapped[uuid.UUID | None] = mapped_column(
        UUID(as_uuid=True), ForeignKey("users.id", ondelete="SET NULL")
    )
    sent_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    accepted_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))


class QuoteLine(IdMixin, Base):
    __tablename__ = "quote_lines"
    __scope_parent__ = ("quote_id", Quote)
    __table_args__ = (Index("ix_quote_lines_quote", "quote_id", "position"),)

    quote_id: Mapped[uuid.UUID] = mapped_column(
        UUID(as_uuid=True), ForeignKey(Quote.id, ondelete="CASCADE")
    )
    position: Mapped[int] = mapped_column(Integer)
    product_id: Mapped[uuid.UUID] = mapped_column(
        UUID(as_uuid=True), ForeignKey(Product.id, ondelete="RESTRICT")
    )
    description: Mapped[str] = mapped_column(String(500))
    quantity: Mapped[Decimal] = mapped_column(Numeric(14, 3))
    unit: Mapped[str] = mapped_column(String(20))
    list_unit_price: Mapped[Decimal] = mapped_column(Numeric(18, 4))
    unit_price: Mapped[Decimal] = mapped_column(Numeric(18, 4))
    discount_percent: Mapped[Decimal] = mapped_column(Numeric(5, 2), default=Decimal("0"))
    line_total: Mapped[Decimal] = mapped_column(Numeric(18, 2))
