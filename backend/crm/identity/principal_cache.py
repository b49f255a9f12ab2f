"""A short-lived, per-process cache of principals (a user's rights and data scope).

Building a principal takes three queries (the user, their roles, and the department or manager
tree) on every authenticated request: more database round trips than a list page's own query.
Rights change rarely, so each process keeps what it built for ``principal_cache_seconds``
(2 s by default; 0 turns the cache off) and drops everything the moment a transaction that
changed users, roles, role assignments, a role's field rules or departments commits in this
process. So:

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

It is a :class:`crm.core.cache.CommitInvalidatedCache`: a principal loaded while such a change
commits is not kept, so a stale principal cannot outlive the invalidation. Only principals are
cached, never "no such user": a refused token keeps being checked against the database.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from sqlalchemy.ext.asyncio import AsyncSession

from crm.core.cache import CommitInvalidatedCache
from crm.core.permissions import Principal
from crm.identity import repository
from crm.identity.models import Department, RefreshToken, Role, RoleFieldRule, User, user_roles
from crm.settings import get_settings

MAX_ENTRIES = 10_000


@dataclass(frozen=True)
class _Entry:
    principal: Principal
    live_sessions: frozenset[uuid.UUID]


_cache: CommitInvalidatedCache[uuid.UUID, _Entry] = CommitInvalidatedCache(
    "principals",  # also the topic of the stale notices other processes hear
    flushed=(User, Role, Department, RoleFieldRule),
    # Sessions are revoked by bulk statements on refresh_tokens; issuing and rotating tokens
    # are ORM inserts and updates, which leave the cache alone.
    statements_on=(
        User.__tablename__,
        Role.__tablename__,
        Department.__tablename__,
        user_roles.name,
        RefreshToken.__tablename__,
        RoleFieldRule.__tablename__,
    ),
    ttl=lambda: get_settings().principal_cache_seconds,
    max_entries=MAX_ENTRIES,
)


def invalidate() -> None:
    """Forget every cached principal (and any load still in flight)."""
    _cache.invalidate()


async def principal_for_user(session: AsyncSession, user_id: uuid.UUID) -> Principal | None:
    """The rights of an active user, served from the cache while they are fresh."""
    entry = _cache.fresh(user_id) or await _load(session, user_id)
    return entry.principal if entry is not None else None


async def principal_for_session(
    session: AsyncSession, user_id: uuid.UUID, session_id: uuid.UUID
) -> Principal | None:
    """:func:`principal_for_user`, provided the login session ``session_id`` is still live."""
    entry = _cache.fresh(user_id)
    if entry is None or session_id not in entry.live_sessions:
        entry = await _load(session, user_id)
    if entry is None or session_id not in entry.live_sessions:
        return None
    return entry.principal


async def _load(session: AsyncSession, user_id: uuid.UUID) -> _Entry | None:
    """Build the user's entry from the database and keep it for ``principal_cache_seconds``."""

    async def build() -> _Entry | None:
        principal = await repository.principal_for_user(session, user_id)
        if principal is None:
            return None
        return _Entry(principal, await repository.live_session_ids(session, user_id))

    return await _cache.load(user_id, build)
