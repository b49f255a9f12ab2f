"""pipeline stages: skippable

A stage's gate guards every later stage: a deal moved forward past a gated stage must meet that
stage's requirements too. An administrator may mark a stage skippable, so that a deal may jump
over it without meeting its gate (leaving it from within still needs it). Existing stages are
not skippable.

Revision ID: 5b1e9c3d7a20
Revises: 4b7e1d9a2c60
Create Date: 2026-12-07 18:30:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "5b1e9c3d7a20"
down_revision: str | None = "4b7e1d9a2c60"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column(
        "pipeline_stages",
        sa.Column("skippable", sa.Boolean(), server_default=sa.text("false"), nullable=False),
    )


def downgrade() -> None:
    op.drop_column("pipeline_stages", "skippable")
