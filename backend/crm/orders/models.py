"""Orders, their payment plans (instalments), payments and customer portal links."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import Date, DateTime, ForeignKey, Index, Integer, Numeric, String, Text
from sqlalchemy.dialects.postgresql import JSONB, UUID
from sqlalchemy.orm import Mapped, mapped_column

from crm.contracts.models import Contract
from crm.core.db import (
    Base,
    IdMixin,
    OwnedMixin,
    SoftDeleteMixin,
    TimestampMixin,
    VersionMixin,
    utcnow,
)
from crm.customers.models import Customer

ORDER_STATUSES = ("pending_payment", "paid", "shipped", "completed", "cancelled")
INSTALMENT_KINDS = ("prepayment", "instalment", "final")


class Order(IdMixin, TimestampMixin, VersionMixin, SoftDeleteMixin, OwnedMixin, Base):
    # Orders follow the contracts data scope and permissions (the catalogue has no "orders").
    __tablename__ = "orders"
    __scope_resource__ = "contracts"
    __table_args__ = (
        Index("ix_orders_updated", "updated_at", "id", postgresql_where="deleted_at IS NULL"),
        Index("ix_orders_customer_paid", "customer_id", "paid_at"),
        Index("ix_orders_contract", "contract_id"),
    )

    number: Mapped[str] = mapped_column(String(30), unique=True)
    customer_id: Mapped[uuid.UUID] = mapped_column(
        UUID(as_uuid=True), ForeignKey(Customer.id, ondelete="RESTRICT")
    )
    contract_id: Mapped[uuid.UUID | None] = mapped_column(
        UUID(as_uuid=True), ForeignKey(Contract.id, ondelete="SET NULL")
    )
    currency: Mapped[str] = mapped_column(String(3), default="CNY")
    # Company-currency units per unit of `currency` at ordering (1 for the company currency):
    # what the customer's lifetime revenue counts the order as.
    fx_rate: Mapped[Decimal] = mapped_column(Numeric(18, 8), default=Decimal("1"))
    lines: Mapped[list[dict[str, Any]]] = mapped_column(JSONB, default=list)
    total: Mapped[Decimal] = mapped_column(Numeric(18, 2), default=Decimal("0"))
    status: Mapped[str] = mapped_column(String(20), default="pending_payment")
    paid_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    shipped_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    completed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    cancelled_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    # Internal: never shown through the portal.
    notes: Mapped[str | None] = mapped_column(Text)


class Instalment(IdMixin, Base):
    """One due amount of an order's payment plan."""

    __tablename__ = "order_instalments"
    __scope_parent__ = ("order_id", Order)
    __table_args__ = (
        Index("ix_order_instalments_order", "order_id", "position"),
        # The overdue cron and the receivables report: unpaid instalments by due date.
        Index("ix_order_instalments_due", "due_date", postgresql_where="paid_amount < amount"),
    )

    order_id: Mapped[uuid.UUID] = mapped_column(
        UUID(as_uuid=True), ForeignKey(Order.id, ondelete="CASCADE")
    )
    position: Mapped[int] = mapped_column(Integer)
    kind: Mapped[str] = mapped_column(String(20))
    due_date: Mapped[date] = mapped_column(Date)
    amount: Mapped[Decimal] = mapped_column(Numeric(18, 2))
    paid_amount: Mapped[Decimal] = mapped_column(
        Numeric(18, 2), default=Decimal("0.00"), server_default="0"
    )


class Payment(IdMixin, Base):
    __tablename__ = "order_payments"
    __scope_parent__ = ("order_id", Order)
    __table_args__ = (Index("ix_order_payments_order", "order_id", "received_at"),)

    order_id: Mapped[uuid.UUID] = mapped_column(
        UUID(as_uuid=True), ForeignKey(Order.id, ondelete="CASCADE")
    )
    instalment_id: Mapped[uuid.UUID] = mapped_column(
        UUID(as_uuid=True), ForeignKey(Instalment.id, ondelete="RESTRICT"), index=True
    )
    amount: Mapped[Decimal] = mapped_column(Numeric(18, 2))
    received_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    method: Mapped[str | None] = mapped_column(String(50))
    reference: Mapped[str | None] = mapped_column(String(200))
    recorded_by: Mapped[uuid.UUID | None] = mapped_column(
        UUID(as_uuid=True), ForeignKey("users.id", ondelete="SET NULL")
    )
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class PortalLink(IdMixin, Base):
    """A read-only link for the customer. Only the SHA-256 of its token is stored: the token
    is shown once, when the link is made, and a database leak does not open the links."""

    __tablename__ = "order_portal_links"
    __scope_parent__ = ("order_id", Order)

    order_id: Mapped[uuid.UUID] = mapped_column(
        UUID(as_uuid=True), ForeignKey(Order.id, ondelete="CASCADE"), index=True
    )
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    expires_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    revoked_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    created_by: Mapped[uuid.UUID | None] = mapped_column(
        UUID(as_uuid=True), ForeignKey("users.id", ondelete="SET NULL")
    )
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    last_used_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
