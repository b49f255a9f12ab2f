"""Converting a lead: customer (new with the duplicate check, or linked), contact and deal in
one transaction; the customer's timeline shows it; a converted lead stays converted."""

from __future__ import annotations

import uuid
from typing import Any

from crm.customers.models import Contact, Customer
from crm.leads.models import Lead
from crm.sales.models import Deal
from lead_helpers import lead
from platform_helpers import assert_problem, count, error_locs


async def _lead(api: Any, **fields: Any) -> dict[str, Any]:
    values = {
        "owner_id": api.user_id,
        "person_name": "王小明",
        "company_name": f"星辰科技{uuid.uuid4().hex[:4]}有限公司",
        "title": "CTO",
        "phone": "138 0013 8123",
        "email": "xm@xingchen.example",
        "province": "上海市",
        "city": "上海市",
        "source": "expo",
        "product_line": "ERP",
    }
    return await lead(api, **{**values, **fields})


async def test_convert_creates_customer_contact_and_deal(sales_team: dict[str, Any]) -> None:
    a = sales_team["sales_a"]
    item = await _lead(a)
    r = await a.post(
        f"/api/v1/leads/{item['id']}/convert",
        json={
            "deal": {
                "name": "ERP rollout",
                "amount": "120000.50",
                "currency": "CNY",
                "expected_close_date": "2027-03-31",
            }
        },
    )
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["customer_created"] is True
    converted = body["lead"]
    assert converted["status"] == "converted" and converted["converted_at"]
    assert converted["converted_customer_id"] == body["customer_id"]
    assert converted["converted_contact_id"] == body["contact_id"]
    assert converted["converted_deal_id"] == body["deal_id"]

    customer = (await a.get(f"/api/v1/customers/{body['customer_id']}")).json()
    assert customer["name"] == item["company_name"]
    assert customer["kind"] == "company"
    assert customer["phone_e164"] == "+8613800138123"
    assert customer["owner_id"] == a.user_id
    assert (customer["province"], customer["source"]) == ("上海市", "expo")
    contact = (await a.get(f"/api/v1/contacts/{body['contact_id']}")).json()
    assert (contact["name"], contact["title"], contact["customer_id"]) == (
        "王小明",
        "CTO",
        body["customer_id"],
    )
    async_deal = body["deal_id"]
    assert async_deal is not None

    timeline = (await a.get(f"/api/v1/customers/{body['customer_id']}/timeline")).json()
    kinds = {i["kind"]: i for i in timeline["items"]}
    assert "lead.converted" in kinds
    assert kinds["lead.converted"]["title"] == "Converted from a lead"
    assert kinds["lead.converted"]["data"]["object_id"] == item["id"]

    # Converted once: never again.
    assert_problem(await a.post(f"/api/v1/leads/{item['id']}/convert", json={}), 409)
    assert_problem(await a.patch(f"/api/v1/leads/{item['id']}", json={"status": "contacted"}), 409)


async def test_convert_stores_the_deal(db: Any, sales_team: dict[str, Any]) -> None:
    a = sales_team["sales_a"]
    item = await _lead(a)
    r = await a.post(
        f"/api/v1/leads/{item['id']}/convert",
        json={"contact": None, "deal": {"name": "Pilot", "amount": "999.99"}},
    )
    assert r.status_code == 200, r.text
    assert r.json()["contact_id"] is None
    async with db.sessionmaker() as session:
        deal = await session.get(Deal, uuid.UUID(r.json()["deal_id"]))
        assert deal is not None
        assert str(deal.amount) == "999.99"
        assert deal.owner_id == uuid.UUID(a.user_id)
        assert deal.product_line == "ERP"
        assert deal.status == "open"
        assert str(deal.customer_id) == r.json()["customer_id"]


async def test_convert_links_an_existing_customer_in_scope_only(
    factory: Any, sales_team: dict[str, Any]
) -> None:
    a, b = sales_team["sales_a"], sales_team["sales_b"]
    existing = await factory.customer(a, name="Existing Ltd")
    item = await _lead(a)
    r = await a.post(
        f"/api/v1/leads/{item['id']}/convert",
        json={"customer_id": existing["id"], "contact": None},
    )
    assert r.status_code == 200, r.text
    assert r.json()["customer_id"] == existing["id"]
    assert r.json()["customer_created"] is False
    theirs = await factory.customer(b, name="Not Yours Ltd")
    other = await _lead(a)
    problem = assert_problem(
        await a.post(f"/api/v1/leads/{other['id']}/convert", json={"customer_id": theirs["id"]}),
        422,
    )
    assert ["body", "customer_id"] in error_locs(problem)


async def test_duplicates_are_reported_unless_linked_or_created_anyway(
    db: Any, factory: Any, sales_team: dict[str, Any]
) -> None:
    a = sales_team["sales_a"]
    twin = await factory.customer(a, name="Twin Corp", phone="138 0013 8123")
    item = await _lead(a)
    before = await count(db, Customer)
    problem = assert_problem(await a.post(f"/api/v1/leads/{item['id']}/convert", json={}), 409)
    assert [d["customer"]["id"] for d in problem["duplicates"]] == [twin["id"]]
    assert problem["duplicates"][0]["reasons"] == ["phone"]
    assert problem["hidden_matches"] is False
    assert await count(db, Customer) == before
    r = await a.get(f"/api/v1/leads/{item['id']}")
    assert r.json()["status"] == "new"
    # A match outside the scope is reported without showing it.
    other = await _lead(sales_team["sales_b"], email="twin@corp.example", phone=None)
    await factory.customer(a, name="Hidden Twin", email="twin@corp.example")
    problem = assert_problem(
        await sales_team["sales_b"].post(f"/api/v1/leads/{other['id']}/convert", json={}), 409
    )
    assert problem["duplicates"] == [] and problem["hidden_matches"] is True
    # Created anyway.
    r = await a.post(f"/api/v1/leads/{item['id']}/convert", json={"on_duplicate": "create"})
    assert r.status_code == 200, r.text
    assert r.json()["customer_created"] is True
    assert await count(db, Customer) == before + 2  # the hidden twin, and this one


async def test_convert_is_all_or_nothing(db: Any, admin: Any, sales_team: dict[str, Any]) -> None:
    a = sales_team["sales_a"]
    item = await _lead(a)
    customers, contacts = await count(db, Customer), await count(db, Contact)
    # The deal fails after the customer and contact were written: nothing stays.
    problem = assert_problem(
        await a.post(
            f"/api/v1/leads/{item['id']}/convert",
            json={"deal": {"name": "X", "pipeline_id": str(uuid.uuid4())}},
        ),
        422,
    )
    assert "pipeline" in problem["detail"]
    assert (await count(db, Customer), await count(db, Contact)) == (customers, contacts)
    # A contact that fails (a required contact field the request does not give) leaves no
    # customer behind.
    r = await admin.post(
        "/api/v1/custom-fields",
        json={
            "object_type": "contact",
            "key": "wechat",
            "label": {"en": "WeChat"},
            "field_type": "text",
            "required": True,
        },
    )
    assert r.status_code == 201, r.text
    problem = assert_problem(await a.post(f"/api/v1/leads/{item['id']}/convert", json={}), 422)
    assert problem["errors"]
    assert (await count(db, Customer), await count(db, Contact)) == (customers, contacts)
    async with db.sessionmaker() as session:
        stored = await session.get(Lead, uuid.UUID(item["id"]))
        assert stored is not None
        assert (stored.status, stored.converted_customer_id) == ("new", None)


async def test_convert_permissions_and_scope(factory: Any, sales_team: dict[str, Any]) -> None:
    a, b, marketing = sales_team["sales_a"], sales_team["sales_b"], sales_team["marketing"]
    item = await _lead(a)
    assert_problem(await b.post(f"/api/v1/leads/{item['id']}/convert", json={}), 404)
    assert_problem(
        await sales_team["auditor"].post(f"/api/v1/leads/{item['id']}/convert", json={}), 403
    )
    # Marketing may write leads but not customers: linking works, creating does not.
    assert_problem(await marketing.post(f"/api/v1/leads/{item['id']}/convert", json={}), 403)
    existing = await factory.customer(a, name="Linked Ltd")
    r = await marketing.post(
        f"/api/v1/leads/{item['id']}/convert",
        json={"customer_id": existing["id"], "contact": None},
    )
    assert r.status_code == 200, r.text
    bad = [
        {"customer_id": existing["id"], "customer": {"name": "Both"}},
        {"deal": {"name": "X", "amount": "-1"}},
        {"deal": {"name": "X", "currency": "yuan"}},
        {"on_duplicate": "merge"},
        {"contact": {"title": "no name"}},
    ]
    fresh = await _lead(a)
    for body in bad:
        assert_problem(await a.post(f"/api/v1/leads/{fresh['id']}/convert", json=body), 422)
