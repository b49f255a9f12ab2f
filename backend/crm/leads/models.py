"""Leads, their assignment history and the rules that assign them."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import (
    BigInteger,
    Boolean,
    CheckConstraint,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
)
from sqlalchemy.dialects.postgresql import ARRAY, JSONB, UUID
from sqlalchemy.orm import Mapped, mapped_column

from crm.core.db import (
    Base,
    IdMixin,
    OwnedMixin,
    SoftDeleteMixin,
    TimestampMixin,
    VersionMixin,
    utcnow,
)

LEAD_STATUSES = ("new", "contacted", "qualified", "unqualified", "converted")
# Statuses of leads still being worked: what counts towards a salesperson's load.
OPEN_LEAD_STATUSES = ("new", "contacted", "qualified")
GRADES = ("A", "B", "C")
TARGET_KINDS = ("user", "round_robin", "least_loaded")


class Lead(IdMixin, TimestampMixin, VersionMixin, SoftDeleteMixin, OwnedMixin, Base):
    """A prospective customer. ``owner_id`` NULL means the lead is in the pool."""

    __tablename__ = "leads"
    __scope_resource__ = "leads"
    __table_args__ = (
        Index("ix_leads_updated", "updated_at", "id", postgresql_where="deleted_at IS NULL"),
        Index("ix_leads_created", "created_at", "id", postgresql_where="deleted_at IS NULL"),
        Index(
            "ix_leads_owner_updated",
            "owner_id",
            "updated_at",
            "id",
            postgresql_where="deleted_at IS NULL",
        ),
        # The pool, newest first.
        Index(
            "ix_leads_pool",
            "created_at",
            "id",
            postgresql_where="deleted_at IS NULL AND owner_id IS NULL",
        ),
        # Sales load (assignment): a user's open leads, one grouped index-only count.
        Index(
            "ix_leads_owner_open",
            "owner_id",
            postgresql_where="deleted_at IS NULL AND status IN ('new', 'contacted', 'qualified')",
        ),
        Index("ix_leads_phone_e164", "phone_e164", postgresql_where="deleted_at IS NULL"),
        CheckConstraint(
            "status IN ('new', 'contacted', 'qualified', 'unqualified', 'converted')",
            name="status",
        ),
        CheckConstraint("grade IS NULL OR grade IN ('A', 'B', 'C')", name="grade"),
    )

    person_name: Mapped[str | None] = mapped_column(String(200))
    company_name: Mapped[str | None] = mapped_column(String(200))
    title: Mapped[str | None] = mapped_column(String(100))
    phone: Mapped[str | None] = mapped_column(String(50))  # as typed
    phone_e164: Mapped[str | None] = mapped_column(String(20))
    email: Mapped[str | None] = mapped_column(String(320))
    source: Mapped[str | None] = mapped_column(String(50), index=True)  # channel
    # Free text until campaigns exist; then a campaign_id joins it.
    campaign: Mapped[str | None] = mapped_column(String(200))
    province: Mapped[str | None] = mapped_column(String(100))
    city: Mapped[str | None] = mapped_column(String(100))
    product_line: Mapped[str | None] = mapped_column(String(100), index=True)
    grade: Mapped[str | None] = mapped_column(String(1))
    score: Mapped[int | None] = mapped_column(Integer)
    status: Mapped[str] = mapped_column(String(12), default="new", server_default="new")
    notes: Mapped[str | None] = mapped_column(Text)
    custom: Mapped[dict[str, Any]] = mapped_column(JSONB, default=dict, server_default="{}")
    # Conversion keeps its links (SET NULL: a purged customer does not erase the lead).
    converted_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    converted_customer_id: Mapped[uuid.UUID | None] = mapped_column(
        UUID(as_uuid=True), ForeignKey("customers.id", ondelete="SET NULL")
    )
    converted_contact_id: Mapped[uuid.UUID | None] = mapped_column(
        UUID(as_uuid=True), ForeignKey("contacts.id", ondelete="SET NULL")
    )
    converted_deal_id: Mapped[uuid.UUID | None] = mapped_column(
        UUID(as_uuid=True), ForeignKey("deals.id", ondelete="SET NULL")
    )
    assigned_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))


class LeadAssignment(IdMixin, Base):
    """One change of a lead's owner: from whom, to whom, by whom or by which rule, and why."""

    __tablename__ = "lead_assignments"
    __scope_parent__ = ("lead_id", Lead)
    __table_args__ = (Index("ix_lead_assignments_lead", "lead_id", "created_at"),)

    lead_id: Mapped[uuid.UUID] = mapped_column(
        UUID(as_uuid=True), ForeignKey("leads.id", ondelete="CASCADE")
    )
    from_user_id: Mapped[uuid.UUID | None] = mapped_column(
        UUID(as_uuid=True), ForeignKey("users.id", ondelete="SET NULL")
    )
    to_user_id: Mapped[uuid.UUID | None] = mapped_column(
        UUID(as_uuid=True), ForeignKey("users.id", ondelete="SET NULL")
    )
    # A person (claim, manual assignment) or a rule (the worker): one of the two.
    by_user_id: Mapped[uuid.UUID | None] = mapped_column(
        UUID(as_uuid=True), ForeignKey("users.id", ondelete="SET NULL")
    )
    rule_id: Mapped[uuid.UUID | None] = mapped_column(
        UUID(as_uuid=True), ForeignKey("lead_assignment_rules.id", ondelete="SET NULL")
    )
    kind: Mapped[str] = mapped_column(String(10))  # create, rule, claim, assign
    reason: Mapped[str | None] = mapped_column(String(500))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class AssignmentRule(IdMixin, TimestampMixin, VersionMixin, Base):
    """An ordered rule: the first active rule whose conditions all match a new pool lead
    assigns it. A null condition matches anything."""

    __tablename__ = "lead_assignment_rules"
    __table_args__ = (
        CheckConstraint(
            "target_kind IN ('user', 'round_robin', 'least_loaded')", name="target_kind"
        ),
    )

    name: Mapped[str] = mapped_column(String(200))
    position: Mapped[int] = mapped_column(Integer, index=True)
    active: Mapped[bool] = mapped_column(Boolean, default=True, server_default="true")
    # Conditions (null = any). Region matches the province, and the city when given.
    province: Mapped[str | None] = mapped_column(String(100))
    city: Mapped[str | None] = mapped_column(String(100))
    product_line: Mapped[str | None] = mapped_column(String(100))
    source: Mapped[str | None] = mapped_column(String(50))
    grade: Mapped[str | None] = mapped_column(String(1))
    target_kind: Mapped[str] = mapped_column(String(12))
    target_user_id: Mapped[uuid.UUID | None] = mapped_column(
        UUID(as_uuid=True), ForeignKey("users.id", ondelete="SET NULL")
    )
    # A team: the active users of a department, or an explicit list of users.
    team_department_id: Mapped[uuid.UUID | None] = mapped_column(
        UUID(as_uuid=True), ForeignKey("departments.id", ondelete="SET NULL")
    )
    team_user_ids: Mapped[list[uuid.UUID]] = mapped_column(
        ARRAY(UUID(as_uuid=True)), default=list, server_default="{}"
    )
    # The next round-robin turn; taken atomically (UPDATE ... RETURNING), never read-then-set.
    rr_position: Mapped[int] = mapped_column(BigInteger, default=0, server_default="0")
