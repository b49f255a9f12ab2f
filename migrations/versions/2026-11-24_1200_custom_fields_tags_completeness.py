"""custom fields, tags and completeness rules

Adds the `custom` JSONB column (custom field values) to customers and contacts, with a GIN
index on customers for `cf.<key>=value` containment filters; the `custom_fields` definitions,
the `tags` catalogue (back-filled from the tag names customers already carry, default colour)
and the per-object `completeness_rules`.

Revision ID: 7c1f0d2e9a41
Revises: 7edcf7fb86f2
Create Date: 2026-11-23 09:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "7c1f0d2e9a41"
down_revision: str | None = "7edcf7fb86f2"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

DEFAULT_TAG_COLOR = "#1677ff"


def _timestamps() -> list[sa.Column]:  # type: ignore[type-arg]
    return [
        sa.Column(
            "created_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.Column(
            "updated_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.Column("version", sa.Integer(), server_default="1", nullable=False),
    ]


def upgrade() -> None:
    for table in ("customers", "contacts"):
        op.add_column(
            table,
            sa.Column(
                "custom",
                postgresql.JSONB(astext_type=sa.Text()),
                server_default="{}",
                nullable=False,
            ),
        )
    op.create_index(
        "ix_customers_custom",
        "customers",
        ["custom"],
        unique=False,
        postgresql_using="gin",
        postgresql_ops={"custom": "jsonb_path_ops"},
    )

    op.create_table(
        "custom_fields",
        sa.Column("object_type", sa.String(length=50), nullable=False),
        sa.Column("key", sa.String(length=50), nullable=False),
        sa.Column("label", postgresql.JSONB(astext_type=sa.Text()), nullable=False),
        sa.Column("field_type", sa.String(length=20), nullable=False),
        sa.Column("options", postgresql.JSONB(astext_type=sa.Text()), nullable=False),
        sa.Column("required", sa.Boolean(), nullable=False),
        sa.Column("validation", postgresql.JSONB(astext_type=sa.Text()), nullable=False),
        sa.Column("description", sa.Text(), nullable=True),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("id", sa.UUID(), nullable=False),
        *_timestamps(),
        sa.Column("deleted_at", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_custom_fields")),
        sa.UniqueConstraint("object_type", "key", name="uq_custom_fields_object_key"),
    )

    op.create_table(
        "tags",
        sa.Column("object_type", sa.String(length=50), nullable=False),
        sa.Column("name", sa.String(length=50), nullable=False),
        sa.Column("color", sa.String(length=7), nullable=False),
        sa.Column("description", sa.String(length=500), nullable=True),
        sa.Column("id", sa.UUID(), nullable=False),
        *_timestamps(),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_tags")),
        sa.UniqueConstraint("object_type", "name", name="uq_tags_object_name"),
    )
    # Every tag name already in use gets a catalogue entry, so renames reach it. The ids are
    # random (gen_random_uuid is core PostgreSQL since 13); new rows get time-ordered ones.
    op.execute(
        sa.text(
            "INSERT INTO tags (id, object_type, name, color) "
            "SELECT gen_random_uuid(), 'customer', t, :color "
            "FROM (SELECT DISTINCT unnest(tags) AS t FROM customers) AS used"
        ).bindparams(color=DEFAULT_TAG_COLOR)
    )

    op.create_table(
        "completeness_rules",
        sa.Column("object_type", sa.String(length=50), nullable=False),
        sa.Column("rules", postgresql.JSONB(astext_type=sa.Text()), nullable=False),
        sa.Column("updated_by", sa.UUID(), nullable=True),
        *_timestamps(),
        sa.ForeignKeyConstraint(
            ["updated_by"],
            ["users.id"],
            name=op.f("fk_completeness_rules_updated_by_users"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("object_type", name=op.f("pk_completeness_rules")),
    )


def downgrade() -> None:
    op.drop_table("completeness_rules")
    op.drop_table("tags")
    op.drop_table("custom_fields")
    op.drop_index(
        "ix_customers_custom",
        table_name="customers",
        postgresql_using="gin",
        postgresql_ops={"custom": "jsonb_path_ops"},
    )
    for table in ("contacts", "customers"):
        op.drop_column(table, "custom")
