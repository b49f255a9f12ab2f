"""Custom field definitions: who may define and read them, what a definition may say, and
that changing one never corrupts stored values."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from conftest import Api
from crm.core.audit import AuditLog
from crm.customers.models import Customer
from customfields.helpers import define, items
from platform_helpers import assert_problem, error_locs, rows


async def test_admin_defines_fields_and_everyone_who_reads_customers_reads_them(
    admin: Api, sales_team: dict[str, Any]
) -> None:
    await define(admin, "region", "select", options=[{"value": "east"}, {"value": "west"}])
    await define(admin, "budget", "decimal", validation={"decimal_places": 2}, required=True)
    await define(admin, "hobby", "text", object_type="contact")

    for role in ("sales_a", "service", "auditor", "marketing"):
        listed = await items(sales_team[role], "/api/v1/custom-fields", object_type="customer")
        assert [f["key"] for f in listed] == ["region", "budget"], role  # by position
    contact_fields = await items(admin, "/api/v1/custom-fields", object_type="contact")
    assert [f["key"] for f in contact_fields] == ["hobby"]

    r = await sales_team["manager"].post(
        "/api/v1/custom-fields",
        json={"object_type": "customer", "key": "x", "label": {"en": "X"}, "field_type": "text"},
    )
    assert_problem(r, 403)
    r = await admin.get("/api/v1/custom-fields", params={"object_type": "invoice"})
    assert error_locs(assert_problem(r, 422)) == [["query", "object_type"]]


async def test_a_definition_must_be_consistent(admin: Api) -> None:
    base = {"object_type": "customer", "label": {"en": "F"}}
    cases = [
        ({"key": "Bad Key", "field_type": "text"}, ["body", "key"]),
        ({"key": "s", "field_type": "select"}, ["body", "options"]),  # no options
        (
            {"key": "s", "field_type": "select", "options": [{"value": "a"}, {"value": "a"}]},
            ["body", "options"],
        ),
        ({"key": "t", "field_type": "text", "options": [{"value": "a"}]}, ["body", "options"]),
        (
            {"key": "n", "field_type": "number", "validation": {"regex": "a+"}},
            ["body", "validation", "regex"],
        ),
        (
            {"key": "n", "field_type": "number", "validation": {"min": 5, "max": 1}},
            ["body", "validation", "max"],
        ),
        (
            {"key": "t", "field_type": "text", "validation": {"regex": "("}},
            ["body", "validation", "regex"],
        ),
        (
            {"key": "d", "field_type": "date", "validation": {"min": "yesterday"}},
            ["body", "validation", "min"],
        ),
        ({"key": "t", "field_type": "colour"}, ["body", "field_type"]),
        ({"key": "t", "field_type": "text", "label": {}}, ["body", "label"]),
    ]
    for body, loc in cases:
        r = await admin.post("/api/v1/custom-fields", json={**base, **body})
        assert loc in error_locs(assert_problem(r, 422)), (body, r.text)
    assert await items(admin, "/api/v1/custom-fields", object_type="customer") == []


async def test_keys_are_unique_per_object_and_stay_reserved_after_a_delete(admin: Api) -> None:
    field = await define(admin, "region", "text")
    r = await admin.post(
        "/api/v1/custom-fields",
        json={
            "object_type": "customer",
            "key": "region",
            "label": {"en": "R"},
            "field_type": "date",
        },
    )
    assert error_locs(assert_problem(r, 409)) == [["body", "key"]]
    await define(admin, "region", "text", object_type="contact")  # another object: fine

    assert (await admin.delete(f"/api/v1/custom-fields/{field['id']}")).status_code == 204
    assert (await admin.get(f"/api/v1/custom-fields/{field['id']}")).status_code == 404
    r = await admin.post(
        "/api/v1/custom-fields",
        json={
            "object_type": "customer",
            "key": "region",
            "label": {"en": "R"},
            "field_type": "date",
        },
    )
    assert "deleted" in assert_problem(r, 409)["detail"]


async def test_key_and_type_are_immutable(admin: Api) -> None:
    field = await define(admin, "score", "number")
    for body in ({"key": "points"}, {"field_type": "text"}, {"object_type": "contact"}):
        r = await admin.patch(f"/api/v1/custom-fields/{field['id']}", json=body)
        assert_problem(r, 422)
    got = (await admin.get(f"/api/v1/custom-fields/{field['id']}")).json()
    assert (got["key"], got["field_type"]) == ("score", "number")


async def test_changing_a_definition_keeps_stored_values(
    admin: Api, db: Any, sales_team: dict[str, Any]
) -> None:
    sales = sales_team["sales_a"]
    region = await define(admin, "region", "select", options=[{"value": "east"}, {"value": "west"}])
    tier = await define(admin, "tier", "text")
    r = await sales.post(
        "/api/v1/customers",
        json={"name": "Acme", "custom_fields": {"region": "east", "tier": "gold"}},
    )
    assert r.status_code == 201, r.text
    customer = r.json()

    # An option still held by a record cannot go; an unused one can.
    r = await admin.patch(
        f"/api/v1/custom-fields/{region['id']}", json={"options": [{"value": "west"}]}
    )
    assert "east" in assert_problem(r, 409)["detail"]
    r = await admin.patch(
        f"/api/v1/custom-fields/{region['id']}",
        json={"options": [{"value": "east", "label": {"zh": "华东"}}, {"value": "north"}]},
    )
    assert r.status_code == 200, r.text
    assert [o["value"] for o in r.json()["options"]] == ["east", "north"]

    # Deactivating and deleting keep the values; a round trip of them is accepted,
    # a new value for them is not.
    r = await admin.patch(f"/api/v1/custom-fields/{region['id']}", json={"active": False})
    assert r.status_code == 200 and r.json()["active"] is False
    assert (await admin.delete(f"/api/v1/custom-fields/{tier['id']}")).status_code == 204
    got = (await sales.get(f"/api/v1/customers/{customer['id']}")).json()
    assert got["custom_fields"] == {"region": "east", "tier": "gold"}
    r = await sales.patch(
        f"/api/v1/customers/{customer['id']}",
        json={"name": "Acme Ltd", "custom_fields": got["custom_fields"]},
    )
    assert r.status_code == 200, r.text
    r = await sales.patch(
        f"/api/v1/customers/{customer['id']}", json={"custom_fields": {"region": "north"}}
    )
    assert error_locs(assert_problem(r, 422)) == [["body", "custom_fields", "region"]]
    r = await sales.patch(
        f"/api/v1/customers/{customer['id']}", json={"custom_fields": {"tier": "silver"}}
    )
    assert error_locs(assert_problem(r, 422)) == [["body", "custom_fields", "tier"]]
    stored = await rows(db, Customer)
    assert stored[0].custom == {"region": "east", "tier": "gold"}

    # Only active fields are listed as such; deleted ones are gone from the list.
    listed = await items(admin, "/api/v1/custom-fields", object_type="customer")
    assert [(f["key"], f["active"]) for f in listed] == [("region", False)]
    assert await items(admin, "/api/v1/custom-fields", object_type="customer", active="true") == []


async def test_reorder_and_the_audit_trail(admin: Api, db: Any) -> None:
    a = await define(admin, "a_field", "text")
    b = await define(admin, "b_field", "text")
    c = await define(admin, "c_field", "text")
    r = await admin.post(
        "/api/v1/custom-fields/reorder",
        json={"object_type": "customer", "ids": [c["id"], a["id"]]},
    )
    assert r.status_code == 200, r.text
    assert [f["key"] for f in r.json()] == ["c_field", "a_field", "b_field"]
    listed = await items(admin, "/api/v1/custom-fields", object_type="customer")
    assert [f["key"] for f in listed] == ["c_field", "a_field", "b_field"]
    r = await admin.post(
        "/api/v1/custom-fields/reorder",
        json={"object_type": "customer", "ids": [c["id"], c["id"]]},
    )
    assert error_locs(assert_problem(r, 422)) == [["body", "ids"]]

    r = await admin.patch(
        f"/api/v1/custom-fields/{b['id']}",
        json={"label": {"en": "B", "zh": "乙"}, "required": True},
        headers={"If-Match": '"2"'},  # the reorder moved it: version 2
    )
    assert r.status_code == 200, r.text
    r = await admin.patch(
        f"/api/v1/custom-fields/{b['id']}", json={"required": False}, headers={"If-Match": '"2"'}
    )
    assert_problem(r, 412)
    async with db.sessionmaker() as session:
        actions = (
            (
                await session.execute(
                    select(AuditLog.action).where(AuditLog.object_type == "custom_field")
                )
            )
            .scalars()
            .all()
        )
    assert sorted(actions) == ["create", "create", "create", "reorder", "update"]
