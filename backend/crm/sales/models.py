"""Pipelines, their stages, deals and the deals' stage history."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import (
    BigInteger,
    Boolean,
    Date,
    DateTime,
    ForeignKey,
    Identity,
    Index,
    Integer,
    Numeric,
    String,
    Text,
    UniqueConstraint,
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
    utcnow,
)
from crm.customers.models import Contact, Customer

# What a stage means for the deals in it: still being worked, or closed one way or the other.
STAGE_KINDS = ("open", "won", "lost")


class Pipeline(IdMixin, TimestampMixin, VersionMixin, Base):
    __tablename__ = "pipelines"

    name: Mapped[str] = mapped_column(String(200))
    # Deals created without a pipeline (a converted lead, the API without pipeline_id) go here.
    is_default: Mapped[bool] = mapped_column(Boolean, default=False, server_default="false")
    active: Mapped[bool] = mapped_column(Boolean, default=True, server_default="true")


class Stage(IdMixin, TimestampMixin, VersionMixin, Base):
    __tablename__ = "pipeline_stages"
    __table_args__ = (UniqueConstraint("pipeline_id", "key", name="uq_pipeline_stages_key"),)

    pipeline_id: Mapped[uuid.UUID] = mapped_column(
        UUID(as_uuid=True), ForeignKey("pipelines.id", ondelete="CASCADE"), index=True
    )
    # Stable within a pipeline (initial_contact, needs_confirmed, ...): gates, triggers and
    # clients refer to stages by key, names are for people and may be renamed.
    key: Mapped[str] = mapped_column(String(50))
    name: Mapped[str] = mapped_column(String(200))
    position: Mapped[int] = mapped_column(Integer)
    probability: Mapped[int] = mapped_column(Integer)  # win probability, percent 0-100
    kind: Mapped[str] = mapped_column(String(10), default="open", server_default="open")
    # Leaving this stage, or moving forward past it, requires:
    # {"required_fields": [...], "required_attachments": [...]}.
    gate: Mapped[dict[str, Any]] = mapped_column(JSONB, default=dict, server_default="{}")
    # A deal may jump over a skippable stage without meeting its gate (leaving it still needs it).
    skippable: Mapped[bool] = mapped_column(Boolean, default=False, server_default="false")
    # Run on entering this stage: [{"type": "recommend_contract_template"}, ...].
    triggers: Mapped[list[dict[str, Any]]] = mapped_column(JSONB, default=list, server_default="[]")


class Deal(IdMixin, TimestampMixin, VersionMixin, SoftDeleteMixin, OwnedMixin, Base):
    __tablename__ = "deals"
    __scope_resource__ = "deals"
    __table_args__ = (
        Index("ix_deals_updated", "updated_at", "id", postgresql_where="deleted_at IS NULL"),
        Index(
            "ix_deals_owner_updated",
            "owner_id",
            "updated_at",
            "id",
            postgresql_where="deleted_at IS NULL",
        ),
        # Kanban: the open deals of a pipeline by stage.
        Index(
            "ix_deals_pipeline_stage",
            "pipeline_id",
            "stage_id",
            "updated_at",
            "id",
            postgresql_where="deleted_at IS NULL",
        ),
        # Kanban totals: count and amount per stage and currency of the open deals, read by an
        # index-only scan (owner and department included for the data scope).
        Index(
            "ix_deals_open_stage_totals",
            "pipeline_id",
            "stage_id",
            "currency",
            postgresql_include=["amount", "owner_id", "department_id"],
            postgresql_where="deleted_at IS NULL AND status = 'open'",
        ),
        # Sales load (lead assignment): a user's open deals created in the last 30 days.
        Index(
            "ix_deals_owner_open_created",
            "owner_id",
            "created_at",
            postgresql_where="deleted_at IS NULL AND status = 'open'",
        ),
        Index("ix_deals_customer", "customer_id"),
    )

    name: Mapped[str] = mapped_column(String(200))
    customer_id: Mapped[uuid.UUID] = mapped_column(
        UUID(as_uuid=True), ForeignKey(Customer.id, ondelete="RESTRICT")
    )
    contact_id: Mapped[uuid.UUID | None] = mapped_column(
        UUID(as_uuid=True), ForeignKey(Contact.id, ondelete="SET NULL")
    )
    pipeline_id: Mapped[uuid.UUID] = mapped_column(
        UUID(as_uuid=True), ForeignKey(Pipeline.id, ondelete="RESTRICT")
    )
    stage_id: Mapped[uuid.UUID] = mapped_column(
        UUID(as_uuid=True), ForeignKey(Stage.id, ondelete="RESTRICT")
    )
    # Mirrors the stage's kind so "open deals" needs no join (load, pool, forecast).
    status: Mapped[str] = mapped_column(String(10), default="open", server_default="open")
    amount: Mapped[Decimal] = mapped_column(Numeric(18, 2), default=Decimal("0"))
    currency: Mapped[str] = mapped_column(String(3), default="CNY", server_default="CNY")
    expected_close_date: Mapped[date | None] = mapped_column(Date)
    product_line: Mapped[str | None] = mapped_column(String(100))
    lost_reason: Mapped[str | None] = mapped_column(Text)
    stage_entered_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    closed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    notes: Mapped[str | None] = mapped_column(Text)
    # Set by the stage trigger that recommends a contract template (contracts domain).
    recommended_contract_template_id: Mapped[uuid.UUID | None] = mapped_column(UUID(as_uuid=True))
    custom: Mapped[dict[str, Any]] = mapped_column(JSONB, default=dict, server_default="{}")


class DealStageChange(IdMixin, Base):
    """One move of a deal between stages: who, when, from -> to, and how long it sat before."""

    __tablename__ = "deal_stage_changes"
    __scope_parent__ = ("deal_id", Deal)
    __table_args__ = (Index("ix_deal_stage_changes_deal", "deal_id", "changed_at"),)

    deal_id: Mapped[uuid.UUID] = mapped_column(
        UUID(as_uuid=True), ForeignKey(Deal.id, ondelete="CASCADE")
    )
    from_stage_id: Mapped[uuid.UUID | None] = mapped_column(
        UUID(as_uuid=True), ForeignKey(Stage.id, ondelete="SET NULL")
    )
    to_stage_id: Mapped[uuid.UUID] = mapped_column(
        UUID(as_uuid=True), ForeignKey(Stage.id, ondelete="RESTRICT")
    )
    changed_by_id: Mapped[uuid.UUID | None] = mapped_column(
        UUID(as_uuid=True), ForeignKey("users.id", ondelete="SET NULL")
    )
    changed_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    # Seconds the deal spent in from_stage (None for the creation entry).
    seconds_in_previous_stage: Mapped[int | None] = mapped_column(Integer)
    note: Mapped[str | None] = mapped_column(Text)


class DealTriggerRun(Base):
    """A stage trigger that has run for one ``deal.stage_changed`` event: the ledger that makes
    a trigger run once even when the worker handles the event twice (it is written in the
    same transaction as whatever the trigger creates)."""

    __tablename__ = "deal_trigger_runs"

    event_id: Mapped[uuid.UUID] = mapped_column(UUID(as_uuid=True), primary_key=True)
    trigger_type: Mapped[str] = mapped_column(String(50), primary_key=True)
    deal_id: Mapped[uuid.UUID] = mapped_column(
        UUID(as_uuid=True), ForeignKey(Deal.id, ondelete="CASCADE"), index=True
    )
    ran_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class DealStageTotal(Base):
    """Count and amount of the open, live deals per pipeline, stage, owner, department and
    currency: what the kanban's column headers sum over the caller's scope.

    Maintained by PostgreSQL itself (the ``deal_stage_totals_*`` statement triggers on
    ``deals``, migration ``deal_stage_totals``), in the transaction that writes the deals, so
    every path that writes a deal (service, bulk actions, imports, COPY, a migration) keeps it
    exact, and it commits or rolls back with them. The board reads a few hundred of these rows
    for a manager instead of aggregating every open deal of the department tree on each
    request (24,841 deals, 135 ms p99 at 100,000 open deals). Rows whose count has dropped to
    zero stay (the board skips them); no foreign keys: derived data, and the triggers' upserts
    should take no locks on stages or users.
    """

    __tablename__ = "deal_stage_totals"
    # Read through the data scope exactly like the deals it sums (owner and department).
    __scope_resource__ = "deals"
    __table_args__ = (
        # NULLS NOT DISTINCT: deals without an owner or a department share one row per key,
        # which the triggers' ON CONFLICT relies on.
        Index(
            "uq_deal_stage_totals_key",
            "pipeline_id",
            "stage_id",
            "owner_id",
            "department_id",
            "currency",
            unique=True,
            postgresql_nulls_not_distinct=True,
        ),
    )

    id: Mapped[int] = mapped_column(BigInteger, Identity(), primary_key=True)
    pipeline_id: Mapped[uuid.UUID] = mapped_column(UUID(as_uuid=True))
    stage_id: Mapped[uuid.UUID] = mapped_column(UUID(as_uuid=True))
    owner_id: Mapped[uuid.UUID | None] = mapped_column(UUID(as_uuid=True))
    department_id: Mapped[uuid.UUID | None] = mapped_column(UUID(as_uuid=True))
    currency: Mapped[str] = mapped_column(String(3))
    # integer, not bigint: sum(integer) is a bigint (a Python int), sum(bigint) a numeric.
    deals: Mapped[int] = mapped_column(Integer)
    # Scale 2 like deals.amount, so the sums read back exactly as summing the deals gave.
    amount: Mapped[Decimal] = mapped_column(Numeric(30, 2))
