"""Keyset pagination: limit bounds, full cursor walks, and tampered cursors."""

from __future__ import annotations

import base64
import json
import uuid
from typing import Any

from conftest import PASSWORD
from platform_helpers import assert_problem, error_locs


async def _make_users(admin: Any, names: list[str]) -> list[dict[str, Any]]:
    created = []
    for i, name in enumerate(names):
        r = await admin.post(
            "/api/v1/users",
            json={"email": f"page{i}@example.com", "password": PASSWORD, "full_name": name},
        )
        assert r.status_code == 201, r.text
        created.append(r.json())
    return created


async def _walk(api: Any, path: str, **params: Any) -> list[list[dict[str, Any]]]:
    pages, cursor = [], None
    while True:
        query = {**params, **({"cursor": cursor} if cursor else {})}
        r = await api.get(path, params=query)
        assert r.status_code == 200, r.text
        body = r.json()
        pages.append(body["items"])
        cursor = body["next_cursor"]
        if cursor is None:
            return pages
        assert len(pages) < 50, "cursor never ends"


async def test_limit_bounds(admin: Any) -> None:
    for bad in ("0", "201", "-1"):
        body = assert_problem(await admin.get("/api/v1/users", params={"limit": bad}), 422)
        assert ["query", "limit"] in error_locs(body)
    for good in ("1", "200"):
        r = await admin.get("/api/v1/users", params={"limit": good})
        assert r.status_code == 200 and len(r.json()["items"]) == 1  # only the admin


async def test_cursor_walk_visits_every_user_once_in_order(admin: Any) -> None:
    # Duplicate names force the id tie-breaker to do its job across page boundaries.
    names = ["Ann", "Bob", "Bob", "Bob", "Cid", "Dee", "Dee", "Eve", "Fay", "Bob", "Gus"]
    await _make_users(admin, names)
    everyone = sorted([*names, "Administrator"])

    pages = await _walk(admin, "/api/v1/users", limit=3)
    assert [len(p) for p in pages] == [3, 3, 3, 3]
    items = [u for p in pages for u in p]
    assert [u["full_name"] for u in items] == everyone
    assert len({u["id"] for u in items}) == len(items) == 12
    # Ties are ordered by id.
    bobs = [u["id"] for u in items if u["full_name"] == "Bob"]
    assert bobs == sorted(bobs, key=uuid.UUID)

    first = (await admin.get("/api/v1/users", params={"limit": 3, "with_total": "true"})).json()
    assert first["total"] == 12

    # Descending on another field walks the same set backwards.
    desc = [u for p in await _walk(admin, "/api/v1/users", limit=5, sort="-created_at") for u in p]
    assert [u["id"] for u in desc] == [
        u["id"]
        for u in sorted(items, key=lambda u: (u["created_at"], uuid.UUID(u["id"])), reverse=True)
    ]

    # A page size that divides the set exactly ends with no further cursor, not an empty page.
    pages = await _walk(admin, "/api/v1/users", limit=6)
    assert [len(p) for p in pages] == [6, 6]


async def test_cursor_walk_with_a_filter(admin: Any) -> None:
    await _make_users(admin, ["Searchable One", "Searchable Two", "Other", "Searchable Three"])
    items = [u for p in await _walk(admin, "/api/v1/users", limit=1, q="searchable") for u in p]
    assert [u["full_name"] for u in items] == [
        "Searchable One",
        "Searchable Three",
        "Searchable Two",
    ]


async def test_tampered_cursors_are_400(admin: Any) -> None:
    await _make_users(admin, ["A", "B", "C"])
    good = (await admin.get("/api/v1/users", params={"limit": 1})).json()["next_cursor"]
    assert good

    def encode(value: Any) -> str:
        return base64.urlsafe_b64encode(json.dumps(value).encode()).decode().rstrip("=")

    bad_cursors = [
        "garbage!!",
        good[:-3],
        good + "AAAA",
        encode(["full_name", "A"]),  # too short
        encode(["full_name", "A", "not-a-uuid"]),
        encode(["-created_at", "2024-01-01T00:00:00+00:00", str(uuid.uuid4())]),  # another sort
        encode({"a": 1, "b": 2, "c": 3}),
        encode(42),
        base64.urlsafe_b64encode(b"\xff\xfe\xfd").decode(),
    ]
    for cursor in bad_cursors:
        r = await admin.get("/api/v1/users", params={"limit": 1, "cursor": cursor})
        body = assert_problem(r, 400)
        assert error_locs(body) == [["query", "cursor"]], (cursor, body)

    # A cursor for a datetime sort holding something else.
    bad_date = encode(["-created_at", "yesterday", str(uuid.uuid4())])
    r = await admin.get("/api/v1/users", params={"sort": "-created_at", "cursor": bad_date})
    assert_problem(r, 400)
    bad_date = encode(["-created_at", 12, str(uuid.uuid4())])
    r = await admin.get("/api/v1/users", params={"sort": "-created_at", "cursor": bad_date})
    assert_problem(r, 400)
    # Over-long cursors are refused by validation.
    r = await admin.get("/api/v1/users", params={"cursor": "A" * 1001})
    assert ["query", "cursor"] in error_locs(assert_problem(r, 422))


async def test_unknown_sort_is_400_naming_the_choices(admin: Any) -> None:
    r = await admin.get("/api/v1/users", params={"sort": "password_hash"})
    body = assert_problem(r, 400)
    assert error_locs(body) == [["query", "sort"]]
    assert "created_at, email, full_name" in body["detail"]
