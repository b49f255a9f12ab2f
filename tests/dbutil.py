"""Creating throw-away databases on the test server (pytest and the e2e runner share this)."""

from __future__ import annotations

import asyncpg
from sqlalchemy.engine import make_url

from crm.core.db import to_async_url


def with_database(url: str, name: str) -> str:
    """``url`` pointing at database ``name`` instead."""
    return make_url(to_async_url(url)).set(database=name).render_as_string(hide_password=False)


async def recreate_database(url: str) -> None:
    """Drop (forcibly) and create the database ``url`` names, connected through its server."""
    parsed = make_url(to_async_url(url))
    maintenance = parsed.set(database="postgres", drivername="postgresql", query={})
    host = parsed.query.get("host")  # a Unix socket directory, for the embedded server
    conn = await asyncpg.connect(
        maintenance.render_as_string(hide_password=False), **({"host": host} if host else {})
    )
    try:
        await conn.execute(f'DROP DATABASE IF EXISTS "{parsed.database}" WITH (FORCE)')
        await conn.execute(f'CREATE DATABASE "{parsed.database}"')
    finally:
        await conn.close()
