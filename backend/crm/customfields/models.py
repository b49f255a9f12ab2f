"""Custom field definitions, tags and completeness rules, each per object type."""

from __future__ import annotations

import uuid
from typing import Any

from sqlalchemy import Boolean, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.dialects.postgresql import JSONB, UUID
from sqlalchemy.orm import Mapped, mapped_column

from crm.core.db import Base, IdMixin, SoftDeleteMixin, TimestampMixin, VersionMixin

FIELD_TYPES = (
    "text",
    "number",  # integer
    "decimal",  # exact, stored as a string
    "date",
    "select",
    "multi_select",
    "boolean",
    "user",  # a reference to an active user
)


class CustomField(IdMixin, TimestampMixin, VersionMixin, SoftDeleteMixin, Base):
    """One administrator-defined field. Its values live in the object's ``custom`` JSONB.

    The key stays reserved after a soft delete (the constraint covers deleted rows too): values
    stored under it are kept, and a new field with another type must not reinterpret them.
    """

    __tablename__ = "custom_fields"
    __table_args__ = (UniqueConstraint("object_type", "key", name="uq_custom_fields_object_key"),)

    object_type: Mapped[str] = mapped_column(String(50))
    key: Mapped[str] = mapped_column(String(50))
    label: Mapped[dict[str, Any]] = mapped_column(JSONB, default=dict)  # {"en": .., "zh": ..}
    field_type: Mapped[str] = mapped_column(String(20))
    options: Mapped[list[dict[str, Any]]] = mapped_column(JSONB, default=list)
    required: Mapped[bool] = mapped_column(Boolean, default=False)
    validation: Mapped[dict[str, Any]] = mapped_column(JSONB, default=dict)
    description: Mapped[str | None] = mapped_column(Text)
    position: Mapped[int] = mapped_column(Integer, default=0)
    active: Mapped[bool] = mapped_column(Boolean, default=True)


class Tag(IdMixin, TimestampMixin, VersionMixin, Base):
    """A tag of one object type. Records keep tag *names* (``customers.tags``); this table
    gives them a colour and a description, and renames them everywhere at once."""

    __tablename__ = "tags"
    __table_args__ = (UniqueConstraint("object_type", "name", name="uq_tags_object_name"),)

    object_type: Mapped[str] = mapped_column(String(50))
    name: Mapped[str] = mapped_column(String(50))
    color: Mapped[str] = mapped_column(String(7))  # "#RRGGBB"
    description: Mapped[str | None] = mapped_column(String(500))


class CompletenessRule(TimestampMixin, VersionMixin, Base):
    """The weighted important fields of one object type: ``[{"field": .., "weight": ..}]``."""

    __tablename__ = "completeness_rules"

    object_type: Mapped[str] = mapped_column(String(50), primary_key=True)
    rules: Mapped[list[dict[str, Any]]] = mapped_column(JSONB, default=list)
    updated_by: Mapped[uuid.UUID | None] = mapped_column(
        UUID(as_uuid=True), ForeignKey("users.id", ondelete="SET NULL")
    )
