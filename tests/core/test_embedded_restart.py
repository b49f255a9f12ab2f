"""The embedded PostgreSQL and Valkey outlive a process killed outright (SIGKILL runs no
cleanup): the next start must reuse them, never start a second server on the same data
directory; and `crm run`, which supervises the API, stops everything when the API dies.
Real servers in a temporary var dir; every process is stopped at the end."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import psutil
import pytest

HOLDER = """
import signal, sys, time
from pathlib import Path
from crm.core import embedded

signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
var = Path(sys.argv[1])
try:
    print("URL", embedded.start_postgres(var), flush=True)
    print("URL", embedded.start_redis(var), flush=True)
    while True:
        time.sleep(1)
finally:
    embedded.stop_all()
"""


def _postmasters(var: Path) -> list[psutil.Process]:
    pgdata = str((var / "postgres").resolve())
    found = []
    for process in psutil.process_iter(["name", "cmdline"]):
        if process.info["name"] == "postgres" and pgdata in (process.info["cmdline"] or []):
            found.append(process)
    return found


def _valkeys(var: Path) -> list[psutil.Process]:
    """Valkey renames itself on start: its working directory is its data directory."""
    data_dir = str((var / "valkey").resolve())
    found = []
    for process in psutil.process_iter(["name"]):
        try:
            if "valkey" in (process.info["name"] or "") and process.cwd() == data_dir:
                found.append(process)
        except psutil.Error:
            continue
    return found


def _env(var: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("CRM_")}
    return {**env, "CRM_VAR_DIR": str(var), "CRM_DEMO_DATA": "0", "CRM_LOG_JSON": "0"}


def _start_holder(var: Path) -> tuple[subprocess.Popen[str], list[str]]:
    """A process that starts the embedded servers as `crm run` does, and holds them."""
    process = subprocess.Popen(
        [sys.executable, "-c", HOLDER, str(var)],
        env=_env(var),
        stdout=subprocess.PIPE,
        text=True,
    )
    assert process.stdout is not None
    urls: list[str] = []
    while len(urls) < 2:
        line = process.stdout.readline()  # the servers' own log lines come between
        assert line, "the servers did not start"
        if line.startswith("URL "):
            urls.append(line.split()[1])
    return process, urls


@pytest.fixture
def var(tmp_path: Path) -> Iterator[Path]:
    var = tmp_path / "var"
    yield var
    for process in [*_postmasters(var), *_valkeys(var)]:  # whatever a failure left behind
        process.kill()


def test_servers_left_by_a_killed_process_are_reused_and_then_stopped(var: Path) -> None:
    first, urls = _start_holder(var)
    [postmaster], [valkey] = _postmasters(var), _valkeys(var)
    first.kill()  # no handler, no atexit: the servers are orphans now
    first.wait()
    assert postmaster.is_running() and valkey.is_running()

    second, urls_again = _start_holder(var)
    assert urls_again == urls  # the same servers, reused
    assert [p.pid for p in _postmasters(var)] == [postmaster.pid]
    assert [p.pid for p in _valkeys(var)] == [valkey.pid]
    second.send_signal(signal.SIGTERM)  # a normal stop stops the servers it reused
    assert second.wait(timeout=60) == 0
    psutil.wait_procs([postmaster, valkey], timeout=10)
    assert (_postmasters(var), _valkeys(var)) == ([], [])


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def test_crm_run_stops_everything_when_the_api_is_killed(var: Path) -> None:
    port = _free_port()
    supervisor = subprocess.Popen(
        [sys.executable, "-m", "crm.cli", "run", "--no-worker"],
        env={**_env(var), "CRM_PORT": str(port)},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 90  # migrations on a fresh database: ~30 s here
        while time.monotonic() < deadline:
            try:
                if httpx.get(f"http://127.0.0.1:{port}/api/v1/health").status_code == 200:
                    break
            except httpx.TransportError:
                time.sleep(0.5)
        else:
            pytest.fail("crm run did not start serving")
        [api] = [
            child
            for child in psutil.Process(supervisor.pid).children()
            if "serve" in child.cmdline()
        ]
        servers = [*_postmasters(var), *_valkeys(var)]
        assert len(servers) == 2
        api.kill()
        assert supervisor.wait(timeout=60) == 1
        psutil.wait_procs(servers, timeout=10)
        assert (_postmasters(var), _valkeys(var)) == ([], [])
    finally:
        if supervisor.poll() is None:
            supervisor.kill()
