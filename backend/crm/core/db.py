"""Database engine, sessions and the declarative base shared by every domain."""

from __future__ import annotations

import time
import uuid
from collections.abc import AsyncIterator
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import DateTime, ForeignKey, Integer, MetaData, event, func
from sqlalchemy.dialects.postgresql import UUID
from sqlalchemy.exc import DisconnectionError
from sqlalchemy.ext.asyncio import (
    AsyncEngine,
    AsyncSession,
    async_sessionmaker,
    create_async_engine,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, declared_attr, mapped_column

from crm.core.ids import new_id

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


def utcnow() -> datetime:
    return datetime.now(UTC)


class IdMixin:
    id: Mapped[uuid.UUID] = mapped_column(UUID(as_uuid=True), primary_key=True, default=new_id)


class TimestampMixin:
    created_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), default=utcnow, server_default=func.now()
    )
    updated_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), default=utcnow, onupdate=utcnow, server_default=func.now()
    )


class VersionMixin:
    """Optimistic concurrency: SQLAlchemy bumps `version` on each UPDATE and refuses a stale one."""

    version: Mapped[int] = mapped_column(Integer, nullable=False, default=1, server_default="1")

    @declared_attr.directive
    def __mapper_args__(cls) -> dict[str, Any]:
        return {"version_id_col": cls.__table__.c.version}  # type: ignore[attr-defined]


class SoftDeleteMixin:
    deleted_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), default=None)


class OwnedMixin:
    """Records that belong to a user and a department: what data scopes filter on."""

    @declared_attr
    def owner_id(cls) -> Mapped[uuid.UUID | None]:
        return mapped_column(UUID(as_uuid=True), ForeignKey("users.id"), index=True)

    @declared_attr
    def department_id(cls) -> Mapped[uuid.UUID | None]:
        return mapped_column(UUID(as_uuid=True), ForeignKey("departments.id"), index=True)


def to_async_url(url: str) -> str:
    """Accept plain ``postgresql://`` URLs from users and point SQLAlchemy at asyncpg."""
    for prefix in ("postgresql+asyncpg://", "postgresql://", "postgres://"):
        if url.startswith(prefix):
            return "postgresql+asyncpg://" + url[len(prefix) :]
    return url


def to_plain_url(url: str) -> str:
    """The libpq form of a URL, for asyncpg.connect and tools."""
    return to_async_url(url).replace("postgresql+asyncpg://", "postgresql://", 1)


# A pooled connection is checked before use only if it sat idle this long. SQLAlchemy's
# pool_pre_ping checks every checkout, which on asyncpg is three round trips (BEGIN, ping,
# ROLLBACK) per request, more than a list page's own work; a connection that was in use a
# moment ago is alive. One that died within this window fails its request once, and the
# disconnect makes SQLAlchemy discard the whole pool, so the server's restart costs no more.
PING_AFTER_IDLE_SECONDS = 5.0
_IDLE_SINCE = "crm.idle_since"


def _ping_idle_connections(engine: AsyncEngine) -> None:
    pool_events = engine.sync_engine

    @event.listens_for(pool_events, "checkin")
    def _idle(dbapi_connection: Any, record: Any) -> None:
        if record is not None:
            record.info[_IDLE_SINCE] = time.monotonic()

    @event.listens_for(pool_events, "checkout")
    def _ping(dbapi_connection: Any, record: Any, proxy: Any) -> None:
        idle_since = record.info.get(_IDLE_SINCE)
        if idle_since is None or time.monotonic() - idle_since < PING_AFTER_IDLE_SECONDS:
            return
        try:
            engine.dialect.do_ping(dbapi_connection)
        except Exception as exc:
            # The pool throws this connection away and checks out a fresh one.
            raise DisconnectionError("stale pooled connection") from exc


# Session settings of every connection the application opens.
# - random_page_cost: PostgreSQL's default (4) prices a random heap read as a spinning disk's;
#   on SSDs, or with the working set in memory, 1.1 is the usual value. With 4, a scoped search
#   (q= for a manager of a department tree) intersected the few text matches with a bitmap of
#   the whole department tree (250k rows at 1M customers): twice the time of checking the
#   scope on the matches.
# - plan_cache_mode: asyncpg prepares every statement, and after five runs PostgreSQL may plan
#   it once for any parameters. A generic plan cannot see the search text or the scope's
#   lists, and for a two-character search it scanned the whole trigram index (a second
#   instead of 20 ms). Planning each run costs well under a millisecond.
PLANNER_SETTINGS = {"random_page_cost": "1.1", "plan_cache_mode": "force_custom_plan"}


class Database:
    """Owns the engine and the session factory of one process."""

    def __init__(self, url: str, *, pool_size: int = 10) -> None:
        self.engine: AsyncEngine = create_async_engine(
            to_async_url(url),
            pool_size=pool_size,
            max_overflow=pool_size,
            connect_args={"server_settings": PLANNER_SETTINGS},
        )
        _ping_idle_connections(self.engine)
        # expire_on_commit=False: responses are serialised after the commit.
        self.sessionmaker = async_sessionmaker(self.engine, expire_on_commit=False)
        # For requests that only read (GET): each statement runs on its own, without the
        # BEGIN and COMMIT round trips a transaction costs, which on a list page are two of
        # its three. A stray write in such a request (an API key's last-used time) still
        # commits, statement by statement.
        self.read_sessionmaker = async_sessionmaker(
            self.engine.execution_options(isolation_level="AUTOCOMMIT"), expire_on_commit=False
        )

    async def dispose(self) -> None:
        await self.engine.dispose()

    async def session(self) -> AsyncIterator[AsyncSession]:
        async with self.sessionmaker() as session:
            yield session
