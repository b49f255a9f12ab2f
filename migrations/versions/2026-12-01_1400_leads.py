"""leads, lead assignments and lead assignment rules

Leads (owned and scoped like customers, soft-deleted; owner NULL = the pool), the history of
their owner changes, and the ordered assignment rules the worker applies to new pool leads
(with the round-robin position each rule advances atomically).

Revision ID: c71e5a93d2f4
Revises: 5e81c3a0d7f4
Create Date: 2026-12-01 12:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "c71e5a93d2f4"
down_revision: str | None = "5e81c3a0d7f4"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "lead_assignment_rules",
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("active", sa.Boolean(), server_default="true", nullable=False),
        sa.Column("province", sa.String(length=100), nullable=True),
        sa.Column("city", sa.String(length=100), nullable=True),
        sa.Column("product_line", sa.String(length=100), nullable=True),
        sa.Column("source", sa.String(length=50), nullable=True),
        sa.Column("grade", sa.String(length=1), nullable=True),
        sa.Column("target_kind", sa.String(length=12), nullable=False),
        sa.Column("target_user_id", sa.UUID(), nullable=True),
        sa.Column("team_department_id", sa.UUID(), nullable=True),
        sa.Column(
            "team_user_ids", postgresql.ARRAY(sa.UUID()), server_default="{}", nullable=False
        ),
        sa.Column("rr_position", sa.BigInteger(), server_default="0", nullable=False),
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
        sa.Column("version", sa.Integer(), server_default="1", nullable=False),
        sa.CheckConstraint(
            "target_kind IN ('user', 'round_robin', 'least_loaded')",
            name=op.f("ck_lead_assignment_rules_target_kind"),
        ),
        sa.ForeignKeyConstraint(
            ["target_user_id"],
            ["users.id"],
            name=op.f("fk_lead_assignment_rules_target_user_id_users"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["team_department_id"],
            ["departments.id"],
            name=op.f("fk_lead_assignment_rules_team_department_id_departments"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_lead_assignment_rules")),
    )
    op.create_index(
        op.f("ix_lead_assignment_rules_position"),
        "lead_assignment_rules",
        ["position"],
        unique=False,
    )
    op.create_table(
        "leads",
        sa.Column("person_name", sa.String(length=200), nullable=True),
        sa.Column("company_name", sa.String(length=200), nullable=True),
        sa.Column("title", sa.String(length=100), nullable=True),
        sa.Column("phone", sa.String(length=50), nullable=True),
        sa.Column("phone_e164", sa.String(length=20), nullable=True),
        sa.Column("email", sa.String(length=320), nullable=True),
        sa.Column("source", sa.String(length=50), nullable=True),
        sa.Column("campaign", sa.String(length=200), nullable=True),
        sa.Column("province", sa.String(length=100), nullable=True),
        sa.Column("city", sa.String(length=100), nullable=True),
        sa.Column("product_line", sa.String(length=100), nullable=True),
        sa.Column("grade", sa.String(length=1), nullable=True),
        sa.Column("score", sa.Integer(), nullable=True),
        sa.Column("status", sa.String(length=12), server_default="new", nullable=False),
        sa.Column("notes", sa.Text(), nullable=True),
        sa.Column(
            "custom", postgresql.JSONB(astext_type=sa.Text()), server_default="{}", nullable=False
        ),
        sa.Column("converted_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("converted_customer_id", sa.UUID(), nullable=True),
        sa.Column("converted_contact_id", sa.UUID(), nullable=True),
        sa.Column("converted_deal_id", sa.UUID(), nullable=True),
        sa.Column("assigned_at", sa.DateTime(timezone=True), nullable=True),
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
        sa.Column("version", sa.Integer(), server_default="1", nullable=False),
        sa.Column("deleted_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("owner_id", sa.UUID(), nullable=True),
        sa.Column("department_id", sa.UUID(), nullable=True),
        sa.CheckConstraint(
            "grade IS NULL OR grade IN ('A', 'B', 'C')", name=op.f("ck_leads_grade")
        ),
        sa.CheckConstraint(
            "status IN ('new', 'contacted', 'qualified', 'unqualified', 'converted')",
            name=op.f("ck_leads_status"),
        ),
        sa.ForeignKeyConstraint(
            ["converted_contact_id"],
            ["contacts.id"],
            name=op.f("fk_leads_converted_contact_id_contacts"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["converted_customer_id"],
            ["customers.id"],
            name=op.f("fk_leads_converted_customer_id_customers"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["converted_deal_id"],
            ["deals.id"],
            name=op.f("fk_leads_converted_deal_id_deals"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["department_id"], ["departments.id"], name=op.f("fk_leads_department_id_departments")
        ),
        sa.ForeignKeyConstraint(["owner_id"], ["users.id"], name=op.f("fk_leads_owner_id_users")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_leads")),
    )
    op.create_index(op.f("ix_leads_department_id"), "leads", ["department_id"], unique=False)
    op.create_index(op.f("ix_leads_owner_id"), "leads", ["owner_id"], unique=False)
    op.create_index(
        "ix_leads_created",
        "leads",
        ["created_at", "id"],
        unique=False,
        postgresql_where="deleted_at IS NULL",
    )
    op.create_index(
        "ix_leads_owner_open",
        "leads",
        ["owner_id"],
        unique=False,
        postgresql_where="deleted_at IS NULL AND status IN ('new', 'contacted', 'qualified')",
    )
    op.create_index(
        "ix_leads_owner_updated",
        "leads",
        ["owner_id", "updated_at", "id"],
        unique=False,
        postgresql_where="deleted_at IS NULL",
    )
    op.create_index(
        "ix_leads_phone_e164",
        "leads",
        ["phone_e164"],
        unique=False,
        postgresql_where="deleted_at IS NULL",
    )
    op.create_index(
        "ix_leads_pool",
        "leads",
        ["created_at", "id"],
        unique=False,
        postgresql_where="deleted_at IS NULL AND owner_id IS NULL",
    )
    op.create_index(op.f("ix_leads_product_line"), "leads", ["product_line"], unique=False)
    op.create_index(op.f("ix_leads_source"), "leads", ["source"], unique=False)
    op.create_index(
        "ix_leads_updated",
        "leads",
        ["updated_at", "id"],
        unique=False,
        postgresql_where="deleted_at IS NULL",
    )
    op.create_table(
        "lead_assignments",
        sa.Column("lead_id", sa.UUID(), nullable=False),
        sa.Column("from_user_id", sa.UUID(), nullable=True),
        sa.Column("to_user_id", sa.UUID(), nullable=True),
        sa.Column("by_user_id", sa.UUID(), nullable=True),
        sa.Column("rule_id", sa.UUID(), nullable=True),
        sa.Column("kind", sa.String(length=10), nullable=False),
        sa.Column("reason", sa.String(length=500), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("id", sa.UUID(), nullable=False),
        sa.ForeignKeyConstraint(
            ["by_user_id"],
            ["users.id"],
            name=op.f("fk_lead_assignments_by_user_id_users"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["from_user_id"],
            ["users.id"],
            name=op.f("fk_lead_assignments_from_user_id_users"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["lead_id"],
            ["leads.id"],
            name=op.f("fk_lead_assignments_lead_id_leads"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["rule_id"],
            ["lead_assignment_rules.id"],
            name=op.f("fk_lead_assignments_rule_id_lead_assignment_rules"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["to_user_id"],
            ["users.id"],
            name=op.f("fk_lead_assignments_to_user_id_users"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_lead_assignments")),
    )
    op.create_index(
        "ix_lead_assignments_lead", "lead_assignments", ["lead_id", "created_at"], unique=False
    )


def downgrade() -> None:
    op.drop_index("ix_lead_assignments_lead", table_name="lead_assignments")
    op.drop_table("lead_assignments")
    op.drop_index("ix_leads_updated", table_name="leads", postgresql_where="deleted_at IS NULL")
    op.drop_index(op.f("ix_leads_source"), table_name="leads")
    op.drop_index(op.f("ix_leads_product_line"), table_name="leads")
    op.drop_index(
        "ix_leads_pool",
        table_name="leads",
        postgresql_where="deleted_at IS NULL AND owner_id IS NULL",
    )
    op.drop_index("ix_leads_phone_e164", table_name="leads", postgresql_where="deleted_at IS NULL")
    op.drop_index(
        "ix_leads_owner_updated", table_name="leads", postgresql_where="deleted_at IS NULL"
    )
    op.drop_index(
        "ix_leads_owner_open",
        table_name="leads",
        postgresql_where="deleted_at IS NULL AND status IN ('new', 'contacted', 'qualified')",
    )
    op.drop_index("ix_leads_created", table_name="leads", postgresql_where="deleted_at IS NULL")
    op.drop_index(op.f("ix_leads_owner_id"), table_name="leads")
    op.drop_index(op.f("ix_leads_department_id"), table_name="leads")
    op.drop_table("leads")
    op.drop_index(op.f("ix_lead_assignment_rules_position"), table_name="lead_assignment_rules")
    op.drop_table("lead_assignment_rules")
