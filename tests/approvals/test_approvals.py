"""The generic approval mechanism, driven through the quote discount policy: who sees and
decides a request, self-approval, a configured approver role, concurrent decisions, audit and
notifications."""

from __future__ import annotations

import asyncio
from typing import Any

from crm.approvals.models import ApprovalRequest
from crm.core.audit import AuditLog
from crm.core.events import OutboxEvent
from crm.notifications.models import Notification
from platform_helpers import assert_problem, count, error_locs, rows
from quote_helpers import catalogue, make_deal, quote


async def _pending(admin: Any, factory: Any, db: Any, owner: Any, submitter: Any = None) -> str:
    """A quote on ``owner``'s deal with a 20 % discount, submitted; returns the approval id."""
    cat = await catalogue(admin, {"widget": "100"})
    customer = await factory.customer(owner)
    deal = await make_deal(db, owner, customer["id"])
    submitter = submitter or owner
    created = await quote(
        submitter,
        deal,
        [{"product_id": cat["products"]["widget"], "quantity": "1"}],
        discount_percent="20",
    )
    r = await submitter.post(f"/api/v1/quotes/{created['id']}/submit")
    assert r.json()["status"] == "pending_approval", r.text
    return str(r.json()["approval_id"])


async def test_who_sees_and_who_decides(
    admin: Any, factory: Any, db: Any, sales_team: dict[str, Any]
) -> None:
    a, b, manager = sales_team["sales_a"], sales_team["sales_b"], sales_team["manager"]
    other_manager = await factory.user("manager", department_id=sales_team["department"]["id"])
    approval_id = await _pending(admin, factory, db, a)
    path = f"/api/v1/approvals/{approval_id}"

    assert (await a.get(path)).json()["status"] == "pending"  # the requester
    assert (await manager.get(path)).status_code == 200  # the approver
    assert (await sales_team["auditor"].get(path)).status_code == 200
    assert_problem(await b.get(path), 404)
    assert_problem(await other_manager.get(path), 404)
    # A manager who is not the approver cannot decide (nor see) it; the requester lacks the
    # permission; the auditor too.
    assert_problem(await other_manager.post(f"{path}/approve", json={}), 404)
    assert_problem(await a.post(f"{path}/approve", json={}), 403)
    assert_problem(await sales_team["auditor"].post(f"{path}/approve", json={}), 403)

    mine = await a.get("/api/v1/approvals", params={"box": "requested"})
    assert [x["id"] for x in mine.json()["items"]] == [approval_id]
    assert (await a.get("/api/v1/approvals", params={"box": "inbox"})).json()["items"] == []
    assert (await b.get("/api/v1/approvals")).json()["items"] == []
    inbox = await manager.get("/api/v1/approvals", params={"box": "inbox", "status": "pending"})
    assert [x["id"] for x in inbox.json()["items"]] == [approval_id]
    done = await manager.get("/api/v1/approvals", params={"box": "inbox", "status": "approved"})
    assert done.json()["items"] == []
    # Administrators see every request but find only those addressed to them in their inbox.
    assert (await admin.get("/api/v1/approvals", params={"box": "inbox"})).json()["items"] == []
    everything = await admin.get("/api/v1/approvals")
    assert [x["id"] for x in everything.json()["items"]] == [approval_id]

    r = await manager.post(f"{path}/approve", json={"comment": "Fine", "version": 1})
    assert r.status_code == 200, r.text
    assert (r.json()["decided_by"], r.json()["comment"]) == (manager.user_id, "Fine")
    assert r.headers["etag"] == '"2"'


async def test_nobody_approves_their_own_request(
    admin: Any, factory: Any, db: Any, sales_team: dict[str, Any]
) -> None:
    manager = sales_team["manager"]
    r = await admin.request(
        "PUT", "/api/v1/approval-policies/quote_discount", json={"approver_role": "manager"}
    )
    assert r.status_code == 200, r.text
    approval_id = await _pending(admin, factory, db, manager)
    [request] = await rows(db, ApprovalRequest)
    assert (request.approver_role, request.approver_user_id) == ("manager", None)
    body = assert_problem(
        await manager.post(f"/api/v1/approvals/{approval_id}/approve", json={}), 403
    )
    assert "own" in body["detail"]
    # Another holder of the role may; so may an administrator.
    colleague = await factory.user("manager", department_id=sales_team["department"]["id"])
    # The requester, the role's only holder when it went out, was not notified of his own.
    assert await count(db, Notification, Notification.kind == "approval_requested") == 0
    r = await colleague.post(f"/api/v1/approvals/{approval_id}/reject", json={"comment": "No"})
    assert r.status_code == 200 and r.json()["status"] == "rejected"


async def test_the_threshold_and_approver_role_are_configurable(
    admin: Any, factory: Any, db: Any, sales_team: dict[str, Any]
) -> None:
    policies = (await sales_team["sales_a"].get("/api/v1/approval-policies")).json()
    [policy] = [p for p in policies if p["key"] == "quote_discount"]
    assert policy["params"] == {"discount_threshold_percent": "15"} and policy["version"] == 0
    put = "/api/v1/approval-policies/quote_discount"
    assert_problem(await sales_team["manager"].request("PUT", put, json={"params": {}}), 403)
    bad = await admin.request("PUT", put, json={"params": {"discount_threshold_percent": "120"}})
    assert ["body", "params", "discount_threshold_percent"] in error_locs(assert_problem(bad, 422))
    assert_problem(await admin.request("PUT", put, json={"approver_role": "nope"}), 422)
    r = await admin.request("PUT", put, json={"params": {"discount_threshold_percent": "25"}})
    assert r.status_code == 200 and r.json()["version"] == 1
    assert_problem(await admin.request("PUT", put, json={"params": {}, "version": 7}), 412)
    assert await count(db, AuditLog, AuditLog.object_type == "approval_policy") == 1

    cat = await catalogue(admin, {"widget": "100"})
    a = sales_team["sales_a"]
    customer = await factory.customer(a)
    deal = await make_deal(db, a, customer["id"])
    created = await quote(
        a, deal, [{"product_id": cat["products"]["widget"], "quantity": "1"}], discount_percent="20"
    )
    r = await a.post(f"/api/v1/quotes/{created['id']}/submit")
    assert r.json()["status"] == "approved"  # 20 % is within the raised threshold


async def test_two_approvers_deciding_at_once_one_wins(
    admin: Any, factory: Any, db: Any, sales_team: dict[str, Any]
) -> None:
    await admin.request(
        "PUT", "/api/v1/approval-policies/quote_discount", json={"approver_role": "manager"}
    )
    first = sales_team["manager"]
    second = await factory.user("manager", department_id=sales_team["department"]["id"])
    approval_id = await _pending(admin, factory, db, sales_team["sales_a"])
    path = f"/api/v1/approvals/{approval_id}"
    results = await asyncio.gather(
        first.post(f"{path}/approve", json={"comment": "yes"}),
        second.post(f"{path}/reject", json={"comment": "no"}),
    )
    statuses = sorted(r.status_code for r in results)
    assert statuses == [200, 409], [r.text for r in results]
    winner = next(r for r in results if r.status_code == 200).json()
    [request] = await rows(db, ApprovalRequest)
    assert request.status == winner["status"] and request.version == 2
    quote_status = "approved" if winner["status"] == "approved" else "rejected"
    quote = (await sales_team["sales_a"].get(f"/api/v1/quotes/{request.object_id}")).json()
    assert quote["status"] == quote_status
    # One decision, one audit entry, one notification to the requester.
    assert (
        await count(
            db,
            AuditLog,
            AuditLog.object_type == "approval",
            AuditLog.action.in_(["approve", "reject"]),
        )
        == 1
    )
    assert (
        await count(
            db, Notification, Notification.kind.in_(["approval_approved", "approval_rejected"])
        )
        == 1
    )


async def test_decisions_are_audited_and_emit_events(
    admin: Any, factory: Any, db: Any, sales_team: dict[str, Any]
) -> None:
    approval_id = await _pending(admin, factory, db, sales_team["sales_a"])
    manager = sales_team["manager"]
    r = await manager.post(f"/api/v1/approvals/{approval_id}/reject", json={"comment": "Why?"})
    assert r.status_code == 200
    [entry] = await rows(
        db, AuditLog, AuditLog.object_type == "approval", AuditLog.action == "reject"
    )
    assert str(entry.actor_id) == manager.user_id
    assert entry.changes["diff"]["status"] == ["pending", "rejected"]
    types = {e.event_type for e in await rows(db, OutboxEvent)}
    assert {"approval.requested", "approval.rejected", "quote.rejected", "quote.submitted"} <= types
    [note] = await rows(db, Notification, Notification.kind == "approval_rejected")
    assert str(note.user_id) == sales_team["sales_a"].user_id and note.body == "Why?"


async def test_an_owner_without_manager_goes_to_the_administrators(
    admin: Any, factory: Any, db: Any, sales_team: dict[str, Any]
) -> None:
    outsider = sales_team["outsider"]  # no manager
    approval_id = await _pending(admin, factory, db, outsider)
    [request] = await rows(db, ApprovalRequest)
    assert (request.approver_role, request.approver_user_id) == ("admin", None)
    notes = await rows(db, Notification, Notification.kind == "approval_requested")
    assert [str(n.user_id) for n in notes] == [admin.user_id]
    assert_problem(await sales_team["manager"].get(f"/api/v1/approvals/{approval_id}"), 404)
    inbox = await admin.get("/api/v1/approvals", params={"box": "inbox"})
    assert [x["id"] for x in inbox.json()["items"]] == [approval_id]
    r = await admin.post(f"/api/v1/approvals/{approval_id}/approve", json={})
    assert r.status_code == 200
