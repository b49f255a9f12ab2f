"""Field permissions: the admin API, writes refused with a 422 naming the field, revealing a
masked value (audited), the import's mapping, and rules taking effect at once."""

from __future__ import annotations

import uuid
from typing import Any

from sqlalchemy import select

from conftest import Api, Factory
from crm.core.audit import AuditLog
from customfields.helpers import define
from field_helpers import RESTRICTED_PERMISSIONS, restricted_role, restricted_user
from import_helpers import csv_bytes, upload
from platform_helpers import assert_problem, error_locs

PHONE = "13812348000"
EMAIL = "zhang@example.com"


async def _customer(admin: Api, **fields: Any) -> dict[str, Any]:
    body = {"name": f"Acme {uuid.uuid4().hex[:6]}", "phone": PHONE, "email": EMAIL, **fields}
    r = await admin.post("/api/v1/customers", json=body)
    assert r.status_code == 201, r.text
    return dict(r.json())


async def test_admin_reads_and_replaces_a_roles_field_rules(admin: Api, factory: Factory) -> None:
    r = await admin.get("/api/v1/field-permissions/objects")
    assert r.status_code == 200, r.text
    objects = {o["object_type"]: o for o in r.json()}
    assert {"customer", "contact"} <= objects.keys()
    customer_fields = {f["name"]: f for f in objects["customer"]["fields"]}
    assert customer_fields["phone"] == {"name": "phone", "sensitive": True, "mask": "phone"}
    assert customer_fields["industry"]["sensitive"] is False
    assert "id" not in customer_fields  # every client needs it: never restricted
    assert objects["customer"]["reveal_permission"] == "customers:reveal"

    role = await restricted_role(admin, [])
    path = f"/api/v1/roles/{role['id']}/field-rules"
    rules = [
        {"object_type": "customer", "field": "phone", "access": "hidden"},
        {"object_type": "customer", "field": "email", "access": "read_only", "masked": True},
        {"object_type": "customer", "field": "cf.id_no", "masked": True},
        {"object_type": "customer", "field": "industry"},  # restricts nothing: dropped
    ]
    r = await admin.request("PUT", path, json={"rules": rules})
    assert r.status_code == 200, r.text
    expected = [
        {"object_type": "customer", "field": "cf.id_no", "access": "editable", "masked": True},
        {"object_type": "customer", "field": "email", "access": "read_only", "masked": True},
        {"object_type": "customer", "field": "phone", "access": "hidden", "masked": False},
    ]
    assert r.json()["rules"] == expected
    assert (await admin.get(path)).json()["rules"] == expected

    bad = [
        ([{"object_type": "invoice", "field": "x"}], ["body", "rules.0.object_type"]),
        ([{"object_type": "customer", "field": "nope"}], ["body", "rules", 0, "field"]),
        (
            [
                {"object_type": "customer", "field": "phone", "access": "hidden"},
                {"object_type": "customer", "field": "phone", "masked": True},
            ],
            ["body", "rules", 1, "field"],
        ),
        ([{"object_type": "customer", "field": "phone", "access": "gone"}], None),
    ]
    for body, loc in bad:
        problem = assert_problem(await admin.request("PUT", path, json={"rules": body}), 422)
        if loc is not None:
            assert error_locs(problem) == [loc], problem
    # Nothing of the refused replacements was stored.
    assert (await admin.get(path)).json()["rules"] == expected

    sales = await factory.user("sales")
    assert_problem(await sales.request("PUT", path, json={"rules": []}), 403)
    r = await admin.request("PUT", f"/api/v1/roles/{uuid.uuid4()}/field-rules", json={"rules": []})
    assert_problem(r, 404)
    r = await admin.request("PUT", path, json={"rules": []})
    assert r.json()["rules"] == []


async def test_a_write_setting_a_hidden_or_read_only_field_is_a_422_naming_it(
    admin: Api, factory: Factory
) -> None:
    await define(admin, "tier", "text")
    user = await restricted_user(
        admin,
        factory,
        [
            {"object_type": "customer", "field": "phone", "access": "hidden"},
            {"object_type": "customer", "field": "email", "access": "read_only"},
            {"object_type": "customer", "field": "tags", "access": "read_only"},
            {"object_type": "customer", "field": "cf.tier", "access": "read_only"},
            {"object_type": "contact", "field": "phone", "access": "read_only"},
        ],
    )
    customer = await _customer(admin, custom_fields={"tier": "gold"})
    path = f"/api/v1/customers/{customer['id']}"

    problem = assert_problem(
        await user.post("/api/v1/customers", json={"name": "New", "phone": "13900001111"}), 422
    )
    assert error_locs(problem) == [["body", "phone"]]
    assert "hidden" in problem["errors"][0]["msg"]
    problem = assert_problem(
        await user.patch(path, json={"email": "x@example.com", "custom_fields": {"tier": "x"}}),
        422,
    )
    assert error_locs(problem) == [["body", "email"], ["body", "custom_fields.tier"]]
    assert "email" in problem["detail"] and "cf.tier" in problem["detail"]
    # Setting to null is setting too.
    assert_problem(await user.patch(path, json={"phone": None}), 422)
    r = await user.post(
        "/api/v1/customers/bulk-tag", json={"ids": [customer["id"]], "add": ["vip"]}
    )
    assert error_locs(assert_problem(r, 422)) == [["body", "tags"]]
    r = await user.post(
        "/api/v1/contacts",
        json={"customer_id": customer["id"], "name": "Li", "phone": "13900002222"},
    )
    assert error_locs(assert_problem(r, 422)) == [["body", "phone"]]

    # Nothing changed; the fields the role may edit still can be.
    stored = (await admin.get(path)).json()
    assert (stored["phone"], stored["email"], stored["tags"]) == (PHONE, EMAIL, [])
    assert stored["custom_fields"] == {"tier": "gold"}
    r = await user.patch(path, json={"name": "Renamed", "custom_fields": {}})
    assert r.status_code == 200, r.text
    assert r.json()["name"] == "Renamed"
    r = await user.post("/api/v1/customers", json={"name": "Allowed"})
    assert r.status_code == 201, r.text


async def test_rules_apply_on_the_next_request(admin: Api, factory: Factory) -> None:
    role = await restricted_role(admin, [])
    user = await factory.user(role["key"])
    customer = await _customer(admin)
    path = f"/api/v1/customers/{customer['id']}"
    assert (await user.get(path)).json()["phone"] == PHONE

    rules = [{"object_type": "customer", "field": "phone", "access": "hidden"}]
    r = await admin.request("PUT", f"/api/v1/roles/{role['id']}/field-rules", json={"rules": rules})
    assert r.status_code == 200, r.text
    shown = (await user.get(path)).json()
    assert "phone" not in shown and "phone_e164" not in shown
    assert shown["email"] == EMAIL

    r = await admin.request("PUT", f"/api/v1/roles/{role['id']}/field-rules", json={"rules": []})
    assert (await user.get(path)).json()["phone"] == PHONE


async def test_a_user_with_two_roles_gets_the_more_open_rule(admin: Api, factory: Factory) -> None:
    hides = await restricted_role(
        admin, [{"object_type": "customer", "field": "phone", "access": "hidden"}]
    )
    masks = await restricted_role(
        admin, [{"object_type": "customer", "field": "phone", "masked": True}]
    )
    user = await factory.user(hides["key"], masks["key"])
    customer = await _customer(admin)
    shown = (await user.get(f"/api/v1/customers/{customer['id']}")).json()
    assert shown["phone"] == "138****8000"
    assert shown["phone_e164"] == "+86138****8000"


async def test_reveal_returns_one_value_and_audits_the_field_not_the_value(
    admin: Api, factory: Factory, db: Any
) -> None:
    await define(admin, "id_no", "text")
    rules = [
        {"object_type": "customer", "field": "phone", "masked": True},
        {"object_type": "customer", "field": "email", "masked": True},
        {"object_type": "customer", "field": "cf.id_no", "masked": True},
        {"object_type": "customer", "field": "address", "access": "hidden"},
    ]
    revealer = await restricted_user(
        admin, factory, rules, permissions=[*RESTRICTED_PERMISSIONS, "customers:reveal"]
    )
    viewer = await restricted_user(admin, factory, rules)
    customer = await _customer(
        admin, address="1 Secret Road", custom_fields={"id_no": "110101199003074518"}
    )
    shown = (await viewer.get(f"/api/v1/customers/{customer['id']}")).json()
    assert (shown["phone"], shown["email"]) == ("138****8000", "z***@example.com")
    assert shown["custom_fields"] == {"id_no": "1101****4518"}
    assert "address" not in shown

    def ask(field: str, record_id: str = customer["id"]) -> dict[str, Any]:
        return {"object_type": "customer", "record_id": record_id, "field": field}

    r = await revealer.post("/api/v1/field-reveals", json=ask("phone"))
    assert r.status_code == 200, r.text
    assert r.json() == {**ask("phone"), "value": PHONE}
    r = await revealer.post("/api/v1/field-reveals", json=ask("cf.id_no"))
    assert r.json()["value"] == "110101199003074518"

    async with db.sessionmaker() as session:
        entries = (
            (
                await session.execute(
                    select(AuditLog)
                    .where(AuditLog.action == "reveal")
                    .order_by(AuditLog.at, AuditLog.id)
                )
            )
            .scalars()
            .all()
        )
    assert [(e.object_type, str(e.object_id), e.changes["field"]) for e in entries] == [
        ("customer", customer["id"], "phone"),
        ("customer", customer["id"], "cf.id_no"),
    ]
    assert all(str(e.actor_id) == revealer.user_id for e in entries)
    assert not any(
        PHONE in str(e.changes) or "110101199003074518" in str(e.changes) for e in entries
    )

    # No reveal permission: 403; a hidden field cannot be revealed; an unknown record is 404.
    assert_problem(await viewer.post("/api/v1/field-reveals", json=ask("phone")), 403)
    assert_problem(await revealer.post("/api/v1/field-reveals", json=ask("address")), 403)
    assert_problem(
        await revealer.post("/api/v1/field-reveals", json=ask("phone", str(uuid.uuid4()))), 404
    )
    r = await revealer.post("/api/v1/field-reveals", json=ask("nope"))
    assert error_locs(assert_problem(r, 422)) == [["body", "field"]]


async def test_reveal_is_404_outside_the_data_scope(
    admin: Api, factory: Factory, sales_team: dict[str, Any]
) -> None:
    role = await restricted_role(
        admin,
        [{"object_type": "customer", "field": "phone", "masked": True}],
        permissions=["customers:read", "customers:reveal"],
    )
    r = await admin.patch(f"/api/v1/roles/{role['id']}", json={"data_scopes": {"customers": "own"}})
    assert r.status_code == 200, r.text
    user = await factory.user(role["key"])
    theirs = await _customer(admin, owner_id=sales_team["sales_a"].user_id)
    body = {"object_type": "customer", "record_id": theirs["id"], "field": "phone"}
    assert_problem(await user.post("/api/v1/field-reveals", json=body), 404)


async def test_import_refuses_to_map_a_field_the_role_may_not_edit(
    admin: Api, factory: Factory
) -> None:
    user = await restricted_user(
        admin, factory, [{"object_type": "customer", "field": "phone", "access": "read_only"}]
    )
    item = await upload(user, csv_bytes([["Name", "Phone"], ["Acme", PHONE]]))
    assert item["suggested_mapping"] == {"0": "name"}  # phone is not offered
    r = await user.post(
        f"/api/v1/imports/{item['id']}/preview", json={"mapping": {"0": "name", "1": "phone"}}
    )
    problem = assert_problem(r, 422)
    assert error_locs(problem) == [["body", "mapping.1"]]
    assert "phone" in problem["errors"][0]["msg"]
    r = await user.post(f"/api/v1/imports/{item['id']}/preview", json={"mapping": {"0": "name"}})
    assert r.status_code == 202, r.text
