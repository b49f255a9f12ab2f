"""Orders: direct and from a signed contract, totals computed server-side, the payment plan,
the status machine, and the data scope on every route."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from contract_helpers import contract, lines, order, plan, signed_contract
from crm.core.db import utcnow
from platform_helpers import assert_problem, error_locs


async def test_a_direct_order_totals_its_lines_and_gets_a_default_plan(
    factory: Any, sales_team: dict[str, Any]
) -> None:
    sales, manager = sales_team["sales_a"], sales_team["manager"]
    customer = await factory.customer(sales)
    made = await order(
        manager,
        customer["id"],
        lines=lines(("Widget", "3", "19.99", "5"), ("Box", "0.5", "0.01")),
        notes="Call before delivery",
    )
    # 3 x 19.99 = 59.97, less 5% = 56.9715 -> 56.97; 0.5 x 0.01 = 0.005 -> 0.01 (half up)
    assert [line["line_total"] for line in made["lines"]] == ["56.97", "0.01"]
    assert made["total"] == "56.98" and made["status"] == "pending_payment"
    assert made["number"].startswith(f"DD-{utcnow().year}-")
    # The customer's owner owns the order, whoever entered it.
    assert made["owner_id"] == sales.user_id
    current = await plan(sales, made["id"])
    assert [(i["kind"], i["amount"]) for i in current["instalments"]] == [("final", "56.98")]
    assert current["outstanding"] == "56.98"


async def test_the_payment_plan_must_add_up_to_the_total(
    factory: Any, sales_team: dict[str, Any]
) -> None:
    sales = sales_team["sales_a"]
    customer = await factory.customer(sales)
    today = utcnow().date()
    bad_plan = [{"kind": "prepayment", "due_date": today.isoformat(), "amount": "100.00"}]
    r = await sales.post(
        "/api/v1/orders",
        json={
            "customer_id": customer["id"],
            "lines": lines(("W", "3", "100")),
            "payment_plan": bad_plan,
        },
    )
    assert ["body", "payment_plan"] in error_locs(assert_problem(r, 422))

    made = await order(sales, customer["id"])
    good = [
        {"kind": "prepayment", "due_date": today.isoformat(), "amount": "90.00"},
        {
            "kind": "instalment",
            "due_date": (today + timedelta(days=30)).isoformat(),
            "amount": "110.00",
        },
        {"kind": "final", "due_date": (today + timedelta(days=60)).isoformat(), "amount": "100.00"},
    ]
    r = await sales.request(
        "PUT", f"/api/v1/orders/{made['id']}/payment-plan", json={"instalments": good}
    )
    assert r.status_code == 200, r.text
    assert [i["kind"] for i in r.json()["instalments"]] == ["prepayment", "instalment", "final"]
    r = await sales.request(
        "PUT", f"/api/v1/orders/{made['id']}/payment-plan", json={"instalments": good[:2]}
    )
    assert_problem(r, 422)


async def test_an_order_in_a_foreign_currency_needs_a_rate(
    factory: Any, sales_team: dict[str, Any]
) -> None:
    sales = sales_team["sales_a"]
    customer = await factory.customer(sales)
    body = {"customer_id": customer["id"], "lines": lines(("W", "1", "10")), "currency": "USD"}
    assert ["body", "fx_rate"] in error_locs(
        assert_problem(await sales.post("/api/v1/orders", json=body), 422)
    )
    r = await sales.post("/api/v1/orders", json={**body, "fx_rate": "7.1"})
    assert r.status_code == 201 and r.json()["fx_rate"] == "7.1"


async def test_an_order_from_a_signed_contract_copies_its_lines(
    factory: Any, sales_team: dict[str, Any]
) -> None:
    sales = sales_team["sales_a"]
    customer = await factory.customer(sales)
    draft = await contract(sales, customer["id"])
    assert_problem(await sales.post(f"/api/v1/contracts/{draft['id']}/orders", json={}), 409)
    signed = await signed_contract(
        sales,
        customer["id"],
        signer=sales_team["manager"],
        lines=lines(("Licence", "2", "500.00", "10")),
    )
    r = await sales.post(f"/api/v1/contracts/{signed['id']}/orders", json={})
    assert r.status_code == 201, r.text
    made = r.json()
    assert made["contract_id"] == signed["id"] and made["customer_id"] == customer["id"]
    assert made["lines"] == signed["lines"] and made["total"] == "900.00"
    r = await sales.get("/api/v1/orders", params={"contract_id": signed["id"]})
    assert [(o["id"], o["customer_name"]) for o in r.json()["items"]] == [
        (made["id"], customer["name"])
    ]


async def test_statuses_move_only_along_the_allowed_paths(
    factory: Any, sales_team: dict[str, Any]
) -> None:
    sales = sales_team["sales_a"]
    customer = await factory.customer(sales)
    made = await order(sales, customer["id"])
    path = f"/api/v1/orders/{made['id']}/transition"
    body = assert_problem(await sales.post(path, json={"status": "shipped"}), 409)
    assert body["allowed"] == ["paid", "cancelled"]
    # Paid follows the payments, never a click.
    assert (
        "payments" in assert_problem(await sales.post(path, json={"status": "paid"}), 409)["detail"]
    )
    r = await sales.post(path, json={"status": "cancelled", "version": made["version"]})
    assert r.status_code == 200 and r.json()["status"] == "cancelled"
    assert r.json()["cancelled_at"] is not None
    body = assert_problem(await sales.post(path, json={"status": "pending_payment"}), 409)
    assert body["allowed"] == []


async def test_every_route_hides_orders_outside_the_callers_scope(
    factory: Any, sales_team: dict[str, Any]
) -> None:
    a, b, outsider = sales_team["sales_a"], sales_team["sales_b"], sales_team["outsider"]
    manager = sales_team["manager"]
    customer = await factory.customer(a)
    made = await order(a, customer["id"])
    instalment = (await plan(a, made["id"]))["instalments"][0]
    base = f"/api/v1/orders/{made['id']}"
    for caller in (b, outsider):
        assert_problem(await caller.get(base), 404)
        assert_problem(await caller.post(f"{base}/transition", json={"status": "cancelled"}), 404)
        assert_problem(await caller.get(f"{base}/payment-plan"), 404)
        assert_problem(
            await caller.request(
                "PUT",
                f"{base}/payment-plan",
                json={
                    "instalments": [{"kind": "final", "due_date": "2030-01-01", "amount": "300"}]
                },
            ),
            404,
        )
        assert_problem(await caller.get(f"{base}/payments"), 404)
        assert_problem(
            await caller.post(
                f"{base}/payments", json={"instalment_id": instalment["id"], "amount": "1"}
            ),
            404,
        )
        assert_problem(await caller.get(f"{base}/portal-links"), 404)
        assert_problem(await caller.post(f"{base}/portal-links", json={}), 404)
        assert (await caller.get("/api/v1/orders")).json()["items"] == []
        r = await caller.post(
            "/api/v1/orders", json={"customer_id": customer["id"], "lines": lines(("W", "1", "1"))}
        )
        assert ["body", "customer_id"] in error_locs(assert_problem(r, 422))
    assert (await manager.get(base)).status_code == 200
    assert [o["id"] for o in (await manager.get("/api/v1/orders")).json()["items"]] == [made["id"]]
    assert_problem(await sales_team["service"].get("/api/v1/orders"), 403)
