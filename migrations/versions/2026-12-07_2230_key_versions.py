"""key_versions: the version of each derived key the stored rows carry

Existing customers' ``name_normalized`` was computed by version 1 of the company-name key
(region inside the key); the code is at version 2. Recording version 1 here makes the worker
re-key them in the background (customers/dedupe/rekey.py) instead of this migration running
the key function over every customer while the upgrade blocks.

Revision ID: 7c2d4e6f8a10
Revises: 5e1c7d93a8b4
Create Date: 2026-12-07 22:30:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "7c2d4e6f8a10"
down_revision: str | None = "5e1c7d93a8b4"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "key_versions",
        sa.Column("name", sa.String(100), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("resume_after", postgresql.UUID(as_uuid=True), nullable=True),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("name", name="pk_key_versions"),
    )
    op.execute(
        "INSERT INTO key_versions (name, version, updated_at) "
        "VALUES ('customers.name_normalized', 1, now())"
    )


def downgrade() -> None:
    op.drop_table("key_versions")
