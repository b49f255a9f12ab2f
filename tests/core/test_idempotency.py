"""Idempotency-Key on POST: replay the stored first response, per caller, 409 on misuse."""

from __future__ import annotations

import asyncio
from datetime import timedelta
from typing import Any

from sqlalchemy import func, select, update

from crm.core.audit import AuditLog
from crm.core.db import utcnow
from crm.core.events import OutboxEvent
from crm.core.idempotency import IdempotencyRecord
from crm.identity.models import Department
from platform_helpers import assert_problem, count, rows


async def test_replay_returns_the_stored_response_and_creates_nothing(admin: Any, db: Any) -> None:
    headers = {"Idempotency-Key": "create-sales-dept"}
    first = await admin.post("/api/v1/departments", json={"name": "Sales"}, headers=headers)
    assert first.status_code == 201, first.text
    assert "idempotent-replayed" not in first.headers

    again = await admin.post(
        "/api/v1/departments",
        json={"name": "Sales"},
        headers={**headers, "X-Request-ID": "the-retry"},
    )
    assert again.status_code == 201
    assert again.headers["idempotent-replayed"] == "true"
    assert again.json() == first.json()
    assert again.content == first.content
    assert again.headers["content-type"] == first.headers["content-type"]
    # The replay is its own request: it gets its own request id, not the stored one.
    assert again.headers["x-request-id"] == "the-retry"

    assert await count(db, Department) == 1
    assert await count(db, AuditLog, AuditLog.object_type == "department") == 1
    assert await count(db, OutboxEvent, OutboxEvent.event_type == "department.created") == 1
    [record] = await rows(db, IdempotencyRecord)
    assert record.subject == f"user:{admin.user_id}"
    assert record.key == "create-sales-dept"
    assert record.status_code == 201


async def test_same_key_with_a_different_request_is_409(admin: Any, db: Any) -> None:
    headers = {"Idempotency-Key": "k-1"}
    assert (
        await admin.post("/api/v1/departments", json={"name": "A"}, headers=headers)
    ).status_code == 201
    r = await admin.post("/api/v1/departments", json={"name": "B"}, headers=headers)
    body = assert_problem(r, 409)
    assert "different request" in body["detail"]
    # A different query string is a different request too.
    r = await admin.post(
        "/api/v1/departments", params={"x": "1"}, json={"name": "A"}, headers=headers
    )
    assert_problem(r, 409)
    # And so is another path.
    r = await admin.post("/api/v1/roles", json={"key": "a_role", "name": "A"}, headers=headers)
    assert_problem(r, 409)
    assert [d.name for d in await rows(db, Department)] == ["A"]


async def test_keys_are_per_caller(admin: Any, factory: Any, db: Any) -> None:
    other_admin = await factory.user("admin")
    headers = {"Idempotency-Key": "shared-key"}
    mine = await admin.post("/api/v1/departments", json={"name": "Ops"}, headers=headers)
    theirs = await other_admin.post("/api/v1/departments", json={"name": "Ops"}, headers=headers)
    assert mine.status_code == theirs.status_code == 201
    assert "idempotent-replayed" not in theirs.headers
    assert mine.json()["id"] != theirs.json()["id"]
    assert await count(db, Department) == 2
    # Each replays their own.
    replay = await other_admin.post("/api/v1/departments", json={"name": "Ops"}, headers=headers)
    assert replay.json()["id"] == theirs.json()["id"]
    assert replay.headers["idempotent-replayed"] == "true"
    subjects = {r.subject for r in await rows(db, IdempotencyRecord)}
    assert subjects == {f"user:{admin.user_id}", f"user:{other_admin.user_id}"}


async def test_the_key_survives_a_renewed_access_token(admin: Any, client: Any, db: Any) -> None:
    from conftest import ADMIN_EMAIL, login

    headers = {"Idempotency-Key": "across-tokens"}
    first = await admin.post("/api/v1/departments", json={"name": "Same"}, headers=headers)
    fresh = await login(client, ADMIN_EMAIL)
    assert fresh.token != admin.token
    replay = await fresh.post("/api/v1/departments", json={"name": "Same"}, headers=headers)
    assert replay.headers["idempotent-replayed"] == "true"
    assert replay.json() == first.json()
    assert await count(db, Department) == 1


async def test_api_key_callers_have_their_own_key_space(admin: Any, db: Any) -> None:
    key = (
        await admin.post(
            "/api/v1/api-keys", json={"name": "k", "permissions": ["admin:departments"]}
        )
    ).json()["key"]
    headers = {"Idempotency-Key": "same"}
    by_user = await admin.post("/api/v1/departments", json={"name": "X"}, headers=headers)
    by_key = await admin.client.post(
        "/api/v1/departments", json={"name": "X"}, headers={**headers, "X-API-Key": key}
    )
    replay = await admin.client.post(
        "/api/v1/departments", json={"name": "X"}, headers={**headers, "X-API-Key": key}
    )
    assert by_user.status_code == by_key.status_code == replay.status_code == 201
    assert by_user.json()["id"] != by_key.json()["id"]
    assert replay.json()["id"] == by_key.json()["id"]
    assert replay.headers["idempotent-replayed"] == "true"
    assert await count(db, Department) == 2
    # The stored subject never holds the raw key.
    assert all(key not in r.subject for r in await rows(db, IdempotencyRecord))


async def test_a_failed_request_is_stored_and_replayed_too(admin: Any, db: Any) -> None:
    headers = {"Idempotency-Key": "bad-first"}
    first = await admin.post("/api/v1/departments", json={"name": ""}, headers=headers)
    assert_problem(first, 422)
    replay = await admin.post("/api/v1/departments", json={"name": ""}, headers=headers)
    assert_problem(replay, 422)
    assert replay.headers["idempotent-replayed"] == "true"
    assert replay.json() == first.json()
    [record] = await rows(db, IdempotencyRecord)
    assert record.status_code == 422
    # Fixing the body needs a new key: the old one is bound to the failed request.
    r = await admin.post("/api/v1/departments", json={"name": "Fixed"}, headers=headers)
    assert_problem(r, 409)
    assert await count(db, Department) == 0
    r = await admin.post(
        "/api/v1/departments", json={"name": "Fixed"}, headers={"Idempotency-Key": "bad-second"}
    )
    assert r.status_code == 201


async def test_key_length_is_bounded(admin: Any, db: Any) -> None:
    for key in ("k" * 256, "   "):
        r = await admin.post(
            "/api/v1/departments", json={"name": "X"}, headers={"Idempotency-Key": key}
        )
        body = assert_problem(r, 400)
        assert "Idempotency-Key" in body["detail"]
    ok = await admin.post(
        "/api/v1/departments", json={"name": "X"}, headers={"Idempotency-Key": "k" * 255}
    )
    assert ok.status_code == 201
    assert await count(db, Department) == 1
    assert await count(db, IdempotencyRecord) == 1


async def test_unauthenticated_and_non_post_requests_bypass_the_store(
    anon: Any, admin: Any, db: Any
) -> None:
    r = await anon.post(
        "/api/v1/departments", json={"name": "X"}, headers={"Idempotency-Key": "anon"}
    )
    assert_problem(r, 401)
    r = await admin.get("/api/v1/departments", headers={"Idempotency-Key": "a-get"})
    assert r.status_code == 200
    assert "idempotent-replayed" not in r.headers
    assert await count(db, IdempotencyRecord) == 0


async def test_concurrent_retries_create_one_record(admin: Any, db: Any) -> None:
    headers = {"Idempotency-Key": "racing"}
    results = await asyncio.gather(
        *[
            admin.post("/api/v1/departments", json={"name": "Race"}, headers=headers)
            for _ in range(4)
        ]
    )
    assert await count(db, Department) == 1
    originals = [
        r for r in results if r.status_code == 201 and "idempotent-replayed" not in r.headers
    ]
    assert len(originals) == 1
    for r in results:
        if r is originals[0]:
            continue
        if r.status_code == 409:  # the first was still running
            assert r.headers["retry-after"] == "1"
            assert "still being processed" in assert_problem(r, 409)["detail"]
        else:
            assert r.status_code == 201 and r.headers["idempotent-replayed"] == "true"
            assert r.json() == originals[0].json()


async def test_expired_keys_may_be_reused(admin: Any, db: Any) -> None:
    headers = {"Idempotency-Key": "old"}
    first = await admin.post("/api/v1/departments", json={"name": "One"}, headers=headers)
    async with db.sessionmaker() as session:
        await session.execute(
            update(IdempotencyRecord).values(created_at=utcnow() - timedelta(hours=25))
        )
        await session.commit()
    second = await admin.post("/api/v1/departments", json={"name": "Two"}, headers=headers)
    assert second.status_code == 201
    assert "idempotent-replayed" not in second.headers
    assert second.json()["id"] != first.json()["id"]
    assert await count(db, Department) == 2


async def test_auth_responses_are_never_stored(admin, client, db) -> None:
    """Token responses must not be copied into the idempotency table."""
    refresh = admin.info["refresh_token"]
    r = await admin.post(
        "/api/v1/auth/refresh",
        json={"refresh_token": refresh},
        headers={"Idempotency-Key": "refresh-1"},
    )
    assert r.status_code == 200
    async with db.sessionmaker() as session:
        stored = (
            await session.execute(select(func.count()).select_from(IdempotencyRecord))
        ).scalar_one()
    assert stored == 0


async def test_unauthenticated_api_key_leaves_no_record(client, db) -> None:
    r = await client.post(
        "/api/v1/customers",
        json={"name": "x"},
        headers={"X-API-Key": "crm_not-a-real-key", "Idempotency-Key": "k1"},
    )
    assert r.status_code == 401
    async with db.sessionmaker() as session:
        stored = (
            await session.execute(select(func.count()).select_from(IdempotencyRecord))
        ).scalar_one()
    assert stored == 0
