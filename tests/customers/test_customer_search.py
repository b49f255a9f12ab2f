"""Customer search (q=), filters, sorting and cursor paging."""

from __future__ import annotations

import base64
import json
from typing import Any

import pytest

PROBLEM = "application/problem+json"


def _names(response: Any) -> list[str]:
    assert response.status_code == 200, response.text
    return [c["name"] for c in response.json()["items"]]


def _bad_query(response: Any, param: str) -> None:
    assert response.status_code == 400, response.text
    assert response.headers["content-type"].startswith(PROBLEM)
    body = response.json()
    assert body["status"] == 400
    assert ["query", param] in [e["loc"] for e in body["errors"]]


@pytest.fixture
async def directory(admin: Any, factory: Any) -> dict[str, dict[str, Any]]:
    rows = {
        "huadong": {
            "name": "华东贸易有限公司",
            "phone": "138 0013 8000",
            "email": "sales@huadong.cn",
        },
        "beta": {
            "name": "Beta Logistics",
            "phone": "+86 139 0013 9000",
            "email": "ops@beta.example",
        },
        "gamma": {"name": "Gamma Foods 50% Off", "phone": "(010) 6552 9988", "email": None},
        "delta": {"name": "Delta 500 Widgets_Co", "phone": None, "email": "d@delta.example"},
    }
    return {key: await factory.customer(admin, **fields) for key, fields in rows.items()}


@pytest.mark.parametrize(
    ("q", "expected"),
    [
        ("华东", ["华东贸易有限公司"]),  # partial Chinese name
        ("贸易有限", ["华东贸易有限公司"]),
        ("beta", ["Beta Logistics"]),  # partial Latin name, any case
        ("LOGIST", ["Beta Logistics"]),
        ("0138-0013", ["华东贸易有限公司"]),  # the phone in another format, with trunk prefix
        ("+86 138", ["华东贸易有限公司"]),
        ("1380013", ["华东贸易有限公司"]),
        ("139 0013 9", ["Beta Logistics"]),
        ("010-6552", ["Gamma Foods 50% Off"]),  # a landline, typed with the area code
        ("6552 99", ["Gamma Foods 50% Off"]),
        ("HUADONG.CN", ["华东贸易有限公司"]),  # partial e-mail
        ("@beta", ["Beta Logistics"]),
        ("example", ["Beta Logistics", "Delta 500 Widgets_Co"]),
        ("50%", ["Gamma Foods 50% Off"]),  # LIKE wildcards are matched literally
        ("%", ["Gamma Foods 50% Off"]),
        ("s_C", ["Delta 500 Widgets_Co"]),
        ("_", ["Delta 500 Widgets_Co"]),
        ("nothing like it", []),
    ],
)
async def test_search_by_partial_name_phone_and_email(
    admin: Any, directory: dict[str, Any], q: str, expected: list[str]
) -> None:
    r = await admin.get("/api/v1/customers", params={"q": q, "sort": "name"})
    assert sorted(_names(r)) == sorted(expected)


async def test_filters_narrow_the_list(
    admin: Any, factory: Any, sales_team: dict[str, Any]
) -> None:
    a, outsider = sales_team["sales_a"], sales_team["outsider"]
    await factory.customer(
        admin,
        name="Shop A",
        kind="person",
        industry="Retail",
        source="web",
        tags=["vip", "east"],
        owner_id=a.user_id,
    )
    await factory.customer(
        admin,
        name="Shop B",
        kind="company",
        industry="Retail",
        source="fair",
        tags=["east"],
        owner_id=outsider.user_id,
    )
    await factory.customer(
        admin,
        name="Mill C",
        kind="company",
        industry="Textiles",
        source="web",
        tags=[],
        owner_id=a.user_id,
    )
    cases: list[tuple[dict[str, str], list[str]]] = [
        ({"kind": "person"}, ["Shop A"]),
        ({"kind": "company"}, ["Mill C", "Shop B"]),
        ({"industry": "Retail"}, ["Shop A", "Shop B"]),
        ({"source": "web"}, ["Mill C", "Shop A"]),
        ({"tag": "east"}, ["Shop A", "Shop B"]),
        ({"tag": "vip"}, ["Shop A"]),
        ({"tag": "none"}, []),
        ({"owner_id": a.user_id}, ["Mill C", "Shop A"]),
        ({"owner_id": outsider.user_id}, ["Shop B"]),
        ({"department_id": sales_team["other_department"]["id"]}, ["Shop B"]),
        ({"industry": "Retail", "source": "web"}, ["Shop A"]),
        ({"tag": "east", "q": "shop b"}, ["Shop B"]),
    ]
    for params, expected in cases:
        r = await admin.get("/api/v1/customers", params={**params, "sort": "name"})
        assert _names(r) == expected, params
    # A filter never widens a data scope: the salesperson filtering on another owner sees nothing.
    r = await a.get("/api/v1/customers", params={"owner_id": outsider.user_id})
    assert _names(r) == []
    r = await a.get("/api/v1/customers", params={"kind": "unknown"})
    assert r.status_code == 422
    assert ["query", "kind"] in [e["loc"] for e in r.json()["errors"]]


async def test_sorting(admin: Any, factory: Any) -> None:
    created = [
        await factory.customer(admin, name=n) for n in ("Charlie", "Alpha", "Delta", "Bravo")
    ]
    assert _names(await admin.get("/api/v1/customers", params={"sort": "name"})) == [
        "Alpha",
        "Bravo",
        "Charlie",
        "Delta",
    ]
    assert _names(await admin.get("/api/v1/customers", params={"sort": "-name"})) == [
        "Delta",
        "Charlie",
        "Bravo",
        "Alpha",
    ]
    # Default and -updated_at: the most recently changed first.
    touched = created[0]
    r = await admin.patch(f"/api/v1/customers/{touched['id']}", json={"industry": "Retail"})
    assert r.status_code == 200
    for params in ({}, {"sort": "-updated_at"}):
        names = _names(await admin.get("/api/v1/customers", params=params))
        assert names == ["Charlie", "Bravo", "Delta", "Alpha"], params
    names = _names(await admin.get("/api/v1/customers", params={"sort": "updated_at"}))
    assert names == ["Alpha", "Delta", "Bravo", "Charlie"]
    assert _names(await admin.get("/api/v1/customers", params={"sort": "created_at"})) == [
        "Charlie",
        "Alpha",
        "Delta",
        "Bravo",
    ]
    # A well-formed name that is not sortable is the documented 400; a value that does not
    # even fit the pattern the OpenAPI declares for `sort` is a validation error (422).
    for bad in ("phone", "owner_id"):
        _bad_query(await admin.get("/api/v1/customers", params={"sort": bad}), "sort")
    for malformed in ("--name", "-", "name;drop"):
        r = await admin.get("/api/v1/customers", params={"sort": malformed})
        assert r.status_code == 422, r.text
        assert ["query", "sort"] in [e["loc"] for e in r.json()["errors"]]


async def _walk(api: Any, params: dict[str, Any]) -> tuple[list[dict[str, Any]], int]:
    items: list[dict[str, Any]] = []
    cursor, pages = None, 0
    while True:
        query = {**params, **({"cursor": cursor} if cursor else {})}
        r = await api.get("/api/v1/customers", params=query)
        assert r.status_code == 200, r.text
        page = r.json()
        pages += 1
        assert len(page["items"]) <= params.get("limit", 50)
        items += page["items"]
        cursor = page["next_cursor"]
        if cursor is None:
            return items, pages
        assert pages < 100


async def test_cursor_paging_returns_every_record_exactly_once_in_order(
    admin: Any, factory: Any
) -> None:
    # Duplicate names make the keyset fall back on the id to break ties.
    names = ["Kilo", "Alpha", "Echo", "Alpha", "Mike", "Echo", "Bravo", "Alpha"]
    created = [await factory.customer(admin, name=n) for n in names]
    by_id = {c["id"]: c for c in created}

    items, pages = await _walk(admin, {"limit": 3, "sort": "name", "with_total": "true"})
    assert pages == 3
    assert len(items) == len(created) and {c["id"] for c in items} == set(by_id)
    assert [(c["name"], c["id"]) for c in items] == sorted((c["name"], c["id"]) for c in created)

    items, pages = await _walk(admin, {"limit": 3, "sort": "-name"})
    assert [(c["name"], c["id"]) for c in items] == sorted(
        ((c["name"], c["id"]) for c in created), reverse=True
    )

    items, pages = await _walk(admin, {"limit": 2, "sort": "-updated_at"})
    assert pages == 4
    assert [c["id"] for c in items] == [c["id"] for c in reversed(created)]

    # The total counts every match, not the page.
    r = await admin.get("/api/v1/customers", params={"limit": 3, "with_total": "true"})
    assert r.json()["total"] == len(created)
    assert len(r.json()["items"]) == 3
    r = await admin.get(
        "/api/v1/customers", params={"limit": 3, "q": "alpha", "with_total": "true"}
    )
    assert r.json()["total"] == 3
    assert r.json()["next_cursor"] is None
    assert (await admin.get("/api/v1/customers", params={"limit": 3})).json()["total"] is None


async def test_default_page_is_50_and_limit_is_bounded(admin: Any, factory: Any) -> None:
    created = [await factory.customer(admin, name=f"Bulk {i:03d}") for i in range(53)]
    r = await admin.get("/api/v1/customers", params={"sort": "name"})
    first = r.json()
    assert len(first["items"]) == 50 and first["next_cursor"]
    r = await admin.get(
        "/api/v1/customers", params={"sort": "name", "cursor": first["next_cursor"]}
    )
    rest = r.json()
    assert [c["name"] for c in rest["items"]] == ["Bulk 050", "Bulk 051", "Bulk 052"]
    assert rest["next_cursor"] is None
    seen = [c["id"] for c in first["items"] + rest["items"]]
    assert sorted(seen) == sorted(c["id"] for c in created)
    for limit in (0, 201, -1):
        r = await admin.get("/api/v1/customers", params={"limit": limit})
        assert r.status_code == 422
        assert ["query", "limit"] in [e["loc"] for e in r.json()["errors"]]


def _encode(raw: Any) -> str:
    return base64.urlsafe_b64encode(json.dumps(raw).encode()).decode().rstrip("=")


async def test_a_tampered_cursor_is_400(admin: Any, factory: Any) -> None:
    for n in ("A", "B", "C"):
        await factory.customer(admin, name=n)
    r = await admin.get("/api/v1/customers", params={"limit": 1, "sort": "name"})
    cursor = r.json()["next_cursor"]
    decoded = json.loads(base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)))
    assert decoded[0] == "name" and decoded[1] == "A"
    flipped = cursor[:-4] + ("AAAA" if cursor[-4:] != "AAAA" else "BBBB")
    tampered = [
        "not-a-cursor",
        "!!!!",
        flipped,
        _encode(["name", "A"]),  # missing the id
        _encode(["name", "A", "not-a-uuid"]),
        _encode({"sort": "name"}),
        _encode(["-name", "A", decoded[2]]),  # another sort order
        _encode(["name", None, decoded[2]]),  # sort columns are never null
    ]
    for bad in tampered:
        r = await admin.get("/api/v1/customers", params={"sort": "name", "cursor": bad})
        _bad_query(r, "cursor")
    # A cursor is bound to its sort order.
    r = await admin.get("/api/v1/customers", params={"sort": "-updated_at", "cursor": cursor})
    _bad_query(r, "cursor")
    r = await admin.get(
        "/api/v1/customers",
        params={"sort": "-updated_at", "cursor": _encode(["-updated_at", "yesterday", decoded[2]])},
    )
    _bad_query(r, "cursor")
    # The genuine cursor still works.
    r = await admin.get("/api/v1/customers", params={"limit": 1, "sort": "name", "cursor": cursor})
    assert _names(r) == ["B"]
