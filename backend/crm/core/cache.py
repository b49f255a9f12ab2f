"""Per-process caches of what is read on every request and changed rarely (principals, field
definitions), dropped the moment a transaction that changed their source tables commits.

A :class:`CommitInvalidatedCache` keeps each value for ``ttl()`` seconds (0 turns it off) and
forgets everything when a transaction that wrote one of its tables commits in this process,
and tells the other processes (API workers, the worker) to forget theirs with a stale notice
on the cache's name (core/broadcast.py), published before the committing request answers. A
process that cannot hear notices serves nothing from its caches. Changes made outside the app
(a manual UPDATE) apply within the TTL, which is why the TTLs are seconds.

A write is noticed two ways: ORM objects of the ``flushed`` models in a flush, and INSERT /
UPDATE / DELETE statements on the ``statements_on`` tables (bulk statements bypass the flush).
A rolled-back transaction invalidates nothing.

A value loaded while such a change commits is not kept (the generation check), so a stale
value cannot outlive the invalidation. Only values are cached, never "not found".
"""

from __future__ import annotations

import time
from collections.abc import Awaitable, Callable, Hashable, Iterable
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from sqlalchemy import event
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import ORMExecuteState, Session, SessionTransaction, UOWTransaction

from crm.core import broadcast

K = TypeVar("K", bound=Hashable)
V = TypeVar("V")


@dataclass(frozen=True)
class _Entry(Generic[V]):
    value: V
    expires: float


class CommitInvalidatedCache(Generic[K, V]):
    """One cache; see the module docstring. Create it once, at import of its module."""

    def __init__(
        self,
        name: str,
        *,
        flushed: tuple[type, ...],
        statements_on: Iterable[str],
        ttl: Callable[[], float],
        max_entries: int | None = None,
    ) -> None:
        self.name = name  # also the topic of its stale notices to other processes
        self._flag = f"crm.cache.{name}.changed"  # session.info key
        self._flushed = flushed
        self._tables = frozenset(statements_on)
        self._ttl = ttl
        self._max_entries = max_entries
        self._entries: dict[K, _Entry[V]] = {}
        self._generation = 0
        _register(self)

    def invalidate(self) -> None:
        """Forget every cached value (and any load still in flight)."""
        self._generation += 1
        self._entries.clear()

    def fresh(self, key: K) -> V | None:
        """The cached value of ``key`` while it is fresh, else None."""
        if self._ttl() <= 0 or not broadcast.caches_may_serve():
            return None
        entry = self._entries.get(key)
        return entry.value if entry is not None and entry.expires > time.monotonic() else None

    async def load(self, key: K, loader: Callable[[], Awaitable[V | None]]) -> V | None:
        """``loader()``'s value, kept for ``key`` unless an invalidation happened meanwhile."""
        generation = self._generation
        value = await loader()
        ttl = self._ttl()
        if value is not None and ttl > 0 and generation == self._generation:
            if self._max_entries is not None and len(self._entries) >= self._max_entries:
                self._entries.clear()
            self._entries[key] = _Entry(value, time.monotonic() + ttl)
        return value

    async def get(
        self, session: AsyncSession, key: K, loader: Callable[[], Awaitable[V | None]]
    ) -> V | None:
        """The value of ``key``: cached while fresh, but read afresh (and not kept) inside a
        transaction that changed the source and has not committed yet."""
        if self.changed_in(session):
            return await loader()
        cached = self.fresh(key)
        return cached if cached is not None else await self.load(key, loader)

    def changed_in(self, session: AsyncSession | Session) -> bool:
        """Whether ``session``'s open transaction wrote this cache's source."""
        return bool(session.info.get(self._flag))

    def _note(self, session: Session) -> None:
        session.info[self._flag] = True


_caches: list[CommitInvalidatedCache[Any, Any]] = []
_by_table: dict[str, list[CommitInvalidatedCache[Any, Any]]] = {}


def _register(cache: CommitInvalidatedCache[Any, Any]) -> None:
    _caches.append(cache)
    broadcast.on_stale(cache.name, cache.invalidate)
    for table in cache._tables:
        _by_table.setdefault(table, []).append(cache)


def invalidate_all() -> None:
    """Forget every cache's values (after writes that bypass the ORM, e.g. a TRUNCATE)."""
    for cache in _caches:
        cache.invalidate()


# --- invalidation: one set of session listeners serves every cache -------------------------------


@event.listens_for(Session, "after_flush")
def _note_flushed_changes(session: Session, _: UOWTransaction) -> None:
    written = (*session.new, *session.dirty, *session.deleted)
    for cache in _caches:
        if any(isinstance(o, cache._flushed) for o in written):
            cache._note(session)


@event.listens_for(Session, "do_orm_execute")
def _note_statements(state: ORMExecuteState) -> None:
    if state.is_insert or state.is_update or state.is_delete:
        table: Any = getattr(state.statement, "table", None)
        for cache in _by_table.get(getattr(table, "name", None) or "", ()):
            cache._note(state.session)


@event.listens_for(Session, "after_commit")
def _invalidate_on_commit(session: Session) -> None:
    for cache in _caches:
        if session.info.pop(cache._flag, False):
            cache.invalidate()
            broadcast.announce(session, cache.name)


@event.listens_for(Session, "after_transaction_end")
def _forget_flags_on_rollback(session: Session, transaction: SessionTransaction) -> None:
    # Only the outermost transaction: a rolled-back SAVEPOINT leaves the writes before it in
    # the transaction, and their commit must still invalidate. (After a commit the flags are
    # gone already.)
    if transaction.parent is None:
        for cache in _caches:
            session.info.pop(cache._flag, None)
