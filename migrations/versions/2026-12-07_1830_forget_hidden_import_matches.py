"""import rows keep no id of a hidden duplicate

A previewed row that repeats a record outside the importer's data scope stored that record's
id in ``import_rows.match_id``, and the rows list showed it: a hidden match must say only that
a hidden duplicate exists. The preview no longer stores the id (the commit matches the row
again); this forgets the ids stored before.

Revision ID: 4b7e1d9a2c60
Revises: 8d2f6a41c9b3
Create Date: 2026-12-07 18:30:00
"""

from collections.abc import Sequence

from alembic import op

revision: str = "4b7e1d9a2c60"
down_revision: str | None = "8d2f6a41c9b3"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.execute("UPDATE import_rows SET match_id = NULL WHERE match_hidden")


def downgrade() -> None:
    # The forgotten ids are not restored: they were never the importer's to see.
    pass
