"""Activities, tasks, holidays and reminder rules."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from typing import Any

from sqlalchemy import (
    Boolean,
    Date,
    DateTime,
    Double,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.dialects.postgresql import ARRAY, UUID
from sqlalchemy.orm import Mapped, mapped_column

from crm.core.db import (
    Base,
    IdMixin,
    OwnedMixin,
    SoftDeleteMixin,
    TimestampMixin,
    VersionMixin,
)
from crm.core.events import OutboxEvent
from crm.core.pagination import lower_trigram_index
from crm.customers.models import Customer

ACTIVITY_KINDS = ("call", "visit", "meeting", "email", "note")
TASK_PRIORITIES = ("low", "normal", "high", "urgent")
TASK_STATUSES = ("open", "done", "cancelled")


class Activity(IdMixin, TimestampMixin, VersionMixin, SoftDeleteMixin, OwnedMixin, Base):
    """A call, visit, meeting, e-mail or note with a customer. The owner is who logged it
    (by default); visibility follows the customer, like a contact's."""

    __tablename__ = "activities"
    __scope_parent__ = ("customer_id", Customer)
    __table_args__ = (
        # The customer's timeline and the global list, newest first.
        Index(
            "ix_activities_customer_occurred",
            "customer_id",
            "occurred_at",
            "id",
            postgresql_where="deleted_at IS NULL",
        ),
        Index("ix_activities_occurred", "occurred_at", "id", postgresql_where="deleted_at IS NULL"),
    )

    kind: Mapped[str] = mapped_column(String(20))
    customer_id: Mapped[uuid.UUID] = mapped_column(
        UUID(as_uuid=True), ForeignKey("customers.id", ondelete="CASCADE")
    )
    contact_id: Mapped[uuid.UUID | None] = mapped_column(
        UUID(as_uuid=True), ForeignKey("contacts.id", ondelete="SET NULL"), index=True
    )
    occurred_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    subject: Mapped[str] = mapped_column(String(300))
    body: Mapped[str | None] = mapped_column(Text)
    outcome: Mapped[str | None] = mapped_column(String(500))
    duration_minutes: Mapped[int | None] = mapped_column(Integer)
    location_address: Mapped[str | None] = mapped_column(String(500))
    location_lat: Mapped[float | None] = mapped_column(Double)
    location_lng: Mapped[float | None] = mapped_column(Double)
    participant_user_ids: Mapped[list[uuid.UUID]] = mapped_column(
        ARRAY(UUID(as_uuid=True)), default=list, server_default="{}"
    )
    participant_contact_ids: Mapped[list[uuid.UUID]] = mapped_column(
        ARRAY(UUID(as_uuid=True)), default=list, server_default="{}"
    )

    @property
    def location(self) -> dict[str, Any] | None:
        """The three location columns as the API's one ``location`` object."""
        if self.location_address is None and self.location_lat is None:
            return None
        return {
            "address": self.location_address,
            "lat": self.location_lat,
            "lng": self.location_lng,
        }


# Partial-text search (q=) on the subject: see text_contains.
lower_trigram_index("ix_activities_subject_lower_trgm", Activity.subject)


class Task(IdMixin, TimestampMixin, VersionMixin, SoftDeleteMixin, Base):
    """A follow-up task. Who sees it is defined in activities/tasks_service.py
    (``task_visibility``): its assignee's data scope, its creator, and the related customer."""

    __tablename__ = "tasks"
    __table_args__ = (
        # "My tasks" views: open tasks of one assignee by due time.
        Index(
            "ix_tasks_assignee_due",
            "assignee_id",
            "due_at",
            "id",
            postgresql_where="deleted_at IS NULL AND status = 'open'",
        ),
        Index("ix_tasks_related", "related_type", "related_id"),
        Index("ix_tasks_created", "created_at", "id", postgresql_where="deleted_at IS NULL"),
        # The reminder sweep: open tasks by due time.
        Index(
            "ix_tasks_open_due",
            "due_at",
            postgresql_where="deleted_at IS NULL AND status = 'open'",
        ),
    )

    title: Mapped[str] = mapped_column(String(300))
    description: Mapped[str | None] = mapped_column(Text)
    due_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    assignee_id: Mapped[uuid.UUID] = mapped_column(UUID(as_uuid=True), ForeignKey("users.id"))
    # The assignee's department when assigned: what department data scopes filter on.
    department_id: Mapped[uuid.UUID | None] = mapped_column(
        UUID(as_uuid=True), ForeignKey("departments.id"), index=True
    )
    created_by: Mapped[uuid.UUID | None] = mapped_column(
        UUID(as_uuid=True), ForeignKey("users.id"), index=True
    )
    # What the task is about: a generic reference ("customer" is the type supported today).
    related_type: Mapped[str | None] = mapped_column(String(50))
    # Moved by a customer merge like a foreign key (see customers/dedupe/merge.py).
    related_id: Mapped[uuid.UUID | None] = mapped_column(
        UUID(as_uuid=True), info={"customer_when": ("related_type", "customer")}
    )
    priority: Mapped[str] = mapped_column(String(10), default="normal")
    status: Mapped[str] = mapped_column(String(10), default="open")
    # An RFC 5545 RRULE (without DTSTART); occurrences count from series_start.
    recurrence: Mapped[str | None] = mapped_column(String(500))
    series_start: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    previous_id: Mapped[uuid.UUID | None] = mapped_column(
        UUID(as_uuid=True), ForeignKey("tasks.id", ondelete="SET NULL")
    )
    completed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    completed_by: Mapped[uuid.UUID | None] = mapped_column(
        UUID(as_uuid=True), ForeignKey("users.id")
    )


class Holiday(IdMixin, TimestampMixin, Base):
    """An administrator-managed holiday: everyone is reminded some days before it."""

    __tablename__ = "holidays"
    __table_args__ = (UniqueConstraint("date", "name", name="uq_holidays_date_name"),)

    date: Mapped[date] = mapped_column(Date, index=True)
    name: Mapped[str] = mapped_column(String(100))
    remind_days_before: Mapped[int] = mapped_column(Integer, default=1)


class ReminderRule(IdMixin, TimestampMixin, Base):
    """Remind the record's owner ``days_before`` a date field of a customer or contact
    (``yearly``: on its anniversary each year, like a birthday)."""

    __tablename__ = "reminder_rules"

    name: Mapped[str] = mapped_column(String(200))
    object_type: Mapped[str] = mapped_column(String(20))  # "customer" or "contact"
    field: Mapped[str] = mapped_column(String(64))
    days_before: Mapped[int] = mapped_column(Integer, default=0)
    yearly: Mapped[bool] = mapped_column(Boolean, default=False)
    is_active: Mapped[bool] = mapped_column(Boolean, default=True)


# The customer timeline reads the outbox for events about a customer: those whose object is
# the customer, and those whose payload names it (a contact added, later deals, orders,
# tickets). The outbox table is core's; these indexes serve this domain's query.
Index(
    "ix_outbox_events_object",
    OutboxEvent.__table__.c.object_type,
    OutboxEvent.__table__.c.object_id,
)
Index("ix_outbox_events_customer_id", OutboxEvent.__table__.c.payload["customer_id"].astext)
