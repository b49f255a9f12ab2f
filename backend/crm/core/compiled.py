"""Statements compiled once per shape and run straight on the driver, for the hottest reads.

SQLAlchemy caches a statement's compiled form, but to find it every call builds the statement
anew and walks it for its cache key, then wraps the driver's rows in its own result objects:
on a customer list page that was about a quarter of the API's own CPU time. A
:class:`CompiledQuery` is compiled once, from a statement whose per-request values are named
bind parameters (``bindparam("f_owner_id", value)``); later requests of the same shape only
supply those values by name and get asyncpg's records back.

Build such a query with :func:`compiled_for`: once per principal and shape, so that what the
statement took from the principal (its data scope) is compiled in with it.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import asyncpg
from sqlalchemy import CompoundSelect, Select
from sqlalchemy.engine import Dialect
from sqlalchemy.exc import DBAPIError
from sqlalchemy.ext.asyncio import AsyncSession

from crm.core.permissions import Principal, built_for

BindProcessor = Callable[[Any], Any] | None


@dataclass(frozen=True)
class CompiledQuery:
    sql: str  # in the driver's dialect ($n placeholders, IN-lists expanded)
    # Per placeholder, in order: the bind's name, the value compiled in with it (used when a
    # request does not name it: the principal's ids, constants) and its type's bind processor.
    slots: tuple[tuple[str, Any, BindProcessor], ...]

    def arguments(self, values: Mapping[str, Any]) -> list[Any]:
        arguments = []
        for name, fixed, process in self.slots:
            value = values.get(name, fixed)
            arguments.append(process(value) if process is not None and value is not None else value)
        return arguments

    async def fetch(self, session: AsyncSession, values: Mapping[str, Any]) -> list[asyncpg.Record]:
        """The rows of this query with ``values`` bound, on the session's connection.

        On that connection asyncpg runs the statement inside the session's transaction when one
        is open, and on its own otherwise, as SQLAlchemy would; its JSON codecs are the ones
        SQLAlchemy installed, so the values come back as SQLAlchemy would return them.
        """
        connection = await session.connection()
        raw = await connection.get_raw_connection()
        driver: asyncpg.Connection = raw.driver_connection
        try:
            return await driver.fetch(self.sql, *self.arguments(values))
        except asyncpg.PostgresError as exc:
            # Wrapped as SQLAlchemy wraps it, so that the error handlers answer bad input the
            # driver refuses (class 22: a NUL character, a number out of range) with a 422
            # as on every other query, not with a 500.
            raise DBAPIError(self.sql, None, exc) from exc


def compile_query(statement: Select[Any] | CompoundSelect[Any], dialect: Dialect) -> CompiledQuery:
    """``statement`` compiled for ``dialect`` (the session's: ``session.get_bind().dialect``).
    Its bind parameters must carry a value, a placeholder (None) at least: SQLAlchemy asks
    for one while it expands IN-lists."""
    compiled = statement.compile(dialect=dialect, compile_kwargs={"render_postcompile": True})
    values = compiled.construct_params()
    positions: Sequence[str] = compiled.positiontup or ()
    slots = []
    for name in positions:
        # An IN-list's values are expanded into binds named after it: "<name>_1", "<name>_2".
        bind = compiled.binds.get(name)
        if bind is None:
            bind = compiled.binds.get(name.rpartition("_")[0])
        process = None if bind is None else bind.type.dialect_impl(dialect).bind_processor(dialect)
        slots.append((name, values[name], process))
    return CompiledQuery(sql=compiled.string, slots=tuple(slots))


def compiled_for(
    principal: Principal,
    key: Hashable,
    build: Callable[[], Select[Any] | CompoundSelect[Any]],
    dialect: Dialect,
) -> CompiledQuery:
    """The statement ``build()`` makes, compiled for ``dialect`` once per principal and
    ``key`` (which must tell apart every statement ``build`` can make; see
    :func:`crm.core.permissions.built_for`)."""
    return built_for(principal, key, lambda: compile_query(build(), dialect))
