"""Approval requests and the per-policy settings administrators configure."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import DateTime, ForeignKey, Index, String, Text
from sqlalchemy.dialects.postgresql import JSONB, UUID
from sqlalchemy.orm import Mapped, mapped_column

from crm.core.db import Base, IdMixin, TimestampMixin, VersionMixin

APPROVAL_STATUSES = ("pending", "approved", "rejected", "cancelled")


class ApprovalRequest(IdMixin, TimestampMixin, VersionMixin, Base):
    """One request to approve one object under one policy. Visible to its requester, its
    approver (the user, or holders of the approver role), administrators and auditors."""

    __tablename__ = "approval_requests"
    __table_args__ = (
        # At most one pending request per object: a second submit cannot race in a duplicate.
        Index(
            "uq_approval_requests_pending_object",
            "object_type",
            "object_id",
            unique=True,
            postgresql_where="status = 'pending'",
        ),
        Index("ix_approval_requests_object", "object_type", "object_id", "created_at"),
        Index("ix_approval_requests_approver", "approver_user_id", "status", "created_at"),
        Index("ix_approval_requests_role", "approver_role", "status", "created_at"),
        Index("ix_approval_requests_requester", "requested_by", "status", "created_at"),
    )

    object_type: Mapped[str] = mapped_column(String(50))
    object_id: Mapped[uuid.UUID] = mapped_column(UUID(as_uuid=True))
    policy_key: Mapped[str] = mapped_column(String(64))
    summary: Mapped[str] = mapped_column(String(300))  # what is asked, for the inbox
    reason: Mapped[str] = mapped_column(Text)  # why the policy asks for approval
    # Policy details the approver needs (e.g. the discount and the threshold).
    data: Mapped[dict[str, Any]] = mapped_column(JSONB, default=dict, server_default="{}")
    link: Mapped[str | None] = mapped_column(String(500))  # an SPA path to the object
    requested_by: Mapped[uuid.UUID] = mapped_column(
        UUID(as_uuid=True), ForeignKey("users.id", ondelete="RESTRICT")
    )
    approver_user_id: Mapped[uuid.UUID | None] = mapped_column(
        UUID(as_uuid=True), ForeignKey("users.id", ondelete="SET NULL")
    )
    approver_role: Mapped[str | None] = mapped_column(String(64))  # a role key
    status: Mapped[str] = mapped_column(String(10), default="pending", server_default="pending")
    comment: Mapped[str | None] = mapped_column(Text)
    decided_by: Mapped[uuid.UUID | None] = mapped_column(
        UUID(as_uuid=True), ForeignKey("users.id", ondelete="SET NULL")
    )
    decided_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))


class ApprovalPolicySetting(TimestampMixin, VersionMixin, Base):
    """What an administrator configured for one policy: the approver role (None: the policy's
    default approvers) and the policy's own parameters (validated by the policy's model)."""

    __tablename__ = "approval_policy_settings"

    policy_key: Mapped[str] = mapped_column(String(64), primary_key=True)
    approver_role: Mapped[str | None] = mapped_column(String(64))
    params: Mapped[dict[str, Any]] = mapped_column(JSONB, default=dict, server_default="{}")
