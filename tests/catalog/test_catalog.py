"""Products, price books (overlap rule) and the price lookup (group book first)."""

from __future__ import annotations

from typing import Any

from crm.core.audit import AuditLog
from platform_helpers import assert_problem, count, error_locs
from quote_helpers import price_book, product, set_price


async def test_products_crud_validation_and_permissions(
    admin: Any, sales_team: dict[str, Any], db: Any
) -> None:
    created = await product(admin, sku="WID-1", name="Widget", product_line="tools", unit="box")
    assert (created["sku"], created["unit"], created["active"]) == ("WID-1", "box", True)
    assert await count(db, AuditLog, AuditLog.object_type == "product") == 1

    assert_problem(
        await admin.post("/api/v1/products", json={"sku": "wid-1", "name": "Again"}), 409
    )
    body = assert_problem(await admin.post("/api/v1/products", json={"sku": " ", "name": "X"}), 422)
    assert ["body", "sku"] in error_locs(body)
    assert_problem(
        await admin.post("/api/v1/products", json={"sku": "A", "name": "B", "x": 1}), 422
    )

    r = await admin.patch(
        f"/api/v1/products/{created['id']}", json={"active": False, "version": created["version"]}
    )
    assert r.status_code == 200 and r.json()["active"] is False
    stale = await admin.patch(
        f"/api/v1/products/{created['id']}", json={"name": "Old", "version": created["version"]}
    )
    assert_problem(stale, 412)

    sales = sales_team["sales_a"]
    listed = await sales.get("/api/v1/products", params={"q": "wid"})
    assert [p["id"] for p in listed.json()["items"]] == [created["id"]]
    assert_problem(await sales.post("/api/v1/products", json={"sku": "S", "name": "S"}), 403)
    assert_problem(await sales_team["service"].get("/api/v1/products"), 403)


async def test_overlapping_books_of_one_currency_and_group_are_refused(admin: Any) -> None:
    first = await price_book(
        admin, name="2025", effective_from="2025-01-01", effective_to="2025-12-31"
    )
    overlapping = await admin.post(
        "/api/v1/price-books",
        json={"name": "Clash", "currency": "cny", "effective_from": "2025-12-31"},
    )
    body = assert_problem(overlapping, 422)
    assert ["body", "effective_from"] in error_locs(body) and first["id"] in body["detail"]
    # The day after ends, another group, another currency, an inactive book: all fine.
    await price_book(admin, name="2026", effective_from="2026-01-01")
    await price_book(admin, name="VIP", customer_group="vip", effective_from="2025-06-01")
    await price_book(admin, name="USD", currency="USD", effective_from="2025-06-01")
    await price_book(admin, name="Draft", effective_from="2025-06-01", active=False)
    # An open-ended book overlaps every later start; activating the draft clashes too.
    assert_problem(
        await admin.post(
            "/api/v1/price-books",
            json={"name": "Late", "currency": "CNY", "effective_from": "2030-01-01"},
        ),
        422,
    )
    r = await admin.patch(f"/api/v1/price-books/{first['id']}", json={"effective_to": "2026-02-01"})
    assert_problem(r, 422)
    backwards = await admin.post(
        "/api/v1/price-books",
        json={
            "name": "Bad",
            "currency": "EUR",
            "effective_from": "2025-02-01",
            "effective_to": "2025-01-01",
        },
    )
    assert_problem(backwards, 422)


async def test_price_lookup_prefers_the_group_book_then_the_general_one(
    admin: Any, sales_team: dict[str, Any]
) -> None:
    general_2025 = await price_book(
        admin, name="General 2025", effective_from="2025-01-01", effective_to="2025-12-31"
    )
    general_2026 = await price_book(admin, name="General 2026", effective_from="2026-01-01")
    vip = await price_book(admin, name="VIP", customer_group="vip", effective_from="2025-01-01")
    widget, gadget = await product(admin, name="Widget"), await product(admin, name="Gadget")
    await set_price(admin, general_2025["id"], widget["id"], "100.00")
    await set_price(admin, general_2026["id"], widget["id"], "110.00")
    await set_price(admin, general_2025["id"], gadget["id"], "50.00")
    await set_price(admin, vip["id"], widget["id"], "90.5")

    async def lookup(product_id: str, on: str, group: str | None = None) -> Any:
        params = {"product_id": product_id, "currency": "CNY", "on": on}
        if group:
            params["customer_group"] = group
        return await sales_team["sales_a"].get("/api/v1/price-lookup", params=params)

    r = await lookup(widget["id"], "2025-12-31")
    assert (r.json()["unit_price"], r.json()["price_book_id"]) == ("100.0000", general_2025["id"])
    assert (await lookup(widget["id"], "2026-01-01")).json()["unit_price"] == "110.0000"
    vip_price = (await lookup(widget["id"], "2026-03-01", "vip")).json()
    assert (vip_price["unit_price"], vip_price["price_book_id"]) == ("90.5000", vip["id"])
    # The VIP book lacks the gadget: the general book's price applies.
    fallback = (await lookup(gadget["id"], "2025-05-01", "vip")).json()
    assert fallback["price_book_id"] == general_2025["id"]
    # No book lists the gadget in 2026, nor anything before 2025.
    assert_problem(await lookup(gadget["id"], "2026-05-01"), 404)
    assert_problem(await lookup(widget["id"], "2024-12-31"), 404)

    entries = await admin.get(f"/api/v1/price-books/{general_2025['id']}/entries")
    assert {e["product_id"] for e in entries.json()["items"]} == {widget["id"], gadget["id"]}
    r = await admin.delete(f"/api/v1/price-books/{general_2025['id']}/entries/{gadget['id']}")
    assert r.status_code == 204
    assert_problem(await lookup(gadget["id"], "2025-05-01"), 404)
    negative = await admin.request(
        "PUT",
        f"/api/v1/price-books/{vip['id']}/entries/{gadget['id']}",
        json={"unit_price": "-1"},
    )
    assert_problem(negative, 422)


async def test_customers_carry_a_customer_group(sales_team: dict[str, Any]) -> None:
    a = sales_team["sales_a"]
    r = await a.post("/api/v1/customers", json={"name": "Grouped", "customer_group": "vip"})
    assert r.status_code == 201 and r.json()["customer_group"] == "vip"
    r = await a.patch(f"/api/v1/customers/{r.json()['id']}", json={"customer_group": "dealer"})
    assert r.status_code == 200 and r.json()["customer_group"] == "dealer"
