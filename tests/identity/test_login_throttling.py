"""Login throttling in Redis: per account (5 failures) and per client IP (20 failures)."""

from __future__ import annotations

from typing import Any

from conftest import ADMIN_EMAIL, PASSWORD
from crm.core import redis
from crm.identity.models import LoginEvent
from crm.settings import get_settings
from platform_helpers import assert_problem, count


async def _login(client: Any, email: str, password: str = PASSWORD) -> Any:
    return await client.post("/api/v1/auth/login", data={"username": email, "password": password})


async def test_an_account_is_locked_after_five_failures_even_for_the_right_password(
    client: Any, factory: Any, db: Any
) -> None:
    settings = get_settings()
    assert (settings.login_max_failures_per_account, settings.login_max_failures_per_ip) == (5, 20)
    victim = await factory.user("sales", email="victim@example.com")
    bystander = await factory.user("sales", email="bystander@example.com")
    events_before = await count(db, LoginEvent)

    for _ in range(5):
        assert_problem(await _login(client, "victim@example.com", "guess-guess"), 401)
    locked = await _login(client, "victim@example.com")
    body = assert_problem(locked, 429)
    assert "Too many" in body["detail"]
    retry_after = int(locked.headers["retry-after"])
    assert 0 < retry_after <= settings.login_failure_window_seconds
    # The account key is case-insensitive: no way around it by shouting.
    assert_problem(await _login(client, "VICTIM@example.com"), 429)
    # Refused attempts are not even checked: five failures recorded, no more.
    assert await count(db, LoginEvent) == events_before + 5
    assert int(await redis.client().get("login-fail:acct:victim@example.com")) == 5

    # Another account from the same IP still signs in.
    assert (await _login(client, "bystander@example.com")).status_code == 200
    # The locked account's existing session is unaffected.
    assert (await victim.get("/api/v1/auth/me")).status_code == 200
    assert (await bystander.get("/api/v1/auth/me")).status_code == 200

    # The lock lifts when the window ends.
    await redis.client().delete("login-fail:acct:victim@example.com")
    assert (await _login(client, "victim@example.com")).status_code == 200


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
    assert_problem(await _login(client, "ghost@example.com", "nope-nope"), 429)


async def test_an_ip_is_locked_after_twenty_failures_across_accounts(
    client: Any, factory: Any
) -> None:
    await factory.user("sales", email="innocent@example.com")
    # Spraying many accounts from one address (under each account's own limit).
    for i in range(19):
        assert_problem(await _login(client, f"spray{i}@example.com", "password1"), 401)
    assert (await _login(client, "innocent@example.com")).status_code == 200  # 19 < 20
    assert_problem(await _login(client, "spray-last@example.com", "password1"), 401)
    # Twenty failures from this IP: now everyone from it is refused, even with the right password.
    r = await _login(client, "innocent@example.com")
    assert_problem(r, 429)
    assert int(r.headers["retry-after"]) > 0
    assert_problem(await _login(client, ADMIN_EMAIL), 429)
    assert int(await redis.client().get("login-fail:ip:127.0.0.1")) == 20

    # A different client address is not affected.
    import httpx

    other_transport = httpx.ASGITransport(app=client._transport.app, client=("10.1.2.3", 4000))
    async with httpx.AsyncClient(transport=other_transport, base_url="http://test") as other:
        assert (await _login(other, "innocent@example.com")).status_code == 200
