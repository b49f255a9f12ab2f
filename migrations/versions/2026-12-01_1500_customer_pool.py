"""customer pool

Customer levels and the pool bookkeeping columns on customers (last follow-up, when the owner
got it, the follow-up clock PostgreSQL derives from both, last return to the pool and the
owner before it), the pool policies per level and the ownership caps. Existing customers are
backfilled: the last follow-up from their live activities, the assignment time from their
latest owner change (else their creation), so the first sweep counts from real dates.

Revision ID: e3b7f41c9a62
Revises: c71e5a93d2f4
Create Date: 2026-12-01 12:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "e3b7f41c9a62"
down_revision: str | None = "c71e5a93d2f4"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_OWNED_LIVE = "owner_id IS NOT NULL AND deleted_at IS NULL"


def upgrade() -> None:
    op.create_table(
        "customer_pool_policies",
        sa.Column("level", sa.String(length=20), nullable=True),
        sa.Column("days_without_follow_up", sa.Integer(), nullable=True),
        sa.Column("days_without_deal", sa.Integer(), nullable=True),
        sa.Column("warn_days_before", sa.Integer(), server_default="0", nullable=False),
        sa.Column("enabled", sa.Boolean(), server_default="true", nullable=False),
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
        sa.PrimaryKeyConstraint("id", name=op.f("pk_customer_pool_policies")),
        sa.UniqueConstraint(
            "level",
            name=op.f("uq_customer_pool_policies_level"),
            postgresql_nulls_not_distinct=True,
        ),
    )
    op.create_table(
        "customer_ownership_caps",
        sa.Column("role_id", sa.UUID(), nullable=True),
        sa.Column("max_customers", sa.Integer(), nullable=False),
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
        sa.ForeignKeyConstraint(
            ["role_id"],
            ["roles.id"],
            name=op.f("fk_customer_ownership_caps_role_id_roles"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_customer_ownership_caps")),
        sa.UniqueConstraint(
            "role_id",
            name=op.f("uq_customer_ownership_caps_role_id"),
            postgresql_nulls_not_distinct=True,
        ),
    )
    op.add_column("customers", sa.Column("level", sa.String(length=20), nullable=True))
    op.add_column(
        "customers", sa.Column("last_follow_up_at", sa.DateTime(timezone=True), nullable=True)
    )
    op.add_column(
        "customers", sa.Column("owner_assigned_at", sa.DateTime(timezone=True), nullable=True)
    )
    op.add_column(
        "customers", sa.Column("returned_to_pool_at", sa.DateTime(timezone=True), nullable=True)
    )
    op.add_column("customers", sa.Column("previous_owner_id", sa.UUID(), nullable=True))
    op.create_foreign_key(
        op.f("fk_customers_previous_owner_id_users"),
        "customers",
        "users",
        ["previous_owner_id"],
        ["id"],
    )
    # Backfill before the generated column is added: adding it rewrites the table once,
    # computing the clock from these values.
    op.execute(
        """
        UPDATE customers AS c SET last_follow_up_at = a.latest
        FROM (
            SELECT customer_id, max(occurred_at) AS latest FROM activities
            WHERE deleted_at IS NULL GROUP BY customer_id
        ) AS a
        WHERE a.customer_id = c.id
        """
    )
    op.execute("UPDATE customers SET owner_assigned_at = created_at WHERE owner_id IS NOT NULL")
    op.execute(
        """
        UPDATE customers AS c SET owner_assigned_at = e.latest
        FROM (
            SELECT object_id, max(created_at) AS latest FROM outbox_events
            WHERE object_type = 'customer' AND event_type = 'customer.owner_changed'
            GROUP BY object_id
        ) AS e
        WHERE e.object_id = c.id AND c.owner_id IS NOT NULL AND e.latest > c.owner_assigned_at
        """
    )
    op.alter_column("customers", "owner_assigned_at", server_default=sa.text("now()"))
    op.add_column(
        "customers",
        sa.Column(
            "follow_up_clock_at",
            sa.DateTime(timezone=True),
            sa.Computed("GREATEST(last_follow_up_at, owner_assigned_at)", persisted=True),
            nullable=True,
        ),
    )
    op.create_index(op.f("ix_customers_level"), "customers", ["level"], unique=False)
    op.create_index(
        "ix_customers_pool_assigned",
        "customers",
        ["level", "owner_assigned_at"],
        unique=False,
        postgresql_where=_OWNED_LIVE,
    )
    op.create_index(
        "ix_customers_pool_follow_up",
        "customers",
        ["level", "follow_up_clock_at"],
        unique=False,
        postgresql_where=_OWNED_LIVE,
    )
    op.create_index(
        "ix_customers_pool_updated",
        "customers",
        ["updated_at", "id"],
        unique=False,
        postgresql_where="owner_id IS NULL AND deleted_at IS NULL",
    )


def downgrade() -> None:
    op.drop_index("ix_customers_pool_updated", table_name="customers")
    op.drop_index("ix_customers_pool_follow_up", table_name="customers")
    op.drop_index("ix_customers_pool_assigned", table_name="customers")
    op.drop_index(op.f("ix_customers_level"), table_name="customers")
    op.drop_column("customers", "follow_up_clock_at")
    op.drop_constraint(
        op.f("fk_customers_previous_owner_id_users"), "customers", type_="foreignkey"
    )
    op.drop_column("customers", "previous_owner_id")
    op.drop_column("customers", "returned_to_pool_at")
    op.drop_column("customers", "owner_assigned_at")
    op.drop_column("customers", "last_follow_up_at")
    op.drop_column("customers", "level")
    op.drop_table("customer_ownership_caps")
    op.drop_table("customer_pool_policies")
