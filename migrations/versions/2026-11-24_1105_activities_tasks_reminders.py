"""activities, tasks, notifications, holidays, reminder rules; contacts.birthday

The customer 360 view: activities (scoped through their customer), follow-up tasks (scoped by
assignee, creator and related customer), in-app notifications with a unique dedupe key (each
reminder fires once), admin-managed holidays and date reminder rules, a birthday on contacts,
and two outbox indexes for the customer timeline (events whose object is the customer, and
events whose payload names it).

Revision ID: 7edcf7fb86f2
Revises: 7d1e5a2c9b40
Create Date: 2026-11-24 11:05:54.440019
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "7edcf7fb86f2"
down_revision: str | None = "7d1e5a2c9b40"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "holidays",
        sa.Column("date", sa.Date(), nullable=False),
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("remind_days_before", sa.Integer(), nullable=False),
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
        sa.PrimaryKeyConstraint("id", name=op.f("pk_holidays")),
        sa.UniqueConstraint("date", "name", name="uq_holidays_date_name"),
    )
    op.create_index(op.f("ix_holidays_date"), "holidays", ["date"], unique=False)
    op.create_table(
        "reminder_rules",
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("object_type", sa.String(length=20), nullable=False),
        sa.Column("field", sa.String(length=64), nullable=False),
        sa.Column("days_before", sa.Integer(), nullable=False),
        sa.Column("yearly", sa.Boolean(), nullable=False),
        sa.Column("is_active", sa.Boolean(), nullable=False),
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
        sa.PrimaryKeyConstraint("id", name=op.f("pk_reminder_rules")),
    )
    op.create_table(
        "notifications",
        sa.Column("user_id", sa.UUID(), nullable=False),
        sa.Column("kind", sa.String(length=50), nullable=False),
        sa.Column("title", sa.String(length=300), nullable=False),
        sa.Column("body", sa.Text(), nullable=True),
        sa.Column("link", sa.String(length=500), nullable=True),
        sa.Column("object_type", sa.String(length=50), nullable=True),
        sa.Column("object_id", sa.UUID(), nullable=True),
        sa.Column("data", postgresql.JSONB(astext_type=sa.Text()), nullable=False),
        sa.Column("dedupe_key", sa.String(length=300), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("read_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("email_status", sa.String(length=10), nullable=True),
        sa.Column("emailed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("id", sa.UUID(), nullable=False),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["users.id"],
            name=op.f("fk_notifications_user_id_users"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_notifications")),
        sa.UniqueConstraint("dedupe_key", name=op.f("uq_notifications_dedupe_key")),
    )
    op.create_index(
        "ix_notifications_email_pending",
        "notifications",
        ["id"],
        unique=False,
        postgresql_where="email_status = 'pending'",
    )
    op.create_index(
        "ix_notifications_user_created",
        "notifications",
        ["user_id", "created_at", "id"],
        unique=False,
    )
    op.create_index(
        "ix_notifications_user_unread",
        "notifications",
        ["user_id"],
        unique=False,
        postgresql_where="read_at IS NULL",
    )
    op.create_table(
        "tasks",
        sa.Column("title", sa.String(length=300), nullable=False),
        sa.Column("description", sa.Text(), nullable=True),
        sa.Column("due_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("assignee_id", sa.UUID(), nullable=False),
        sa.Column("department_id", sa.UUID(), nullable=True),
        sa.Column("created_by", sa.UUID(), nullable=True),
        sa.Column("related_type", sa.String(length=50), nullable=True),
        sa.Column("related_id", sa.UUID(), nullable=True),
        sa.Column("priority", sa.String(length=10), nullable=False),
        sa.Column("status", sa.String(length=10), nullable=False),
        sa.Column("recurrence", sa.String(length=500), nullable=True),
        sa.Column("series_start", sa.DateTime(timezone=True), nullable=True),
        sa.Column("previous_id", sa.UUID(), nullable=True),
        sa.Column("completed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("completed_by", sa.UUID(), nullable=True),
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
        sa.ForeignKeyConstraint(
            ["assignee_id"], ["users.id"], name=op.f("fk_tasks_assignee_id_users")
        ),
        sa.ForeignKeyConstraint(
            ["completed_by"], ["users.id"], name=op.f("fk_tasks_completed_by_users")
        ),
        sa.ForeignKeyConstraint(
            ["created_by"], ["users.id"], name=op.f("fk_tasks_created_by_users")
        ),
        sa.ForeignKeyConstraint(
            ["department_id"], ["departments.id"], name=op.f("fk_tasks_department_id_departments")
        ),
        sa.ForeignKeyConstraint(
            ["previous_id"],
            ["tasks.id"],
            name=op.f("fk_tasks_previous_id_tasks"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_tasks")),
    )
    op.create_index(
        "ix_tasks_assignee_due",
        "tasks",
        ["assignee_id", "due_at", "id"],
        unique=False,
        postgresql_where="deleted_at IS NULL AND status = 'open'",
    )
    op.create_index(
        "ix_tasks_created",
        "tasks",
        ["created_at", "id"],
        unique=False,
        postgresql_where="deleted_at IS NULL",
    )
    op.create_index(op.f("ix_tasks_created_by"), "tasks", ["created_by"], unique=False)
    op.create_index(op.f("ix_tasks_department_id"), "tasks", ["department_id"], unique=False)
    op.create_index(
        "ix_tasks_open_due",
        "tasks",
        ["due_at"],
        unique=False,
        postgresql_where="deleted_at IS NULL AND status = 'open'",
    )
    op.create_index("ix_tasks_related", "tasks", ["related_type", "related_id"], unique=False)
    op.create_table(
        "activities",
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("customer_id", sa.UUID(), nullable=False),
        sa.Column("contact_id", sa.UUID(), nullable=True),
        sa.Column("occurred_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("subject", sa.String(length=300), nullable=False),
        sa.Column("body", sa.Text(), nullable=True),
        sa.Column("outcome", sa.String(length=500), nullable=True),
        sa.Column("duration_minutes", sa.Integer(), nullable=True),
        sa.Column("location_address", sa.String(length=500), nullable=True),
        sa.Column("location_lat", sa.Double(), nullable=True),
        sa.Column("location_lng", sa.Double(), nullable=True),
        sa.Column(
            "participant_user_ids", postgresql.ARRAY(sa.UUID()), server_default="{}", nullable=False
        ),
        sa.Column(
            "participant_contact_ids",
            postgresql.ARRAY(sa.UUID()),
            server_default="{}",
            nullable=False,
        ),
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
            ["contact_id"],
            ["contacts.id"],
            name=op.f("fk_activities_contact_id_contacts"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["customer_id"],
            ["customers.id"],
            name=op.f("fk_activities_customer_id_customers"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["department_id"],
            ["departments.id"],
            name=op.f("fk_activities_department_id_departments"),
        ),
        sa.ForeignKeyConstraint(
            ["owner_id"], ["users.id"], name=op.f("fk_activities_owner_id_users")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_activities")),
    )
    op.create_index(op.f("ix_activities_contact_id"), "activities", ["contact_id"], unique=False)
    op.create_index(
        "ix_activities_customer_occurred",
        "activities",
        ["customer_id", "occurred_at", "id"],
        unique=False,
        postgresql_where="deleted_at IS NULL",
    )
    op.create_index(
        op.f("ix_activities_department_id"), "activities", ["department_id"], unique=False
    )
    op.create_index(
        "ix_activities_occurred",
        "activities",
        ["occurred_at", "id"],
        unique=False,
        postgresql_where="deleted_at IS NULL",
    )
    op.create_index(op.f("ix_activities_owner_id"), "activities", ["owner_id"], unique=False)
    op.create_index(
        "ix_activities_subject_trgm",
        "activities",
        ["subject"],
        unique=False,
        postgresql_using="gin",
        postgresql_ops={"subject": "gin_trgm_ops"},
    )
    op.add_column("contacts", sa.Column("birthday", sa.Date(), nullable=True))
    op.create_index(
        "ix_outbox_events_customer_id",
        "outbox_events",
        [sa.literal_column("(payload ->> 'customer_id')")],
        unique=False,
    )
    op.create_index(
        "ix_outbox_events_object", "outbox_events", ["object_type", "object_id"], unique=False
    )


def downgrade() -> None:
    op.drop_index("ix_outbox_events_object", table_name="outbox_events")
    op.drop_index("ix_outbox_events_customer_id", table_name="outbox_events")
    op.drop_column("contacts", "birthday")
    # Each table's indexes and constraints go with it.
    op.drop_table("activities")
    op.drop_table("tasks")
    op.drop_table("notifications")
    op.drop_table("reminder_rules")
    op.drop_table("holidays")
