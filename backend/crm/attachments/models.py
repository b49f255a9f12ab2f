"""Attachments: a stored file hanging off any record through (object_type, object_id)."""

from __future__ import annotations

import uuid

from sqlalchemy import BigInteger, ForeignKey, Index, String
from sqlalchemy.dialects.postgresql import UUID
from sqlalchemy.orm import Mapped, mapped_column

from crm.core.db import Base, IdMixin, SoftDeleteMixin, TimestampMixin


class Attachment(IdMixin, TimestampMixin, SoftDeleteMixin, Base):
    """Visible exactly when its parent record is (see attachments/registry.py)."""

    __tablename__ = "attachments"
    __table_args__ = (
        # A record's attachments, and the stage gate's "one of this category" check.
        Index(
            "ix_attachments_object",
            "object_type",
            "object_id",
            "category",
            postgresql_where="deleted_at IS NULL",
        ),
    )

    object_type: Mapped[str] = mapped_column(String(50))
    # Moved by a customer merge like a foreign key when the parent is a customer.
    object_id: Mapped[uuid.UUID] = mapped_column(
        UUID(as_uuid=True), info={"customer_when": ("object_type", "customer")}
    )
    category: Mapped[str] = mapped_column(String(50))
    filename: Mapped[str] = mapped_column(String(255))
    # Sniffed from the bytes when uploaded, never taken from the name or the request.
    content_type: Mapped[str] = mapped_column(String(100))
    size: Mapped[int] = mapped_column(BigInteger)
    storage_key: Mapped[str] = mapped_column(String(512))
    uploaded_by: Mapped[uuid.UUID | None] = mapped_column(
        UUID(as_uuid=True), ForeignKey("users.id", ondelete="SET NULL")
    )
