"""Payments against instalments: partial payments, overpayment refused, concurrent payments
queued on the order's row lock, the order paid by its last payment, the customer's lifetime
figures, overdue reminders and the receivables report."""

from __future__ import annotations

import asyncio
import uuid
from datetime import timedelta
from decimal import Decimal
from typing import Any

from sqlalchemy import select

from contract_helpers import drain, lines, order, pay, plan
from crm.core.db import utcnow
from crm.core.events import OutboxEvent
from crm.notifications.models import Notification
from crm.orders import tasks as order_tasks
from crm.orders.handlers import order_paid
from crm.settings import get_settings
from platform_helpers import assert_problem, error_locs, rows


def _plan(*items: tuple[str, int, str]) -> list[dict[str, str]]:
    """(kind, due in days from today (negative: past), amount)."""
    today = utcnow().date()
    return [
        {"kind": kind, "due_date": (today + timedelta(days=days)).isoformat(), "amount": amount}
        for kind, days, amount in items
    ]


async def test_partial_payments_add_up_and_overpaying_is_refused(
    factory: Any, sales_team: dict[str, Any]
) -> None:
    sales = sales_team["sales_a"]
    customer = await factory.customer(sales)
    made = await order(
        sales,
        customer["id"],
        payment_plan=_plan(("prepayment", 0, "100.00"), ("final", 30, "200.00")),
    )
    first, final = (await plan(sales, made["id"]))["instalments"]
    r = await pay(sales, made["id"], first["id"], "40.00")
    assert r.status_code == 201, r.text
    assert r.json()["amount"] == "40.00" and r.json()["recorded_by"] == sales.user_id
    body = assert_problem(await pay(sales, made["id"], first["id"], "60.01"), 422)
    assert body["outstanding"] == "60.00" and "60.00" in body["detail"]
    assert ["body", "amount"] in error_locs(body)
    assert (await pay(sales, made["id"], first["id"], "60.00")).status_code == 201
    assert_problem(await pay(sales, made["id"], first["id"], "0.01"), 422)
    assert_problem(await pay(sales, made["id"], str(uuid.uuid4()), "1.00"), 422)

    current = await plan(sales, made["id"])
    assert [i["paid_amount"] for i in current["instalments"]] == ["100.00", "0.00"]
    assert (current["paid"], current["outstanding"]) == ("100.00", "200.00")
    r = await sales.get(f"/api/v1/orders/{made['id']}/payments")
    assert [p["amount"] for p in r.json()] == ["40.00", "60.00"]
    assert (await sales.get(f"/api/v1/orders/{made['id']}")).json()["status"] == "pending_payment"
    # Money came in: the plan is settled and the order can no longer be cancelled.
    r = await sales.request(
        "PUT",
        f"/api/v1/orders/{made['id']}/payment-plan",
        json={"instalments": _plan(("final", 5, "300.00"))},
    )
    assert_problem(r, 409)
    r = await sales.post(f"/api/v1/orders/{made['id']}/transition", json={"status": "cancelled"})
    assert_problem(r, 409)
    assert final["outstanding"] == "200.00"


async def test_concurrent_payments_never_overpay_an_instalment(
    factory: Any, sales_team: dict[str, Any]
) -> None:
    sales = sales_team["sales_a"]
    customer = await factory.customer(sales)
    made = await order(sales, customer["id"], lines=lines(("W", "1", "100.00")))
    [only] = (await plan(sales, made["id"]))["instalments"]
    results = await asyncio.gather(*(pay(sales, made["id"], only["id"], "30.00") for _ in range(5)))
    assert sorted(r.status_code for r in results) == [201, 201, 201, 422, 422]
    assert (await plan(sales, made["id"]))["instalments"][0]["paid_amount"] == "90.00"


async def test_the_last_payment_makes_the_order_paid_and_updates_the_customer(
    db: Any, factory: Any, sales_team: dict[str, Any]
) -> None:
    sales = sales_team["sales_a"]
    customer = await factory.customer(sales)
    made = await order(
        sales,
        customer["id"],
        lines=lines(("W", "1", "300.00")),
        payment_plan=_plan(("prepayment", -10, "100.00"), ("final", 10, "200.00")),
    )
    dollars = await order(
        sales,
        customer["id"],
        lines=lines(("Import", "1", "10.00")),
        currency="USD",
        fx_rate="7.25",
    )
    unpaid = await order(sales, customer["id"])
    first, final = (await plan(sales, made["id"]))["instalments"]
    await pay(sales, made["id"], first["id"], "100.00")
    r = await pay(sales, made["id"], final["id"], "200.00")
    assert r.status_code == 201
    paid = (await sales.get(f"/api/v1/orders/{made['id']}")).json()
    assert paid["status"] == "paid" and paid["paid_at"] is not None
    [usd] = (await plan(sales, dollars["id"]))["instalments"]
    await pay(sales, dollars["id"], usd["id"], "10.00")
    assert_problem(await pay(sales, made["id"], final["id"], "1.00"), 409)  # paid: no more

    await drain(db)
    figures = (await sales.get(f"/api/v1/customers/{customer['id']}")).json()
    # 300.00 + 10.00 USD x 7.25 = 372.50 in the company currency; the unpaid order not at all.
    assert figures["orders_count"] == 2 and Decimal(figures["revenue"]) == Decimal("372.50")
    assert figures["first_purchase_at"] is not None
    assert figures["first_purchase_at"] <= figures["last_purchase_at"]
    assert unpaid["status"] == "pending_payment"

    # The event once more (a redelivery): the same figures.
    async with db.sessionmaker() as session:
        events = (
            (
                await session.execute(
                    select(OutboxEvent).where(OutboxEvent.event_type == "order.paid")
                )
            )
            .scalars()
            .all()
        )
        assert len(events) == 2
        for event in events:
            await order_paid(session, event)
        await session.commit()
    again = (await sales.get(f"/api/v1/customers/{customer['id']}")).json()
    assert (again["orders_count"], again["revenue"]) == (2, figures["revenue"])

    timeline = (await sales.get(f"/api/v1/customers/{customer['id']}/timeline")).json()
    assert "order.paid" in [item["kind"] for item in timeline["items"]]

    # Paid -> shipped -> completed.
    path = f"/api/v1/orders/{made['id']}/transition"
    body = assert_problem(await sales.post(path, json={"status": "cancelled"}), 409)
    assert body["allowed"] == ["shipped"]
    assert (await sales.post(path, json={"status": "shipped"})).json()["shipped_at"]
    done = (await sales.post(path, json={"status": "completed"})).json()
    assert done["status"] == "completed" and done["completed_at"]


async def test_overdue_instalments_remind_the_owner_at_most_once_a_day(
    db: Any, factory: Any, sales_team: dict[str, Any]
) -> None:
    sales = sales_team["sales_a"]
    customer = await factory.customer(sales)
    made = await order(
        sales,
        customer["id"],
        payment_plan=_plan(("prepayment", -3, "100.00"), ("final", 5, "200.00")),
    )
    settings = get_settings()
    now = utcnow()
    assert await order_tasks.run(db.sessionmaker, settings, now=now) == 1
    assert await order_tasks.run(db.sessionmaker, settings, now=now) == 0
    [note] = await rows(db, Notification, Notification.kind == "instalment_overdue")
    assert note.user_id == uuid.UUID(sales.user_id) and made["number"] in note.title
    assert note.data["outstanding"] == "100.00"
    # The next day it reminds again; once paid, never.
    assert await order_tasks.run(db.sessionmaker, settings, now=now + timedelta(days=1)) == 1
    first = (await plan(sales, made["id"]))["instalments"][0]
    await pay(sales, made["id"], first["id"], "100.00")
    assert await order_tasks.run(db.sessionmaker, settings, now=now + timedelta(days=2)) == 0


async def test_receivables_age_the_overdue_amounts_by_customer_within_scope(
    factory: Any, sales_team: dict[str, Any]
) -> None:
    a, b, manager = sales_team["sales_a"], sales_team["sales_b"], sales_team["manager"]
    mine = await factory.customer(a, name="Alpha")
    theirs = await factory.customer(b, name="Beta")
    made = await order(
        a,
        mine["id"],
        lines=lines(("W", "1", "1000.00")),
        payment_plan=_plan(
            ("prepayment", -100, "100.00"),
            ("instalment", -75, "200.00"),
            ("instalment", -45, "300.00"),
            ("instalment", -1, "150.00"),
            ("final", 20, "250.00"),
        ),
    )
    first = (await plan(a, made["id"]))["instalments"][0]
    await pay(a, made["id"], first["id"], "40.00")  # 60.00 still owed, > 90 days late
    await order(
        b,
        theirs["id"],
        lines=lines(("W", "1", "50.00")),
        payment_plan=_plan(("final", -31, "50.00")),
    )
    cancelled = await order(a, mine["id"], payment_plan=_plan(("final", -10, "300.00")))
    await a.post(f"/api/v1/orders/{cancelled['id']}/transition", json={"status": "cancelled"})

    r = await a.get("/api/v1/reports/receivables")
    assert r.status_code == 200, r.text
    [row] = r.json()["items"]
    assert (row["customer_name"], row["owner_id"]) == ("Alpha", a.user_id)
    assert row["outstanding"] == "960.00" and row["overdue"] == "710.00"
    assert row["aging"] == {
        "days_0_30": "150.00",
        "days_31_60": "300.00",
        "days_61_90": "200.00",
        "days_over_90": "60.00",
    }
    report = (await manager.get("/api/v1/reports/receivables")).json()
    assert [(i["customer_name"], i["overdue"]) for i in report["items"]] == [
        ("Alpha", "710.00"),
        ("Beta", "50.00"),
    ]
    assert report["items"][1]["aging"]["days_31_60"] == "50.00"
    filtered = await manager.get("/api/v1/reports/receivables", params={"owner_id": b.user_id})
    assert [i["customer_name"] for i in filtered.json()["items"]] == ["Beta"]
    later = utcnow().date() + timedelta(days=30)
    shifted = await a.get("/api/v1/reports/receivables", params={"as_of": later.isoformat()})
    assert shifted.json()["items"][0]["overdue"] == "960.00"
    assert (await sales_team["outsider"].get("/api/v1/reports/receivables")).json()["items"] == []
    assert_problem(await sales_team["service"].get("/api/v1/reports/receivables"), 403)


async def test_lifetime_figures_follow_the_orders_through_a_merge_and_its_undo(
    db: Any, factory: Any, admin: Any
) -> None:
    survivor = await factory.customer(admin, name="Northwind Ltd")
    other = await factory.customer(admin, name="Northwind Co")
    for customer, price in ((survivor, "100.00"), (other, "50.00")):
        made = await order(admin, customer["id"], lines=lines(("W", "1", price)))
        [only] = (await plan(admin, made["id"]))["instalments"]
        assert (await pay(admin, made["id"], only["id"], price)).status_code == 201
    await drain(db)
    r = await admin.post(
        "/api/v1/customers/merge",
        json={"survivor_id": survivor["id"], "merged_ids": [other["id"]]},
    )
    assert r.status_code == 200, r.text
    await drain(db)
    merged = (await admin.get(f"/api/v1/customers/{survivor['id']}")).json()
    assert (merged["orders_count"], merged["revenue"]) == (2, "150.00")

    undo = await admin.post(f"/api/v1/customers/merge/{r.json()['audit_id']}/undo")
    assert undo.status_code == 200, undo.text
    await drain(db)
    back = (await admin.get(f"/api/v1/customers/{survivor['id']}")).json()
    restored = (await admin.get(f"/api/v1/customers/{other['id']}")).json()
    assert (back["orders_count"], back["revenue"]) == (1, "100.00")
    assert (restored["orders_count"], restored["revenue"]) == (1, "50.00")
