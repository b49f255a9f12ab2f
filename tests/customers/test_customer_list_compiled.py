"""The customer list's compiled path (crm.core.compiled): a page statement is compiled once per
principal and shape, and each request binds its own values. These tests pin what would break
if the values stuck to the first request, if two principals shared a scope, or if the driver's
rows were written differently from the general path's (``with_total`` takes that path)."""

from __future__ import annotations

from typing import Any

import pytest


def _page(response: Any) -> dict[str, Any]:
    assert response.status_code == 200, response.text
    return dict(response.json())


def _names(response: Any) -> list[str]:
    return [c["name"] for c in _page(response)["items"]]


@pytest.fixture
async def book(admin: Any, factory: Any) -> list[dict[str, Any]]:
    rows = [
        {"name": "华东贸易有限公司", "phone": "13800138000", "industry": "retail", "tags": ["vip"]},
        {"name": "华南物流", "phone": "139 0013 9000", "industry": "logistics"},
        {"name": "Beta Logistics", "email": "ops@beta.example", "industry": "logistics"},
        {"name": "Gamma Foods", "kind": "person", "industry": "retail", "tags": ["vip", "new"]},
        {"name": "Delta Widgets", "level": "A", "source": "fair", "address": "上海市浦东新区"},
        {"name": "Epsilon", "custom_fields": {}},
    ]
    return [await factory.customer(admin, **fields) for fields in rows]


async def test_each_request_binds_its_own_values(admin: Any, book: Any) -> None:
    # Same shape (q only, then industry only) with other values: the answers must follow.
    assert sorted(_names(await admin.get("/api/v1/customers", params={"q": "华"}))) == sorted(
        ["华南物流", "华东贸易有限公司"]
    )
    assert _names(await admin.get("/api/v1/customers", params={"q": "beta"})) == ["Beta Logistics"]
    assert _names(await admin.get("/api/v1/customers", params={"q": "1390013"})) == ["华南物流"]
    assert _names(await admin.get("/api/v1/customers", params={"q": "138 0013"})) == [
        "华东贸易有限公司"
    ]
    by_industry = {
        industry: sorted(
            _names(await admin.get("/api/v1/customers", params={"industry": industry}))
        )
        for industry in ("retail", "logistics", "none-such")
    }
    assert by_industry == {
        "retail": sorted(["Gamma Foods", "华东贸易有限公司"]),
        "logistics": sorted(["Beta Logistics", "华南物流"]),
        "none-such": [],
    }
    tagged = {
        tag: sorted(_names(await admin.get("/api/v1/customers", params={"tag": tag})))
        for tag in ("vip", "new")
    }
    assert tagged == {"vip": sorted(["Gamma Foods", "华东贸易有限公司"]), "new": ["Gamma Foods"]}


async def test_cursor_pages_walk_every_row_once(admin: Any, book: Any) -> None:
    for sort in ("name", "-name", "-updated_at", "created_at"):
        seen: list[str] = []
        cursor = None
        for _ in range(10):
            params: dict[str, Any] = {"limit": 2, "sort": sort}
            if cursor:
                params["cursor"] = cursor
            page = _page(await admin.get("/api/v1/customers", params=params))
            seen += [c["name"] for c in page["items"]]
            cursor = page["next_cursor"]
            if cursor is None:
                break
        full = _names(await admin.get("/api/v1/customers", params={"sort": sort, "limit": 50}))
        assert seen == full, sort
        assert len(full) == 6


@pytest.mark.parametrize(
    "params",
    [
        {},
        {"q": "华"},
        {"q": "0013"},
        {"industry": "retail", "tag": "vip"},
        {"kind": "person"},
        {"level": "A", "source": "fair"},
        {"sort": "name", "limit": 3},
        {"sort": "-created_at", "limit": 1},
    ],
)
async def test_compiled_page_equals_the_general_path(
    admin: Any, book: Any, params: dict[str, Any]
) -> None:
    compiled = _page(await admin.get("/api/v1/customers", params=params))
    general = _page(await admin.get("/api/v1/customers", params={**params, "with_total": True}))
    assert general["total"] == len(general["items"]) or general["next_cursor"]
    assert compiled["items"] == general["items"]  # every field, written the same way
    assert compiled["next_cursor"] == general["next_cursor"]
    assert compiled["total"] is None
    if compiled["next_cursor"]:
        after = {**params, "cursor": compiled["next_cursor"]}
        second = _page(await admin.get("/api/v1/customers", params=after))
        second_general = _page(
            await admin.get("/api/v1/customers", params={**after, "with_total": True})
        )
        assert second["items"] == second_general["items"]
        assert {c["id"] for c in second["items"]}.isdisjoint(c["id"] for c in compiled["items"])


async def test_principals_of_one_shape_keep_their_own_scope(
    factory: Any, sales_team: dict[str, Any]
) -> None:
    a, b = sales_team["sales_a"], sales_team["sales_b"]
    await factory.customer(a, name="Alpha of A", industry="retail")
    await factory.customer(b, name="Alpha of B", industry="retail")
    for _ in range(2):  # the second round runs on the compiled queries of the first
        for api, own in ((a, "Alpha of A"), (b, "Alpha of B")):
            assert _names(await api.get("/api/v1/customers", params={"q": "alpha"})) == [own]
            assert _names(await api.get("/api/v1/customers", params={"industry": "retail"})) == [
                own
            ]
            assert _names(await api.get("/api/v1/customers")) == [own]
    manager = sales_team["manager"]
    assert sorted(_names(await manager.get("/api/v1/customers", params={"q": "alpha"}))) == [
        "Alpha of A",
        "Alpha of B",
    ]
