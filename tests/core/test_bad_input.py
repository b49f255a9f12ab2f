"""Input PostgreSQL cannot hold or the server would misread is a 422 naming it, never a 500."""

from __future__ import annotations

from typing import Any

from crm.customers.models import Customer
from platform_helpers import assert_problem, count, error_locs


async def test_nul_in_a_list_filter_or_search_is_422_naming_it(admin: Any, factory: Any) -> None:
    await factory.customer(admin, name="Acme")
    # customers-list runs a compiled statement straight on the driver; search-all does not.
    for path, params, loc in (
        ("/api/v1/customers", {"q": "a\x00b"}, ["query", "q"]),
        ("/api/v1/customers", {"level": "\x00"}, ["query", "level"]),
        ("/api/v1/search", {"q": "Ac\x00me"}, ["query", "q"]),
        ("/api/v1/users", {"q": "\x00"}, ["query", "q"]),
    ):
        body = assert_problem(await admin.get(path, params=params), 422)
        assert error_locs(body) == [loc], (path, body)
    # The connection and the session are fine afterwards.
    r = await admin.get("/api/v1/customers", params={"q": "Acme"})
    assert r.status_code == 200 and len(r.json()["items"]) == 1


async def test_nul_in_a_json_body_form_or_path_is_422_naming_it(
    admin: Any, anon: Any, db: Any
) -> None:
    r = await admin.post("/api/v1/customers", json={"name": "Ac\x00me", "tags": ["ok"]})
    assert error_locs(assert_problem(r, 422)) == [["body", "name"]]
    r = await admin.post("/api/v1/customers", json={"name": "Acme", "tags": ["ok", "b\x00d"]})
    assert error_locs(assert_problem(r, 422)) == [["body", "tags", "1"]]
    assert await count(db, Customer) == 0
    # An escaped backslash followed by "u0000" is not a NUL.
    r = await admin.post("/api/v1/customers", json={"name": "Acme \\u0000"})
    assert r.status_code == 201 and r.json()["name"] == "Acme \\u0000"

    r = await anon.post("/api/v1/auth/login", data={"username": "a\x00@b.c", "password": "x"})
    assert error_locs(assert_problem(r, 422)) == [["body", "username"]]
    r = await admin.get("/api/v1/customers/%00abc")
    assert error_locs(assert_problem(r, 422)) == [["path", "customer_id"]]
