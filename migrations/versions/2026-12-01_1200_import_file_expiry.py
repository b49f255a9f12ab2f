"""import file expiry: when the retention sweep deleted an import's file and row details

Revision ID: d41c7a9e2f60
Revises: 9a4d2c7e1b85
Create Date: 2026-12-01 12:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "d41c7a9e2f60"
down_revision: str | None = "9a4d2c7e1b85"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column("imports", sa.Column("files_expired_at", sa.DateTime(timezone=True)))


def downgrade() -> None:
    op.drop_column("imports", "files_expired_at")
