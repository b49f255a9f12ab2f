"""Tags: a catalogue with colours, auto-created from customer writes, renamed and deleted on
every customer at once, and bulk tagging of a filtered list within the caller's data scope."""

from __future__ import annotations

import uuid
from typing import Any

from sqlalchemy import select

from conftest import Api
from crm.core.audit import AuditLog
from crm.core.events import OutboxEvent
from crm.customers.models import Customer
from customfields.helpers import define, items
from platform_helpers import assert_problem, error_locs, rows


async def _tags(api: Api) -> dict[str, dict[str, Any]]:
    return {t["name"]: t for t in await items(api, "/api/v1/tags", object_type="customer")}


async def test_tag_catalogue_crud_and_permissions(admin: Api, sales_team: dict[str, Any]) -> None:
    manager, sales = sales_team["manager"], sales_team["sales_a"]
    r = await manager.post(
        "/api/v1/tags", json={"name": "VIP", "color": "#FF0000", "description": "Top"}
    )
    assert r.status_code == 201, r.text
    vip = r.json()
    assert (vip["object_type"], vip["color"]) == ("customer", "#ff0000")
    assert_problem(await sales.post("/api/v1/tags", json={"name": "Mine"}), 403)
    assert_problem(await sales_team["auditor"].patch(f"/api/v1/tags/{vip['id']}", json={}), 403)
    r = await admin.post("/api/v1/tags", json={"name": "VIP"})
    assert error_locs(assert_problem(r, 409)) == [["body", "name"]]
    for bad in (
        {"name": "x", "color": "red"},
        {"name": ""},
        {"name": "x", "object_type": "contact"},
    ):
        assert_problem(await admin.post("/api/v1/tags", json=bad), 422)
    for reader in ("sales_a", "service", "auditor"):
        assert set(await _tags(sales_team[reader])) == {"VIP"}
    assert (await sales.get(f"/api/v1/tags/{vip['id']}")).json()["name"] == "VIP"
    r = await manager.patch(f"/api/v1/tags/{vip['id']}", json={"color": "#00ff00"})
    assert r.status_code == 200 and r.json()["color"] == "#00ff00", r.text


async def test_unknown_tags_on_a_customer_are_created_with_the_default_colour(
    factory: Any, sales_team: dict[str, Any], db: Any
) -> None:
    sales = sales_team["sales_a"]
    customer = await factory.customer(sales, tags=["Hot lead", "展会"])
    await sales.patch(f"/api/v1/customers/{customer['id']}", json={"tags": ["Hot lead", "Q3"]})
    tags = await _tags(sales)
    assert set(tags) == {"Hot lead", "展会", "Q3"}
    assert {t["color"] for t in tags.values()} == {"#1677ff"}
    async with db.sessionmaker() as session:
        created = (
            (
                await session.execute(
                    select(AuditLog.actor_id).where(
                        AuditLog.object_type == "tag", AuditLog.action == "create"
                    )
                )
            )
            .scalars()
            .all()
        )
    assert [str(a) for a in created] == [sales.user_id] * 3


async def test_renaming_a_tag_renames_it_on_every_customer(
    admin: Api, factory: Any, sales_team: dict[str, Any], db: Any
) -> None:
    a, b = sales_team["sales_a"], sales_team["outsider"]
    one = await factory.customer(a, tags=["old", "keep"])
    two = await factory.customer(b, tags=["new", "old"])  # would get the name twice
    three = await factory.customer(b, tags=["other"])
    tag = (await _tags(admin))["old"]
    # "new" exists (auto-created): renaming onto it is refused.
    r = await admin.patch(f"/api/v1/tags/{tag['id']}", json={"name": "new"})
    assert error_locs(assert_problem(r, 409)) == [["body", "name"]]
    r = await admin.patch(f"/api/v1/tags/{tag['id']}", json={"name": "renamed"})
    assert r.status_code == 200, r.text

    by_id = {str(c.id): c for c in await rows(db, Customer)}
    assert by_id[one["id"]].tags == ["renamed", "keep"]
    assert by_id[two["id"]].tags == ["new", "renamed"]
    assert by_id[three["id"]].tags == ["other"]
    assert by_id[one["id"]].version == one["version"] + 1  # a stale edit now gets 412
    assert by_id[three["id"]].version == three["version"]
    r = await a.patch(
        f"/api/v1/customers/{one['id']}", json={"tags": ["old"], "version": one["version"]}
    )
    assert_problem(r, 412)
    assert set(await _tags(admin)) == {"renamed", "keep", "new", "other"}

    r = await admin.delete(f"/api/v1/tags/{tag['id']}")
    assert r.status_code == 204
    by_id = {str(c.id): c for c in await rows(db, Customer)}
    assert by_id[one["id"]].tags == ["keep"] and by_id[two["id"]].tags == ["new"]
    assert (await admin.get(f"/api/v1/tags/{tag['id']}")).status_code == 404


async def test_bulk_tag_a_filtered_list_within_the_callers_scope(
    admin: Api, factory: Any, sales_team: dict[str, Any], db: Any
) -> None:
    a, b, manager = sales_team["sales_a"], sales_team["sales_b"], sales_team["manager"]
    await define(admin, "region", "select", options=[{"value": "east"}, {"value": "west"}])
    mine_east = await factory.customer(
        a, name="Acme East", tags=["x"], custom_fields={"region": "east"}
    )
    mine_west = await factory.customer(a, name="Acme West", custom_fields={"region": "west"})
    mine_other = await factory.customer(a, name="Other East", custom_fields={"region": "east"})
    theirs = await factory.customer(b, name="Acme B", custom_fields={"region": "east"})

    r = await a.post(
        "/api/v1/customers/bulk-tag",
        json={"filter": {"q": "acme", "cf": {"region": "east"}}, "add": ["hot", "x"]},
    )
    assert r.status_code == 200, r.text
    assert r.json() == {"affected": 1}  # b's customer is outside a's scope
    stored = {str(c.id): c.tags for c in await rows(db, Customer)}
    assert stored[mine_east["id"]] == ["x", "hot"]
    assert stored[mine_west["id"]] == [] and stored[mine_other["id"]] == []
    assert stored[theirs["id"]] == []
    assert "hot" in await _tags(a)

    # The manager sees the department tree: both salespeople's customers.
    r = await manager.post(
        "/api/v1/customers/bulk-tag",
        json={"filter": {"cf": {"region": "east"}}, "add": ["q3"], "remove": ["x"]},
    )
    assert r.json() == {"affected": 3}, r.text
    stored = {str(c.id): c.tags for c in await rows(db, Customer)}
    assert stored[mine_east["id"]] == ["hot", "q3"]
    assert stored[theirs["id"]] == ["q3"] and stored[mine_other["id"]] == ["q3"]
    # Running it again changes nothing and audits nothing.
    r = await manager.post(
        "/api/v1/customers/bulk-tag",
        json={"filter": {"cf": {"region": "east"}}, "add": ["q3"], "remove": ["x"]},
    )
    assert r.json() == {"affected": 0}

    async with db.sessionmaker() as session:
        audits = (
            (
                await session.execute(
                    select(AuditLog).where(
                        AuditLog.object_type == "customer",
                        AuditLog.action == "update",
                        AuditLog.actor_id == uuid.UUID(manager.user_id),
                    )
                )
            )
            .scalars()
            .all()
        )
        events = (
            (
                await session.execute(
                    select(OutboxEvent.object_id).where(
                        OutboxEvent.event_type == "customer.updated"
                    )
                )
            )
            .scalars()
            .all()
        )
    assert {str(e.object_id) for e in audits} == {mine_east["id"], mine_other["id"], theirs["id"]}
    east = next(e for e in audits if str(e.object_id) == mine_east["id"])
    assert east.changes["diff"] == {"tags": [["x", "hot"], ["hot", "q3"]]}
    assert len(events) == 4

    # Explicit ids: only the visible ones may be named; they still have to match the filter.
    r = await a.post("/api/v1/customers/bulk-tag", json={"ids": [theirs["id"]], "add": ["nope"]})
    assert error_locs(assert_problem(r, 422)) == [["body", "ids"]]
    r = await a.post(
        "/api/v1/customers/bulk-tag",
        json={
            "ids": [mine_west["id"], mine_east["id"]],
            "filter": {"cf": {"region": "west"}},
            "remove": ["hot"],
            "add": ["west"],
        },
    )
    assert r.json() == {"affected": 1}, r.text
    stored = {str(c.id): c.tags for c in await rows(db, Customer)}
    assert stored[mine_west["id"]] == ["west"] and stored[mine_east["id"]] == ["hot", "q3"]


async def test_bulk_tag_input_errors(admin: Api, sales_team: dict[str, Any]) -> None:
    sales = sales_team["sales_a"]
    r = await sales.post("/api/v1/customers/bulk-tag", json={"filter": {}})
    assert error_locs(assert_problem(r, 422)) == [["body", "add"]]
    r = await sales.post(
        "/api/v1/customers/bulk-tag", json={"filter": {"cf": {"nope": "x"}}, "add": ["a"]}
    )
    assert error_locs(assert_problem(r, 422)) == [["body", "filter", "cf", "nope"]]
    r = await sales.post(
        "/api/v1/customers/bulk-tag", json={"filter": {"colour": "red"}, "add": ["a"]}
    )
    assert_problem(r, 422)
    assert_problem(
        await sales_team["service"].post("/api/v1/customers/bulk-tag", json={"add": ["a"]}), 403
    )
