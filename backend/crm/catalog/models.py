"""Products, price books (per currency and customer group, with effective dates) and their
entries (a product's unit price in one book)."""

from __future__ import annotations

import uuid
from datetime import date
from decimal import Decimal

from sqlalchemy import Boolean, Date, ForeignKey, Index, Numeric, String, Text, UniqueConstraint
from sqlalchemy.dialects.postgresql import UUID
from sqlalchemy.orm import Mapped, mapped_column

from crm.core.db import Base, IdMixin, TimestampMixin, VersionMixin


class Product(IdMixin, TimestampMixin, VersionMixin, Base):
    """A sellable item. Products are deactivated, not deleted: quotes and contracts refer to
    them for as long as the records live."""

    __tablename__ = "products"
    __table_args__ = (Index("ix_products_name", "name", "id"),)

    sku: Mapped[str] = mapped_column(String(64), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    product_line: Mapped[str | None] = mapped_column(String(100), index=True)
    unit: Mapped[str] = mapped_column(String(20), default="pcs", server_default="pcs")
    active: Mapped[bool] = mapped_column(Boolean, default=True, server_default="true")
    description: Mapped[str | None] = mapped_column(Text)


class PriceBook(IdMixin, TimestampMixin, VersionMixin, Base):
    """Prices in one currency for one customer group (None: everyone), valid from
    ``effective_from`` to ``effective_to`` inclusive (None: open-ended). Active books of the
    same currency and group never overlap (service.check_no_overlap), so a lookup finds at
    most one book per (currency, group, date)."""

    __tablename__ = "price_books"
    __table_args__ = (Index("ix_price_books_lookup", "currency", "customer_group", "active"),)

    name: Mapped[str] = mapped_column(String(200))
    currency: Mapped[str] = mapped_column(String(3))
    customer_group: Mapped[str | None] = mapped_column(String(50))
    effective_from: Mapped[date] = mapped_column(Date)
    effective_to: Mapped[date | None] = mapped_column(Date)
    active: Mapped[bool] = mapped_column(Boolean, default=True, server_default="true")


class PriceBookEntry(IdMixin, TimestampMixin, VersionMixin, Base):
    __tablename__ = "price_book_entries"
    __table_args__ = (
        UniqueConstraint("price_book_id", "product_id", name="uq_price_book_entries_book_product"),
    )

    price_book_id: Mapped[uuid.UUID] = mapped_column(
        UUID(as_uuid=True), ForeignKey(PriceBook.id, ondelete="CASCADE")
    )
    product_id: Mapped[uuid.UUID] = mapped_column(
        UUID(as_uuid=True), ForeignKey(Product.id, ondelete="RESTRICT"), index=True
    )
    unit_price: Mapped[Decimal] = mapped_column(Numeric(18, 4))
