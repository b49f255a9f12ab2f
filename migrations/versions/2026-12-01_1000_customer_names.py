"""customer names: the distinct normalised names the duplicate check searches

The online duplicate check looked for similar names with a trigram index over
``customers.name_normalized``. Many customers share a name, so at 1M customers one search
rechecked thousands of heap rows (p99 70-420 ms). Now it searches ``customer_names``, one row
per distinct name (tens of thousands), and joins the few matches back to customers by name:

- ``customer_names`` with a GIN trigram index, back-filled from live customers. Its pending
  list is capped at 64 kB: new names are merged in bulk, and a search never scans more than
  a few hundred names waiting there;
- statement-level triggers on customers (INSERT, UPDATE) add the names of the rows written,
  from the transition table, so bulk loads (COPY) pay once per statement, not per row;
- ``ix_customers_name_normalized_trgm`` is dropped: nothing else used it, and every customer
  write no longer maintains a trigram index on that column;
- ``ix_customers_name_normalized_live`` (name) becomes ``ix_customers_name_normalized_scope``
  (name, owner_id, department_id): the customers of a name within a data scope are found in
  the index instead of by reading every holder of the name (a dozen similar names of hundreds
  of customers each) from the heap.

Revision ID: 3b8e6f1a2d57
Revises: 5c2e8a1f7b63
Create Date: 2026-12-01 10:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "3b8e6f1a2d57"
down_revision: str | None = "5c2e8a1f7b63"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

FUNCTION = "customer_names_collect"
# A trigger with transition tables may name one event only, hence two.
TRIGGERS = {"customer_names_on_insert": "INSERT", "customer_names_on_update": "UPDATE"}

# Sorted, so two transactions adding the same new names take their locks in one order.
COLLECT = """
CREATE FUNCTION customer_names_collect() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO customer_names (name)
    SELECT DISTINCT name_normalized FROM written
     WHERE name_normalized <> '' AND deleted_at IS NULL
     ORDER BY 1
    ON CONFLICT DO NOTHING;
    RETURN NULL;
END
$$
"""


def upgrade() -> None:
    op.create_table(
        "customer_names",
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.PrimaryKeyConstraint("name", name=op.f("pk_customer_names")),
    )
    # Triggers first, so a customer written meanwhile is not missed; the index after the
    # back-fill, built in one go rather than row by row.
    op.execute(COLLECT)
    for trigger, event in TRIGGERS.items():
        op.execute(
            f"CREATE TRIGGER {trigger} AFTER {event} ON customers "
            "REFERENCING NEW TABLE AS written FOR EACH STATEMENT "
            f"EXECUTE FUNCTION {FUNCTION}()"
        )
    op.execute(
        "INSERT INTO customer_names (name) SELECT DISTINCT name_normalized FROM customers "
        "WHERE name_normalized <> '' AND deleted_at IS NULL"
    )
    op.create_index(
        "ix_customer_names_name_trgm",
        "customer_names",
        ["name"],
        unique=False,
        postgresql_using="gin",
        postgresql_ops={"name": "gin_trgm_ops"},
        postgresql_with={"gin_pending_list_limit": 64},
    )
    op.drop_index(
        "ix_customers_name_normalized_trgm",
        table_name="customers",
        postgresql_using="gin",
        postgresql_where="deleted_at IS NULL",
    )
    op.create_index(
        "ix_customers_name_normalized_scope",
        "customers",
        ["name_normalized", "owner_id", "department_id"],
        unique=False,
        postgresql_where="deleted_at IS NULL",
    )
    op.drop_index(
        "ix_customers_name_normalized_live",
        table_name="customers",
        postgresql_where="deleted_at IS NULL",
    )


def downgrade() -> None:
    op.create_index(
        "ix_customers_name_normalized_live",
        "customers",
        ["name_normalized"],
        unique=False,
        postgresql_where="deleted_at IS NULL",
    )
    op.drop_index(
        "ix_customers_name_normalized_scope",
        table_name="customers",
        postgresql_where="deleted_at IS NULL",
    )
    op.create_index(
        "ix_customers_name_normalized_trgm",
        "customers",
        ["name_normalized"],
        unique=False,
        postgresql_using="gin",
        postgresql_ops={"name_normalized": "gin_trgm_ops"},
        postgresql_where="deleted_at IS NULL",
    )
    for trigger in TRIGGERS:
        op.execute(f"DROP TRIGGER {trigger} ON customers")
    op.execute(f"DROP FUNCTION {FUNCTION}()")
    op.drop_index("ix_customer_names_name_trgm", table_name="customer_names")
    op.drop_table("customer_names")
