"""Access tokens are bound to their login session: revoking the session ends them at once,
not when they expire 15 minutes later."""

from __future__ import annotations

import time
import uuid
from typing import Any

import pytest
from sqlalchemy import text

from conftest import PASSWORD, Api, login
from crm.settings import get_settings
from platform_helpers import assert_problem, make_jwt


async def _works(api: Api) -> bool:
    """One authenticated request; every caller made one before the revocation, so the user's
    principal and sessions were cached when it happened."""
    r = await api.get("/api/v1/auth/me")
    if r.status_code == 401:
        assert_problem(r, 401)
        return False
    assert r.status_code == 200, r.text
    return True


async def _refresh(client: Any, refresh_token: str) -> Any:
    return await client.post("/api/v1/auth/refresh", json={"refresh_token": refresh_token})


async def test_logout_ends_that_sessions_access_token_only(client: Any, factory: Any) -> None:
    user = await factory.user("sales")
    other_device = await login(client, user.info["email"])
    assert await _works(user) and await _works(other_device)

    r = await client.post("/api/v1/auth/logout", json={"refresh_token": user.info["refresh_token"]})
    assert r.status_code == 204
    assert not await _works(user)
    assert_problem(await user.get("/api/v1/customers"), 401)
    # Another login of the same user is another session and keeps working.
    assert await _works(other_device)
    assert await _works(await login(client, user.info["email"]))


async def test_a_password_change_ends_every_access_token_of_the_user(
    client: Any, admin: Any, factory: Any
) -> None:
    user = await factory.user("sales")
    other_device = await login(client, user.info["email"])
    bystander = await factory.user("sales")
    assert await _works(user) and await _works(other_device)

    r = await admin.patch(f"/api/v1/users/{user.user_id}", json={"password": "a-new-password-1"})
    assert r.status_code == 200, r.text
    assert not await _works(user)
    assert not await _works(other_device)
    assert await _works(bystander)
    assert await _works(await login(client, user.info["email"], "a-new-password-1"))


async def test_refresh_token_reuse_ends_the_familys_access_tokens(
    client: Any, factory: Any
) -> None:
    user = await factory.user("sales")
    other_device = await login(client, user.info["email"])
    r = await _refresh(client, user.info["refresh_token"])
    assert r.status_code == 200, r.text
    rotated = Api(client, r.json()["access_token"])
    assert await _works(user) and await _works(rotated)

    # The spent refresh token comes back: a thief or the client holds a copy.
    assert_problem(await _refresh(client, user.info["refresh_token"]), 401)
    assert not await _works(user)
    assert not await _works(rotated)
    assert await _works(other_device)


async def test_deactivation_ends_access_tokens_for_good(
    client: Any, admin: Any, factory: Any
) -> None:
    user = await factory.user("sales")
    assert await _works(user)

    r = await admin.patch(f"/api/v1/users/{user.user_id}", json={"is_active": False})
    assert r.status_code == 200, r.text
    assert not await _works(user)
    # Re-activating the account does not bring its old sessions back; signing in does.
    r = await admin.patch(f"/api/v1/users/{user.user_id}", json={"is_active": True})
    assert r.status_code == 200, r.text
    assert not await _works(user)
    assert await _works(await login(client, user.info["email"], PASSWORD))


async def test_a_role_change_applies_to_the_existing_access_token(admin: Any, factory: Any) -> None:
    user = await factory.user("sales")
    assert (await user.get("/api/v1/customers")).status_code == 200
    r = await admin.patch(f"/api/v1/users/{user.user_id}", json={"role_keys": []})
    assert r.status_code == 200, r.text
    assert_problem(await user.get("/api/v1/customers"), 403)


async def test_a_revocation_the_app_did_not_make_applies_without_the_cache(
    factory: Any, db: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    """As another API process would revoke a session: no invalidation reaches this one, so
    only the cache's bound (principal_cache_seconds) stands between; without it, at once."""
    monkeypatch.setattr(get_settings(), "principal_cache_seconds", 0)
    user = await factory.user("sales")
    assert await _works(user)
    async with db.engine.begin() as conn:
        await conn.execute(
            text("UPDATE refresh_tokens SET revoked_at = now() WHERE user_id = :id"),
            {"id": user.user_id},
        )
    assert not await _works(user)


async def test_a_token_of_no_live_session_is_refused(client: Any, admin: Any) -> None:
    """Signed with the real key, but bound to no session (or to none at all)."""
    now = int(time.time())
    claims = {"sub": admin.user_id, "iat": now, "exp": now + 600, "typ": "access", "jti": "x"}
    assert not await _works(Api(client, make_jwt(claims)))
    assert not await _works(Api(client, make_jwt({**claims, "sid": str(uuid.uuid4())})))
    assert not await _works(Api(client, make_jwt({**claims, "sid": "not-a-uuid"})))
    assert await _works(admin)
