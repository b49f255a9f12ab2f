"""Deals CRUD: scoped reads and lists with filters, the customer must be visible, owners within
scope, optimistic concurrency, the recycle bin, deals under a customer, customer merges."""

from __future__ import annotations

from typing import Any

from conftest import Api, Factory
from crm.core.audit import AuditLog
from customfields.helpers import define
from platform_helpers import assert_problem, count
from sales.helpers import attach, deal, default_pipeline, meet_default_gate, move


async def test_create_read_update_delete_restore(admin: Api, factory: Factory, db: Any) -> None:
    await define(admin, "budget", "text", object_type="deal")
    customer = await factory.customer(admin)
    pipeline = await default_pipeline(admin)
    r = await admin.post(
        "/api/v1/deals",
        json={
            "name": "ERP rollout",
            "customer_id": customer["id"],
            "amount": "120000.50",
            "currency": "USD",
            "expected_close_date": "2027-01-15",
            "custom_fields": {"budget": "approved"},
        },
    )
    assert r.status_code == 201, r.text
    created = r.json()
    assert created["pipeline_id"] == pipeline["id"]
    assert created["stage_id"] == pipeline["stages"][0]["id"]
    assert created["amount"] == "120000.50" and created["status"] == "open"
    assert created["owner_id"] == admin.user_id
    assert created["custom_fields"] == {"budget": "approved"}
    assert r.headers["etag"] == f'"{created["version"]}"'

    path = f"/api/v1/deals/{created['id']}"
    r = await admin.patch(path, json={"amount": "99.99"}, headers={"If-Match": '"99"'})
    assert_problem(r, 412)
    r = await admin.patch(path, json={"amount": "99.99", "version": created["version"]})
    assert r.status_code == 200, r.text
    assert r.json()["amount"] == "99.99" and r.json()["version"] == created["version"] + 1
    # Stage and status change only through a move.
    assert_problem(await admin.patch(path, json={"status": "won"}), 422)

    assert (await admin.delete(path)).status_code == 204
    assert_problem(await admin.get(path), 404)
    r = await admin.get("/api/v1/recycle-bin", params={"object_type": "deal"})
    assert [item["object_id"] for item in r.json()["items"]] == [created["id"]]
    r = await admin.post(f"/api/v1/recycle-bin/deal/{created['id']}/restore")
    assert r.status_code in (200, 204), r.text
    assert (await admin.get(path)).status_code == 200
    assert await count(db, AuditLog, AuditLog.object_type == "deal") >= 4


async def test_validation(admin: Api, factory: Factory) -> None:
    customer = await factory.customer(admin)
    other = await factory.customer(admin)
    contact = await admin.post(
        "/api/v1/contacts", json={"customer_id": other["id"], "name": "Someone else's"}
    )
    bad = [
        ({"amount": "-1"}, "amount"),
        ({"currency": "usd"}, "currency"),
        ({"contact_id": contact.json()["id"]}, "contact_id"),
        ({"pipeline_id": customer["id"]}, "pipeline_id"),
        ({"unknown": 1}, "unknown"),
    ]
    for extra, field in bad:
        r = await admin.post(
            "/api/v1/deals", json={"name": "X", "customer_id": customer["id"], **extra}
        )
        body = assert_problem(r, 422)
        assert any(e["loc"][-1] == field for e in body["errors"]), (field, body)


async def test_custom_values_are_validated_against_the_deal_field_definitions(
    admin: Api, factory: Factory
) -> None:
    await define(admin, "tier", "select", object_type="deal", options=[{"value": "gold"}])
    await define(admin, "seats", "number", object_type="deal")
    customer = await factory.customer(admin)
    body = {"name": "X", "customer_id": customer["id"]}

    r = await admin.post("/api/v1/deals", json={**body, "custom_fields": {"tier": "tin"}})
    assert [e["loc"][-1] for e in assert_problem(r, 422)["errors"]] == ["tier"]
    r = await admin.post("/api/v1/deals", json={**body, "custom_fields": {"nope": 1}})
    assert [e["loc"][-1] for e in assert_problem(r, 422)["errors"]] == ["nope"]

    r = await admin.post(
        "/api/v1/deals", json={**body, "custom_fields": {"tier": "gold", "seats": 12}}
    )
    assert r.status_code == 201, r.text
    created = r.json()
    path = f"/api/v1/deals/{created['id']}"
    r = await admin.patch(path, json={"custom_fields": {"seats": "many"}})
    assert [e["loc"][-1] for e in assert_problem(r, 422)["errors"]] == ["seats"]
    # A merge: null removes a value, keys left out stay.
    r = await admin.patch(path, json={"custom_fields": {"seats": None}})
    assert r.status_code == 200, r.text
    assert r.json()["custom_fields"] == {"tier": "gold"}


async def test_scope_on_every_deal_route(factory: Factory, sales_team: dict[str, Any]) -> None:
    a: Api = sales_team["sales_a"]
    b: Api = sales_team["sales_b"]
    manager: Api = sales_team["manager"]
    outsider: Api = sales_team["outsider"]
    customer_a = await factory.customer(a)
    deal_a = await deal(a, customer_a["id"], name="A's deal")
    customer_b = await factory.customer(b)
    await deal(b, customer_b["id"], name="B's deal")

    # Creating a deal for a customer one cannot see: 422 naming customer_id.
    r = await b.post("/api/v1/deals", json={"name": "Steal", "customer_id": customer_a["id"]})
    assert assert_problem(r, 422)["errors"][0]["loc"] == ["body", "customer_id"]
    # Handing one's deal to someone outside one's scope is refused.
    r = await a.patch(f"/api/v1/deals/{deal_a['id']}", json={"owner_id": b.user_id})
    assert_problem(r, 422)

    path = f"/api/v1/deals/{deal_a['id']}"
    for caller in (b, outsider):
        assert_problem(await caller.get(path), 404)
        assert_problem(await caller.patch(path, json={"name": "Mine"}), 404)
        assert_problem(await caller.post(f"{path}/move", json={"stage_key": "won"}), 404)
        assert_problem(await caller.get(f"{path}/stage-history"), 404)
        assert_problem(await caller.get(f"/api/v1/customers/{customer_a['id']}/deals"), 404)
    assert (await manager.get(path)).status_code == 200

    names = lambda r: sorted(i["name"] for i in r.json()["items"])  # noqa: E731
    assert names(await a.get("/api/v1/deals")) == ["A's deal"]
    assert names(await manager.get("/api/v1/deals")) == ["A's deal", "B's deal"]
    assert names(await outsider.get("/api/v1/deals")) == []
    assert_problem(await sales_team["service"].get("/api/v1/deals"), 403)
    # Salespeople cannot delete deals (deals:delete is the manager's).
    assert_problem(await a.delete(path), 403)
    r = await manager.get(f"/api/v1/customers/{customer_a['id']}/deals")
    assert names(r) == ["A's deal"]


async def test_list_filters_and_paging(admin: Api, factory: Factory) -> None:
    customer = await factory.customer(admin)
    other = await factory.customer(admin)
    first = await deal(admin, customer["id"], name="Alpha", expected_close_date="2027-01-10")
    await deal(admin, customer["id"], name="Beta", expected_close_date="2027-02-10")
    await deal(admin, other["id"], name="Gamma")
    await meet_default_gate(admin, first["id"])
    assert (await move(admin, first["id"], "won")).status_code == 200

    async def names(**params: Any) -> list[str]:
        r = await admin.get("/api/v1/deals", params=params)
        assert r.status_code == 200, r.text
        return sorted(i["name"] for i in r.json()["items"])

    assert await names(customer_id=customer["id"]) == ["Alpha", "Beta"]
    assert await names(status="won") == ["Alpha"]
    assert await names(status="open") == ["Beta", "Gamma"]
    assert await names(close_from="2027-02-01", close_to="2027-02-28") == ["Beta"]
    assert await names(q="amm") == ["Gamma"]
    assert await names(stage_id=first["stage_id"]) == ["Beta", "Gamma"]
    assert await names(owner_id=admin.user_id) == ["Alpha", "Beta", "Gamma"]

    r = await admin.get("/api/v1/deals", params={"limit": 2, "sort": "name", "with_total": True})
    page = r.json()
    assert [i["name"] for i in page["items"]] == ["Alpha", "Beta"] and page["total"] == 3
    # Each item names its customer (one query per page, not one request per row).
    assert [i["customer_name"] for i in page["items"]] == [customer["name"], customer["name"]]
    r = await admin.get(f"/api/v1/customers/{other['id']}/deals")
    assert [(i["name"], i["customer_name"]) for i in r.json()["items"]] == [
        ("Gamma", other["name"])
    ]
    r = await admin.get(
        "/api/v1/deals", params={"limit": 2, "sort": "name", "cursor": page["next_cursor"]}
    )
    assert [i["name"] for i in r.json()["items"]] == ["Gamma"]


async def test_customer_merge_moves_deals_and_attachments(admin: Api, factory: Factory) -> None:
    survivor = await factory.customer(admin, name="Northwind")
    merged = await factory.customer(admin, name="Northwind Ltd")
    moved = await deal(admin, merged["id"], name="Moves along")
    assert (await attach(admin, "customer", merged["id"], "licence")).status_code == 201
    r = await admin.post(
        "/api/v1/customers/merge",
        json={"survivor_id": survivor["id"], "merged_ids": [merged["id"]]},
    )
    assert r.status_code == 200, r.text
    r = await admin.get(f"/api/v1/deals/{moved['id']}")
    assert r.json()["customer_id"] == survivor["id"]
    r = await admin.get(
        "/api/v1/attachments", params={"object_type": "customer", "object_id": survivor["id"]}
    )
    assert [a["category"] for a in r.json()["items"]] == ["licence"]
