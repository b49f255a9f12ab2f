"""Leads: create, read, update, delete, validation, filters, and the data scope."""

from __future__ import annotations

import uuid
from typing import Any

from lead_helpers import lead
from platform_helpers import assert_problem, error_locs


async def test_create_cleans_the_phone_and_email_and_defaults_to_the_pool(
    sales_team: dict[str, Any],
) -> None:
    marketing = sales_team["marketing"]
    r = await marketing.post(
        "/api/v1/leads",
        json={
            "person_name": " 李雷 ",
            "company_name": "星辰科技",
            "phone": "138 0013 8000",
            "email": " Li.Lei@Example.COM ",
            "source": "trade_show",
            "campaign": "Spring expo",
            "province": "上海市",
            "city": "上海市",
            "product_line": "ERP",
            "grade": "A",
            "score": 85,
        },
    )
    assert r.status_code == 201, r.text
    body = r.json()
    assert body["person_name"] == "李雷"
    assert body["phone"] == "138 0013 8000"
    assert body["phone_e164"] == "+8613800138000"
    assert body["email"] == "li.lei@example.com"
    assert body["status"] == "new"
    assert body["owner_id"] is None  # the pool: the rules decide
    assert body["grade"] == "A" and body["score"] == 85
    assert r.headers["etag"] == '"1"'


async def test_bad_input_answers_422_naming_the_field(sales_team: dict[str, Any]) -> None:
    a = sales_team["sales_a"]
    cases = [
        ({"company_name": "X", "grade": "D"}, ["body", "grade"]),
        ({"company_name": "X", "score": 101}, ["body", "score"]),
        ({"company_name": "X", "phone": "12"}, ["body", "phone"]),
        ({"company_name": "X", "email": "not-an-email"}, ["body", "email"]),
        ({"company_name": "X", "status": "converted"}, ["body", "status"]),
        ({"company_name": "X", "surprise": 1}, ["body", "surprise"]),
        ({"company_name": "X", "owner_id": "nope"}, ["body", "owner_id"]),
    ]
    for body, loc in cases:
        problem = assert_problem(await a.post("/api/v1/leads", json=body), 422)
        assert loc in error_locs(problem), (body, problem)
    # Nobody to call: no name, company, phone or e-mail.
    assert_problem(await a.post("/api/v1/leads", json={"source": "web"}), 422)
    problem = assert_problem(
        await a.post("/api/v1/leads", json={"company_name": "X", "owner_id": str(uuid.uuid4())}),
        422,
    )
    assert ["body", "owner_id"] in error_locs(problem)
    assert_problem(await a.get("/api/v1/leads", params={"grade": "Z"}), 422)
    assert_problem(await a.get("/api/v1/leads/not-a-uuid"), 422)


async def test_owner_given_must_be_in_the_callers_scope(sales_team: dict[str, Any]) -> None:
    a, b, manager = sales_team["sales_a"], sales_team["sales_b"], sales_team["manager"]
    mine = await lead(a, owner_id=a.user_id)
    assert mine["owner_id"] == a.user_id
    assert mine["department_id"] == sales_team["department"]["id"]
    problem = assert_problem(
        await a.post("/api/v1/leads", json={"company_name": "X", "owner_id": b.user_id}), 422
    )
    assert ["body", "owner_id"] in error_locs(problem)
    given = await lead(manager, owner_id=b.user_id)
    assert given["owner_id"] == b.user_id
    r = await manager.get(f"/api/v1/leads/{given['id']}/assignments")
    assert [(x["kind"], x["to_user_id"]) for x in r.json()["items"]] == [("create", b.user_id)]


async def test_scope_sales_own_manager_tree_others_404(sales_team: dict[str, Any]) -> None:
    a, b = sales_team["sales_a"], sales_team["sales_b"]
    manager, outsider = sales_team["manager"], sales_team["outsider"]
    lead_a = await lead(a, owner_id=a.user_id, company_name="Alpha Scope")
    lead_b = await lead(b, owner_id=b.user_id, company_name="Beta Scope")
    lead_o = await lead(outsider, owner_id=outsider.user_id, company_name="Omega Scope")

    async def ids(api: Any) -> set[str]:
        r = await api.get("/api/v1/leads", params={"q": "Scope"})
        assert r.status_code == 200, r.text
        return {x["id"] for x in r.json()["items"]}

    assert await ids(a) == {lead_a["id"]}
    assert await ids(manager) == {lead_a["id"], lead_b["id"]}
    assert await ids(outsider) == {lead_o["id"]}
    assert await ids(sales_team["marketing"]) == {lead_a["id"], lead_b["id"], lead_o["id"]}
    for path in ("", "/assignments"):
        assert_problem(await a.get(f"/api/v1/leads/{lead_b['id']}{path}"), 404)
        assert_problem(await manager.get(f"/api/v1/leads/{lead_o['id']}{path}"), 404)
    assert_problem(
        await a.patch(f"/api/v1/leads/{lead_b['id']}", json={"status": "contacted"}), 404
    )
    assert_problem(await manager.delete(f"/api/v1/leads/{lead_o['id']}"), 404)
    # The auditor reads, the service agent has no leads at all.
    assert (await sales_team["auditor"].get(f"/api/v1/leads/{lead_o['id']}")).status_code == 200
    assert_problem(await sales_team["service"].get("/api/v1/leads"), 403)


async def test_filters_and_search(sales_team: dict[str, Any]) -> None:
    a = sales_team["sales_a"]
    hot = await lead(
        a,
        owner_id=a.user_id,
        person_name="Han Meimei",
        phone="139 0013 9000",
        grade="A",
        source="web",
        product_line="CRM",
    )
    cold = await lead(a, owner_id=a.user_id, grade="C", source="referral", status="contacted")

    async def found(**params: Any) -> list[str]:
        r = await a.get("/api/v1/leads", params=params)
        assert r.status_code == 200, r.text
        return [x["id"] for x in r.json()["items"]]

    assert await found(grade="A") == [hot["id"]]
    assert await found(source="referral") == [cold["id"]]
    assert await found(status="contacted") == [cold["id"]]
    assert await found(product_line="CRM") == [hot["id"]]
    assert await found(q="meimei") == [hot["id"]]
    assert await found(q="0139-0013") == [hot["id"]]
    assert set(await found(owner_id=a.user_id)) == {hot["id"], cold["id"]}
    r = await a.get("/api/v1/leads", params={"limit": 1, "with_total": "true"})
    page = r.json()
    assert page["total"] == 2 and len(page["items"]) == 1 and page["next_cursor"]
    r = await a.get("/api/v1/leads", params={"limit": 1, "cursor": page["next_cursor"]})
    assert [x["id"] for x in r.json()["items"]] != [x["id"] for x in page["items"]]


async def test_update_versions_and_converted_status_is_reserved(
    sales_team: dict[str, Any],
) -> None:
    a = sales_team["sales_a"]
    item = await lead(a, owner_id=a.user_id, phone="138 0013 8001")
    r = await a.patch(
        f"/api/v1/leads/{item['id']}",
        json={"status": "qualified", "phone": "+86 139 0013 9001", "version": 1},
    )
    assert r.status_code == 200, r.text
    assert r.json()["status"] == "qualified"
    assert r.json()["phone_e164"] == "+8613900139001"
    assert r.json()["version"] == 2
    assert_problem(
        await a.patch(f"/api/v1/leads/{item['id']}", json={"notes": "x", "version": 1}), 412
    )
    assert_problem(
        await a.patch(
            f"/api/v1/leads/{item['id']}", json={"notes": "x"}, headers={"If-Match": '"1"'}
        ),
        412,
    )
    assert_problem(await a.patch(f"/api/v1/leads/{item['id']}", json={"status": "converted"}), 422)
    assert_problem(await a.patch(f"/api/v1/leads/{item['id']}", json={"status": None}), 422)
    problem = assert_problem(
        await a.patch(
            f"/api/v1/leads/{item['id']}",
            json={"company_name": None, "phone": None, "person_name": None},
        ),
        422,
    )
    assert problem["errors"]


async def test_delete_goes_to_the_recycle_bin(sales_team: dict[str, Any]) -> None:
    manager, a = sales_team["manager"], sales_team["sales_a"]
    item = await lead(manager, owner_id=a.user_id)
    assert_problem(await a.delete(f"/api/v1/leads/{item['id']}"), 403)  # sales: no leads:delete
    r = await manager.delete(f"/api/v1/leads/{item['id']}")
    assert r.status_code == 204
    assert_problem(await manager.get(f"/api/v1/leads/{item['id']}"), 404)
    r = await manager.get("/api/v1/recycle-bin")
    assert item["id"] in {e["object_id"] for e in r.json()["items"]}


async def test_custom_fields_on_leads(admin: Any, sales_team: dict[str, Any]) -> None:
    r = await admin.post(
        "/api/v1/custom-fields",
        json={
            "object_type": "lead",
            "key": "budget",
            "label": {"en": "Budget"},
            "field_type": "number",
        },
    )
    assert r.status_code == 201, r.text
    a = sales_team["sales_a"]
    item = await lead(a, owner_id=a.user_id, custom_fields={"budget": 5000})
    assert item["custom_fields"] == {"budget": 5000}
    problem = assert_problem(
        await a.post("/api/v1/leads", json={"company_name": "X", "custom_fields": {"budget": "x"}}),
        422,
    )
    assert problem["errors"]
