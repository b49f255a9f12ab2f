"""Attachments on any record, the ledger of deal stage triggers that ran, the kanban totals index

Revision ID: 5e81c3a0d7f4
Revises: d41c7a9e2f60
Create Date: 2026-12-01 03:33:23.068867
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "5e81c3a0d7f4"
down_revision: str | None = "d41c7a9e2f60"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "attachments",
        sa.Column("object_type", sa.String(length=50), nullable=False),
        sa.Column("object_id", sa.UUID(), nullable=False),
        sa.Column("category", sa.String(length=50), nullable=False),
        sa.Column("filename", sa.String(length=255), nullable=False),
        sa.Column("content_type", sa.String(length=100), nullable=False),
        sa.Column("size", sa.BigInteger(), nullable=False),
        sa.Column("storage_key", sa.String(length=512), nullable=False),
        sa.Column("uploaded_by", sa.UUID(), nullable=True),
        sa.Column("id", sa.UUID(), nullable=False),
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
        sa.Column("deleted_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["uploaded_by"],
            ["users.id"],
            name=op.f("fk_attachments_uploaded_by_users"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_attachments")),
    )
    op.create_index(
        "ix_attachments_object",
        "attachments",
        ["object_type", "object_id", "category"],
        unique=False,
        postgresql_where="deleted_at IS NULL",
    )
    op.create_table(
        "deal_trigger_runs",
        sa.Column("event_id", sa.UUID(), nullable=False),
        sa.Column("trigger_type", sa.String(length=50), nullable=False),
        sa.Column("deal_id", sa.UUID(), nullable=False),
        sa.Column("ran_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["deal_id"],
            ["deals.id"],
            name=op.f("fk_deal_trigger_runs_deal_id_deals"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("event_id", "trigger_type", name=op.f("pk_deal_trigger_runs")),
    )
    op.create_index(
        op.f("ix_deal_trigger_runs_deal_id"), "deal_trigger_runs", ["deal_id"], unique=False
    )
    op.create_index(
        "ix_deals_open_stage_totals",
        "deals",
        ["pipeline_id", "stage_id", "currency"],
        unique=False,
        postgresql_include=["amount", "owner_id", "department_id"],
        postgresql_where="deleted_at IS NULL AND status = 'open'",
    )


def downgrade() -> None:
    op.drop_index(
        "ix_deals_open_stage_totals",
        table_name="deals",
        postgresql_where="deleted_at IS NULL AND status = 'open'",
    )
    op.drop_index(op.f("ix_deal_trigger_runs_deal_id"), table_name="deal_trigger_runs")
    op.drop_table("deal_trigger_runs")
    op.drop_index(
        "ix_attachments_object", table_name="attachments", postgresql_where="deleted_at IS NULL"
    )
    op.drop_table("attachments")
