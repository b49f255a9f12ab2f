"""Quote status flow: the discount threshold, approval by the owner's manager, sending,
accepting, revisions, scope and the printable HTML."""

from __future__ import annotations

import uuid
from typing import Any

from crm.approvals.models import ApprovalRequest
from crm.core.audit import AuditLog
from crm.notifications.models import Notification
from crm.quotes import service as quote_service
from platform_helpers import assert_problem, count, error_locs, rows
from quote_helpers import make_deal, product, quote, set_price


def _line(shop: dict[str, Any], **fields: Any) -> dict[str, Any]:
    return {"product_id": shop["products"]["widget"], "quantity": "1", **fields}


async def _submitted(shop: dict[str, Any], discount: str, **line: Any) -> dict[str, Any]:
    a = shop["team"]["sales_a"]
    created = await quote(a, shop["deal_id"], [_line(shop, **line)], discount_percent=discount)
    r = await a.post(f"/api/v1/quotes/{created['id']}/submit")
    assert r.status_code == 200, r.text
    return dict(r.json())


async def test_threshold_boundary_15_is_not_pending_15_01_is(shop: dict[str, Any], db: Any) -> None:
    at_threshold = await _submitted(shop, "15")
    assert at_threshold["status"] == "approved" and at_threshold["approval_id"] is None
    above = await _submitted(shop, "15.01")
    assert above["status"] == "pending_approval"
    assert above["effective_discount_percent"] == "15.0100"
    [request] = await rows(db, ApprovalRequest)
    assert str(request.id) == above["approval_id"]
    assert str(request.object_id) == above["id"] and request.object_type == "quote"
    # The owner's manager decides.
    assert str(request.approver_user_id) == shop["team"]["manager"].user_id
    assert request.requested_by is not None and str(request.requested_by) == (
        shop["team"]["sales_a"].user_id
    )
    assert request.data["threshold_percent"] == "15"


async def test_a_price_override_below_list_counts_as_discount(shop: dict[str, Any]) -> None:
    pending = await _submitted(shop, "0", unit_price="84.99")  # 15.01 % under the list price
    assert pending["status"] == "pending_approval"
    assert pending["lines"][0]["list_unit_price"] == "100.0000"
    fine = await _submitted(shop, "10", discount_percent="5.55")  # 14.995 % in all
    assert fine["status"] == "approved"


async def test_pending_quote_is_frozen_until_the_manager_approves(
    shop: dict[str, Any], db: Any
) -> None:
    a, manager = shop["team"]["sales_a"], shop["team"]["manager"]
    pending = await _submitted(shop, "20")
    qid = pending["id"]
    for action in ("send", "accept", "submit"):
        assert_problem(await a.post(f"/api/v1/quotes/{qid}/{action}"), 409)
    assert_problem(await a.patch(f"/api/v1/quotes/{qid}", json={"notes": "x"}), 409)

    inbox = await manager.get("/api/v1/approvals", params={"status": "pending", "box": "inbox"})
    [item] = inbox.json()["items"]
    assert item["id"] == pending["approval_id"] and "20.00 %" in item["reason"]
    # The manager was told in-app.
    notes = await rows(db, Notification, Notification.kind == "approval_requested")
    assert [str(n.user_id) for n in notes] == [manager.user_id]

    r = await manager.post(f"/api/v1/approvals/{item['id']}/approve", json={"comment": "OK"})
    assert r.status_code == 200 and r.json()["status"] == "approved"
    approved = (await a.get(f"/api/v1/quotes/{qid}")).json()
    assert (approved["status"], approved["decision_comment"]) == ("approved", "OK")
    decided = await rows(db, Notification, Notification.kind == "approval_approved")
    assert [str(n.user_id) for n in decided] == [a.user_id]

    sent = await a.post(f"/api/v1/quotes/{qid}/send")
    assert sent.status_code == 200 and sent.json()["status"] == "sent" and sent.json()["sent_at"]
    accepted = await a.post(f"/api/v1/quotes/{qid}/accept")
    assert accepted.status_code == 200 and accepted.json()["status"] == "accepted"
    actions = [
        (e.object_type, e.action)
        for e in await rows(
            db, AuditLog, AuditLog.object_type.in_(["quote", "approval"]), order_by=AuditLog.at
        )
    ]
    assert actions == [
        ("quote", "create"),
        ("approval", "request"),
        ("quote", "submit"),
        ("approval", "approve"),
        ("quote", "approve"),
        ("quote", "send"),
        ("quote", "accept"),
    ]


async def test_rejection_returns_the_quote_to_editing_with_the_comment(
    shop: dict[str, Any],
) -> None:
    a, manager = shop["team"]["sales_a"], shop["team"]["manager"]
    pending = await _submitted(shop, "30")
    approval = f"/api/v1/approvals/{pending['approval_id']}"
    body = assert_problem(await manager.post(f"{approval}/reject", json={}), 422)
    assert ["body", "comment"] in error_locs(body)
    assert_problem(await manager.post(f"{approval}/reject", json={"comment": "  "}), 422)
    r = await manager.post(f"{approval}/reject", json={"comment": "Too cheap"})
    assert r.status_code == 200 and r.json()["status"] == "rejected"
    assert_problem(await manager.post(f"{approval}/approve", json={}), 409)

    rejected = (await a.get(f"/api/v1/quotes/{pending['id']}")).json()
    assert (rejected["status"], rejected["decision_comment"]) == ("rejected", "Too cheap")
    assert_problem(await a.post(f"/api/v1/quotes/{pending['id']}/send"), 409)
    edited = await a.patch(f"/api/v1/quotes/{pending['id']}", json={"discount_percent": "10"})
    assert edited.status_code == 200
    assert (edited.json()["id"], edited.json()["status"]) == (pending["id"], "draft")
    resubmitted = await a.post(f"/api/v1/quotes/{pending['id']}/submit")
    assert resubmitted.json()["status"] == "approved"


async def test_editing_a_sent_quote_creates_the_next_revision(shop: dict[str, Any]) -> None:
    a = shop["team"]["sales_a"]
    first = await _submitted(shop, "5")
    await a.post(f"/api/v1/quotes/{first['id']}/send")
    r = await a.patch(
        f"/api/v1/quotes/{first['id']}",
        json={"lines": [_line(shop, quantity="2")], "version": 3},
    )
    assert_problem(r, 412)
    current = (await a.get(f"/api/v1/quotes/{first['id']}")).json()
    r = await a.patch(
        f"/api/v1/quotes/{first['id']}",
        json={"lines": [_line(shop, quantity="2")]},
        headers={"If-Match": f'"{current["version"]}"'},
    )
    assert r.status_code == 200, r.text
    second = r.json()
    assert second["id"] != first["id"]
    assert (second["number"], second["revision"], second["status"]) == (first["number"], 2, "draft")
    assert second["subtotal"] == "200.00" and second["discount_amount"] == "10.00"

    old = (await a.get(f"/api/v1/quotes/{first['id']}")).json()
    assert old["status"] == "superseded" and old["subtotal"] == "100.00"
    assert_problem(await a.patch(f"/api/v1/quotes/{first['id']}", json={"notes": "x"}), 409)
    revisions = (await a.get(f"/api/v1/quotes/{second['id']}/revisions")).json()
    assert [(q["revision"], q["status"]) for q in revisions] == [(1, "superseded"), (2, "draft")]
    listed = await a.get("/api/v1/quotes", params={"deal_id": shop["deal_id"]})
    assert [q["id"] for q in listed.json()["items"]] == [second["id"]]
    everything = await a.get(
        "/api/v1/quotes", params={"deal_id": shop["deal_id"], "current_only": "false"}
    )
    assert len(everything.json()["items"]) == 2


async def test_one_accepted_quote_per_deal_and_its_lines_for_contracts(
    shop: dict[str, Any], db: Any
) -> None:
    a = shop["team"]["sales_a"]
    first, second = await _submitted(shop, "0"), await _submitted(shop, "1")
    assert (await a.post(f"/api/v1/quotes/{first['id']}/accept")).status_code == 200
    assert_problem(await a.post(f"/api/v1/quotes/{second['id']}/accept"), 409)
    async with db.sessionmaker() as session:
        lines = await quote_service.accepted_quote_lines(session, uuid.UUID(shop["deal_id"]))
    assert [(str(x.product_id), str(x.unit_price), str(x.line_total)) for x in lines] == [
        (shop["products"]["widget"], "100.0000", "100.00")
    ]


async def test_quotes_follow_the_deals_data_scope(
    shop: dict[str, Any], factory: Any, db: Any
) -> None:
    team = shop["team"]
    a, b, manager, outsider = team["sales_a"], team["sales_b"], team["manager"], team["outsider"]
    mine = await quote(a, shop["deal_id"], [_line(shop)])
    for path in ("", "/revisions", "/render"):
        assert_problem(await b.get(f"/api/v1/quotes/{mine['id']}{path}"), 404)
        assert_problem(await outsider.get(f"/api/v1/quotes/{mine['id']}{path}"), 404)
    assert_problem(await b.patch(f"/api/v1/quotes/{mine['id']}", json={"notes": "x"}), 404)
    assert_problem(await b.post(f"/api/v1/quotes/{mine['id']}/submit"), 404)
    assert (await b.get("/api/v1/quotes")).json()["items"] == []
    assert (await manager.get(f"/api/v1/quotes/{mine['id']}")).status_code == 200
    # A quote on someone else's deal cannot be created either.
    r = await b.post("/api/v1/quotes", json={"deal_id": shop["deal_id"], "lines": []})
    assert ["body", "deal_id"] in error_locs(assert_problem(r, 422))
    # Service agents have no quote permissions at all.
    assert_problem(await team["service"].get("/api/v1/quotes"), 403)
    assert await count(db, AuditLog, AuditLog.object_type == "quote") == 1


async def test_printable_html_escapes_user_input(admin: Any, shop: dict[str, Any]) -> None:
    a = shop["team"]["sales_a"]
    evil = await product(admin, name="<script>alert('x')</script>")
    await set_price(admin, shop["book"]["id"], evil["id"], "12.50")
    created = await quote(
        a,
        shop["deal_id"],
        [{"product_id": evil["id"], "quantity": "2.500"}],
        notes="<img src=x onerror=alert(1)>",
        tax_rate_percent="13",
    )
    r = await a.get(f"/api/v1/quotes/{created['id']}/render", params={"format": "html"})
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/html")
    html = r.text
    assert "<script>alert" not in html and "<img src=x" not in html
    assert "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;" in html
    assert "&lt;img src=x onerror=alert(1)&gt;" in html
    assert created["number"] in html and shop["customer"]["name"] in html
    assert ">2.5<" in html and "31.25 CNY" in html and "35.31 CNY" in html
    assert_problem(
        await a.get(f"/api/v1/quotes/{created['id']}/render", params={"format": "pdf"}), 422
    )


async def test_quote_takes_the_customer_groups_prices(
    admin: Any, shop: dict[str, Any], factory: Any, db: Any
) -> None:
    a = shop["team"]["sales_a"]
    vip_book = await admin.post(
        "/api/v1/price-books",
        json={
            "name": "VIP",
            "currency": "CNY",
            "customer_group": "vip",
            "effective_from": "2020-01-01",
        },
    )
    await set_price(admin, vip_book.json()["id"], shop["products"]["widget"], "80")
    customer = await factory.customer(a, customer_group="vip")
    deal = await make_deal(db, a, customer["id"])
    created = await quote(
        a,
        deal,
        [_line(shop), {"product_id": shop["products"]["gadget"], "quantity": "1"}],
    )
    # The VIP book prices the widget; the gadget falls back to the general book.
    assert [line["list_unit_price"] for line in created["lines"]] == ["80.0000", "33.3300"]
    assert created["customer_group"] == "vip"
