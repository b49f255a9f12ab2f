"""How the application's connections are set up: read sessions and planner settings."""

from __future__ import annotations

from typing import Any

from sqlalchemy import text


async def _in_transaction(session: Any) -> bool:
    connection = await session.connection()
    raw = await connection.get_raw_connection()
    return bool(raw.driver_connection.is_in_transaction())


async def test_read_sessions_run_statements_without_a_transaction(db: Any) -> None:
    """GET requests use these: no BEGIN/COMMIT round trips around their SELECTs."""
    async with db.read_sessionmaker() as session:
        assert (await session.execute(text("SELECT 1"))).scalar_one() == 1
        assert not await _in_transaction(session)
    async with db.sessionmaker() as session:
        await session.execute(text("SELECT 1"))
        assert await _in_transaction(session)


async def test_each_statement_of_a_read_session_is_its_own_transaction(db: Any) -> None:
    """So a write slipped into a GET (an API key's last-used time) commits by itself."""
    probe = text("SELECT txid_current()")
    async with db.read_sessionmaker() as session:
        first = (await session.execute(probe)).scalar_one()
        second = (await session.execute(probe)).scalar_one()
        assert first != second
    async with db.sessionmaker() as session:
        first = (await session.execute(probe)).scalar_one()
        second = (await session.execute(probe)).scalar_one()
        assert first == second


async def test_connections_plan_for_ssd_and_for_each_run_s_parameters(db: Any) -> None:
    for maker in (db.sessionmaker, db.read_sessionmaker):
        async with maker() as session:
            value = (await session.execute(text("SHOW random_page_cost"))).scalar_one()
            assert value == "1.1"
            mode = (await session.execute(text("SHOW plan_cache_mode"))).scalar_one()
            assert mode == "force_custom_plan"
