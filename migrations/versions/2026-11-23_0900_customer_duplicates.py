"""customer duplicates: normalised names, merge links, the duplicate report

- ``customers.name_normalized``: the name as duplicate detection compares it, backfilled with
  the normaliser of this revision (frozen below: ``crm.core.cleaning`` has moved on since, and
  a migration must give the same result whenever it runs), with a trigram index for similarity
  lookups;
- ``customers.merged_into_id``: the survivor a merged record went into;
- btree indexes on name_normalized / phone_e164 / email of live records for the exact-match
  checks (the trigram indexes on them serve partial search, not equality);
- ``duplicate_groups`` / ``duplicate_members``: the report of the last duplicate scan.

Revision ID: 7d1e5a2c9b40
Revises: bc0b78f0004f
Create Date: 2026-11-23 09:00:00
"""

import re
import unicodedata
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "7d1e5a2c9b40"
down_revision: str | None = "bc0b78f0004f"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

BATCH = 5000
LIVE = "deleted_at IS NULL"


# --- the company-name normaliser as this revision ran it (frozen; do not import live code) ---

_LEGAL_SUFFIXES = (
    "股份有限公司", "有限责任公司", "有限公司", "集团公司", "总公司", "分公司", "公司", "集团",
    "company limited", "co ltd", "co limited", "corporation", "incorporated", "limited",
    "company", "group", "gmbh", "corp", "ltd", "llc", "llp", "inc", "plc", "co", "ag", "sa",
    "bv", "nv", "pte", "pty", "srl", "kk",
)  # fmt: skip
_SUFFIX_AT_END = re.compile(
    r"(?:^|(?<=[\s\u4e00-\u9fff]))(?:"
    + "|".join(re.escape(s).replace(r"\ ", r"\s+") for s in _LEGAL_SUFFIXES)
    + r")\s*$"
)
_DROPPED = re.compile(r"[.'\u2019`]")
_SEPARATORS = re.compile(r"[^\w\s]")
_CJK_SPACE = re.compile(r"(?<=[\u4e00-\u9fff])\s+(?=[\u4e00-\u9fff])")
_SPACES = re.compile(r"\s+")


def normalize_company_name(raw: str | None) -> str:
    """NFKC, lower-case, punctuation and legal suffixes dropped, spaces collapsed (none between
    CJK characters); a name that is nothing but a legal form keeps it."""
    if not raw:
        return ""
    text = unicodedata.normalize("NFKC", raw).casefold()
    text = _DROPPED.sub("", text)
    text = _SEPARATORS.sub(" ", text)
    text = _CJK_SPACE.sub("", _SPACES.sub(" ", text).strip())
    stem = text
    while True:
        shorter = _SUFFIX_AT_END.sub("", stem).strip()
        if shorter == stem or not shorter:
            break
        stem = shorter
    return stem or text


def _backfill_name_normalized() -> None:
    """Walk the table by id in batches; one UPDATE ... FROM unnest per batch."""
    conn = op.get_bind()
    select_batch = sa.text(
        "SELECT id, name FROM customers WHERE id > :last ORDER BY id LIMIT :n"
    ).bindparams(sa.bindparam("last", type_=postgresql.UUID()))
    update_batch = sa.text(
        "UPDATE customers AS c SET name_normalized = v.n "
        "FROM unnest(:ids, :names) AS v(id, n) WHERE c.id = v.id"
    ).bindparams(
        sa.bindparam("ids", type_=postgresql.ARRAY(postgresql.UUID())),
        sa.bindparam("names", type_=postgresql.ARRAY(sa.Text())),
    )
    last = "00000000-0000-0000-0000-000000000000"
    while True:
        rows = conn.execute(select_batch, {"last": last, "n": BATCH}).all()
        if not rows:
            return
        conn.execute(
            update_batch,
            {
                "ids": [row.id for row in rows],
                "names": [normalize_company_name(row.name) for row in rows],
            },
        )
        last = rows[-1].id


def upgrade() -> None:
    op.add_column(
        "customers",
        sa.Column("name_normalized", sa.String(length=200), server_default="", nullable=False),
    )
    op.add_column("customers", sa.Column("merged_into_id", sa.UUID(), nullable=True))
    op.create_foreign_key(
        op.f("fk_customers_merged_into_id_customers"),
        "customers",
        "customers",
        ["merged_into_id"],
        ["id"],
        ondelete="SET NULL",
    )
    _backfill_name_normalized()
    # Built after the backfill: one pass over the data instead of an update per row.
    op.create_index(
        "ix_customers_name_normalized_trgm",
        "customers",
        ["name_normalized"],
        unique=False,
        postgresql_using="gin",
        postgresql_ops={"name_normalized": "gin_trgm_ops"},
        postgresql_where=LIVE,
    )
    op.create_index(
        "ix_customers_name_normalized_live",
        "customers",
        ["name_normalized"],
        unique=False,
        postgresql_where=LIVE,
    )
    op.create_index(
        "ix_customers_phone_e164_live",
        "customers",
        ["phone_e164"],
        unique=False,
        postgresql_where=LIVE,
    )
    op.create_index(
        "ix_customers_email_live", "customers", ["email"], unique=False, postgresql_where=LIVE
    )

    op.create_table(
        "duplicate_groups",
        sa.Column("job_id", sa.UUID(), nullable=True),
        sa.Column("score", sa.Float(), nullable=False),
        sa.Column("reasons", postgresql.ARRAY(sa.String(length=10)), nullable=False),
        sa.Column("member_count", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("id", sa.UUID(), nullable=False),
        sa.ForeignKeyConstraint(
            ["job_id"],
            ["jobs.id"],
            name=op.f("fk_duplicate_groups_job_id_jobs"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_duplicate_groups")),
    )
    op.create_index(
        op.f("ix_duplicate_groups_job_id"), "duplicate_groups", ["job_id"], unique=False
    )
    op.create_index("ix_duplicate_groups_score", "duplicate_groups", ["score", "id"], unique=False)
    op.create_table(
        "duplicate_members",
        sa.Column("group_id", sa.UUID(), nullable=False),
        sa.Column("customer_id", sa.UUID(), nullable=False),
        sa.Column("score", sa.Float(), nullable=False),
        sa.Column("reasons", postgresql.ARRAY(sa.String(length=10)), nullable=False),
        sa.ForeignKeyConstraint(
            ["customer_id"],
            ["customers.id"],
            name=op.f("fk_duplicate_members_customer_id_customers"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["group_id"],
            ["duplicate_groups.id"],
            name=op.f("fk_duplicate_members_group_id_duplicate_groups"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("group_id", "customer_id", name=op.f("pk_duplicate_members")),
    )
    op.create_index(
        op.f("ix_duplicate_members_customer_id"),
        "duplicate_members",
        ["customer_id"],
        unique=False,
    )


def downgrade() -> None:
    op.drop_index(op.f("ix_duplicate_members_customer_id"), table_name="duplicate_members")
    op.drop_table("duplicate_members")
    op.drop_index("ix_duplicate_groups_score", table_name="duplicate_groups")
    op.drop_index(op.f("ix_duplicate_groups_job_id"), table_name="duplicate_groups")
    op.drop_table("duplicate_groups")
    op.drop_index("ix_customers_email_live", table_name="customers", postgresql_where=LIVE)
    op.drop_index("ix_customers_phone_e164_live", table_name="customers", postgresql_where=LIVE)
    op.drop_index(
        "ix_customers_name_normalized_live", table_name="customers", postgresql_where=LIVE
    )
    op.drop_index(
        "ix_customers_name_normalized_trgm",
        table_name="customers",
        postgresql_using="gin",
        postgresql_ops={"name_normalized": "gin_trgm_ops"},
        postgresql_where=LIVE,
    )
    op.drop_constraint(
        op.f("fk_customers_merged_into_id_customers"), "customers", type_="foreignkey"
    )
    op.drop_column("customers", "merged_into_id")
    op.drop_column("customers", "name_normalized")
