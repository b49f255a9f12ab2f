"""catalog, approvals and quotes

Products, price books (per currency and customer group, with effective dates) and their
entries; generic approval requests and per-policy settings; quotes (revisions under one
number, from the quote_number_seq sequence) with their lines; and the customers'
customer_group column, which selects price books.

Revision ID: c4e81f07a3d2
Revises: e3b7f41c9a62
Create Date: 2026-12-01 12:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "c4e81f07a3d2"
down_revision: str | None = "e3b7f41c9a62"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.execute(sa.schema.CreateSequence(sa.Sequence("quote_number_seq")))
    op.create_table(
        "approval_policy_settings",
        sa.Column("policy_key", sa.String(length=64), nullable=False),
        sa.Column("approver_role", sa.String(length=64), nullable=True),
        sa.Column(
            "params", postgresql.JSONB(astext_type=sa.Text()), server_default="{}", nullable=False
        ),
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
        sa.PrimaryKeyConstraint("policy_key", name=op.f("pk_approval_policy_settings")),
    )
    op.create_table(
        "price_books",
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("currency", sa.String(length=3), nullable=False),
        sa.Column("customer_group", sa.String(length=50), nullable=True),
        sa.Column("effective_from", sa.Date(), nullable=False),
        sa.Column("effective_to", sa.Date(), nullable=True),
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
        sa.PrimaryKeyConstraint("id", name=op.f("pk_price_books")),
    )
    op.create_index(
        "ix_price_books_lookup",
        "price_books",
        ["currency", "customer_group", "active"],
        unique=False,
    )
    op.create_table(
        "products",
        sa.Column("sku", sa.String(length=64), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("product_line", sa.String(length=100), nullable=True),
        sa.Column("unit", sa.String(length=20), server_default="pcs", nullable=False),
        sa.Column("active", sa.Boolean(), server_default="true", nullable=False),
        sa.Column("description", sa.Text(), nullable=True),
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
        sa.PrimaryKeyConstraint("id", name=op.f("pk_products")),
        sa.UniqueConstraint("sku", name=op.f("uq_products_sku")),
    )
    op.create_index("ix_products_name", "products", ["name", "id"], unique=False)
    op.create_index(op.f("ix_products_product_line"), "products", ["product_line"], unique=False)
    op.create_table(
        "price_book_entries",
        sa.Column("price_book_id", sa.UUID(), nullable=False),
        sa.Column("product_id", sa.UUID(), nullable=False),
        sa.Column("unit_price", sa.Numeric(precision=18, scale=4), nullable=False),
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
        sa.ForeignKeyConstraint(
            ["price_book_id"],
            ["price_books.id"],
            name=op.f("fk_price_book_entries_price_book_id_price_books"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["product_id"],
            ["products.id"],
            name=op.f("fk_price_book_entries_product_id_products"),
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_price_book_entries")),
        sa.UniqueConstraint(
            "price_book_id", "product_id", name="uq_price_book_entries_book_product"
        ),
    )
    op.create_index(
        op.f("ix_price_book_entries_product_id"), "price_book_entries", ["product_id"], unique=False
    )
    op.create_table(
        "approval_requests",
        sa.Column("object_type", sa.String(length=50), nullable=False),
        sa.Column("object_id", sa.UUID(), nullable=False),
        sa.Column("policy_key", sa.String(length=64), nullable=False),
        sa.Column("summary", sa.String(length=300), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column(
            "data", postgresql.JSONB(astext_type=sa.Text()), server_default="{}", nullable=False
        ),
        sa.Column("link", sa.String(length=500), nullable=True),
        sa.Column("requested_by", sa.UUID(), nullable=False),
        sa.Column("approver_user_id", sa.UUID(), nullable=True),
        sa.Column("approver_role", sa.String(length=64), nullable=True),
        sa.Column("status", sa.String(length=10), server_default="pending", nullable=False),
        sa.Column("comment", sa.Text(), nullable=True),
        sa.Column("decided_by", sa.UUID(), nullable=True),
        sa.Column("decided_at", sa.DateTime(timezone=True), nullable=True),
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
        sa.ForeignKeyConstraint(
            ["approver_user_id"],
            ["users.id"],
            name=op.f("fk_approval_requests_approver_user_id_users"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["decided_by"],
            ["users.id"],
            name=op.f("fk_approval_requests_decided_by_users"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["requested_by"],
            ["users.id"],
            name=op.f("fk_approval_requests_requested_by_users"),
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_approval_requests")),
    )
    op.create_index(
        "ix_approval_requests_approver",
        "approval_requests",
        ["approver_user_id", "status", "created_at"],
        unique=False,
    )
    op.create_index(
        "ix_approval_requests_object",
        "approval_requests",
        ["object_type", "object_id", "created_at"],
        unique=False,
    )
    op.create_index(
        "ix_approval_requests_requester",
        "approval_requests",
        ["requested_by", "status", "created_at"],
        unique=False,
    )
    op.create_index(
        "ix_approval_requests_role",
        "approval_requests",
        ["approver_role", "status", "created_at"],
        unique=False,
    )
    op.create_index(
        "uq_approval_requests_pending_object",
        "approval_requests",
        ["object_type", "object_id"],
        unique=True,
        postgresql_where="status = 'pending'",
    )
    op.create_table(
        "quotes",
        sa.Column("deal_id", sa.UUID(), nullable=False),
        sa.Column("number", sa.String(length=40), nullable=False),
        sa.Column("revision", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(length=20), server_default="draft", nullable=False),
        sa.Column("currency", sa.String(length=3), nullable=False),
        sa.Column("price_book_id", sa.UUID(), nullable=True),
        sa.Column("customer_group", sa.String(length=50), nullable=True),
        sa.Column("valid_until", sa.Date(), nullable=True),
        sa.Column("discount_percent", sa.Numeric(precision=5, scale=2), nullable=False),
        sa.Column("tax_rate_percent", sa.Numeric(precision=5, scale=2), nullable=False),
        sa.Column("list_total", sa.Numeric(precision=18, scale=2), nullable=False),
        sa.Column("subtotal", sa.Numeric(precision=18, scale=2), nullable=False),
        sa.Column("discount_amount", sa.Numeric(precision=18, scale=2), nullable=False),
        sa.Column("tax_amount", sa.Numeric(precision=18, scale=2), nullable=False),
        sa.Column("total", sa.Numeric(precision=18, scale=2), nullable=False),
        sa.Column("effective_discount_percent", sa.Numeric(precision=9, scale=4), nullable=False),
        sa.Column("notes", sa.Text(), nullable=True),
        sa.Column("decision_comment", sa.Text(), nullable=True),
        sa.Column("created_by", sa.UUID(), nullable=True),
        sa.Column("sent_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("accepted_at", sa.DateTime(timezone=True), nullable=True),
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
        sa.ForeignKeyConstraint(
            ["created_by"],
            ["users.id"],
            name=op.f("fk_quotes_created_by_users"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["deal_id"], ["deals.id"], name=op.f("fk_quotes_deal_id_deals"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["price_book_id"],
            ["price_books.id"],
            name=op.f("fk_quotes_price_book_id_price_books"),
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_quotes")),
        sa.UniqueConstraint("number", "revision", name="uq_quotes_number_revision"),
    )
    op.create_index("ix_quotes_deal", "quotes", ["deal_id", "created_at"], unique=False)
    op.create_index(
        "uq_quotes_deal_accepted",
        "quotes",
        ["deal_id"],
        unique=True,
        postgresql_where="status = 'accepted'",
    )
    op.create_table(
        "quote_lines",
        sa.Column("quote_id", sa.UUID(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("product_id", sa.UUID(), nullable=False),
        sa.Column("description", sa.String(length=500), nullable=False),
        sa.Column("quantity", sa.Numeric(precision=14, scale=3), nullable=False),
        sa.Column("unit", sa.String(length=20), nullable=False),
        sa.Column("list_unit_price", sa.Numeric(precision=18, scale=4), nullable=False),
        sa.Column("unit_price", sa.Numeric(precision=18, scale=4), nullable=False),
        sa.Column("discount_percent", sa.Numeric(precision=5, scale=2), nullable=False),
        sa.Column("line_total", sa.Numeric(precision=18, scale=2), nullable=False),
        sa.Column("id", sa.UUID(), nullable=False),
        sa.ForeignKeyConstraint(
            ["product_id"],
            ["products.id"],
            name=op.f("fk_quote_lines_product_id_products"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["quote_id"],
            ["quotes.id"],
            name=op.f("fk_quote_lines_quote_id_quotes"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_quote_lines")),
    )
    op.create_index("ix_quote_lines_quote", "quote_lines", ["quote_id", "position"], unique=False)
    op.add_column("customers", sa.Column("customer_group", sa.String(length=50), nullable=True))


def downgrade() -> None:
    op.drop_column("customers", "customer_group")
    op.drop_index("ix_quote_lines_quote", table_name="quote_lines")
    op.drop_table("quote_lines")
    op.drop_index(
        "uq_quotes_deal_accepted", table_name="quotes", postgresql_where="status = 'accepted'"
    )
    op.drop_index("ix_quotes_deal", table_name="quotes")
    op.drop_table("quotes")
    op.drop_index(
        "uq_approval_requests_pending_object",
        table_name="approval_requests",
        postgresql_where="status = 'pending'",
    )
    op.drop_index("ix_approval_requests_role", table_name="approval_requests")
    op.drop_index("ix_approval_requests_requester", table_name="approval_requests")
    op.drop_index("ix_approval_requests_object", table_name="approval_requests")
    op.drop_index("ix_approval_requests_approver", table_name="approval_requests")
    op.drop_table("approval_requests")
    op.drop_index(op.f("ix_price_book_entries_product_id"), table_name="price_book_entries")
    op.drop_table("price_book_entries")
    op.drop_index(op.f("ix_products_product_line"), table_name="products")
    op.drop_index("ix_products_name", table_name="products")
    op.drop_table("products")
    op.drop_index("ix_price_books_lookup", table_name="price_books")
    op.drop_table("price_books")
    op.drop_table("approval_policy_settings")
    op.execute(sa.schema.DropSequence(sa.Sequence("quote_number_seq")))
