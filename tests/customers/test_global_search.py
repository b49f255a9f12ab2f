"""GET /api/v1/search: customers and contacts, ranked, scoped, by name / phone / e-mail / tag."""

from __future__ import annotations

from typing import Any

from platform_helpers import assert_problem


async def _search(api: Any, q: str, **params: Any) -> list[dict[str, Any]]:
    r = await api.get("/api/v1/search", params={"q": q, **params})
    assert r.status_code == 200, r.text
    return list(r.json()["items"])


async def test_finds_customers_and_contacts_by_name_phone_email_and_tag(
    admin: Any, factory: Any
) -> None:
    acme = await factory.customer(
        admin,
        name="杭州星辰科技有限公司",
        phone="0571-8765 4321",
        email="info@xingchen.cn",
        tags=["重点客户"],
    )
    r = await admin.post(
        "/api/v1/contacts",
        json={
            "customer_id": acme["id"],
            "name": "王小明",
            "phone": "+86 139 0013 9000",
            "email": "Wang@Xingchen.cn",
        },
    )
    contact = r.json()
    await factory.customer(admin, name="Unrelated Trading")

    by_name = await _search(admin, "星辰")
    assert [(h["type"], h["id"]) for h in by_name] == [("customer", acme["id"])]
    assert by_name[0]["matched"] == ["name"]

    # The phone typed in another format than it was stored in: national, spaced, with +86.
    for typed in ("05718765 4321", "+86 571 87654321", "8765-4321"):
        hits = await _search(admin, typed)
        assert [h["id"] for h in hits] == [acme["id"]], typed
        assert "phone" in hits[0]["matched"]

    hits = await _search(admin, "xingchen.cn")
    assert {(h["type"], h["id"]) for h in hits} == {
        ("customer", acme["id"]),
        ("contact", contact["id"]),
    }
    contact_hit = next(h for h in hits if h["type"] == "contact")
    assert contact_hit["subtitle"] == "杭州星辰科技有限公司"
    assert contact_hit["customer_id"] == acme["id"]

    # Part of the contact's number, and its e-mail in other case than it was typed.
    hits = await _search(admin, "139 0013")
    assert [(h["type"], h["id"]) for h in hits] == [("contact", contact["id"])]
    assert hits[0]["matched"] == ["phone"]
    hits = await _search(admin, "WANG@xingchen")
    assert [(h["type"], h["id"]) for h in hits] == [("contact", contact["id"])]

    assert [h["id"] for h in await _search(admin, "重点客户")] == [acme["id"]]
    assert [h["id"] for h in await _search(admin, "王小明", types="contact")] == [contact["id"]]
    assert await _search(admin, "王小明", types="customer") == []


async def test_ranks_exact_then_prefix_then_the_closest_partial_match(
    admin: Any, factory: Any
) -> None:
    long_partial = await factory.customer(admin, name="Global Acme Industrial Holdings Group")
    short_partial = await factory.customer(admin, name="Big Acme Co")
    prefix = await factory.customer(admin, name="Acme Trading")
    exact = await factory.customer(admin, name="Acme")
    hits = await _search(admin, "Acme")
    assert [h["id"] for h in hits] == [
        exact["id"],
        prefix["id"],
        short_partial["id"],
        long_partial["id"],
    ]
    assert hits[0]["score"] == 1.0
    assert hits[0]["score"] > hits[1]["score"] > hits[2]["score"] > hits[3]["score"]
    assert len(await _search(admin, "Acme", limit=2)) == 2


async def test_only_records_in_the_callers_scope(sales_team: dict[str, Any], factory: Any) -> None:
    a, b, manager = sales_team["sales_a"], sales_team["sales_b"], sales_team["manager"]
    mine = await factory.customer(a, name="Scoped Search Alpha", phone="13800138001")
    theirs = await factory.customer(b, name="Scoped Search Beta", phone="13800138002")
    await a.post("/api/v1/contacts", json={"customer_id": mine["id"], "name": "Scoped Person A"})
    await b.post("/api/v1/contacts", json={"customer_id": theirs["id"], "name": "Scoped Person B"})

    assert {h["title"] for h in await _search(a, "Scoped")} == {
        "Scoped Search Alpha",
        "Scoped Person A",
    }
    assert await _search(a, "13800138002") == []
    assert {h["title"] for h in await _search(manager, "Scoped")} == {
        "Scoped Search Alpha",
        "Scoped Search Beta",
        "Scoped Person A",
        "Scoped Person B",
    }


async def test_types_the_role_may_not_read_are_left_out(admin: Any, factory: Any) -> None:
    r = await admin.post(
        "/api/v1/roles",
        json={
            "key": "customer_reader",
            "name": "Customer reader",
            "permissions": ["customers:read"],
            "data_scopes": {"customers": "all"},
        },
    )
    assert r.status_code == 201, r.text
    reader = await factory.user("customer_reader")
    customer = await factory.customer(admin, name="Visible Reader Co")
    await admin.post("/api/v1/contacts", json={"customer_id": customer["id"], "name": "Reader Co"})
    hits = await _search(reader, "Reader Co")
    assert [(h["type"], h["title"]) for h in hits] == [("customer", "Visible Reader Co")]
    assert await _search(reader, "Reader Co", types="contact") == []


async def test_bad_input_is_a_clear_400_or_422(admin: Any) -> None:
    body = assert_problem(
        await admin.get("/api/v1/search", params={"q": "x", "types": "deal"}), 400
    )
    assert "deal" in body["detail"] and "customer" in body["detail"]
    assert_problem(await admin.get("/api/v1/search"), 422)
    assert_problem(await admin.get("/api/v1/search", params={"q": "x", "limit": 0}), 422)
    assert_problem(await admin.get("/api/v1/search", params={"q": "x" * 201}), 422)
    # Only spaces, or characters that mean something to LIKE, find nothing rather than all.
    assert await _search(admin, "   ") == []
    await admin.post("/api/v1/customers", json={"name": "Plain"})
    assert await _search(admin, "%") == []
    assert await _search(admin, "_") == []
