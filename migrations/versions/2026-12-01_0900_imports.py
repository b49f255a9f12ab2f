"""imports

The `imports` table (an uploaded file, its mapping, preview summary and commit result) and
`import_rows` (the rows a preview flagged: errors, warnings, duplicates, with their cells).

Revision ID: 5c2e8a1f7b63
Revises: 7c1f0d2e9a41
Create Date: 2026-12-01 00:51:36.935225
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "5c2e8a1f7b63"
down_revision: str | None = "7c1f0d2e9a41"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "imports",
        sa.Column("object_type", sa.String(length=50), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("filename", sa.String(length=255), nullable=False),
        sa.Column("file_key", sa.String(length=300), nullable=False),
        sa.Column("size", sa.BigInteger(), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("format", sa.String(length=10), nullable=False),
        sa.Column("encoding", sa.String(length=20), nullable=True),
        sa.Column("header_row", sa.Integer(), nullable=False),
        sa.Column("headers", postgresql.JSONB(astext_type=sa.Text()), nullable=False),
        sa.Column("sample", postgresql.JSONB(astext_type=sa.Text()), nullable=False),
        sa.Column("mapping", postgresql.JSONB(astext_type=sa.Text()), nullable=True),
        sa.Column("options", postgresql.JSONB(astext_type=sa.Text()), nullable=False),
        sa.Column("total_rows", sa.Integer(), nullable=True),
        sa.Column("summary", postgresql.JSONB(astext_type=sa.Text()), nullable=True),
        sa.Column("result", postgresql.JSONB(astext_type=sa.Text()), nullable=True),
        sa.Column("error", sa.Text(), nullable=True),
        sa.Column("preview_job_id", sa.UUID(), nullable=True),
        sa.Column("commit_job_id", sa.UUID(), nullable=True),
        sa.Column("created_by", sa.UUID(), nullable=False),
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
            ["commit_job_id"],
            ["jobs.id"],
            name=op.f("fk_imports_commit_job_id_jobs"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["created_by"], ["users.id"], name=op.f("fk_imports_created_by_users")
        ),
        sa.ForeignKeyConstraint(
            ["preview_job_id"],
            ["jobs.id"],
            name=op.f("fk_imports_preview_job_id_jobs"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_imports")),
    )
    op.create_index(op.f("ix_imports_created_by"), "imports", ["created_by"], unique=False)
    op.create_index(op.f("ix_imports_sha256"), "imports", ["sha256"], unique=False)
    op.create_table(
        "import_rows",
        sa.Column("import_id", sa.UUID(), nullable=False),
        sa.Column("row", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(length=10), nullable=False),
        sa.Column("errors", sa.Text(), nullable=True),
        sa.Column("warnings", sa.Text(), nullable=True),
        sa.Column("duplicate_of_row", sa.Integer(), nullable=True),
        sa.Column("match_id", sa.UUID(), nullable=True),
        sa.Column("match_reason", sa.String(length=20), nullable=True),
        sa.Column("match_hidden", sa.Boolean(), nullable=True),
        sa.Column("cells", postgresql.JSONB(astext_type=sa.Text()), nullable=False),
        sa.Column("outcome", sa.String(length=10), nullable=True),
        sa.Column("record_id", sa.UUID(), nullable=True),
        sa.ForeignKeyConstraint(
            ["import_id"],
            ["imports.id"],
            name=op.f("fk_import_rows_import_id_imports"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("import_id", "row", name=op.f("pk_import_rows")),
    )
    op.create_index(
        "ix_import_rows_status", "import_rows", ["import_id", "status", "row"], unique=False
    )


def downgrade() -> None:
    op.drop_index("ix_import_rows_status", table_name="import_rows")
    op.drop_table("import_rows")
    op.drop_index(op.f("ix_imports_sha256"), table_name="imports")
    op.drop_index(op.f("ix_imports_created_by"), table_name="imports")
    op.drop_table("imports")
