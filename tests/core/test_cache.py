"""The commit-invalidated cache both the principal and the field-config caches are built on:
kept for its TTL, dropped when a transaction that wrote its table commits (ORM flush or bulk
statement), untouched by a rollback, read afresh inside the writing transaction."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import update

from crm.core import cache as core_cache
from crm.core.cache import CommitInvalidatedCache
from crm.core.jobs import Job

_ttl = {"seconds": 60.0}
jobs_cache: CommitInvalidatedCache[str, str] = CommitInvalidatedCache(
    "test_jobs", flushed=(Job,), statements_on=("jobs",), ttl=lambda: _ttl["seconds"]
)


class Loader:
    """Counts its calls, so a test sees whether the cache answered or the loader did."""

    def __init__(self) -> None:
        self.calls = 0

    async def __call__(self) -> str:
        self.calls += 1
        return f"value {self.calls}"


@pytest.fixture(autouse=True)
def fresh_cache() -> None:
    jobs_cache.invalidate()
    _ttl["seconds"] = 60.0


async def _cached(db: Any, loader: Loader) -> str | None:
    async with db.sessionmaker() as session:
        return await jobs_cache.get(session, "key", loader)


async def test_a_value_is_served_until_a_commit_that_wrote_its_table(db: Any) -> None:
    loader = Loader()
    assert await _cached(db, loader) == "value 1"
    assert await _cached(db, loader) == "value 1"  # from the cache

    async with db.sessionmaker() as session:
        session.add(Job(kind="test"))
        await session.commit()
    assert await _cached(db, loader) == "value 2"


async def test_a_bulk_statement_on_the_table_invalidates_on_commit(db: Any) -> None:
    loader = Loader()
    await _cached(db, loader)
    async with db.sessionmaker() as session:
        await session.execute(update(Job).where(Job.kind == "none").values(progress=1))
        assert await _cached(db, loader) == "value 1"  # not committed yet: others keep it
        await session.commit()
    assert await _cached(db, loader) == "value 2"


async def test_a_rollback_invalidates_nothing(db: Any) -> None:
    loader = Loader()
    await _cached(db, loader)
    async with db.sessionmaker() as session:
        session.add(Job(kind="test"))
        await session.flush()
        await session.rollback()
    assert await _cached(db, loader) == "value 1"


async def test_a_rolled_back_savepoint_keeps_the_earlier_write_s_invalidation(db: Any) -> None:
    loader = Loader()
    await _cached(db, loader)
    async with db.sessionmaker() as session:
        session.add(Job(kind="test"))
        await session.flush()
        savepoint = await session.begin_nested()
        session.add(Job(kind="test"))
        await session.flush()
        await savepoint.rollback()
        await session.commit()
    assert await _cached(db, loader) == "value 2"


async def test_the_writing_transaction_reads_its_own_writes_and_keeps_nothing(db: Any) -> None:
    loader = Loader()
    await _cached(db, loader)
    async with db.sessionmaker() as session:
        session.add(Job(kind="test"))
        await session.flush()
        assert await jobs_cache.get(session, "key", loader) == "value 2"
        assert await jobs_cache.get(session, "key", loader) == "value 3"
        await session.rollback()
    assert await _cached(db, loader) == "value 1"  # the rollback left the old value cached


async def test_a_value_loaded_while_an_invalidation_happens_is_not_kept(db: Any) -> None:
    async def load_across_an_invalidation() -> str:
        jobs_cache.invalidate()  # as a commit elsewhere in the process would, mid-load
        return "stale"

    assert await jobs_cache.load("key", load_across_an_invalidation) == "stale"
    assert jobs_cache.fresh("key") is None


async def test_no_ttl_means_no_caching(db: Any) -> None:
    _ttl["seconds"] = 0
    loader = Loader()
    assert await _cached(db, loader) == "value 1"
    assert await _cached(db, loader) == "value 2"


def test_invalidate_all_empties_every_cache() -> None:
    jobs_cache._entries["key"] = core_cache._Entry("v", float("inf"))
    core_cache.invalidate_all()
    assert jobs_cache.fresh("key") is None


async def test_another_process_s_stale_notice_empties_the_cache(db: Any) -> None:
    """Each cache listens on its own name: what another process announces there drops it."""
    from crm.core import broadcast

    jobs_cache._entries["key"] = core_cache._Entry("v", float("inf"))
    broadcast._receive("another-process principals")
    assert jobs_cache._entries  # another cache's topic
    broadcast._receive("another-process test_jobs")
    assert jobs_cache.fresh("key") is None and not jobs_cache._entries
