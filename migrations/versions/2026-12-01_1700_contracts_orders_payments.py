"""contracts, orders and payments

Contract templates, contracts (scoped, soft-deleted, one per deal, numbered through
document_counters), orders with their instalments, payments and portal links (token hashes
only), and the customers' lifetime figures from paid orders.

Revision ID: c7e3a91f5d24
Revises: c4e81f07a3d2
Create Date: 2026-12-01 12:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "c7e3a91f5d24"
down_revision: str | None = "c4e81f07a3d2"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "contract_templates",
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("product_line", sa.String(length=100), nullable=True),
        sa.Column("min_amount", sa.Numeric(precision=18, scale=2), nullable=True),
        sa.Column("max_amount", sa.Numeric(precision=18, scale=2), nullable=True),
        sa.Column("currency", sa.String(length=3), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("active", sa.Boolean(), server_default="true", nullable=False),
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
        sa.PrimaryKeyConstraint("id", name=op.f("pk_contract_templates")),
    )
    op.create_table(
        "document_counters",
        sa.Column("kind", sa.String(length=10), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("last", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("kind", "year", name=op.f("pk_document_counters")),
    )
    op.create_table(
        "contracts",
        sa.Column("number", sa.String(length=30), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("customer_id", sa.UUID(), nullable=False),
        sa.Column("deal_id", sa.UUID(), nullable=True),
        sa.Column("template_id", sa.UUID(), nullable=True),
        sa.Column("renewed_from_id", sa.UUID(), nullable=True),
        sa.Column("parties", postgresql.JSONB(astext_type=sa.Text()), nullable=False),
        sa.Column("terms", sa.Text(), nullable=False),
        sa.Column("start_date", sa.Date(), nullable=True),
        sa.Column("end_date", sa.Date(), nullable=True),
        sa.Column("currency", sa.String(length=3), nullable=False),
        sa.Column("lines", postgresql.JSONB(astext_type=sa.Text()), nullable=False),
        sa.Column("total", sa.Numeric(precision=18, scale=2), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("signed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("notes", sa.Text(), nullable=True),
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
        sa.ForeignKeyConstraint(
            ["customer_id"],
            ["customers.id"],
            name=op.f("fk_contracts_customer_id_customers"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["deal_id"], ["deals.id"], name=op.f("fk_contracts_deal_id_deals"), ondelete="SET NULL"
        ),
        sa.ForeignKeyConstraint(
            ["department_id"],
            ["departments.id"],
            name=op.f("fk_contracts_department_id_departments"),
        ),
        sa.ForeignKeyConstraint(
            ["owner_id"], ["users.id"], name=op.f("fk_contracts_owner_id_users")
        ),
        sa.ForeignKeyConstraint(
            ["renewed_from_id"],
            ["contracts.id"],
            name=op.f("fk_contracts_renewed_from_id_contracts"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["template_id"],
            ["contract_templates.id"],
            name=op.f("fk_contracts_template_id_contract_templates"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_contracts")),
        sa.UniqueConstraint("number", name=op.f("uq_contracts_number")),
        sa.UniqueConstraint("renewed_from_id", name=op.f("uq_contracts_renewed_from_id")),
    )
    op.create_index("ix_contracts_customer", "contracts", ["customer_id"], unique=False)
    op.create_index(
        "ix_contracts_deal",
        "contracts",
        ["deal_id"],
        unique=True,
        postgresql_where="deal_id IS NOT NULL",
    )
    op.create_index(
        op.f("ix_contracts_department_id"), "contracts", ["department_id"], unique=False
    )
    op.create_index(op.f("ix_contracts_owner_id"), "contracts", ["owner_id"], unique=False)
    op.create_index("ix_contracts_status_end", "contracts", ["status", "end_date"], unique=False)
    op.create_index(
        "ix_contracts_updated",
        "contracts",
        ["updated_at", "id"],
        unique=False,
        postgresql_where="deleted_at IS NULL",
    )
    op.create_table(
        "orders",
        sa.Column("number", sa.String(length=30), nullable=False),
        sa.Column("customer_id", sa.UUID(), nullable=False),
        sa.Column("contract_id", sa.UUID(), nullable=True),
        sa.Column("currency", sa.String(length=3), nullable=False),
        sa.Column("fx_rate", sa.Numeric(precision=18, scale=8), nullable=False),
        sa.Column("lines", postgresql.JSONB(astext_type=sa.Text()), nullable=False),
        sa.Column("total", sa.Numeric(precision=18, scale=2), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("paid_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("shipped_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("completed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("cancelled_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("notes", sa.Text(), nullable=True),
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
        sa.ForeignKeyConstraint(
            ["contract_id"],
            ["contracts.id"],
            name=op.f("fk_orders_contract_id_contracts"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["customer_id"],
            ["customers.id"],
            name=op.f("fk_orders_customer_id_customers"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["department_id"], ["departments.id"], name=op.f("fk_orders_department_id_departments")
        ),
        sa.ForeignKeyConstraint(["owner_id"], ["users.id"], name=op.f("fk_orders_owner_id_users")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_orders")),
        sa.UniqueConstraint("number", name=op.f("uq_orders_number")),
    )
    op.create_index("ix_orders_contract", "orders", ["contract_id"], unique=False)
    op.create_index("ix_orders_customer_paid", "orders", ["customer_id", "paid_at"], unique=False)
    op.create_index(op.f("ix_orders_department_id"), "orders", ["department_id"], unique=False)
    op.create_index(op.f("ix_orders_owner_id"), "orders", ["owner_id"], unique=False)
    op.create_index(
        "ix_orders_updated",
        "orders",
        ["updated_at", "id"],
        unique=False,
        postgresql_where="deleted_at IS NULL",
    )
    op.create_table(
        "order_instalments",
        sa.Column("order_id", sa.UUID(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("due_date", sa.Date(), nullable=False),
        sa.Column("amount", sa.Numeric(precision=18, scale=2), nullable=False),
        sa.Column(
            "paid_amount", sa.Numeric(precision=18, scale=2), server_default="0", nullable=False
        ),
        sa.Column("id", sa.UUID(), nullable=False),
        sa.ForeignKeyConstraint(
            ["order_id"],
            ["orders.id"],
            name=op.f("fk_order_instalments_order_id_orders"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_order_instalments")),
    )
    op.create_index(
        "ix_order_instalments_due",
        "order_instalments",
        ["due_date"],
        unique=False,
        postgresql_where="paid_amount < amount",
    )
    op.create_index(
        "ix_order_instalments_order", "order_instalments", ["order_id", "position"], unique=False
    )
    op.create_table(
        "order_portal_links",
        sa.Column("order_id", sa.UUID(), nullable=False),
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("revoked_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("created_by", sa.UUID(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("last_used_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("id", sa.UUID(), nullable=False),
        sa.ForeignKeyConstraint(
            ["created_by"],
            ["users.id"],
            name=op.f("fk_order_portal_links_created_by_users"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["order_id"],
            ["orders.id"],
            name=op.f("fk_order_portal_links_order_id_orders"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_order_portal_links")),
        sa.UniqueConstraint("token_hash", name=op.f("uq_order_portal_links_token_hash")),
    )
    op.create_index(
        op.f("ix_order_portal_links_order_id"), "order_portal_links", ["order_id"], unique=False
    )
    op.create_table(
        "order_payments",
        sa.Column("order_id", sa.UUID(), nullable=False),
        sa.Column("instalment_id", sa.UUID(), nullable=False),
        sa.Column("amount", sa.Numeric(precision=18, scale=2), nullable=False),
        sa.Column("received_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("method", sa.String(length=50), nullable=True),
        sa.Column("reference", sa.String(length=200), nullable=True),
        sa.Column("recorded_by", sa.UUID(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("id", sa.UUID(), nullable=False),
        sa.ForeignKeyConstraint(
            ["instalment_id"],
            ["order_instalments.id"],
            name=op.f("fk_order_payments_instalment_id_order_instalments"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["order_id"],
            ["orders.id"],
            name=op.f("fk_order_payments_order_id_orders"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["recorded_by"],
            ["users.id"],
            name=op.f("fk_order_payments_recorded_by_users"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_order_payments")),
    )
    op.create_index(
        op.f("ix_order_payments_instalment_id"), "order_payments", ["instalment_id"], unique=False
    )
    op.create_index(
        "ix_order_payments_order", "order_payments", ["order_id", "received_at"], unique=False
    )
    op.add_column(
        "customers", sa.Column("orders_count", sa.Integer(), server_default="0", nullable=False)
    )
    op.add_column(
        "customers",
        sa.Column("revenue", sa.Numeric(precision=18, scale=2), server_default="0", nullable=False),
    )
    op.add_column(
        "customers", sa.Column("first_purchase_at", sa.DateTime(timezone=True), nullable=True)
    )
    op.add_column(
        "customers", sa.Column("last_purchase_at", sa.DateTime(timezone=True), nullable=True)
    )


def downgrade() -> None:
    op.drop_column("customers", "last_purchase_at")
    op.drop_column("customers", "first_purchase_at")
    op.drop_column("customers", "revenue")
    op.drop_column("customers", "orders_count")
    op.drop_index("ix_order_payments_order", table_name="order_payments")
    op.drop_index(op.f("ix_order_payments_instalment_id"), table_name="order_payments")
    op.drop_table("order_payments")
    op.drop_index(op.f("ix_order_portal_links_order_id"), table_name="order_portal_links")
    op.drop_table("order_portal_links")
    op.drop_index("ix_order_instalments_order", table_name="order_instalments")
    op.drop_index(
        "ix_order_instalments_due",
        table_name="order_instalments",
        postgresql_where="paid_amount < amount",
    )
    op.drop_table("order_instalments")
    op.drop_index("ix_orders_updated", table_name="orders", postgresql_where="deleted_at IS NULL")
    op.drop_index(op.f("ix_orders_owner_id"), table_name="orders")
    op.drop_index(op.f("ix_orders_department_id"), table_name="orders")
    op.drop_index("ix_orders_customer_paid", table_name="orders")
    op.drop_index("ix_orders_contract", table_name="orders")
    op.drop_table("orders")
    op.drop_index(
        "ix_contracts_updated", table_name="contracts", postgresql_where="deleted_at IS NULL"
    )
    op.drop_index("ix_contracts_status_end", table_name="contracts")
    op.drop_index(op.f("ix_contracts_owner_id"), table_name="contracts")
    op.drop_index(op.f("ix_contracts_department_id"), table_name="contracts")
    op.drop_index(
        "ix_contracts_deal", table_name="contracts", postgresql_where="deal_id IS NOT NULL"
    )
    op.drop_index("ix_contracts_customer", table_name="contracts")
    op.drop_table("contracts")
    op.drop_table("document_counters")
    op.drop_table("contract_templates")
