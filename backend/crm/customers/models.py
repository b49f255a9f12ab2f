"""Customers and contacts."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from decimal import Decimal
from typing import Any, cast

from sqlalchemy import (
    Boolean,
    Column,
    Computed,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    Numeric,
    String,
    Table,
    Text,
    func,
    text,
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
from crm.core.pagination import lower_trigram_index


class Customer(IdMixin, TimestampMixin, VersionMixin, SoftDeleteMixin, OwnedMixin, Base):
    __tablename__ = "customers"
    __scope_resource__ = "customers"
    __table_args__ = (
        # Keyset paging per data scope: (filter, sort key, id) so deep pages are index ranges.
        Index("ix_customers_updated", "updated_at", "id", postgresql_where="deleted_at IS NULL"),
        Index(
            "ix_customers_owner_updated",
            "owner_id",
            "updated_at",
            "id",
            postgresql_where="deleted_at IS NULL",
        ),
        Index(
            "ix_customers_department_updated",
            "department_id",
            "updated_at",
            "id",
            postgresql_where="deleted_at IS NULL",
        ),
        Index("ix_customers_created", "created_at", "id", postgresql_where="deleted_at IS NULL"),
        Index("ix_customers_name_sort", "name", "id", postgresql_where="deleted_at IS NULL"),
        # Partial-text search (q=) on the phone's digits; name and e-mail are searched lower-
        # cased through the trigram indexes on lower(..) defined after the class. The search
        # columns keep finer planner statistics (migrations bc0b78f0004f and 8d2f6a41c9b3), so
        # rare terms go to these indexes.
        Index(
            "ix_customers_phone_trgm",
            "phone_e164",
            postgresql_using="gin",
            postgresql_ops={"phone_e164": "gin_trgm_ops"},
        ),
        Index("ix_customers_tags", "tags", postgresql_using="gin"),
        # Duplicate detection (customers/dedupe): exact phone / e-mail / normalised name by
        # btree, live records only. Similar names are searched among the distinct names
        # (dedupe.models.CustomerName) and come back here by name, a dozen names of hundreds
        # of customers each: with the scope's columns in the index, a salesperson's
        # customers of a name are one index range and a department tree's a BitmapOr of two,
        # instead of every holder of the name read from the heap to check its owner.
        Index(
            "ix_customers_name_normalized_scope",
            "name_normalized",
            "owner_id",
            "department_id",
            postgresql_where="deleted_at IS NULL",
        ),
        Index("ix_customers_phone_e164_live", "phone_e164", postgresql_where="deleted_at IS NULL"),
        Index("ix_customers_email_live", "email", postgresql_where="deleted_at IS NULL"),
        Index("ix_customers_phone_key_live", "phone_key", postgresql_where="deleted_at IS NULL"),
        # Custom field filters are containment (@>) queries: cf.<key>=value.
        Index(
            "ix_customers_custom",
            "custom",
            postgresql_using="gin",
            postgresql_ops={"custom": "jsonb_path_ops"},
        ),
        # The customer pool (customers/pool): the return sweep reads owned customers of one
        # level by how long ago they were assigned (and followed up: ix_customers_pool_follow_up
        # below), as index ranges; the pool list pages through the unowned ones.
        Index(
            "ix_customers_pool_assigned",
            "level",
            "owner_assigned_at",
            postgresql_where="owner_id IS NOT NULL AND deleted_at IS NULL",
        ),
        Index(
            "ix_customers_pool_updated",
            "updated_at",
            "id",
            postgresql_where="owner_id IS NULL AND deleted_at IS NULL",
        ),
    )

    kind: Mapped[str] = mapped_column(String(10), default="company")
    name: Mapped[str] = mapped_column(String(200))
    phone: Mapped[str | None] = mapped_column(String(50))  # as typed
    phone_e164: Mapped[str | None] = mapped_column(String(20))
    # The digits duplicate matching compares, valid number or not (cleaning.phone_key).
    phone_key: Mapped[str | None] = mapped_column(String(32))
    email: Mapped[str | None] = mapped_column(String(320))
    province: Mapped[str | None] = mapped_column(String(100))
    city: Mapped[str | None] = mapped_column(String(100))
    district: Mapped[str | None] = mapped_column(String(100))
    address: Mapped[str | None] = mapped_column(String(500))
    industry: Mapped[str | None] = mapped_column(String(100), index=True)
    source: Mapped[str | None] = mapped_column(String(50), index=True)
    # Which price books apply (catalog: the group's book first, then the general one).
    customer_group: Mapped[str | None] = mapped_column(String(50))
    tags: Mapped[list[str]] = mapped_column(ARRAY(String(50)), default=list, server_default="{}")
    notes: Mapped[str | None] = mapped_column(Text)
    # The name as duplicate detection compares it (cleaning.normalize_company_name).
    name_normalized: Mapped[str] = mapped_column(String(200), default="", server_default="")
    # Set on a record merged into another one (it then sits in the recycle bin). A merge does
    # not move this column's references: they record history (see dedupe.merge.KEEP_ON_MERGE).
    merged_into_id: Mapped[uuid.UUID | None] = mapped_column(
        UUID(as_uuid=True),
        ForeignKey("customers.id", ondelete="SET NULL"),
        info={"on_merge": "keep"},
    )
    # Custom field values {key: value}, validated against crm.customfields definitions.
    custom: Mapped[dict[str, Any]] = mapped_column(JSONB, default=dict, server_default="{}")
    # The customer pool (customers/pool). `level` picks the pool policy (NULL: the default).
    level: Mapped[str | None] = mapped_column(String(20), index=True)
    # The latest activity logged on the customer (kept by crm.activities).
    last_follow_up_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    # When the current owner got the customer (NULL while it sits in the pool).
    # Defaults to the insert time, so bulk inserts (imports) start the clock too.
    owner_assigned_at: Mapped[datetime | None] = mapped_column(
        DateTime(timezone=True), default=utcnow, server_default=func.now()
    )
    returned_to_pool_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    previous_owner_id: Mapped[uuid.UUID | None] = mapped_column(
        UUID(as_uuid=True), ForeignKey("users.id")
    )
    # Lifetime figures from paid orders (kept by crm.orders' order.paid handler); revenue in
    # the company currency (each order counts as total x its fx_rate).
    orders_count: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    revenue: Mapped[Decimal] = mapped_column(
        Numeric(18, 2), default=Decimal("0.00"), server_default="0"
    )
    first_purchase_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    last_purchase_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))


# What "not followed up for N days" counts from: a customer claimed today is not due however old
# its last activity is. Generated by PostgreSQL, so the pool sweep's index range has it. A table
# column only, not mapped: the ORM would have to re-read it after every customer write.
FOLLOW_UP_CLOCK = Column(
    "follow_up_clock_at",
    DateTime(timezone=True),
    Computed("GREATEST(last_follow_up_at, owner_assigned_at)", persisted=True),
)
cast(Table, Customer.__table__).append_column(FOLLOW_UP_CLOCK)
Index(
    "ix_customers_pool_follow_up",
    Customer.__table__.c.level,
    FOLLOW_UP_CLOCK,
    postgresql_where=text("owner_id IS NOT NULL AND deleted_at IS NULL"),
)


class Contact(IdMixin, TimestampMixin, VersionMixin, SoftDeleteMixin, Base):
    __tablename__ = "contacts"
    # A contact is visible exactly when its customer is.
    __scope_parent__ = ("customer_id", Customer)
    __table_args__ = (
        Index("ix_contacts_customer_created", "customer_id", "created_at", "id"),
        # The global search's partial phone match (digits); name and e-mail: after the class.
        Index(
            "ix_contacts_phone_trgm",
            "phone_e164",
            postgresql_using="gin",
            postgresql_ops={"phone_e164": "gin_trgm_ops"},
        ),
    )

    customer_id: Mapped[uuid.UUID] = mapped_column(
        UUID(as_uuid=True), ForeignKey("customers.id", ondelete="CASCADE")
    )
    name: Mapped[str] = mapped_column(String(200))
    title: Mapped[str | None] = mapped_column(String(100))
    phone: Mapped[str | None] = mapped_column(String(50))
    phone_e164: Mapped[str | None] = mapped_column(String(20))
    email: Mapped[str | None] = mapped_column(String(320))
    is_primary: Mapped[bool] = mapped_column(Boolean, default=False)
    notes: Mapped[str | None] = mapped_column(Text)
    # Birthday reminders (activities/reminders.py) match on its month and day.
    birthday: Mapped[date | None] = mapped_column(Date)
    # Custom field values {key: value}, validated against crm.customfields definitions.
    custom: Mapped[dict[str, Any]] = mapped_column(JSONB, default=dict, server_default="{}")


# Partial-text search (q=, the global search) on names and e-mails: see text_contains.
lower_trigram_index("ix_customers_name_lower_trgm", Customer.name)
lower_trigram_index("ix_customers_email_lower_trgm", Customer.email)
lower_trigram_index("ix_contacts_name_lower_trgm", Contact.name)
lower_trigram_index("ix_contacts_email_lower_trgm", Contact.email)
