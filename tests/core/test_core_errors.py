"""Every failure is RFC 9457 problem+json with the right status, and bad input is never a 500."""

from __future__ import annotations

import json
import random
import uuid
from collections.abc import AsyncIterator
from typing import Any

from crm.identity.models import Department, User
from crm.settings import get_settings
from platform_helpers import assert_problem, count, error_locs


async def test_malformed_json_body_is_400_and_creates_nothing(admin: Any, db: Any) -> None:
    r = await admin.post(
        "/api/v1/departments",
        content=b'{"name": "Broken',
        headers={"content-type": "application/json"},
    )
    body = assert_problem(r, 400)
    assert body["errors"][0]["type"] == "json_invalid"
    assert body["instance"] == "/api/v1/departments"
    assert await count(db, Department) == 0


async def test_non_utf8_body_is_400(admin: Any, db: Any) -> None:
    r = await admin.post(
        "/api/v1/departments",
        content=b"\xff\xfe\x00{",
        headers={"content-type": "application/json"},
    )
    assert_problem(r, 400)
    assert await count(db, Department) == 0


async def test_wrong_types_are_422_with_field_locations(admin: Any, db: Any) -> None:
    r = await admin.post(
        "/api/v1/users",
        json={
            "email": "not-an-email",
            "password": "correct-horse-battery",
            "full_name": 42,
            "department_id": "not-a-uuid",
            "is_active": "perhaps",
            "role_keys": "sales",
        },
    )
    body = assert_problem(r, 422)
    assert body["title"] == "Validation failed"
    locs = error_locs(body)
    for field in ("email", "full_name", "department_id", "is_active", "role_keys"):
        assert ["body", field] in locs, locs
    for err in body["errors"]:
        assert set(err) == {"loc", "msg", "type"} and err["msg"]
    assert await count(db, User) == 1  # only the administrator


async def test_validation_errors_never_echo_the_submitted_password(admin: Any) -> None:
    secret = "short"
    r = await admin.post(
        "/api/v1/users",
        json={"email": "pw@example.com", "password": secret, "full_name": "Pw"},
    )
    body = assert_problem(r, 422)
    assert ["body", "password"] in error_locs(body)
    assert "input" not in r.text and f'"{secret}"' not in r.text


async def test_wrong_query_type_is_422(admin: Any) -> None:
    r = await admin.get("/api/v1/users", params={"limit": "many"})
    body = assert_problem(r, 422)
    assert ["query", "limit"] in error_locs(body)


async def test_missing_body_is_422(admin: Any) -> None:
    r = await admin.post("/api/v1/departments")
    body = assert_problem(r, 422)
    assert ["body"] in error_locs(body)


async def test_unknown_fields_on_writes_are_422(admin: Any, db: Any) -> None:
    r = await admin.post("/api/v1/departments", json={"name": "Sales", "colour": "red"})
    body = assert_problem(r, 422)
    assert ["body", "colour"] in error_locs(body)
    assert body["errors"][0]["type"] == "extra_forbidden"
    assert await count(db, Department) == 0

    created = (await admin.post("/api/v1/departments", json={"name": "Sales"})).json()
    r = await admin.patch(f"/api/v1/departments/{created['id']}", json={"nmae": "Typo"})
    assert ["body", "nmae"] in error_locs(assert_problem(r, 422))
    stored = (await admin.get(f"/api/v1/departments/{created['id']}")).json()
    assert stored["name"] == "Sales" and stored["version"] == 1


async def test_body_over_the_limit_with_content_length_is_413(admin: Any, db: Any) -> None:
    limit = get_settings().max_body_bytes
    assert limit == 1_048_576
    payload = json.dumps({"name": "x" * limit}).encode()
    r = await admin.post(
        "/api/v1/departments", content=payload, headers={"content-type": "application/json"}
    )
    body = assert_problem(r, 413)
    assert str(limit) in body["detail"]
    assert await count(db, Department) == 0


async def _chunks(payload: bytes, size: int = 64 * 1024) -> AsyncIterator[bytes]:
    for start in range(0, len(payload), size):
        yield payload[start : start + size]


async def test_streamed_body_over_the_limit_without_content_length_is_413(
    admin: Any, db: Any
) -> None:
    payload = json.dumps({"name": "x" * (get_settings().max_body_bytes + 10)}).encode()
    for extra in ({}, {"Idempotency-Key": "big-streamed-body"}):
        r = await admin.post(
            "/api/v1/departments",
            content=_chunks(payload),
            headers={"content-type": "application/json", **extra},
        )
        assert "content-length" not in r.request.headers
        assert r.request.headers["transfer-encoding"] == "chunked"
        assert_problem(r, 413)
    # Form bodies (the login) are limited the same way.
    form = b"username=a%40example.com&password=" + b"x" * (get_settings().max_body_bytes + 10)
    r = await admin.client.post(
        "/api/v1/auth/login",
        content=_chunks(form),
        headers={"content-type": "application/x-www-form-urlencoded"},
    )
    assert_problem(r, 413)
    assert await count(db, Department) == 0


async def test_streamed_body_under_the_limit_is_accepted(admin: Any) -> None:
    payload = json.dumps({"name": "Streamed"}).encode()
    r = await admin.post(
        "/api/v1/departments",
        content=_chunks(payload, 4),
        headers={"content-type": "application/json"},
    )
    assert r.status_code == 201, r.text
    assert r.json()["name"] == "Streamed"


async def test_unknown_route_is_a_404_problem(admin: Any, anon: Any) -> None:
    for api in (admin, anon):
        for method in ("GET", "POST", "DELETE"):
            r = await api.request(method, "/api/v1/no-such-thing")
            body = assert_problem(r, 404)
            assert body["detail"] == "Not Found"
    assert_problem(await anon.get("/not-an-api-path"), 404)


async def test_wrong_method_is_a_405_problem(admin: Any) -> None:
    r = await admin.request("PUT", "/api/v1/departments", json={"name": "X"})
    assert_problem(r, 405)
    # Every method of the path, though GET and POST live on routes of their own.
    assert set(r.headers["allow"].replace(" ", "").split(",")) == {"GET", "POST", "OPTIONS"}
    r = await admin.request("PUT", f"/api/v1/users/{admin.user_id}", json={})
    assert_problem(r, 405)
    assert r.headers["allow"]
    r = await admin.post("/api/v1/health")
    assert_problem(r, 405)


async def test_invalid_uuid_in_path_is_422(admin: Any) -> None:
    for path, param in [
        ("/api/v1/users/not-a-uuid", "user_id"),
        ("/api/v1/departments/123", "department_id"),
        ("/api/v1/roles/zzz", "role_id"),
        ("/api/v1/jobs/%00", "job_id"),
    ]:
        body = assert_problem(await admin.get(path), 422)
        assert ["path", param] in error_locs(body), body
    r = await admin.delete("/api/v1/users/not-a-uuid")
    assert ["path", "user_id"] in error_locs(assert_problem(r, 422))


async def test_unknown_uuid_is_a_404_problem(admin: Any) -> None:
    missing = uuid.uuid4()
    for path in (f"/api/v1/users/{missing}", f"/api/v1/departments/{missing}"):
        assert_problem(await admin.get(path), 404)


async def test_auth_failures_are_problems(anon: Any, factory: Any) -> None:
    body = assert_problem(await anon.get("/api/v1/users"), 401)
    assert "Sign in" in body["detail"]
    sales = await factory.user("sales")
    body = assert_problem(await sales.post("/api/v1/departments", json={"name": "X"}), 403)
    assert "admin:departments" in body["detail"]


async def test_strings_postgres_cannot_store_are_refused_not_500(admin: Any, db: Any) -> None:
    # PostgreSQL text cannot hold NUL; the API must answer with a client error, not crash.
    r = await admin.post("/api/v1/departments", json={"name": "Sales\u0000East"})
    assert 400 <= r.status_code < 500, r.text
    assert_problem(r, r.status_code)
    assert await count(db, Department) == 0
    r = await admin.get("/api/v1/users", params={"q": "a\x00b"})
    assert 400 <= r.status_code < 500, r.text
    assert_problem(r, r.status_code)
    r = await admin.client.post(
        "/api/v1/auth/login", data={"username": "nul\x00@example.com", "password": "whatever1"}
    )
    assert 400 <= r.status_code < 500, r.text
    assert_problem(r, r.status_code)


def _garbage(rng: random.Random) -> tuple[bytes, str]:
    """A hostile body and its content type."""
    choice = rng.randrange(9)
    if choice == 0:
        return bytes(rng.randrange(256) for _ in range(rng.randrange(1, 200))), "application/json"
    if choice == 1:
        return b"[" * 5000 + b"]" * 5000, "application/json"
    if choice == 2:
        value: Any = rng.choice([None, True, -1, 10**40, 1.5e308, "", [], {}, "x" * 5000])
        return json.dumps(value).encode(), "application/json"
    if choice == 3:
        keys = [
            "name",
            "email",
            "password",
            "parent_id",
            "role_keys",
            "version",
            "permissions",
            "data_scopes",
            "key",
            "refresh_token",
            "full_name",
            "manager_id",
            "is_active",
        ]
        values = [
            None,
            0,
            -(2**70),
            2**70,
            "",
            "\u202e\u0000",
            "💥" * 50,
            [],
            {},
            [[[]]],
            {"a": {"b": None}},
            "00000000-0000-0000-0000-000000000000",
            "x" * 1000,
            True,
            1e309,
        ]
        doc = {rng.choice(keys): rng.choice(values) for _ in range(rng.randrange(1, 6))}
        return json.dumps(doc).encode(), "application/json"
    if choice == 4:
        return b"name=x&parent_id=%ff%fe", "application/x-www-form-urlencoded"
    if choice == 5:
        return b'{"name": "a"}', "text/plain"
    if choice == 6:
        return b"--b\r\nContent-Disposition: form-data; name=x\r\n\r\n", "multipart/form-data"
    if choice == 7:
        return b'{"name": "\\ud800"}', "application/json"
    return b'{"name": NaN, "version": Infinity}', "application/json"


async def test_garbage_bodies_never_cause_a_server_error(admin: Any, anon: Any) -> None:
    dept = (await admin.post("/api/v1/departments", json={"name": "Fuzz"})).json()
    routes = [
        ("POST", "/api/v1/departments"),
        ("PATCH", f"/api/v1/departments/{dept['id']}"),
        ("POST", "/api/v1/users"),
        ("PATCH", f"/api/v1/users/{admin.user_id}"),
        ("POST", "/api/v1/roles"),
        ("POST", "/api/v1/api-keys"),
        ("POST", "/api/v1/customers"),
        ("POST", "/api/v1/auth/refresh"),
        ("POST", "/api/v1/auth/logout"),
        ("POST", "/api/v1/auth/login"),
    ]
    rng = random.Random(20240611)
    seen: set[int] = set()
    for _ in range(12):
        for method, path in routes:
            content, content_type = _garbage(rng)
            for api in (admin, anon):
                r = await api.request(
                    method, path, content=content, headers={"content-type": content_type}
                )
                assert r.status_code < 500, (method, path, content[:80], r.text)
                if r.status_code >= 400:
                    assert_problem(r, r.status_code)
                seen.add(r.status_code)
    assert {400, 401, 422} <= seen
    # The administrator is still intact after the onslaught.
    me = (await admin.get("/api/v1/auth/me")).json()
    assert me["user"]["email"] == "admin@example.com" and me["user"]["is_active"] is True
