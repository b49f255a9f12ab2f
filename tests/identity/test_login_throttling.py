"""Login throttling in Redis, per account from one address and per address, with delays that
grow: wrong passwords sent from elsewhere cannot lock a salesperson out."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from ipaddress import ip_network
from typing import Any

import httpx
import pytest

from conftest import ADMIN_EMAIL, PASSWORD
from crm.core import redis
from crm.identity.models import LoginEvent
from crm.settings import get_settings
from platform_helpers import assert_problem, count, rows

BASE_DELAY = 15  # login_throttle_base_delay_seconds


@asynccontextmanager
async def _from(app: Any, ip: str) -> AsyncIterator[httpx.AsyncClient]:
    transport = httpx.ASGITransport(app=app, client=(ip, 40000))
    async with httpx.AsyncClient(transport=transport, base_url="http://test") as client:
        yield client


async def _login(
    client: Any, email: str, password: str = PASSWORD, headers: dict[str, str] | None = None
) -> Any:
    return await client.post(
        "/api/v1/auth/login", data={"username": email, "password": password}, headers=headers
    )


async def _end_the_wait(email: str, ip: str) -> None:
    """What waiting out Retry-After does, without a test that sleeps."""
    assert await redis.client().delete(f"login-fail:acct-ip:{email}:{ip}:wait") == 1


def _retry_after(response: Any) -> int:
    assert_problem(response, 429)
    return int(response.headers["retry-after"])


async def test_failures_from_one_address_do_not_lock_the_owner_out_elsewhere(
    app: Any, factory: Any, db: Any
) -> None:
    settings = get_settings()
    assert settings.login_max_failures_per_account_address == 5
    assert settings.login_throttle_base_delay_seconds == BASE_DELAY
    victim = await factory.user("sales", email="victim@example.com")
    events_before = await count(db, LoginEvent)

    async with _from(app, "203.0.113.7") as attacker, _from(app, "198.51.100.2") as office:
        for _ in range(5):
            assert_problem(await _login(attacker, "victim@example.com", "guess-guess"), 401)
        # The attacker's address now waits, even with the right password, case or not.
        assert _retry_after(await _login(attacker, "victim@example.com")) == BASE_DELAY
        assert 0 < _retry_after(await _login(attacker, "VICTIM@example.com")) <= BASE_DELAY
        # The owner, elsewhere, signs in; so does the attacker's address into other accounts.
        assert (await _login(office, "victim@example.com")).status_code == 200
        assert (await _login(attacker, ADMIN_EMAIL)).status_code == 200
        # Refused attempts are not even checked: five failures and two sign-ins recorded.
        assert await count(db, LoginEvent) == events_before + 7
    # The victim's existing session is unaffected.
    assert (await victim.get("/api/v1/auth/me")).status_code == 200


async def test_each_further_failure_doubles_the_wait(app: Any, factory: Any) -> None:
    await factory.user("sales", email="target@example.com")
    async with _from(app, "203.0.113.9") as attacker:
        for _ in range(5):
            assert_problem(await _login(attacker, "target@example.com", "guess-guess"), 401)
        waits = []
        for _ in range(4):
            waits.append(_retry_after(await _login(attacker, "target@example.com", "again-1")))
            await _end_the_wait("target@example.com", "203.0.113.9")
            assert_problem(await _login(attacker, "target@example.com", "again-1"), 401)
        assert waits == [BASE_DELAY, 2 * BASE_DELAY, 4 * BASE_DELAY, 8 * BASE_DELAY]
        # Capped at the maximum (15 s doubled six times is past 900 s).
        for _ in range(2):
            await _end_the_wait("target@example.com", "203.0.113.9")
            assert_problem(await _login(attacker, "target@example.com", "again-1"), 401)
        cap = get_settings().login_throttle_max_delay_seconds
        assert _retry_after(await _login(attacker, "target@example.com")) == cap

        # Once the wait is over the right password still works, and resets the count.
        await _end_the_wait("target@example.com", "203.0.113.9")
        assert (await _login(attacker, "target@example.com")).status_code == 200
        for _ in range(4):
            assert_problem(await _login(attacker, "target@example.com", "typo-typo"), 401)
        assert (await _login(attacker, "target@example.com")).status_code == 200


async def test_a_success_resets_the_account_counter(client: Any, factory: Any) -> None:
    await factory.user("sales", email="forgetful@example.com")
    for _ in range(4):
        assert_problem(await _login(client, "forgetful@example.com", "wrong-one"), 401)
    assert (await _login(client, "forgetful@example.com")).status_code == 200
    for _ in range(4):
        assert_problem(await _login(client, "forgetful@example.com", "wrong-two"), 401)
    assert (await _login(client, "forgetful@example.com")).status_code == 200


async def test_unknown_accounts_are_throttled_like_known_ones(client: Any) -> None:
    for _ in range(5):
        assert_problem(await _login(client, "ghost@example.com", "nope-nope"), 401)
    assert _retry_after(await _login(client, "ghost@example.com", "nope-nope")) == BASE_DELAY


async def test_a_flood_over_many_accounts_is_throttled_per_address(
    app: Any, client: Any, factory: Any
) -> None:
    assert get_settings().login_max_failures_per_address == 20
    await factory.user("sales", email="innocent@example.com")
    # Spraying many accounts from one address (under each account's own limit).
    for i in range(19):
        assert_problem(await _login(client, f"spray{i}@example.com", "password1"), 401)
    assert (await _login(client, "innocent@example.com")).status_code == 200  # 19 < 20
    assert_problem(await _login(client, "spray-last@example.com", "password1"), 401)
    # Twenty failures from this address: everyone from it waits, even with the right password.
    assert _retry_after(await _login(client, "innocent@example.com")) == BASE_DELAY
    assert 0 < _retry_after(await _login(client, ADMIN_EMAIL)) <= BASE_DELAY

    # A different client address is not affected.
    async with _from(app, "10.1.2.3") as other:
        assert (await _login(other, "innocent@example.com")).status_code == 200


async def test_x_forwarded_for_counts_only_from_a_trusted_proxy(
    app: Any, factory: Any, db: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    await factory.user("sales", email="roaming@example.com")
    spoofed = {"X-Forwarded-For": "192.0.2.1"}
    async with _from(app, "203.0.113.50") as direct:
        # Not a proxy of ours: the header is ignored, so it cannot dodge the throttle.
        for _ in range(5):
            assert_problem(await _login(direct, "roaming@example.com", "bad-bad", spoofed), 401)
        assert_problem(await _login(direct, "roaming@example.com", headers=spoofed), 429)

    monkeypatch.setattr(get_settings(), "trusted_proxies", [ip_network("10.0.0.0/8")])
    async with _from(app, "10.0.0.5") as proxy:
        # Behind the proxy each client is its own address; what the client itself put in front
        # of the proxy's entry is not believed.
        for _ in range(5):
            r = await _login(
                proxy, "roaming@example.com", "bad-bad", {"X-Forwarded-For": "1.1.1.1, 192.0.2.8"}
            )
            assert_problem(r, 401)
        r = await _login(proxy, "roaming@example.com", headers={"X-Forwarded-For": "192.0.2.8"})
        assert_problem(r, 429)
        r = await _login(proxy, "roaming@example.com", headers={"X-Forwarded-For": "192.0.2.9"})
        assert r.status_code == 200, r.text
    [event] = await rows(db, LoginEvent, LoginEvent.success.is_(True), LoginEvent.ip == "192.0.2.9")
    assert event.email == "roaming@example.com"
