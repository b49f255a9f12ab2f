"""customers.phone_key: the digits key duplicate matching compares phones on

Numbers the phone library rejects (new or special mobile ranges) have no E.164 form, so they
never matched one another. ``phone_key`` holds country code + national number, formatting
stripped, for every number (valid ones: their E.164 without "+"), with a btree on live rows
for the duplicate check and the import's match against existing records.

Revision ID: 5e1c7d93a8b4
Revises: 3b7e5c2a9f10
Create Date: 2026-12-07 18:30:00
"""

import os
from collections.abc import Sequence

import phonenumbers
import sqlalchemy as sa
from alembic import op

revision: str = "5e1c7d93a8b4"
down_revision: str | None = "3b7e5c2a9f10"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

BATCH = 5_000
MIN_KEY_DIGITS = 7


def _key(raw: str, region: str) -> str | None:
    """Frozen copy of crm.customers.cleaning.phone_key as of this revision."""
    try:
        parsed = phonenumbers.parse(raw, region)
    except phonenumbers.NumberParseException:
        return None
    key = phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.E164).lstrip("+")
    return key if len(key) >= MIN_KEY_DIGITS and key.isdigit() else None


def upgrade() -> None:
    op.add_column("customers", sa.Column("phone_key", sa.String(32), nullable=True))
    op.execute(
        "UPDATE customers SET phone_key = ltrim(phone_e164, '+') WHERE phone_e164 IS NOT NULL"
    )
    # The rest (numbers kept as typed) are few: keyed here, as the application keys them.
    region = os.environ.get("CRM_DEFAULT_PHONE_REGION", "CN")
    bind = op.get_bind()
    rows = bind.execute(
        sa.text("SELECT id, phone FROM customers WHERE phone_e164 IS NULL AND phone <> ''")
    ).all()
    keyed = [{"id": r.id, "key": _key(r.phone, region)} for r in rows]
    keyed = [k for k in keyed if k["key"] is not None]
    for start in range(0, len(keyed), BATCH):
        bind.execute(
            sa.text("UPDATE customers SET phone_key = :key WHERE id = :id"),
            keyed[start : start + BATCH],
        )
    op.create_index(
        "ix_customers_phone_key_live",
        "customers",
        ["phone_key"],
        postgresql_where=sa.text("deleted_at IS NULL"),
    )


def downgrade() -> None:
    op.drop_index("ix_customers_phone_key_live", table_name="customers")
    op.drop_column("customers", "phone_key")
