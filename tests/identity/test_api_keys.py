"""API keys: shown once, stored hashed, never more than their user may do, revocable."""

from __future__ import annotations

import uuid
from datetime import timedelta
from typing import Any

from sqlalchemy import text, update

from crm.core.audit import AuditLog
from crm.core.db import utcnow
from crm.core.security import hash_token
from crm.identity.models import ApiKey
from platform_helpers import assert_problem, error_locs, rows


def _key_headers(secret: str) -> dict[str, str]:
    return {"X-API-Key": secret}


async def _create_key(admin: Any, **body: Any) -> dict[str, Any]:
    r = await admin.post("/api/v1/api-keys", json={"name": "integration", **body})
    assert r.status_code == 201, r.text
    return dict(r.json())


async def test_the_secret_is_shown_once_and_stored_hashed(admin: Any, db: Any) -> None:
    created = await _create_key(admin, permissions=["customers:read", "customers:read"])
    secret = created["key"]
    assert secret.startswith("crm_") and len(secret) > 40
    assert created["prefix"] == secret[:10]
    assert created["permissions"] == ["customers:read"]
    assert created["user_id"] == admin.user_id
    assert created["last_used_at"] is None and created["revoked_at"] is None

    listed = await admin.get("/api/v1/api-keys")
    assert listed.status_code == 200
    [item] = listed.json()["items"]
    assert item["id"] == created["id"] and item["prefix"] == created["prefix"]
    assert "key" not in item and secret not in listed.text

    [stored] = await rows(db, ApiKey)
    assert stored.key_hash == hash_token(secret)
    async with db.sessionmaker() as session:
        # Whatever the column, the secret itself is nowhere in the table or the audit trail.
        dump = (await session.execute(text("SELECT api_keys::text FROM api_keys"))).scalar_one()
        audit = (
            await session.execute(text("SELECT string_agg(audit_logs::text, '') FROM audit_logs"))
        ).scalar_one()
    assert secret not in dump
    assert secret not in audit and stored.key_hash not in audit
    [entry] = await rows(db, AuditLog, AuditLog.object_type == "api_key")
    assert entry.action == "create" and entry.object_id == stored.id


async def test_a_key_acts_with_the_intersection_of_its_and_its_users_rights(
    admin: Any, factory: Any, db: Any
) -> None:
    sales = await factory.user("sales")
    other = await factory.user("sales")
    mine = await factory.customer(sales, name="Mine")
    await factory.customer(other, name="Not mine")
    created = await _create_key(
        admin,
        user_id=sales.user_id,
        # admin:users is more than the user holds; users:read is less than the user holds.
        permissions=["customers:read", "admin:users"],
    )
    headers = _key_headers(created["key"])
    client = admin.client

    me = (await client.get("/api/v1/auth/me", headers=headers)).json()
    assert me["user"]["id"] == sales.user_id
    assert me["permissions"] == ["customers:read"]
    assert me["data_scopes"] == {
        "customers": "own",
        "tasks": "own",
        "leads": "own",
        "deals": "own",
        "contracts": "own",
    }

    r = await client.get("/api/v1/customers", headers=headers)
    assert r.status_code == 200
    assert [c["id"] for c in r.json()["items"]] == [mine["id"]]  # the user's own scope
    # What the key holds but the user does not: refused.
    r = await client.post(
        "/api/v1/users",
        headers=headers,
        json={"email": "esc@example.com", "password": "long-enough-1", "full_name": "Esc"},
    )
    assert_problem(r, 403)
    # What the user holds but the key does not: refused.
    assert_problem(await client.get("/api/v1/users", headers=headers), 403)
    assert_problem(await client.post("/api/v1/customers", headers=headers, json={"name": "N"}), 403)

    [stored] = await rows(db, ApiKey)
    assert stored.last_used_at is not None
    listed = (await admin.get("/api/v1/api-keys")).json()["items"]
    assert listed[0]["last_used_at"] is not None


async def test_a_key_reaches_what_every_user_may_do_only_when_it_is_granted(
    admin: Any, factory: Any
) -> None:
    """A user's inbox, imports, approvals, jobs and recycle bin need no role, but a key with
    only ``products:read`` must not read them: they are permissions the key must list."""
    sales = await factory.user("sales")
    personal = [
        "/api/v1/notifications",
        "/api/v1/imports",
        "/api/v1/approvals",
        "/api/v1/recycle-bin",
        "/api/v1/tags",
        "/api/v1/exports/object-types",
    ]
    for path in personal:  # the user, signed in, may
        assert (await sales.get(path)).status_code == 200, path
    narrow = _key_headers((await _create_key(admin, permissions=["products:read"]))["key"])
    inbox = _key_headers(
        (await _create_key(admin, user_id=sales.user_id, permissions=["notifications:read"]))["key"]
    )
    client = admin.client
    assert (await client.get("/api/v1/products", headers=narrow)).status_code == 200
    for path in personal:
        body = assert_problem(await client.get(path, headers=narrow), 403)
        assert ":read" in body["detail"], (path, body)
    assert (await client.get("/api/v1/notifications", headers=inbox)).status_code == 200
    assert_problem(await client.get("/api/v1/imports", headers=inbox), 403)
    me = (await client.get("/api/v1/auth/me", headers=inbox)).json()
    assert me["permissions"] == ["notifications:read"]


async def test_a_bearer_token_takes_precedence_over_a_key(admin: Any, factory: Any) -> None:
    sales = await factory.user("sales")
    created = await _create_key(admin, user_id=sales.user_id, permissions=["customers:read"])
    r = await admin.get(
        "/api/v1/auth/me", headers=_key_headers(created["key"])
    )  # admin's bearer + the key
    assert r.json()["user"]["id"] == admin.user_id


async def test_revoked_expired_and_unknown_keys_are_401(admin: Any, factory: Any, db: Any) -> None:
    client = admin.client
    revoked = await _create_key(admin, permissions=["users:read"])
    assert (
        await client.get("/api/v1/users", headers=_key_headers(revoked["key"]))
    ).status_code == 200
    r = await admin.delete(f"/api/v1/api-keys/{revoked['id']}")
    assert r.status_code == 204
    assert_problem(await client.get("/api/v1/users", headers=_key_headers(revoked["key"])), 401)
    # Revoking twice is harmless and audited once.
    assert (await admin.delete(f"/api/v1/api-keys/{revoked['id']}")).status_code == 204
    revocations = await rows(db, AuditLog, AuditLog.action == "revoke")
    assert [e.object_id for e in revocations] == [uuid.UUID(revoked["id"])]
    listed = {k["id"]: k for k in (await admin.get("/api/v1/api-keys")).json()["items"]}
    assert listed[revoked["id"]]["revoked_at"] is not None

    expiring = await _create_key(
        admin, permissions=["users:read"], expires_at=(utcnow() + timedelta(hours=1)).isoformat()
    )
    assert (
        await client.get("/api/v1/users", headers=_key_headers(expiring["key"]))
    ).status_code == 200
    async with db.sessionmaker() as session:
        await session.execute(
            update(ApiKey)
            .where(ApiKey.id == uuid.UUID(expiring["id"]))
            .values(expires_at=utcnow() - timedelta(seconds=1))
        )
        await session.commit()
    body = assert_problem(
        await client.get("/api/v1/users", headers=_key_headers(expiring["key"])), 401
    )
    assert "X-API-Key" in body["detail"]

    for bogus in ("crm_bogus", expiring["prefix"], ""):
        assert_problem(await client.get("/api/v1/users", headers=_key_headers(bogus)), 401)
    assert_problem(await admin.delete(f"/api/v1/api-keys/{uuid.uuid4()}"), 404)


async def test_a_key_dies_with_its_user(admin: Any, factory: Any) -> None:
    sales = await factory.user("sales")
    created = await _create_key(admin, user_id=sales.user_id, permissions=["users:read"])
    headers = _key_headers(created["key"])
    assert (await admin.client.get("/api/v1/users", headers=headers)).status_code == 200
    await admin.patch(f"/api/v1/users/{sales.user_id}", json={"is_active": False})
    assert_problem(await admin.client.get("/api/v1/users", headers=headers), 401)


async def test_key_creation_is_validated(admin: Any, factory: Any, db: Any) -> None:
    r = await admin.post("/api/v1/api-keys", json={"name": "x", "permissions": ["customers:fly"]})
    assert ["body", "permissions"] in error_locs(assert_problem(r, 422))
    r = await admin.post("/api/v1/api-keys", json={"name": "x", "permissions": []})
    assert ["body", "permissions"] in error_locs(assert_problem(r, 422))
    past = (utcnow() - timedelta(minutes=1)).isoformat()
    r = await admin.post(
        "/api/v1/api-keys", json={"name": "x", "permissions": ["users:read"], "expires_at": past}
    )
    assert ["body", "expires_at"] in error_locs(assert_problem(r, 422))
    r = await admin.post(
        "/api/v1/api-keys",
        json={"name": "x", "permissions": ["users:read"], "user_id": str(uuid.uuid4())},
    )
    assert error_locs(assert_problem(r, 422)) == [["body", "user_id"]]
    assert await rows(db, ApiKey) == []

    sales = await factory.user("sales")
    assert_problem(
        await sales.post("/api/v1/api-keys", json={"name": "x", "permissions": ["users:read"]}), 403
    )
    assert_problem(await sales.get("/api/v1/api-keys"), 403)
    # A key cannot mint keys unless both it and its user hold admin:api_keys.
    weak = await _create_key(admin, user_id=sales.user_id, permissions=["admin:api_keys"])
    r = await admin.client.post(
        "/api/v1/api-keys",
        headers=_key_headers(weak["key"]),
        json={"name": "minted", "permissions": ["admin:users"]},
    )
    assert_problem(r, 403)
    assert len(await rows(db, ApiKey)) == 1
