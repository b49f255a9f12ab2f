"""Customers and contacts: create, read, update, validation and normalisation."""

from __future__ import annotations

import uuid
from typing import Any

import pytest
from sqlalchemy import func, select

from crm.customers.models import Contact, Customer

PROBLEM = "application/problem+json"


async def _row(db: Any, model: Any, record_id: str) -> Any:
    async with db.sessionmaker() as session:
        return await session.get(model, uuid.UUID(record_id))


async def _count(db: Any, model: Any) -> int:
    async with db.sessionmaker() as session:
        return int((await session.execute(select(func.count()).select_from(model))).scalar_one())


def _locs(response: Any) -> list[list[str]]:
    assert response.headers["content-type"].startswith(PROBLEM), response.text
    body = response.json()
    assert body["status"] == response.status_code
    assert body["title"] and body["detail"]
    return [e["loc"] for e in body["errors"]]


# --- customers --------------------------------------------------------------------------------


async def test_create_stores_the_phone_as_typed_plus_e164_and_lower_cases_the_email(
    db: Any, sales_team: dict[str, Any]
) -> None:
    a = sales_team["sales_a"]
    r = await a.post(
        "/api/v1/customers",
        json={
            "name": "  华东贸易有限公司  ",
            "kind": "person",
            "phone": "138 0013 8000",
            "email": " Sales.Team@HuaDong.CN ",
            "industry": "Retail",
            "source": "referral",
            "tags": ["vip", "east"],
            "city": "上海",
        },
    )
    assert r.status_code == 201, r.text
    assert r.headers["etag"] == '"1"'
    body = r.json()
    assert body["name"] == "华东贸易有限公司"
    assert body["kind"] == "person"
    assert body["phone"] == "138 0013 8000"
    assert body["phone_e164"] == "+8613800138000"
    assert body["email"] == "sales.team@huadong.cn"
    assert body["tags"] == ["vip", "east"]
    assert body["city"] == "上海"
    # The owner defaults to the caller, the department follows the owner.
    assert body["owner_id"] == a.user_id
    assert body["department_id"] == sales_team["department"]["id"]
    assert body["version"] == 1

    row = await _row(db, Customer, body["id"])
    assert (row.name, row.phone, row.phone_e164, row.email) == (
        "华东贸易有限公司",
        "138 0013 8000",
        "+8613800138000",
        "sales.team@huadong.cn",
    )
    assert str(row.owner_id) == a.user_id
    assert str(row.department_id) == sales_team["department"]["id"]
    assert row.deleted_at is None and row.version == 1

    got = await a.get(f"/api/v1/customers/{body['id']}")
    assert got.status_code == 200
    assert got.headers["etag"] == '"1"'
    assert got.json() == body


@pytest.mark.parametrize(
    ("typed", "e164"),
    [
        ("138 0013 8000", "+8613800138000"),
        ("+86 138-0013-8000", "+8613800138000"),
        ("(010) 6552 9988", "+861065529988"),
        ("0755-8888 1234", "+8675588881234"),
        ("+1 415 555 2671", "+14155552671"),
    ],
)
async def test_update_renormalises_the_phone(
    admin: Any, factory: Any, db: Any, typed: str, e164: str
) -> None:
    customer = await factory.customer(admin, phone="139 0013 9000")
    assert customer["phone_e164"] == "+8613900139000"
    r = await admin.patch(f"/api/v1/customers/{customer['id']}", json={"phone": typed})
    assert r.status_code == 200, r.text
    assert (r.json()["phone"], r.json()["phone_e164"]) == (typed, e164)
    row = await _row(db, Customer, customer["id"])
    assert (row.phone, row.phone_e164) == (typed, e164)
    # Clearing the phone clears both forms.
    r = await admin.patch(f"/api/v1/customers/{customer['id']}", json={"phone": ""})
    assert r.status_code == 200, r.text
    row = await _row(db, Customer, customer["id"])
    assert (row.phone, row.phone_e164) == (None, None)


@pytest.mark.parametrize(
    ("body", "loc"),
    [
        ({"name": "Acme", "fax": "123"}, ["body", "fax"]),  # unknown field
        ({"name": "Acme", "email": "not-an-email"}, ["body", "email"]),
        ({"name": "Acme", "email": "a@b"}, ["body", "email"]),
        ({"name": "Acme", "phone": "12345"}, ["body", "phone"]),
        ({"name": "Acme", "phone": "138 0013 800"}, ["body", "phone"]),  # one digit short
        ({}, ["body", "name"]),
        ({"name": "   "}, ["body", "name"]),
        ({"name": "x" * 201}, ["body", "name"]),
        ({"name": "Acme", "kind": "alien"}, ["body", "kind"]),
        ({"name": "Acme", "tags": [""]}, ["body", "tags", "0"]),
        ({"name": "Acme", "owner_id": "not-a-uuid"}, ["body", "owner_id"]),
    ],
)
async def test_invalid_create_is_422_naming_the_field_and_stores_nothing(
    admin: Any, db: Any, body: dict[str, Any], loc: list[str]
) -> None:
    r = await admin.post("/api/v1/customers", json=body)
    assert r.status_code == 422, r.text
    assert loc in _locs(r)
    assert await _count(db, Customer) == 0


@pytest.mark.parametrize(
    ("body", "loc"),
    [
        ({"nickname": "Ace"}, ["body", "nickname"]),
        ({"name": None}, ["body", "name"]),
        ({"name": ""}, ["body", "name"]),
        ({"email": "nope"}, ["body", "email"]),
        ({"phone": "123"}, ["body", "phone"]),
        ({"owner_id": None}, ["body", "owner_id"]),
        ({"version": "one"}, ["body", "version"]),
    ],
)
async def test_invalid_update_is_422_and_changes_nothing(
    admin: Any, factory: Any, db: Any, body: dict[str, Any], loc: list[str]
) -> None:
    customer = await factory.customer(admin, name="Acme", email="a@acme.example")
    r = await admin.patch(f"/api/v1/customers/{customer['id']}", json=body)
    assert r.status_code == 422, r.text
    assert loc in _locs(r)
    row = await _row(db, Customer, customer["id"])
    assert (row.name, row.email, row.version, str(row.owner_id)) == (
        "Acme",
        "a@acme.example",
        1,
        admin.user_id,
    )


async def test_update_changes_only_the_given_fields(admin: Any, factory: Any, db: Any) -> None:
    customer = await factory.customer(
        admin, name="Acme", phone="138 0013 8000", industry="Retail", tags=["a"]
    )
    r = await admin.patch(
        f"/api/v1/customers/{customer['id']}",
        json={"industry": "Logistics", "tags": ["b", "c"], "email": "Boss@Acme.Example"},
    )
    assert r.status_code == 200, r.text
    assert r.headers["etag"] == '"2"'
    body = r.json()
    assert body["industry"] == "Logistics"
    assert body["tags"] == ["b", "c"]
    assert body["email"] == "boss@acme.example"
    assert body["version"] == 2
    unchanged = ("name", "phone", "phone_e164", "owner_id", "department_id", "created_at")
    assert {k: body[k] for k in unchanged} == {k: customer[k] for k in unchanged}
    assert body["updated_at"] > customer["updated_at"]
    row = await _row(db, Customer, customer["id"])
    assert (row.industry, row.tags, row.email, row.name, row.version) == (
        "Logistics",
        ["b", "c"],
        "boss@acme.example",
        "Acme",
        2,
    )


async def test_unknown_customer_is_404_problem(admin: Any) -> None:
    missing = uuid.uuid4()
    for method in ("GET", "PATCH", "DELETE"):
        r = await admin.request(method, f"/api/v1/customers/{missing}", json={"name": "x"})
        assert r.status_code == 404, (method, r.text)
        assert r.headers["content-type"].startswith(PROBLEM)
        assert r.json()["detail"] == "No such customer."
    r = await admin.get("/api/v1/customers/not-a-uuid")
    assert r.status_code == 422
    assert ["path", "customer_id"] in _locs(r)


# --- contacts ---------------------------------------------------------------------------------


async def test_contact_lifecycle(admin: Any, factory: Any, db: Any) -> None:
    customer = await factory.customer(admin, name="Acme")
    other = await factory.customer(admin, name="Other")
    r = await admin.post(
        "/api/v1/contacts",
        json={
            "customer_id": customer["id"],
            "name": " 李雷 ",
            "title": "采购经理",
            "phone": "0755-8888 1234",
            "email": "Li.Lei@Acme.Example",
            "is_primary": True,
        },
    )
    assert r.status_code == 201, r.text
    contact = r.json()
    assert contact["name"] == "李雷"
    assert contact["phone"] == "0755-8888 1234"
    assert contact["phone_e164"] == "+8675588881234"
    assert contact["email"] == "li.lei@acme.example"
    assert contact["is_primary"] is True
    assert contact["customer_id"] == customer["id"]
    row = await _row(db, Contact, contact["id"])
    assert (row.phone_e164, row.email, str(row.customer_id)) == (
        "+8675588881234",
        "li.lei@acme.example",
        customer["id"],
    )
    await admin.post("/api/v1/contacts", json={"customer_id": other["id"], "name": "Han Meimei"})

    got = await admin.get(f"/api/v1/contacts/{contact['id']}")
    assert got.status_code == 200
    assert got.headers["etag"] == '"1"'
    assert got.json() == contact
    nested = await admin.get(f"/api/v1/customers/{customer['id']}/contacts")
    assert [c["id"] for c in nested.json()["items"]] == [contact["id"]]
    by_filter = await admin.get("/api/v1/contacts", params={"customer_id": customer["id"]})
    assert [c["id"] for c in by_filter.json()["items"]] == [contact["id"]]
    everyone = await admin.get("/api/v1/contacts", params={"with_total": "true"})
    assert everyone.json()["total"] == 2
    assert (await admin.get("/api/v1/contacts", params={"q": "0755 8888"})).json()["items"][0][
        "id"
    ] == contact["id"]

    r = await admin.patch(
        f"/api/v1/contacts/{contact['id']}", json={"phone": "138 0013 8000", "title": None}
    )
    assert r.status_code == 200, r.text
    assert r.headers["etag"] == '"2"'
    assert (r.json()["phone_e164"], r.json()["title"], r.json()["name"]) == (
        "+8613800138000",
        None,
        "李雷",
    )

    r = await admin.delete(f"/api/v1/contacts/{contact['id']}")
    assert r.status_code == 204
    assert (await admin.get(f"/api/v1/contacts/{contact['id']}")).status_code == 404
    assert (await admin.get(f"/api/v1/customers/{customer['id']}/contacts")).json()["items"] == []
    row = await _row(db, Contact, contact["id"])
    assert row is not None and row.deleted_at is not None  # soft: still stored


@pytest.mark.parametrize(
    ("body", "loc"),
    [
        ({"name": "Li"}, ["body", "customer_id"]),
        ({"name": "Li", "customer": "x"}, ["body", "customer"]),
        ({"name": "Li", "email": "li@"}, ["body", "email"]),
        ({"name": "Li", "phone": "999"}, ["body", "phone"]),
        ({"name": ""}, ["body", "name"]),
    ],
)
async def test_invalid_contact_is_422_naming_the_field(
    admin: Any, factory: Any, db: Any, body: dict[str, Any], loc: list[str]
) -> None:
    customer = await factory.customer(admin)
    payload = {"customer_id": customer["id"], **body} if loc != ["body", "customer_id"] else body
    r = await admin.post("/api/v1/contacts", json=payload)
    assert r.status_code == 422, r.text
    assert loc in _locs(r)
    assert await _count(db, Contact) == 0


async def test_contact_for_an_unknown_or_deleted_customer_is_422(
    admin: Any, factory: Any, db: Any
) -> None:
    customer = await factory.customer(admin)
    assert (await admin.delete(f"/api/v1/customers/{customer['id']}")).status_code == 204
    for customer_id in (str(uuid.uuid4()), customer["id"]):
        r = await admin.post("/api/v1/contacts", json={"customer_id": customer_id, "name": "Li"})
        assert r.status_code == 422, r.text
        assert ["body", "customer_id"] in _locs(r)
    assert await _count(db, Contact) == 0


# --- list pages: rows written straight to JSON ------------------------------------------------


async def test_list_items_are_exactly_what_get_returns(admin: Any, factory: Any) -> None:
    """List routes skip the ORM and pydantic (core.pagination.page_response): every field, its
    JSON type and format (UUIDs, UTC timestamps with Z, arrays, nulls) must still match the
    single-record route's."""
    full = await factory.customer(
        admin,
        kind="person",
        name="张三 “quoted” \\ name",
        phone="+86 138 0013 8000",
        email="Zhang@Example.com",
        province="广东省",
        city="深圳市",
        district="南山区",
        address="科技园 1 号",
        industry="制造",
        source="web",
        tags=["vip", "华南"],
        notes="line one\nline two",
    )
    sparse = await factory.customer(admin, name="Sparse Ltd")
    listed = (await admin.get("/api/v1/customers", params={"sort": "name"})).json()["items"]
    by_id = {item["id"]: item for item in listed}
    for created in (full, sparse):
        single = (await admin.get(f"/api/v1/customers/{created['id']}")).json()
        assert by_id[created["id"]] == single
        assert single["updated_at"].endswith("Z")

    contact = await admin.post(
        "/api/v1/contacts",
        json={"customer_id": full["id"], "name": "李四", "phone": "13900139000", "title": "CTO"},
    )
    assert contact.status_code == 201
    single_contact = (await admin.get(f"/api/v1/contacts/{contact.json()['id']}")).json()
    for path in ("/api/v1/contacts", f"/api/v1/customers/{full['id']}/contacts"):
        assert (await admin.get(path)).json()["items"] == [single_contact]


async def test_an_empty_list_page_is_the_plain_envelope(admin: Any) -> None:
    r = await admin.get("/api/v1/customers", params={"q": "nothing matches this", "with_total": 1})
    assert r.status_code == 200
    assert r.headers["content-type"] == "application/json"
    assert r.json() == {"items": [], "next_cursor": None, "total": 0}
