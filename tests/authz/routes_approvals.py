"""Matrix declarations of the approval routes.

The record of an actor is a request that actor is to decide, raised by a user outside the cast
(nobody decides their own request): visible to its approver, administrators and auditors;
others get 404. Deciding needs approvals:decide (managers and administrators). The request is
stored directly under a policy nobody registered, so a decision touches no other record; the
quote policy's own flow is tested in tests/approvals and tests/quotes.
"""

from __future__ import annotations

import uuid

from authz.harness import ALLOWED, DENIED, Call, route
from authz.world import Actor, World
from crm.approvals.models import ApprovalRequest

_DECIDERS = {
    "admin": ALLOWED,
    "manager": ALLOWED,
    "sales": DENIED,
    "service": DENIED,
    "marketing": DENIED,
    "auditor": DENIED,
}


def _approver_or_overseer(w: World, caller: Actor, owner: Actor) -> bool:
    return caller.user_id == owner.user_id or caller.role in ("admin", "auditor")


async def pending_request(w: World, approver: Actor) -> str:
    requester = await w.disposable_user()
    async with w.db.sessionmaker() as session:
        request = ApprovalRequest(
            object_type="matrix",
            object_id=uuid.uuid4(),
            policy_key="matrix_unregistered",
            summary="Matrix request",
            reason="Testing",
            requested_by=uuid.UUID(requester["id"]),
            approver_user_id=uuid.UUID(approver.user_id or ""),
            status="pending",
        )
        session.add(request)
        await session.commit()
        return str(request.id)


@route("GET", "/api/v1/approvals", requires="approvals:read")
async def _list(w: World, caller: Actor, owner: Actor) -> Call:
    return Call("GET", "/api/v1/approvals", params={"status": "pending", "box": "inbox"})


@route(
    "GET",
    "/api/v1/approvals/{approval_id}",
    requires="approvals:read",
    record=_approver_or_overseer,
)
async def _get(w: World, caller: Actor, owner: Actor) -> Call:
    return Call("GET", f"/api/v1/approvals/{await pending_request(w, owner)}")


@route(
    "POST",
    "/api/v1/approvals/{approval_id}/approve",
    requires="approvals:decide",
    record=_approver_or_overseer,
    expect=_DECIDERS,
)
async def _approve(w: World, caller: Actor, owner: Actor) -> Call:
    path = f"/api/v1/approvals/{await pending_request(w, owner)}/approve"
    return Call("POST", path, json={"comment": "ok"})


@route(
    "POST",
    "/api/v1/approvals/{approval_id}/reject",
    requires="approvals:decide",
    record=_approver_or_overseer,
    expect=_DECIDERS,
)
async def _reject(w: World, caller: Actor, owner: Actor) -> Call:
    path = f"/api/v1/approvals/{await pending_request(w, owner)}/reject"
    return Call("POST", path, json={"comment": "no"})


@route("GET", "/api/v1/approval-policies", requires="approvals:read")
async def _policies(w: World, caller: Actor, owner: Actor) -> Call:
    return Call("GET", "/api/v1/approval-policies")


@route("PUT", "/api/v1/approval-policies/{policy_key}", requires="admin:settings")
async def _update_policy(w: World, caller: Actor, owner: Actor) -> Call:
    return Call(
        "PUT",
        "/api/v1/approval-policies/quote_discount",
        json={"params": {"discount_threshold_percent": "15"}},
    )
