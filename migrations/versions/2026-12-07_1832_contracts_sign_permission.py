"""contracts:sign: signing a contract is its own permission

Until now contracts:write also moved a contract from in_review to signed, so whoever drafted a
contract could sign it. Signing now needs contracts:sign. An upgrade must not take signing away
from anyone who legitimately had it, nor keep giving it to salespeople: every role that could
write contracts gets contracts:sign, except the built-in sales role (built-in roles are re-synced
from the catalogue at start anyway; this is for custom roles). API keys that could write
contracts get it too: a key still acts at most with its user's rights, so a salesperson's key
gains nothing. The version is bumped so that an administrator's edit made against the old
permissions is refused (412) instead of silently dropping the new one.

Revision ID: 3b7e5c2a9f10
Revises: 5b1e9c3d7a20
Create Date: 2026-12-07 18:30:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "3b7e5c2a9f10"
down_revision: str | None = "5b1e9c3d7a20"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

SIGN = "contracts:sign"
WRITE = "contracts:write"

GRANT_TO_ROLES = """
    UPDATE roles
       SET permissions = array_append(permissions, CAST(:sign AS varchar)),
           version = version + 1,
           updated_at = now()
     WHERE CAST(:write AS varchar) = ANY(permissions)
       AND NOT CAST(:sign AS varchar) = ANY(permissions)
       AND NOT (is_builtin AND key = 'sales')
"""
GRANT_TO_KEYS = """
    UPDATE api_keys
       SET permissions = array_append(permissions, CAST(:sign AS varchar))
     WHERE CAST(:write AS varchar) = ANY(permissions)
       AND NOT CAST(:sign AS varchar) = ANY(permissions)
"""
REVOKE_FROM_ROLES = """
    UPDATE roles
       SET permissions = array_remove(permissions, CAST(:sign AS varchar)),
           version = version + 1,
           updated_at = now()
     WHERE CAST(:sign AS varchar) = ANY(permissions)
"""
REVOKE_FROM_KEYS = """
    UPDATE api_keys
       SET permissions = array_remove(permissions, CAST(:sign AS varchar))
     WHERE CAST(:sign AS varchar) = ANY(permissions)
"""


def upgrade() -> None:
    for statement in (GRANT_TO_ROLES, GRANT_TO_KEYS):
        op.execute(sa.text(statement).bindparams(sign=SIGN, write=WRITE))


def downgrade() -> None:
    for statement in (REVOKE_FROM_ROLES, REVOKE_FROM_KEYS):
        op.execute(sa.text(statement).bindparams(sign=SIGN))
