"""Completeness: weighted important fields per object type, scored on every customer read."""

from __future__ import annotations

from typing import Any

from conftest import Api
from customfields.helpers import define, items
from platform_helpers import assert_problem, error_locs


async def test_default_rules_until_an_admin_configures_them(
    admin: Api, factory: Any, sales_team: dict[str, Any]
) -> None:
    sales = sales_team["sales_a"]
    r = await sales.get("/api/v1/completeness-rules/customer")
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["is_default"] is True
    assert "phone" in body["standard_fields"] and "tags" in body["standard_fields"]
    assert sum(rule["weight"] for rule in body["rules"]) == 9

    bare = await factory.customer(sales, name="Bare")
    assert bare["completeness"]["score"] == 0
    assert set(bare["completeness"]["missing"]) == {
        "phone",
        "email",
        "industry",
        "source",
        "province",
        "city",
        "address",
    }
    full = await factory.customer(
        sales,
        phone="138 0013 8000",
        email="a@example.com",
        industry="Retail",
        source="web",
        province="Zhejiang",
        city="Hangzhou",
        address="1 West Lake Rd",
    )
    assert full["completeness"] == {"score": 100, "missing": []}


async def test_configured_rules_with_custom_fields(
    admin: Api, factory: Any, sales_team: dict[str, Any]
) -> None:
    sales = sales_team["sales_a"]
    await define(admin, "budget", "decimal")
    region = await define(admin, "region", "text")
    r = await admin.request(
        "PUT",
        "/api/v1/completeness-rules/customer",
        json={
            "rules": [
                {"field": "phone", "weight": 3},
                {"field": "cf.budget", "weight": 1},
                {"field": "cf.region", "weight": 4},
                {"field": "tags", "weight": 2},
            ]
        },
    )
    assert r.status_code == 200, r.text
    assert r.json()["is_default"] is False

    customer = await factory.customer(
        sales, phone="138 0013 8000", tags=["vip"], custom_fields={"budget": "10"}
    )
    assert customer["completeness"] == {"score": 60, "missing": ["cf.region"]}
    r = await sales.patch(
        f"/api/v1/customers/{customer['id']}", json={"custom_fields": {"region": "east"}}
    )
    assert r.json()["completeness"] == {"score": 100, "missing": []}
    r = await sales.patch(f"/api/v1/customers/{customer['id']}", json={"phone": None, "tags": []})
    assert r.json()["completeness"] == {"score": 50, "missing": ["phone", "tags"]}
    got = (await sales.get(f"/api/v1/customers/{customer['id']}")).json()
    assert got["completeness"] == {"score": 50, "missing": ["phone", "tags"]}
    listed = await items(sales, "/api/v1/customers")
    assert listed[0]["completeness"] == {"score": 50, "missing": ["phone", "tags"]}

    # A deactivated custom field no longer counts.
    await admin.patch(f"/api/v1/custom-fields/{region['id']}", json={"active": False})
    got = (await sales.get(f"/api/v1/customers/{customer['id']}")).json()
    assert got["completeness"] == {"score": 17, "missing": ["phone", "tags"]}


async def test_rules_are_validated_and_admin_only(admin: Api, sales_team: dict[str, Any]) -> None:
    r = await admin.request(
        "PUT",
        "/api/v1/completeness-rules/customer",
        json={
            "rules": [
                {"field": "phone"},
                {"field": "phone"},
                {"field": "cf.nope"},
                {"field": "password_hash"},
                {"field": "email", "weight": 0},
            ]
        },
    )
    assert_problem(r, 422)
    r = await admin.request(
        "PUT",
        "/api/v1/completeness-rules/customer",
        json={"rules": [{"field": "phone"}, {"field": "phone"}, {"field": "cf.nope"}]},
    )
    assert error_locs(assert_problem(r, 422)) == [
        ["body", "rules", "1", "field"],
        ["body", "rules", "2", "field"],
    ]
    r = await admin.request("PUT", "/api/v1/completeness-rules/invoice", json={"rules": []})
    assert error_locs(assert_problem(r, 422)) == [["path", "object_type"]]
    r = await sales_team["manager"].request(
        "PUT", "/api/v1/completeness-rules/customer", json={"rules": [{"field": "phone"}]}
    )
    assert_problem(r, 403)
    r = await admin.request(
        "PUT",
        "/api/v1/completeness-rules/contact",
        json={"rules": [{"field": "title", "weight": 2}]},
    )
    assert r.status_code == 200, r.text
    got = (await sales_team["auditor"].get("/api/v1/completeness-rules/contact")).json()
    assert got["rules"] == [{"field": "title", "weight": 2}]
