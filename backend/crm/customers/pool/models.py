"""Pool policies (per customer level) and the caps on how many customers one user may own."""

from __future__ import annotations

import uuid

from sqlalchemy import Boolean, ForeignKey, Integer, String, UniqueConstraint
from sqlalchemy.dialects.postgresql import UUID
from sqlalchemy.orm import Mapped, mapped_column

from crm.core.db import Base, IdMixin, TimestampMixin, VersionMixin


class PoolPolicy(IdMixin, TimestampMixin, VersionMixin, Base):
    """When owned customers of one level (``level`` NULL: every level without a policy of its
    own) return to the pool, and how many days before their owner is warned."""

    __tablename__ = "customer_pool_policies"
    __table_args__ = (
        # One policy per level, and one default (NULL level).
        UniqueConstraint("level", postgresql_nulls_not_distinct=True),
    )

    level: Mapped[str | None] = mapped_column(String(20))
    # NULL switches the rule off.
    days_without_follow_up: Mapped[int | None] = mapped_column(Integer)
    days_without_deal: Mapped[int | None] = mapped_column(Integer)
    warn_days_before: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    enabled: Mapped[bool] = mapped_column(Boolean, default=True, server_default="true")


class OwnershipCap(IdMixin, TimestampMixin, Base):
    """How many live customers a user may own before claims are refused: per role (a user
    with several roles gets the largest of their roles' caps), else the default (NULL role)."""

    __tablename__ = "customer_ownership_caps"
    __table_args__ = (UniqueConstraint("role_id", postgresql_nulls_not_distinct=True),)

    role_id: Mapped[uuid.UUID | None] = mapped_column(
        UUID(as_uuid=True), ForeignKey("roles.id", ondelete="CASCADE")
    )
    max_customers: Mapped[int] = mapped_column(Integer)
