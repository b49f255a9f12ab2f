"""Matrix declarations of the lead routes (leads, the pool, assignment, conversion) and of the
assignment rules, with the scoped lead listing.

Pool leads (no owner) are visible to every holder of leads:read through the pool routes, so
claim is declared without a record scope; the scope-specific behaviour of claim and assign is
tested in tests/leads/test_lead_pool.py."""

from __future__ import annotations

import uuid
from typing import Any

from authz.harness import ALLOWED, DENIED, Call, listing, owner_scope, route
from authz.world import Actor, World

LEADS = owner_scope("leads")
_ASSIGNERS = {
    "admin": ALLOWED,
    "manager": ALLOWED,
    "sales": DENIED,
    "service": DENIED,
    "marketing": DENIED,
    "auditor": DENIED,
}


async def lead_of(w: World, owner: Actor | None, **fields: Any) -> dict[str, Any]:
    """A lead the administrator creates, owned by ``owner`` (None: in the pool)."""
    body = {"company_name": f"Matrix lead {uuid.uuid4().hex[:8]}", **fields}
    if owner is not None:
        body["owner_id"] = owner.user_id
    r = await w.admin.post("/api/v1/leads", json=body)
    assert r.status_code == 201, r.text
    lead = dict(r.json())
    if owner is not None:
        w.remember("lead", lead["id"], owner)
    return lead


async def rule_id(w: World) -> str:
    r = await w.admin.post(
        "/api/v1/lead-assignment-rules",
        json={
            "name": f"Matrix {uuid.uuid4().hex[:6]}",
            "target_kind": "user",
            "target_user_id": w.actors["sales_a"].user_id,
        },
    )
    assert r.status_code == 201, r.text
    return str(r.json()["id"])


# --- leads ------------------------------------------------------------------------------------


@route("GET", "/api/v1/leads", requires="leads:read")
async def _list_leads(w: World, caller: Actor, owner: Actor) -> Call:
    return Call("GET", "/api/v1/leads")


@route("GET", "/api/v1/leads/pool", requires="leads:read")
async def _list_pool(w: World, caller: Actor, owner: Actor) -> Call:
    await lead_of(w, None)
    return Call("GET", "/api/v1/leads/pool")


@route(
    "POST",
    "/api/v1/leads",
    requires="leads:write",
    expect={
        "admin": ALLOWED,
        "manager": ALLOWED,
        "sales": ALLOWED,
        "marketing": ALLOWED,
        "service": DENIED,
        "auditor": DENIED,
    },
)
async def _create_lead(w: World, caller: Actor, owner: Actor) -> Call:
    return Call("POST", "/api/v1/leads", json={"person_name": "Li Lei", "source": "web"})


@route("GET", "/api/v1/leads/{lead_id}", requires="leads:read", record=LEADS)
async def _get_lead(w: World, caller: Actor, owner: Actor) -> Call:
    lead = await lead_of(w, owner)
    return Call("GET", f"/api/v1/leads/{lead['id']}")


@route(
    "PATCH",
    "/api/v1/leads/{lead_id}",
    requires="leads:write",
    record=LEADS,
    expect={"sales": ALLOWED, "auditor": DENIED, "service": DENIED},
)
async def _update_lead(w: World, caller: Actor, owner: Actor) -> Call:
    lead = await lead_of(w, owner)
    return Call("PATCH", f"/api/v1/leads/{lead['id']}", json={"status": "contacted"})


@route(
    "DELETE",
    "/api/v1/leads/{lead_id}",
    requires="leads:delete",
    record=LEADS,
    expect={"admin": ALLOWED, "manager": ALLOWED, "sales": DENIED, "marketing": DENIED},
)
async def _delete_lead(w: World, caller: Actor, owner: Actor) -> Call:
    lead = await lead_of(w, owner)
    return Call("DELETE", f"/api/v1/leads/{lead['id']}")


@route(
    "POST",
    "/api/v1/leads/{lead_id}/claim",
    requires="leads:write",
    expect={"sales": ALLOWED, "marketing": ALLOWED, "auditor": DENIED, "service": DENIED},
)
async def _claim_lead(w: World, caller: Actor, owner: Actor) -> Call:
    lead = await lead_of(w, None)
    return Call("POST", f"/api/v1/leads/{lead['id']}/claim")


@route(
    "POST",
    "/api/v1/leads/{lead_id}/assign",
    requires="leads:assign",
    record=LEADS,
    expect=_ASSIGNERS,
)
async def _assign_lead(w: World, caller: Actor, owner: Actor) -> Call:
    lead = await lead_of(w, owner)
    # To the caller (always within its own scope), or when it owns the lead already to the
    # first salesperson (in the scope of the admin and of the manager).
    target = caller if caller is not owner else w.actors["sales_a"]
    return Call(
        "POST",
        f"/api/v1/leads/{lead['id']}/assign",
        json={"user_id": target.user_id or str(uuid.uuid4()), "reason": "matrix"},
    )


@route("GET", "/api/v1/leads/{lead_id}/assignments", requires="leads:read", record=LEADS)
async def _lead_assignments(w: World, caller: Actor, owner: Actor) -> Call:
    lead = await lead_of(w, owner)
    return Call("GET", f"/api/v1/leads/{lead['id']}/assignments")


@route(
    "POST",
    "/api/v1/leads/{lead_id}/convert",
    requires="leads:write",
    record=LEADS,
    expect={"sales": ALLOWED, "manager": ALLOWED, "auditor": DENIED, "service": DENIED},
)
async def _convert_lead(w: World, caller: Actor, owner: Actor) -> Call:
    lead = await lead_of(w, owner, person_name="Han Meimei")
    if w.can(caller, "customers:write"):
        # A new customer (owned by the lead's owner), its contact and a deal.
        body: dict[str, Any] = {"on_duplicate": "create", "deal": {"name": "Matrix deal"}}
    else:
        # Without customers:write (marketing) a lead converts onto an existing customer.
        customer = await w.customer(owner)
        body = {"customer_id": customer["id"], "contact": None}
    return Call("POST", f"/api/v1/leads/{lead['id']}/convert", json=body)


# --- assignment rules -------------------------------------------------------------------------


@route("GET", "/api/v1/lead-assignment-rules", requires="leads:read")
async def _list_rules(w: World, caller: Actor, owner: Actor) -> Call:
    return Call("GET", "/api/v1/lead-assignment-rules")


@route("POST", "/api/v1/lead-assignment-rules", requires="leads:assign", expect=_ASSIGNERS)
async def _create_rule(w: World, caller: Actor, owner: Actor) -> Call:
    return Call(
        "POST",
        "/api/v1/lead-assignment-rules",
        json={
            "name": "Matrix round-robin",
            "target_kind": "round_robin",
            "team_user_ids": [w.actors["sales_a"].user_id, w.actors["sales_b"].user_id],
            "province": "上海市",
        },
    )


@route("POST", "/api/v1/lead-assignment-rules/reorder", requires="leads:assign")
async def _reorder_rules(w: World, caller: Actor, owner: Actor) -> Call:
    await rule_id(w)
    r = await w.admin.get("/api/v1/lead-assignment-rules")
    ids = [x["id"] for x in r.json()]
    return Call("POST", "/api/v1/lead-assignment-rules/reorder", json={"rule_ids": ids[::-1]})


@route("PATCH", "/api/v1/lead-assignment-rules/{rule_id}", requires="leads:assign")
async def _update_rule(w: World, caller: Actor, owner: Actor) -> Call:
    return Call("PATCH", f"/api/v1/lead-assignment-rules/{await rule_id(w)}", json={"grade": "A"})


@route("DELETE", "/api/v1/lead-assignment-rules/{rule_id}", requires="leads:assign")
async def _delete_rule(w: World, caller: Actor, owner: Actor) -> Call:
    return Call("DELETE", f"/api/v1/lead-assignment-rules/{await rule_id(w)}")


# --- scoped listing ---------------------------------------------------------------------------


@listing(
    "/api/v1/leads",
    kind="lead",
    requires="leads:read",
    queries=({}, {"q": "Leadscope"}, {"with_total": "true"}, {"status": "qualified"}),
    visibility=LEADS,
)
async def _seed_leads(w: World, owner: Actor) -> None:
    await lead_of(w, owner, company_name=f"Leadscope {owner.label}", status="qualified")
