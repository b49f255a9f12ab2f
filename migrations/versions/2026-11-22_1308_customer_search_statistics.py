"""finer statistics on the customer search columns

A `q=` search is `name ILIKE '%..%' OR email ILIKE '%..%' OR phone_e164 LIKE '%..%'`, sorted by
`updated_at` with a LIMIT. PostgreSQL estimates how many rows such a pattern matches from the
column's histogram; with the default 100 entries one chance hit makes a rare term look 5-10x
more common, and the planner then walks the `updated_at` index filtering row by row (hundreds
of ms at a million customers) instead of asking the trigram index for the few matches (ms).
1000 entries make those estimates an order of magnitude finer; ANALYZE samples more rows.

Revision ID: bc0b78f0004f
Revises: 45b04ebd5dfe
Create Date: 2026-11-22 13:08:00
"""

from collections.abc import Sequence

from alembic import op

revision: str = "bc0b78f0004f"
down_revision: str | None = "45b04ebd5dfe"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

SEARCH_COLUMNS = ("name", "email", "phone_e164")
STATISTICS = 1000


def _set_statistics(target: int) -> None:
    op.execute(
        "ALTER TABLE customers "
        + ", ".join(f"ALTER COLUMN {column} SET STATISTICS {target}" for column in SEARCH_COLUMNS)
    )


def upgrade() -> None:
    _set_statistics(STATISTICS)
    op.execute("ANALYZE customers")


def downgrade() -> None:
    _set_statistics(-1)  # back to default_statistics_target
