"""The contracts:sign migration: who could sign before an upgrade still can, salespeople not."""

from __future__ import annotations

import asyncio
import os
import uuid
from collections.abc import AsyncIterator

import asyncpg
import pytest
from sqlalchemy.engine import make_url

from crm import migrate
from crm.core.db import to_plain_url

BEFORE = "5b1e9c3d7a20"  # the revision before contracts:sign
SIGN = "contracts:sign"


def _server_url(database: str) -> str:
    url = make_url(to_plain_url(os.environ["CRM_DATABASE_URL"]))
    return url.set(database=database).render_as_string(hide_password=False)


@pytest.fixture
async def database_before_signing() -> AsyncIterator[str]:
    name = f"crm_test_sign_mig_{uuid.uuid4().hex[:12]}"
    server = await asyncpg.connect(_server_url("postgres"))
    try:
        await server.execute(f'CREATE DATABASE "{name}"')
        url = _server_url(name)
        await asyncio.to_thread(migrate.upgrade, url, BEFORE)
        yield url
    finally:
        await server.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        await server.close()


async def _role(conn: asyncpg.Connection, key: str, permissions: list[str], builtin: bool) -> None:
    await conn.execute(
        "INSERT INTO roles (id, key, name, description, permissions, data_scopes, is_builtin)"
        " VALUES ($1, $2, $2, '', $3, '{}'::jsonb, $4)",
        uuid.uuid4(),
        key,
        permissions,
        builtin,
    )


async def _stored(conn: asyncpg.Connection) -> dict[str, tuple[list[str], int]]:
    rows = await conn.fetch("SELECT key, permissions, version FROM roles")
    keys = await conn.fetch("SELECT name AS key, permissions, 0 AS version FROM api_keys")
    return {r["key"]: (list(r["permissions"]), r["version"]) for r in [*rows, *keys]}


async def test_upgrade_grants_signing_where_contracts_were_written_except_to_sales(
    database_before_signing: str,
) -> None:
    conn = await asyncpg.connect(database_before_signing)
    try:
        writer = ["contracts:read", "contracts:write"]
        await _role(conn, "sales", writer, True)
        await _role(conn, "manager", writer, True)
        await _role(conn, "key_account", writer, False)  # a custom role that signed until now
        await _role(conn, "contract_reader", ["contracts:read"], False)
        user_id = uuid.uuid4()
        await conn.execute(
            "INSERT INTO users (id, email, full_name, is_active, created_at, updated_at)"
            " VALUES ($1, 'k@example.com', 'K', true, now(), now())",
            user_id,
        )
        for name, permissions in (("erp_key", writer), ("reader_key", ["contracts:read"])):
            await conn.execute(
                "INSERT INTO api_keys (id, name, prefix, key_hash, user_id, permissions,"
                " created_at) VALUES ($1, $2, 'crm_x', $3, $4, $5, now())",
                uuid.uuid4(),
                name,
                uuid.uuid4().hex,
                user_id,
                permissions,
            )

        await asyncio.to_thread(migrate.upgrade, database_before_signing)
        after = await _stored(conn)
        signers = {key for key, (permissions, _) in after.items() if SIGN in permissions}
        assert signers == {"manager", "key_account", "erp_key"}
        # A changed role has a new version: an edit made against the old one is refused.
        assert after["key_account"][1] == 2 and after["contract_reader"][1] == 1
        assert after["key_account"][0] == [*writer, SIGN]

        await asyncio.to_thread(migrate.downgrade, database_before_signing, BEFORE)
        restored = await _stored(conn)
        assert not any(SIGN in permissions for permissions, _ in restored.values())
        assert restored["key_account"][0] == writer
    finally:
        await conn.close()
