"""A short-lived, per-process cache of principals (a user's rights and data scope).

Building a principal takes three queries (the user, their roles, and the department or manager
tree) on every authenticated request: more database round trips than a list page's own query.
Rights change rarely, so each process keeps what it built for ``principal_cache_seconds``
(2 s by default; 0 turns the cache off) and drops everything the moment a transaction that
changed users, roles, role assignments or departments commits in this process. So:

- on the process that made the change (in a one-process deployment: everywhere), deactivating
  or deleting a user, changing their roles, a role's grants or the trees takes effect at once;
- on other processes (more API workers, the worker) it takes effect as soon as they hear the
  stale notice the committing process publishes on Redis (core/broadcast.py) — before the
  committing request has answered; a process that cannot hear notices (Redis down) serves
  nothing from its cache. Changes made outside the app (a manual UPDATE) apply within the TTL,
  which is why it is seconds, not minutes.

Each entry also holds the user's live login sessions (refresh-token families), so an access
token bound to a session that was revoked (logout, refresh-token reuse, password change,
deactivation) is refused on the next request, on the same terms. A session the entry does not
know (a sign-in since it was built) is looked up again rather than refused.

A principal loaded while such a change commits is not kept (the generation check below), so a
stale principal cannot outlive the invalidation. Only principals are cached, never "no such
user": a refused token keeps being checked against the database.
"""

from __future__ import annotations

import time
import uuid
from dataclasses import dataclass
from typing import Any

from sqlalchemy import event
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import ORMExecuteState, Session, UOWTransaction

from crm.core import broadcast
from crm.core.permissions import Principal
from crm.identity import repository
from crm.identity.models import Department, RefreshToken, Role, User, user_roles
from crm.settings import get_settings

MAX_ENTRIES = 10_000
_CHANGED = "crm.identity.principals_changed"  # session.info flag
_TOPIC = "principals"  # the stale notice other processes hear (core/broadcast.py)
_MODELS = (User, Role, Department)
# Sessions are revoked by bulk statements on refresh_tokens; issuing and rotating tokens are
# ORM inserts and updates, which leave the cache alone.
_TABLES = frozenset(
    {
        User.__tablename__,
        Role.__tablename__,
        Department.__tablename__,
        user_roles.name,
        RefreshToken.__tablename__,
    }
)


@dataclass(frozen=True)
class _Entry:
    principal: Principal
    live_sessions: frozenset[uuid.UUID]
    expires: float


_entries: dict[uuid.UUID, _Entry] = {}
_generation = 0


def invalidate() -> None:
    """Forget every cached principal (and any load still in flight)."""
    global _generation
    _generation += 1
    _entries.clear()


async def principal_for_user(session: AsyncSession, user_id: uuid.UUID) -> Principal | None:
    """The rights of an active user, served from the cache while they are fresh."""
    entry = _fresh_entry(user_id) or await _load(session, user_id)
    return entry.principal if entry is not None else None


async def principal_for_session(
    session: AsyncSession, user_id: uuid.UUID, session_id: uuid.UUID
) -> Principal | None:
    """:func:`principal_for_user`, provided the login session ``session_id`` is still live."""
    entry = _fresh_entry(user_id)
    if entry is None or session_id not in entry.live_sessions:
        entry = await _load(session, user_id)
    if entry is None or session_id not in entry.live_sessions:
        return None
    return entry.principal


def _fresh_entry(user_id: uuid.UUID) -> _Entry | None:
    if get_settings().principal_cache_seconds <= 0 or not broadcast.caches_may_serve():
        return None
    entry = _entries.get(user_id)
    return entry if entry is not None and entry.expires > time.monotonic() else None


async def _load(session: AsyncSession, user_id: uuid.UUID) -> _Entry | None:
    """Build the user's entry from the database and keep it for ``principal_cache_seconds``."""
    generation = _generation
    principal = await repository.principal_for_user(session, user_id)
    if principal is None:
        return None
    live_sessions = await repository.live_session_ids(session, user_id)
    ttl = get_settings().principal_cache_seconds
    entry = _Entry(principal, live_sessions, time.monotonic() + ttl)
    if ttl > 0 and generation == _generation:
        if len(_entries) >= MAX_ENTRIES:
            _entries.clear()
        _entries[user_id] = entry
    return entry


# --- invalidation: any committed write to the tables a principal is built from ------------------


@event.listens_for(Session, "after_flush")
def _note_flushed_changes(session: Session, _: UOWTransaction) -> None:
    if any(isinstance(o, _MODELS) for o in (*session.new, *session.dirty, *session.deleted)):
        session.info[_CHANGED] = True


@event.listens_for(Session, "do_orm_execute")
def _note_statements(state: ORMExecuteState) -> None:
    """Bulk statements (e.g. the role assignments in ``user_roles``) bypass the flush."""
    if state.is_insert or state.is_update or state.is_delete:
        table: Any = getattr(state.statement, "table", None)
        if getattr(table, "name", None) in _TABLES:
            state.session.info[_CHANGED] = True


@event.listens_for(Session, "after_commit")
def _invalidate_on_commit(session: Session) -> None:
    if session.info.pop(_CHANGED, False):
        invalidate()
        broadcast.announce(session, _TOPIC)


broadcast.on_stale(_TOPIC, invalidate)
