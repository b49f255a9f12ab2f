"""A notification: one message for one user."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import DateTime, ForeignKey, Index, String, Text
from sqlalchemy.dialects.postgresql import JSONB, UUID
from sqlalchemy.orm import Mapped, mapped_column

from crm.core.db import Base, IdMixin, utcnow


class EmailStatus:
    PENDING = "pending"
    SENT = "sent"
    FAILED = "failed"


class Notification(IdMixin, Base):
    __tablename__ = "notifications"
    __table_args__ = (
        # A user's inbox, newest first, and its unread badge.
        Index("ix_notifications_user_created", "user_id", "created_at", "id"),
        Index("ix_notifications_user_unread", "user_id", postgresql_where="read_at IS NULL"),
        Index("ix_notifications_email_pending", "id", postgresql_where="email_status = 'pending'"),
    )

    user_id: Mapped[uuid.UUID] = mapped_column(
        UUID(as_uuid=True), ForeignKey("users.id", ondelete="CASCADE")
    )
    kind: Mapped[str] = mapped_column(String(50))  # e.g. "task_due", "birthday"
    title: Mapped[str] = mapped_column(String(300))
    body: Mapped[str | None] = mapped_column(Text)
    link: Mapped[str | None] = mapped_column(String(500))  # an SPA path, e.g. /customers/<id>
    object_type: Mapped[str | None] = mapped_column(String(50))
    object_id: Mapped[uuid.UUID | None] = mapped_column(UUID(as_uuid=True))
    # What the SPA needs to word the message in the reader's language.
    data: Mapped[dict[str, Any]] = mapped_column(JSONB, default=dict)
    # One notification per key, ever: reminders are keyed by (rule, object, occurrence, user)
    # and inserted with ON CONFLICT DO NOTHING, so a rerun or a concurrent run adds nothing.
    dedupe_key: Mapped[str | None] = mapped_column(String(300), unique=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    read_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    email_status: Mapped[str | None] = mapped_column(String(10))
    emailed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
