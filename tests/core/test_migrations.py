"""Migrations go down to nothing and back up, and they match the models exactly."""

from __future__ import annotations

import asyncio
import os
import uuid
from collections.abc import AsyncIterator
from typing import Any

import asyncpg
import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import inspect
from sqlalchemy.engine import Connection, make_url
from sqlalchemy.ext.asyncio import create_async_engine

from crm import migrate
from crm.core.db import to_async_url, to_plain_url
from crm.models import metadata


def _server_url(database: str) -> str:
    url = make_url(to_plain_url(os.environ["CRM_DATABASE_URL"]))
    return url.set(database=database).render_as_string(hide_password=False)


@pytest.fixture
async def scratch_database() -> AsyncIterator[str]:
    name = f"crm_test_core_mig_{uuid.uuid4().hex[:12]}"
    admin = await asyncpg.connect(_server_url("postgres"))
    try:
        await admin.execute(f'CREATE DATABASE "{name}"')
        yield _server_url(name)
    finally:
        await admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        await admin.close()


async def _inspect(url: str) -> tuple[set[str], list[Any]]:
    """(tables, differences between the models and the database)."""

    def run(connection: Connection) -> tuple[set[str], list[Any]]:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        return set(inspect(connection).get_table_names()), compare_metadata(context, metadata)

    engine = create_async_engine(to_async_url(url))
    try:
        async with engine.connect() as connection:
            return await connection.run_sync(run)
    finally:
        await engine.dispose()


async def test_migrations_round_trip_and_match_the_models(scratch_database: str) -> None:
    model_tables = set(metadata.tables)

    await asyncio.to_thread(migrate.upgrade, scratch_database)
    tables, diff = await _inspect(scratch_database)
    assert tables == model_tables | {"alembic_version"}
    assert diff == []

    await asyncio.to_thread(migrate.downgrade, scratch_database, "base")
    tables, _ = await _inspect(scratch_database)
    assert tables == {"alembic_version"}

    await asyncio.to_thread(migrate.upgrade, scratch_database)
    tables, diff = await _inspect(scratch_database)
    assert tables == model_tables | {"alembic_version"}
    assert diff == []

    conn = await asyncpg.connect(scratch_database)
    try:
        head = await conn.fetchval("SELECT version_num FROM alembic_version")
        trgm = await conn.fetchval("SELECT count(*) FROM pg_extension WHERE extname = 'pg_trgm'")
    finally:
        await conn.close()
    from alembic.script import ScriptDirectory

    script = ScriptDirectory.from_config(migrate.alembic_config(scratch_database))
    assert head == script.get_current_head()
    assert trgm == 1


def test_no_migration_imports_live_application_code() -> None:
    """A migration runs years after it was written: code it imports from ``crm`` may have
    changed meanwhile (the cleaning rules did), so a backfill keeps a frozen copy instead."""
    import ast
    from pathlib import Path

    versions = Path(__file__).resolve().parents[2] / "migrations" / "versions"
    offenders = []
    for path in sorted(versions.glob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            names = (
                [alias.name for alias in node.names]
                if isinstance(node, ast.Import)
                else [node.module or ""]
                if isinstance(node, ast.ImportFrom)
                else []
            )
            offenders += [f"{path.name}: {n}" for n in names if n == "crm" or n.startswith("crm.")]
    assert offenders == []
