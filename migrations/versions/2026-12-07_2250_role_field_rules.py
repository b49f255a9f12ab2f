"""role_field_rules: field-level permissions and masking per role

One row per role, object type and field (``cf.<key>`` for a custom field): hidden, read_only or
editable, and whether the value is masked. No row means editable and shown in full, so existing
roles keep today's behaviour. The new ``<resource>:reveal`` permissions need no data change:
built-in roles are re-synced from the catalogue at start (only the administrator holds them).

Revision ID: 9f4a2c6e1d70
Revises: 7d4a1c9e2b60
Create Date: 2026-12-07 22:40:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "9f4a2c6e1d70"
down_revision: str | None = "7d4a1c9e2b60"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "role_field_rules",
        sa.Column(
            "role_id",
            postgresql.UUID(as_uuid=True),
            sa.ForeignKey("roles.id", ondelete="CASCADE"),
            primary_key=True,
        ),
        sa.Column("object_type", sa.String(50), primary_key=True),
        sa.Column("field", sa.String(100), primary_key=True),
        sa.Column("access", sa.String(20), nullable=False),
        sa.Column("masked", sa.Boolean(), nullable=False),
        sa.CheckConstraint(
            "access IN ('hidden', 'read_only', 'editable')", name="ck_role_field_rules_access"
        ),
    )


def downgrade() -> None:
    op.drop_table("role_field_rules")
