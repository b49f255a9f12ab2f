"""The SQL the API runs, captured from the service itself.

``list_customers`` is called with a stand-in session that records what it is asked to run: the
SQL and arguments it hands the driver (a compiled query, see crm.core.compiled), or a statement,
compiled here by SQLAlchemy's asyncpg dialect exactly as the engine would (``$n`` placeholders,
IN-lists expanded). Either way the raw baseline sends PostgreSQL the very query the API sends,
with the same parameters.
"""

from __future__ import annotations

import re
import uuid
from dataclasses import dataclass
from typing import Any

from sqlalchemy.dialects.postgresql.asyncpg import PGDialect_asyncpg

from crm.core.pagination import PageParams
from crm.core.permissions import Principal

DIALECT = PGDialect_asyncpg()
DIALECT.paramstyle = "numeric_dollar"


@dataclass(frozen=True)
class Captured:
    sql: str
    params: tuple[Any, ...]
    limit: int  # page size (the statement asks for limit + 1)

    def literal(self) -> str:
        """The SQL with its parameters spelled out (for printing; EXPLAIN uses the $n form)."""

        def value(match: re.Match[str]) -> str:
            v = self.params[int(match.group(1)) - 1]
            return str(v) if isinstance(v, int) else "'" + str(v).replace("'", "''") + "'"

        return re.sub(r"\$(\d+)", value, self.sql)


class _Recorder:
    """Just enough of an AsyncSession (of its connection, and of the driver's connection under
    it) for ``paginate`` (the compiled path too): remembers what it is asked to run, returns
    no rows."""

    def __init__(self) -> None:
        self.statements: list[Any] = []
        self.driver_calls: list[tuple[str, tuple[Any, ...]]] = []

    async def execute(self, statement: Any, *args: Any, **kwargs: Any) -> _Recorder:
        self.statements.append(statement)
        return self

    async def connection(self) -> _Recorder:
        return self

    def get_bind(self) -> _Recorder:
        return self

    @property
    def dialect(self) -> PGDialect_asyncpg:
        return DIALECT

    async def get_raw_connection(self) -> _Recorder:
        return self

    @property
    def driver_connection(self) -> _Recorder:
        return self

    async def fetch(self, sql: str, *args: Any) -> list[Any]:
        self.driver_calls.append((sql, args))
        return []

    def scalars(self) -> _Recorder:
        return self

    def all(self) -> list[Any]:
        return []

    def scalar_one(self) -> int:
        return 0


def compile_statement(statement: Any) -> tuple[str, tuple[Any, ...]]:
    compiled = statement.compile(dialect=DIALECT, compile_kwargs={"render_postcompile": True})
    values = compiled.construct_params()
    positions = compiled.positiontup or []
    return compiled.string, tuple(values[name] for name in positions)


async def capture_list_customers(
    principal: Principal,
    *,
    limit: int = 50,
    cursor: str | None = None,
    q: str | None = None,
    sort: str = "-updated_at",
) -> Captured:
    from crm.customers import service
    from crm.customers.schemas import CustomerFilters

    recorder = _Recorder()
    params = PageParams(limit=limit, cursor=cursor, sort=sort, q=q, with_total=False)
    await service.list_customers(
        recorder,  # type: ignore[arg-type]
        principal,
        params=params,
        filters=CustomerFilters(q=q),
    )
    if recorder.driver_calls:
        ((sql, values),) = recorder.driver_calls
    else:
        (statement,) = recorder.statements
        sql, values = compile_statement(statement)
    return Captured(sql=sql, params=values, limit=limit)


async def load_principal(database_url: str, user_id: uuid.UUID) -> Principal:
    """The principal exactly as a request of that user would build it."""
    from crm.core.db import Database
    from crm.identity import repository

    db = Database(database_url)
    try:
        async with db.sessionmaker() as session:
            principal = await repository.principal_for_user(session, user_id)
    finally:
        await db.dispose()
    assert principal is not None, f"user {user_id} has no principal"
    return principal
