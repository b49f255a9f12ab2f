"""Browser end-to-end tests: start a real CRM (API + worker + built SPA) on a fresh database,
run the Playwright suite in frontend/e2e against it, stop it.

Servers: the database server of CRM_TEST_DATABASE_URL (a fresh `<test database>_e2e` database
on it) and CRM_TEST_REDIS_URL when set, otherwise `crm run`'s embedded servers under var/e2e/.
"""

from __future__ import annotations

import asyncio
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "tests"))
from sqlalchemy.engine import make_url  # noqa: E402

from crm.core.db import to_async_url  # noqa: E402
from dbutil import recreate_database, with_database  # noqa: E402

PORT = int(os.environ.get("E2E_PORT", "8765"))
BASE_URL = f"http://127.0.0.1:{PORT}"
ADMIN_EMAIL = "admin@example.com"
ADMIN_PASSWORD = "e2e-admin-password"


def server_env() -> dict[str, str]:
    env = os.environ.copy()
    var_dir = ROOT / "var" / "e2e"
    shutil.rmtree(var_dir, ignore_errors=True)
    env.update(
        CRM_PORT=str(PORT),
        CRM_VAR_DIR=str(var_dir),
        CRM_ADMIN_EMAIL=ADMIN_EMAIL,
        CRM_ADMIN_PASSWORD=ADMIN_PASSWORD,
        CRM_DEMO_DATA="0",
        CRM_SECRET_KEY="e2e-secret-key",
        CRM_LOG_LEVEL="WARNING",
        CRM_FRONTEND_DIST=str(ROOT / "frontend" / "dist"),
    )
    if os.environ.get("CRM_TEST_DATABASE_URL"):
        # Named after the test database, so that checkouts sharing a server do not collide.
        test_db = make_url(to_async_url(os.environ["CRM_TEST_DATABASE_URL"])).database
        url = with_database(os.environ["CRM_TEST_DATABASE_URL"], f"{test_db or 'crm'}_e2e")
        asyncio.run(recreate_database(url))
        env["CRM_DATABASE_URL"] = url
    if os.environ.get("CRM_TEST_REDIS_URL"):
        env["CRM_REDIS_URL"] = os.environ["CRM_TEST_REDIS_URL"]
    return env


def wait_until_healthy(server: subprocess.Popen[bytes], timeout: float = 180) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise SystemExit(f"the CRM server exited early with code {server.returncode}")
        try:
            if httpx.get(f"{BASE_URL}/api/v1/health", timeout=2).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.5)
    raise SystemExit(f"the CRM server did not become healthy within {timeout} s")


def main() -> int:
    server = subprocess.Popen([str(ROOT / ".venv" / "bin" / "crm"), "run"], env=server_env())
    try:
        wait_until_healthy(server)
        env = os.environ.copy()
        env.update(
            E2E_BASE_URL=BASE_URL, E2E_ADMIN_EMAIL=ADMIN_EMAIL, E2E_ADMIN_PASSWORD=ADMIN_PASSWORD
        )
        # Arguments go to Playwright: `run.py e2e/import.spec.ts` runs one spec.
        command = ["npm", "run", "e2e", "--", *sys.argv[1:]]
        return subprocess.call(command, cwd=ROOT / "frontend", env=env)
    finally:
        server.send_signal(signal.SIGINT)
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            server.kill()


if __name__ == "__main__":
    sys.exit(main())
