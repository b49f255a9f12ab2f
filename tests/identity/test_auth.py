"""Login, login history, refresh rotation with reuse detection, logout, token validation, me."""

from __future__ import annotations

import asyncio
import base64
import json
import time
import uuid
from datetime import timedelta
from typing import Any

from sqlalchemy import update

from conftest import ADMIN_EMAIL, PASSWORD, Api
from crm.core.db import utcnow
from crm.core.security import hash_token
from crm.identity.models import LoginEvent, RefreshToken, User
from platform_helpers import assert_problem, make_jwt, rows


async def _login(client: Any, email: str, password: str = PASSWORD) -> Any:
    return await client.post("/api/v1/auth/login", data={"username": email, "password": password})


async def test_login_returns_a_token_pair_and_records_it(client: Any, db: Any) -> None:
    r = await _login(client, ADMIN_EMAIL)
    assert r.status_code == 200, r.text
    body = r.json()
    assert set(body) == {"access_token", "refresh_token", "token_type", "expires_in"}
    assert body["token_type"] == "bearer"
    assert body["expires_in"] == 900
    assert body["refresh_token"].startswith("rt_")
    assert body["access_token"].count(".") == 2

    me = await Api(client, body["access_token"]).get("/api/v1/auth/me")
    assert me.status_code == 200 and me.json()["user"]["email"] == ADMIN_EMAIL

    [event] = await rows(db, LoginEvent)
    assert event.success is True and event.reason is None
    assert event.email == ADMIN_EMAIL and str(event.ip) == "127.0.0.1"
    [admin_user] = await rows(db, User, User.email == ADMIN_EMAIL)
    assert event.user_id == admin_user.id
    assert admin_user.last_login_at is not None
    # Only the hash of the refresh token is stored.
    [stored] = await rows(db, RefreshToken)
    assert stored.token_hash == hash_token(body["refresh_token"])
    assert stored.user_id == admin_user.id


async def test_the_email_is_case_insensitive_at_login(client: Any) -> None:
    r = await _login(client, "  Admin@Example.COM ")
    assert r.status_code == 200, r.text


async def test_wrong_password_and_unknown_account_look_identical(
    client: Any, factory: Any, db: Any
) -> None:
    user = await factory.user("sales", email="known@example.com")
    wrong = await _login(client, "known@example.com", "not-the-password")
    unknown = await _login(client, "nobody@example.com", "not-the-password")
    assert_problem(wrong, 401)
    assert_problem(unknown, 401)
    assert wrong.json() == unknown.json()
    assert wrong.headers["www-authenticate"] == unknown.headers["www-authenticate"] == "Bearer"
    assert "access_token" not in wrong.text

    # A disabled account answers exactly the same, even with the right password.
    assert (
        await factory.admin.patch(f"/api/v1/users/{user.user_id}", json={"is_active": False})
    ).status_code == 200
    disabled = await _login(client, "known@example.com")
    assert disabled.json() == unknown.json()

    failures = await rows(db, LoginEvent, LoginEvent.success.is_(False), order_by=LoginEvent.at)
    assert [(e.email, e.reason, e.user_id) for e in failures] == [
        ("known@example.com", "bad_password", uuid.UUID(user.user_id)),
        ("nobody@example.com", "unknown_user", None),
        ("known@example.com", "inactive", uuid.UUID(user.user_id)),
    ]


async def test_login_events_are_readable_by_admin_and_auditor_only(
    client: Any, admin: Any, factory: Any
) -> None:
    auditor = await factory.user("auditor")
    sales = await factory.user("sales")
    await _login(client, "ghost@example.com", "whatever-123")

    for reader in (admin, auditor):
        r = await reader.get("/api/v1/login-events", params={"limit": 200})
        assert r.status_code == 200, r.text
        items = r.json()["items"]
        # Newest first; the failure is there with its reason, successes too.
        assert items[0]["email"] == "ghost@example.com"
        assert items[0]["success"] is False and items[0]["reason"] == "unknown_user"
        assert items[0]["ip"] == "127.0.0.1"
        assert {i["email"] for i in items if i["success"]} >= {ADMIN_EMAIL, sales.info["email"]}

    only_sales = await admin.get("/api/v1/login-events", params={"user_id": sales.user_id})
    assert [(i["user_id"], i["success"]) for i in only_sales.json()["items"]] == [
        (sales.user_id, True)
    ]
    for api in (sales, await factory.user("manager")):
        assert_problem(await api.get("/api/v1/login-events"), 403)


async def test_refresh_rotates_and_reuse_revokes_the_family(client: Any, db: Any) -> None:
    first = (await _login(client, ADMIN_EMAIL)).json()
    other_session = (await _login(client, ADMIN_EMAIL)).json()

    r = await client.post("/api/v1/auth/refresh", json={"refresh_token": first["refresh_token"]})
    assert r.status_code == 200, r.text
    second = r.json()
    assert second["refresh_token"] != first["refresh_token"]
    assert (await Api(client, second["access_token"]).get("/api/v1/auth/me")).status_code == 200

    # The rotated token is spent...
    reuse = await client.post(
        "/api/v1/auth/refresh", json={"refresh_token": first["refresh_token"]}
    )
    assert_problem(reuse, 401)
    # ... and presenting it revoked the whole family, the newest token included.
    r = await client.post("/api/v1/auth/refresh", json={"refresh_token": second["refresh_token"]})
    assert_problem(r, 401)
    family = await rows(
        db,
        RefreshToken,
        RefreshToken.token_hash.in_(
            [hash_token(first["refresh_token"]), hash_token(second["refresh_token"])]
        ),
    )
    assert len(family) == 2 and all(t.revoked_at is not None for t in family)
    assert len({t.family_id for t in family}) == 1

    # Another login (another family) is untouched.
    r = await client.post(
        "/api/v1/auth/refresh", json={"refresh_token": other_session["refresh_token"]}
    )
    assert r.status_code == 200, r.text


async def test_refresh_refuses_garbage_and_expired_tokens(client: Any, db: Any) -> None:
    for token in ("rt_not-a-real-token", "x"):
        assert_problem(
            await client.post("/api/v1/auth/refresh", json={"refresh_token": token}), 401
        )
    assert_problem(await client.post("/api/v1/auth/refresh", json={"refresh_token": ""}), 422)
    r = await client.post("/api/v1/auth/refresh", json={"refresh_token": "a", "extra": 1})
    assert_problem(r, 422)

    tokens = (await _login(client, ADMIN_EMAIL)).json()
    async with db.sessionmaker() as session:
        await session.execute(
            update(RefreshToken).values(expires_at=utcnow() - timedelta(seconds=1))
        )
        await session.commit()
    r = await client.post("/api/v1/auth/refresh", json={"refresh_token": tokens["refresh_token"]})
    assert_problem(r, 401)


async def test_an_access_token_is_not_a_refresh_token(client: Any) -> None:
    tokens = (await _login(client, ADMIN_EMAIL)).json()
    r = await client.post("/api/v1/auth/refresh", json={"refresh_token": tokens["access_token"]})
    assert_problem(r, 401)
    # Nor the other way round.
    assert_problem(await Api(client, tokens["refresh_token"]).get("/api/v1/auth/me"), 401)


async def test_logout_revokes_the_refresh_token(client: Any, db: Any) -> None:
    tokens = (await _login(client, ADMIN_EMAIL)).json()
    r = await client.post("/api/v1/auth/logout", json={"refresh_token": tokens["refresh_token"]})
    assert r.status_code == 204 and r.content == b""
    r = await client.post("/api/v1/auth/refresh", json={"refresh_token": tokens["refresh_token"]})
    assert_problem(r, 401)
    [stored] = await rows(db, RefreshToken)
    assert stored.revoked_at is not None
    # Logging out with an unknown token is harmless and says nothing.
    r = await client.post("/api/v1/auth/logout", json={"refresh_token": "rt_unknown"})
    assert r.status_code == 204


async def test_a_deactivated_user_is_locked_out_at_once(
    client: Any, admin: Any, factory: Any
) -> None:
    user = await factory.user("sales")
    refresh_token = user.info["refresh_token"]
    assert (await user.get("/api/v1/auth/me")).status_code == 200

    r = await admin.patch(f"/api/v1/users/{user.user_id}", json={"is_active": False})
    assert r.status_code == 200 and r.json()["is_active"] is False

    assert_problem(await user.get("/api/v1/auth/me"), 401)
    assert_problem(await user.get("/api/v1/customers"), 401)
    r = await client.post("/api/v1/auth/refresh", json={"refresh_token": refresh_token})
    assert_problem(r, 401)
    assert_problem(await _login(client, user.info["email"]), 401)

    # Re-activated, neither the old access token nor the refresh token works again.
    await admin.patch(f"/api/v1/users/{user.user_id}", json={"is_active": True})
    assert_problem(await user.get("/api/v1/auth/me"), 401)
    r = await client.post("/api/v1/auth/refresh", json={"refresh_token": refresh_token})
    assert_problem(r, 401)


async def test_a_deleted_user_is_locked_out(client: Any, admin: Any, factory: Any) -> None:
    user = await factory.user("sales")
    assert (await admin.delete(f"/api/v1/users/{user.user_id}")).status_code == 204
    assert_problem(await user.get("/api/v1/auth/me"), 401)
    r = await client.post(
        "/api/v1/auth/refresh", json={"refresh_token": user.info["refresh_token"]}
    )
    assert_problem(r, 401)
    assert_problem(await _login(client, user.info["email"]), 401)


async def test_a_password_change_ends_existing_sessions(
    client: Any, admin: Any, factory: Any
) -> None:
    user = await factory.user("sales")
    r = await admin.patch(f"/api/v1/users/{user.user_id}", json={"password": "a-new-password-1"})
    assert r.status_code == 200
    r = await client.post(
        "/api/v1/auth/refresh", json={"refresh_token": user.info["refresh_token"]}
    )
    assert_problem(r, 401)
    assert_problem(await _login(client, user.info["email"]), 401)
    assert (await _login(client, user.info["email"], "a-new-password-1")).status_code == 200


def _session_of(token: str) -> str:
    """The login session (``sid``) a real access token is bound to."""
    payload = token.split(".")[1]
    return str(json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))["sid"])


async def test_bad_access_tokens_are_401(client: Any, admin: Any) -> None:
    now = int(time.time())
    user_id = admin.user_id
    good_claims = {
        "sub": user_id,
        "sid": _session_of(admin.token),
        "iat": now,
        "exp": now + 600,
        "typ": "access",
        "jti": "x",
    }
    # Sanity: a hand-made token with the right key is accepted, so the refusals below are real.
    assert (await Api(client, make_jwt(good_claims)).get("/api/v1/auth/me")).status_code == 200

    bad_tokens = {
        "expired": make_jwt({**good_claims, "iat": now - 1000, "exp": now - 10}),
        "alg none": make_jwt(good_claims, alg="none"),
        "wrong key": make_jwt(good_claims, secret="guessed-secret"),
        "refresh type": make_jwt({**good_claims, "typ": "refresh"}),
        "no type": make_jwt({k: v for k, v in good_claims.items() if k != "typ"}),
        "sub not uuid": make_jwt({**good_claims, "sub": "admin"}),
        "no iat": make_jwt({k: v for k, v in good_claims.items() if k != "iat"}),
        "unknown user": make_jwt({**good_claims, "sub": str(uuid.uuid4())}),
        "garbage": "not.a.jwt",
        "empty": "",
        "binary": "\u00ff\u00fe",
    }
    for name, token in bad_tokens.items():
        header_value = f"Bearer {token}".encode("latin-1")
        r = await client.get("/api/v1/auth/me", headers={"Authorization": header_value})
        body = assert_problem(r, 401)
        assert r.headers["www-authenticate"] == "Bearer", name
        assert "Sign in" in body["detail"], name
    # A tampered payload with the original signature.
    header, _, signature = admin.token.split(".")
    forged = make_jwt({**good_claims, "sub": str(uuid.uuid4())}).split(".")[1]
    r = await client.get(
        "/api/v1/auth/me", headers={"Authorization": f"Bearer {header}.{forged}.{signature}"}
    )
    assert_problem(r, 401)
    # Another scheme is not a bearer token.
    r = await client.get("/api/v1/auth/me", headers={"Authorization": f"Basic {admin.token}"})
    assert_problem(r, 401)


async def test_malformed_claims_signed_with_the_real_key_are_401_not_500(
    client: Any, admin: Any
) -> None:
    now = int(time.time())
    good_claims = {
        "sub": admin.user_id,
        "sid": _session_of(admin.token),
        "iat": now,
        "exp": now + 600,
        "typ": "access",
    }
    assert (await Api(client, make_jwt(good_claims)).get("/api/v1/auth/me")).status_code == 200

    malformed = {
        "iat beyond datetime": {"iat": 10**20},
        "iat far negative": {"iat": -(10**20)},
        "iat in the future": {"iat": now + 3600, "exp": now + 4000},
        "iat a string": {"iat": str(now)},
        "iat NaN": {"iat": float("nan")},
        "exp huge": {"exp": 10**30},
        "exp infinite": {"exp": float("inf")},
        "exp beyond the token lifetime": {"exp": now + 10 * 365 * 86400},
        "exp a float": {"exp": now + 600.5},
        "exp a boolean": {"exp": True},
        "exp a list": {"exp": [now + 600]},
        "nbf infinite": {"nbf": float("inf")},
        "sub a number": {"sub": 12345},
        "sub a list": {"sub": [admin.user_id]},
        "sid an object": {"sid": {"id": 1}},
        "sid a number": {"sid": 7},
        "typ a list": {"typ": ["access"]},
    }
    for name, change in malformed.items():
        r = await Api(client, make_jwt({**good_claims, **change})).get("/api/v1/auth/me")
        assert r.status_code == 401, (name, r.status_code, r.text)
        assert_problem(r, 401)


async def test_me_returns_roles_permissions_and_scopes(factory: Any) -> None:
    dept = await factory.department("Sales")
    sales = await factory.user("sales", department_id=dept["id"])
    me = (await sales.get("/api/v1/auth/me")).json()
    assert me["user"]["id"] == sales.user_id
    assert me["user"]["department_id"] == dept["id"]
    assert "password_hash" not in me["user"] and "password" not in str(me)
    assert [r["key"] for r in me["roles"]] == ["sales"]
    assert me["permissions"] == sorted(
        [
            "customers:import",
            "customers:read",
            "customers:write",
            "contacts:read",
            "contacts:write",
            "contacts:delete",
            "activities:read",
            "activities:write",
            "activities:delete",
            "customers:claim",
            "tasks:read",
            "tasks:write",
            "users:read",
            "departments:read",
            "leads:read",
            "leads:write",
            "leads:import",
            "deals:read",
            "deals:write",
            "products:read",
            "quotes:read",
            "quotes:write",
            "contracts:read",
            "contracts:write",
            # What every user holds through their account (catalog.PERSONAL_PERMISSIONS).
            "approvals:read",
            "exports:read",
            "imports:read",
            "jobs:read",
            "notifications:read",
            "recycle_bin:read",
            "tags:read",
        ]
    )
    selling = ("leads", "deals", "contracts")
    assert me["data_scopes"] == {"customers": "own", "tasks": "own"} | dict.fromkeys(selling, "own")

    # Several roles: permissions are the union, the widest scope per resource wins.
    both = await factory.user("sales", "manager")
    me = (await both.get("/api/v1/auth/me")).json()
    assert [r["key"] for r in me["roles"]] == ["manager", "sales"]
    assert "customers:delete" in me["permissions"] and "customers:export" in me["permissions"]
    assert me["data_scopes"] == dict.fromkeys(("customers", "tasks", *selling), "department_tree")


async def test_admin_me_has_every_permission(admin: Any) -> None:
    me = (await admin.get("/api/v1/auth/me")).json()
    catalog = (await admin.get("/api/v1/permissions")).json()
    assert me["permissions"] == catalog["permissions"]
    assert me["data_scopes"] == {r: "all" for r in catalog["scoped_resources"]}


async def test_an_absurd_username_is_just_another_failed_login(client: Any, db: Any) -> None:
    unknown = await _login(client, "nobody@example.com", "whatever-1")
    huge = await _login(client, "a" * 5000 + "@example.com", "whatever-1")
    assert_problem(huge, 401)
    assert huge.json() == unknown.json()
    events = await rows(db, LoginEvent, LoginEvent.success.is_(False), order_by=LoginEvent.at)
    assert [e.reason for e in events] == ["unknown_user", "unknown_user"]
    assert events[1].email.startswith("aaaa") and len(events[1].email) <= 320


async def test_an_access_token_stops_working_when_it_expires_after_first_use(
    client: Any, admin: Any
) -> None:
    """Signatures are verified once per token and remembered; the expiry must still be checked
    on every request."""
    now = int(time.time())
    claims = {
        "sub": admin.user_id,
        "sid": _session_of(admin.token),
        "iat": now,
        "exp": now + 2,
        "typ": "access",
        "jti": "short",
    }
    api = Api(client, make_jwt(claims))
    assert (await api.get("/api/v1/auth/me")).status_code == 200
    await asyncio.sleep(max(0.0, now + 2.05 - time.time()))
    assert_problem(await api.get("/api/v1/auth/me"), 401)
