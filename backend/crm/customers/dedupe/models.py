"""The duplicate report: groups of customers the last scan found alike."""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import DateTime, Float, ForeignKey, Index, Integer, String
from sqlalchemy.dialects.postgresql import ARRAY, UUID
from sqlalchemy.orm import Mapped, mapped_column

from crm.core.db import Base, IdMixin, utcnow


class DuplicateGroup(IdMixin, Base):
    """One set of customers that look like the same company or person. A scan replaces the
    whole report; who may see a group follows its members (see dedupe.service)."""

    __tablename__ = "duplicate_groups"
    __table_args__ = (Index("ix_duplicate_groups_score", "score", "id"),)

    job_id: Mapped[uuid.UUID | None] = mapped_column(
        UUID(as_uuid=True), ForeignKey("jobs.id", ondelete="SET NULL"), index=True
    )
    score: Mapped[float] = mapped_column(Float)  # 0..100, the strongest link in the group
    reasons: Mapped[list[str]] = mapped_column(ARRAY(String(10)))  # phone / email / name
    member_count: Mapped[int] = mapped_column(Integer)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class CustomerName(Base):
    """Every normalised name live customers have had: what the online check searches for
    similar names. Many customers share a name (~20 each at 1M customers, hundreds for common
    ones), so a trigram search here rechecks a few dozen names where one over ``customers``
    rechecked thousands of rows; the matches go back to customers by the btree on
    ``name_normalized``.

    Filled by statement triggers on customers (migration 3b8e6f1a2d57), so every write path,
    COPY included, records its names. Never pruned: a name nobody has any more finds no
    customer when joined back, and pruning would race with a concurrent write of that name.
    """

    __tablename__ = "customer_names"
    __table_args__ = (
        Index(
            "ix_customer_names_name_trgm",
            "name",
            postgresql_using="gin",
            postgresql_ops={"name": "gin_trgm_ops"},
            # New names go to a small pending list (64 kB, a few hundred names) merged in bulk:
            # cheap for imports of new customers, and a search scans at most 8 unindexed pages
            # (with the default 4 MB, 44k names waiting took 16 ms a search).
            postgresql_with={"gin_pending_list_limit": 64},
        ),
    )

    name: Mapped[str] = mapped_column(String(200), primary_key=True)


class DuplicateMember(Base):
    __tablename__ = "duplicate_members"

    group_id: Mapped[uuid.UUID] = mapped_column(
        UUID(as_uuid=True),
        ForeignKey("duplicate_groups.id", ondelete="CASCADE"),
        primary_key=True,
    )
    # A merge leaves report rows where they are (they describe the scan, not the customer);
    # merged members drop out of the listing because it shows live customers only.
    customer_id: Mapped[uuid.UUID] = mapped_column(
        UUID(as_uuid=True),
        ForeignKey("customers.id", ondelete="CASCADE"),
        primary_key=True,
        index=True,
        info={"on_merge": "keep"},
    )
    score: Mapped[float] = mapped_column(Float)  # its best link to another member
    reasons: Mapped[list[str]] = mapped_column(ARRAY(String(10)))
