"""The API under test: uvicorn serving ``crm.app:create_app`` in a subprocess on 127.0.0.1."""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx

# As `crm run` starts it (factory, the app's own logging, no proxy headers), on one process.
_SERVE = (
    "import sys, uvicorn; uvicorn.run('crm.app:create_app', factory=True, host='127.0.0.1', "
    "port=int(sys.argv[1]), log_config=None, proxy_headers=False)"
)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


# Shared with an in-process app (bench_lists) that must accept the server's tokens.
SECRET_KEY = "bench-secret-key-not-for-production"


@contextlib.contextmanager
def api_server(
    *, database_url: str, redis_url: str, log_path: Path, timeout: float = 240
) -> Iterator[str]:
    """Start the API; yield its base URL; stop it."""
    port = free_port()
    env = os.environ.copy()
    env.update(
        CRM_DATABASE_URL=database_url,
        CRM_REDIS_URL=redis_url,
        CRM_SECRET_KEY=SECRET_KEY,
        CRM_FRONTEND_DIST=str(log_path.parent / "no-spa"),
        CRM_LOG_JSON="1",
    )
    env.setdefault("CRM_LOG_LEVEL", "INFO")
    base_url = f"http://127.0.0.1:{port}"
    log_path.parent.mkdir(parents=True, exist_ok=True)
    with log_path.open("wb") as log:
        process = subprocess.Popen(
            [sys.executable, "-c", _SERVE, str(port)], env=env, stdout=log, stderr=log
        )
        try:
            _wait_until_healthy(process, base_url, timeout, log_path)
            yield base_url
        finally:
            process.send_signal(signal.SIGINT)
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


def _wait_until_healthy(
    process: subprocess.Popen[bytes], base_url: str, timeout: float, log_path: Path
) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"the API exited early ({process.returncode}); see {log_path}")
        try:
            if (
                httpx.get(f"{base_url}/api/v1/health", timeout=2, trust_env=False).status_code
                == 200
            ):
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.2)
    raise RuntimeError(f"the API did not become healthy within {timeout} s; see {log_path}")
