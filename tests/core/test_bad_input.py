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


async def test_numbers_are_not_dates(admin: Any, factory: Any) -> None:
    for params in ({"as_of": "0"}, {"as_of": "1700000000"}):
        r = await admin.get("/api/v1/reports/receivables", params=params)
        assert error_locs(assert_problem(r, 422)) == [["query", "as_of"]], r.text
    assert (
        await admin.get("/api/v1/reports/receivables", params={"as_of": "2026-01-31"})
    ).is_success

    for value in (0, 20260101, "0", 1.5):
        r = await admin.post("/api/v1/holidays", json={"date": value, "name": "Spring"})
        assert error_locs(assert_problem(r, 422)) == [["body", "date"]], (value, r.text)
    r = await admin.post("/api/v1/holidays", json={"date": "2026-02-17", "name": "Spring"})
    assert r.status_code == 201 and r.json()["date"] == "2026-02-17"

    r = await admin.post("/api/v1/tasks", json={"title": "x", "due_at": 1767225600})
    assert error_locs(assert_problem(r, 422)) == [["body", "due_at"]]
    r = await admin.get("/api/v1/tasks", params={"due_from": "0"})
    assert error_locs(assert_problem(r, 422)) == [["query", "due_from"]]
    customer = await factory.customer(admin)
    r = await admin.post(
        "/api/v1/contacts", json={"customer_id": customer["id"], "name": "Li", "birthday": 0}
    )
    assert error_locs(assert_problem(r, 422)) == [["body", "birthday"]]


async def test_a_nul_in_json_nested_past_the_interpreters_depth_is_no_500(admin: Any) -> None:
    # The NUL check parses the body only when it holds an escaped NUL; nesting deeper than
    # Python's recursion limit must not turn that parse into a 500.
    body = b'{"name": "Acme\\u0000", "tags": ' + b"[" * 50_000 + b"]" * 50_000 + b"}"
    r = await admin.post(
        "/api/v1/customers", content=body, headers={"Content-Type": "application/json"}
    )
    assert 400 <= r.status_code < 500, r.text
