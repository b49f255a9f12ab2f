"""Matrix declarations of duplicate detection and merging."""

from __future__ import annotations

import uuid

from authz.harness import ALLOWED, DENIED, Call, owner_scope, route
from authz.world import Actor, World

CUSTOMERS = owner_scope("customers")
MERGERS = {
    "admin": ALLOWED,
    "manager": ALLOWED,
    "sales": DENIED,
    "service": DENIED,
    "marketing": DENIED,
    "auditor": DENIED,
}


@route("GET", "/api/v1/customers/duplicates/check", requires="customers:read")
async def _check(w: World, caller: Actor, owner: Actor) -> Call:
    customer = await w.customer(owner)
    return Call("GET", "/api/v1/customers/duplicates/check", params={"name": customer["name"]})


@route("GET", "/api/v1/customers/duplicates", requires="customers:read")
async def _report(w: World, caller: Actor, owner: Actor) -> Call:
    return Call("GET", "/api/v1/customers/duplicates")


@route("POST", "/api/v1/customers/duplicates/scan", requires="customers:merge", expect=MERGERS)
async def _scan(w: World, caller: Actor, owner: Actor) -> Call:
    return Call("POST", "/api/v1/customers/duplicates/scan")


@route(
    "POST",
    "/api/v1/customers/merge",
    requires="customers:merge",
    record=CUSTOMERS,  # both records belong to the owner; referenced from the body
    hidden_status=422,
    hidden_field="survivor_id",
    expect=MERGERS,
)
async def _merge(w: World, caller: Actor, owner: Actor) -> Call:
    survivor = await w.customer(owner)
    merged = await w.customer(owner, name=f"{survivor['name']} Ltd.")
    return Call(
        "POST",
        "/api/v1/customers/merge",
        json={"survivor_id": survivor["id"], "merged_ids": [merged["id"]]},
    )


@route(
    "POST",
    "/api/v1/customers/merge/{audit_id}/undo",
    requires="customers:merge",
    record=CUSTOMERS,  # the survivor's scope
    expect=MERGERS,
)
async def _undo(w: World, caller: Actor, owner: Actor) -> Call:
    survivor = await w.customer(owner)
    merged = await w.customer(owner, name=f"Merged {uuid.uuid4().hex[:6]}")
    r = await w.admin.post(
        "/api/v1/customers/merge",
        json={"survivor_id": survivor["id"], "merged_ids": [merged["id"]]},
    )
    assert r.status_code == 200, r.text
    return Call("POST", f"/api/v1/customers/merge/{r.json()['audit_id']}/undo")
