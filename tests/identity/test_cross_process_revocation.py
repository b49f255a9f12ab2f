"""Revocations and rights changes made in one API process apply at once in the others: the
committing process publishes a stale notice on Redis before it answers (core/broadcast.py).

The second process here is a real one (`crm serve` on the test database and Redis), whose
principal cache would otherwise keep serving for a minute (principal_cache_seconds=60)."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from redis.asyncio import Redis
from sqlalchemy import text

from crm.core import broadcast
from crm.settings import get_settings

# Only to tell "the notice arrived" from "the other process never heard it"; the cache alone
# would serve for 60 s.
_NOTICE_WAIT_SECONDS = 2.0


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture(scope="module")
def other_process(app: Any) -> Iterator[str]:
    """A second API process on the same database and Redis (one for the module: starting one
    takes seconds); its base URL."""
    port = _free_port()
    env = {**os.environ, "CRM_PORT": str(port), "CRM_PRINCIPAL_CACHE_SECONDS": "60"}
    process = subprocess.Popen(
        [sys.executable, "-m", "crm.cli", "serve"],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                if httpx.get(f"{base}/api/v1/health", timeout=2).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            assert process.poll() is None and time.monotonic() < deadline, "serve did not start"
            time.sleep(0.2)
        yield base
    finally:
        process.terminate()
        process.wait(timeout=30)


async def _status_there(base: str, token: str) -> int:
    async with httpx.AsyncClient(base_url=base) as there:
        r = await there.get("/api/v1/customers", headers={"Authorization": f"Bearer {token}"})
        return r.status_code


async def _refused_there_soon(base: str, token: str) -> bool:
    deadline = time.monotonic() + _NOTICE_WAIT_SECONDS
    while time.monotonic() < deadline:
        if await _status_there(base, token) == 401:
            return True
    return False


async def test_a_logout_here_ends_the_access_token_in_another_process(
    factory: Any, other_process: str
) -> None:
    user = await factory.user("sales")
    assert await _status_there(other_process, user.token) == 200  # now cached there
    r = await user.post("/api/v1/auth/logout", json={"refresh_token": user.info["refresh_token"]})
    assert r.status_code == 204, r.text
    assert await _refused_there_soon(other_process, user.token)


async def test_a_deactivation_here_applies_in_another_process(
    factory: Any, admin: Any, other_process: str
) -> None:
    user = await factory.user("sales")
    assert await _status_there(other_process, user.token) == 200
    r = await admin.patch(f"/api/v1/users/{user.user_id}", json={"is_active": False})
    assert r.status_code == 200, r.text
    assert await _refused_there_soon(other_process, user.token)


async def test_the_notice_is_published_before_the_answer(factory: Any, app: Any) -> None:
    user = await factory.user("sales")
    listener = Redis.from_url(os.environ["CRM_REDIS_URL"])
    pubsub = listener.pubsub()
    await pubsub.subscribe(broadcast.channel())
    try:
        await pubsub.get_message(timeout=1)  # the subscribe confirmation
        r = await user.post(
            "/api/v1/auth/logout", json={"refresh_token": user.info["refresh_token"]}
        )
        assert r.status_code == 204, r.text
        message = await pubsub.get_message(ignore_subscribe_messages=True, timeout=1)
        assert message is not None and message["data"].decode().endswith(" principals")
    finally:
        await pubsub.aclose()
        await listener.aclose()


async def test_a_process_that_cannot_hear_notices_serves_nothing_from_its_cache(
    factory: Any, db: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    """While its subscription is down, a process cannot learn of revocations made elsewhere
    (here: a manual UPDATE, which publishes nothing), so it reads the database every time."""
    monkeypatch.setattr(get_settings(), "principal_cache_seconds", 60)
    user = await factory.user("sales")
    assert (await user.get("/api/v1/customers")).status_code == 200  # cached
    await broadcast.stop_listening()
    try:
        assert not broadcast.caches_may_serve()
        async with db.engine.begin() as conn:
            await conn.execute(
                text("UPDATE refresh_tokens SET revoked_at = now() WHERE user_id = :id"),
                {"id": user.user_id},
            )
        assert (await user.get("/api/v1/customers")).status_code == 401
    finally:
        await broadcast.start_listening()
    assert broadcast.caches_may_serve()
