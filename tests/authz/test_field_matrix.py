"""The authorization matrix's field dimension: for a role with hidden and masked fields, every
route that returns a customer or a contact is walked, and the hidden values never appear in any
response (nor in an export file), the masked ones never in full.

Routes walked (each as the restricted user, and as the administrator as a control that the
values really are there):
  customers: list (the compiled fast path, the general path with_total, q=, a custom field
  filter), item, create, update, the customer's contacts; contacts: list, item, create, update;
  the global search (by name, and by the hidden phone: no hit); the duplicate check; the
  customer timeline; notifications; exports (CSV) of customers and contacts.
"""

from __future__ import annotations

import uuid
from typing import Any

import httpx

from conftest import Api, Factory
from customfields.helpers import define
from export_helpers import export, read
from field_helpers import restricted_user

PHONE = "13812348000"
PHONE_DIGITS = "12348000"  # in every form of the number (national, E.164)
EMAIL = "zhang.fieldperm@example.com"
SECRET = "cf-secret-value-7731"
ID_NO = "110101199003074518"
CONTACT_PHONE = "13966661234"
CONTACT_EMAIL = "li.contact@example.com"

RULES = [
    {"object_type": "customer", "field": "phone", "access": "hidden"},
    {"object_type": "customer", "field": "email", "masked": True},
    {"object_type": "customer", "field": "cf.secret", "access": "hidden"},
    {"object_type": "customer", "field": "cf.id_no", "masked": True},
    {"object_type": "contact", "field": "phone", "masked": True},
    {"object_type": "contact", "field": "email", "access": "hidden"},
]
# Texts that must never be in a response to the restricted user.
NEVER = (PHONE_DIGITS, EMAIL, SECRET, ID_NO, CONTACT_PHONE, CONTACT_EMAIL)


def _leaks(text: str) -> list[str]:
    return [value for value in NEVER if value in text]


async def _world(admin: Api, factory: Factory) -> tuple[Api, dict[str, Any], dict[str, Any]]:
    await define(admin, "secret", "text")
    await define(admin, "id_no", "text")
    user = await restricted_user(admin, factory, RULES)
    r = await admin.post(
        "/api/v1/customers",
        json={
            "name": f"Fieldperm {uuid.uuid4().hex[:6]}",
            "phone": PHONE,
            "email": EMAIL,
            "industry": "retail",
            "owner_id": user.user_id,  # the owner hears of it (a notification)
            "custom_fields": {"secret": SECRET, "id_no": ID_NO},
        },
    )
    assert r.status_code == 201, r.text
    customer = dict(r.json())
    r = await admin.post(
        "/api/v1/contacts",
        json={
            "customer_id": customer["id"],
            "name": "Li Contact",
            "phone": CONTACT_PHONE,
            "email": CONTACT_EMAIL,
        },
    )
    assert r.status_code == 201, r.text
    return user, customer, dict(r.json())


async def _responses(
    api: Api, customer: dict[str, Any], contact: dict[str, Any]
) -> dict[str, httpx.Response]:
    """Every read route returning the customer or the contact, by a label."""
    cid = customer["id"]
    gets = {
        "customers list (fast path)": ("/api/v1/customers", {}),
        "customers list (with_total)": ("/api/v1/customers", {"with_total": "true"}),
        "customers list (q)": ("/api/v1/customers", {"q": customer["name"]}),
        "customers list (cf filter)": ("/api/v1/customers", {"cf.id_no": ID_NO}),
        "customer item": (f"/api/v1/customers/{cid}", {}),
        "customer's contacts": (f"/api/v1/customers/{cid}/contacts", {}),
        "contacts list": ("/api/v1/contacts", {}),
        "contact item": (f"/api/v1/contacts/{contact['id']}", {}),
        "search by name": ("/api/v1/search", {"q": customer["name"]}),
        "search by contact name": ("/api/v1/search", {"q": "Li Contact"}),
        "search by hidden phone": ("/api/v1/search", {"q": PHONE}),
        "duplicate check": (
            "/api/v1/customers/duplicates/check",
            {"phone": PHONE, "name": customer["name"]},
        ),
        "timeline": (f"/api/v1/customers/{cid}/timeline", {}),
        "notifications": ("/api/v1/notifications", {}),
    }
    return {label: await api.get(path, params=params) for label, (path, params) in gets.items()}


async def test_hidden_fields_never_appear_and_masked_ones_never_in_full(
    admin: Api, factory: Factory, db: Any
) -> None:
    user, customer, contact = await _world(admin, factory)

    control = await _responses(admin, customer, contact)
    for label in ("customer item", "contacts list", "duplicate check"):
        assert _leaks(control[label].text), label  # the values are there for the admin

    responses = await _responses(user, customer, contact)
    for label, response in responses.items():
        assert response.status_code == 200, (label, response.text)
        assert not _leaks(response.text), (label, _leaks(response.text), response.text)

    # Where the record is shown, hidden keys are gone and masked values are masked.
    item = responses["customer item"].json()
    listed = [
        c
        for c in responses["customers list (fast path)"].json()["items"]
        if c["id"] == customer["id"]
    ]
    totalled = responses["customers list (with_total)"].json()["items"]
    candidates = responses["duplicate check"].json()["candidates"]
    assert [c["customer"]["id"] for c in candidates] == [customer["id"]]
    for shown in (item, *listed, *totalled, candidates[0]["customer"]):
        assert "phone" not in shown and "phone_e164" not in shown
        assert shown["email"] == "z***@example.com"
        assert shown["custom_fields"] == {"id_no": "1101****4518"}
        assert shown["industry"] == "retail"
    assert listed and responses["customers list (cf filter)"].json()["items"]
    for shown in (
        responses["contact item"].json(),
        *responses["contacts list"].json()["items"],
        *responses["customer's contacts"].json()["items"],
    ):
        assert shown["phone"] == "139****1234" and "email" not in shown
    assert customer["id"] in [h["id"] for h in responses["search by name"].json()["items"]]
    # A match on the hidden phone is no match: the search would tell the number otherwise.
    by_phone = responses["search by hidden phone"].json()["items"]
    assert customer["id"] not in [h["id"] for h in by_phone]
    assert customer["id"] in [h["id"] for h in control["search by hidden phone"].json()["items"]]

    # Writes answer with the record too.
    r = await user.patch(f"/api/v1/customers/{customer['id']}", json={"industry": "food"})
    assert r.status_code == 200 and not _leaks(r.text), r.text
    assert r.headers.get("etag"), r.headers
    r = await user.post("/api/v1/customers", json={"name": "Fresh one"})
    assert r.status_code == 201 and "phone" not in r.json(), r.text
    r = await user.patch(f"/api/v1/contacts/{contact['id']}", json={"title": "CEO"})
    assert r.status_code == 200 and not _leaks(r.text), r.text
    r = await user.post("/api/v1/contacts", json={"customer_id": customer["id"], "name": "Another"})
    assert r.status_code == 201 and "email" not in r.json(), r.text

    # Exports: the hidden columns are not offered nor written, the masked ones are masked.
    r = await user.get("/api/v1/exports/object-types")
    assert r.status_code == 200, r.text
    offered = {o["object_type"]: {c["key"] for c in o["columns"]} for o in r.json()}
    assert "phone" not in offered["customers"] and "cf.secret" not in offered["customers"]
    assert "email" in offered["customers"] and "email" not in offered["contacts"]
    r = await user.post(
        "/api/v1/exports", json={"object_type": "customers", "columns": ["name", "phone"]}
    )
    assert r.status_code == 422, r.text
    for object_type in ("customers", "contacts"):
        _, file = await export(user, db, object_type, header="keys")
        assert not _leaks(file.content.decode("utf-8-sig")), object_type
        frame = read(file)
        if object_type == "customers":
            assert "phone" not in frame.columns and "cf.secret" not in frame.columns
            row = frame.filter(frame["id"] == customer["id"]).row(0, named=True)
            assert row["email"] == "z***@example.com" and row["cf.id_no"] == "1101****4518"
        else:
            assert "email" not in frame.columns
            assert set(frame["phone"].drop_nulls()) == {"139****1234"}
    _, file = await export(admin, db, "customers", header="keys")
    assert PHONE in file.content.decode("utf-8-sig")  # control
