"""Matrix declarations of pipelines (admin), deals, stage moves, the kanban and the forecast,
and the scoped deal listings."""

from __future__ import annotations

import uuid

from authz.harness import ALLOWED, DENIED, Call, listing, owner_scope, route
from authz.world import Actor, World

CUSTOMERS = owner_scope("customers")
DEALS = owner_scope("deals")
SELLERS = {
    "admin": ALLOWED,
    "manager": ALLOWED,
    "sales": ALLOWED,
    "service": DENIED,
    "marketing": DENIED,
    "auditor": DENIED,
}
READERS = {**SELLERS, "auditor": ALLOWED}
ONLY_ADMIN = {
    "admin": ALLOWED,
    "manager": DENIED,
    "sales": DENIED,
    "service": DENIED,
    "marketing": DENIED,
    "auditor": DENIED,
}
STAGE = {"key": "extra", "name": "Extra", "probability": 40}


# --- pipelines --------------------------------------------------------------------------------


@route("GET", "/api/v1/pipelines", requires="deals:read", expect=READERS)
async def _list_pipelines(w: World, caller: Actor, owner: Actor) -> Call:
    return Call("GET", "/api/v1/pipelines")


@route("POST", "/api/v1/pipelines", requires="admin:settings", expect=ONLY_ADMIN)
async def _create_pipeline(w: World, caller: Actor, owner: Actor) -> Call:
    return Call(
        "POST",
        "/api/v1/pipelines",
        json={
            "name": f"New {uuid.uuid4().hex[:6]}",
            "stages": [
                {"key": "a", "name": "A", "probability": 10},
                {"key": "won", "name": "Won", "probability": 100, "kind": "won"},
                {"key": "lost", "name": "Lost", "probability": 0, "kind": "lost"},
            ],
        },
    )


@route("GET", "/api/v1/pipelines/{pipeline_id}", requires="deals:read", expect=READERS)
async def _get_pipeline(w: World, caller: Actor, owner: Actor) -> Call:
    pipeline = await w.pipeline()
    return Call("GET", f"/api/v1/pipelines/{pipeline['id']}")


@route("PATCH", "/api/v1/pipelines/{pipeline_id}", requires="admin:settings", expect=ONLY_ADMIN)
async def _update_pipeline(w: World, caller: Actor, owner: Actor) -> Call:
    pipeline = await w.pipeline()
    return Call("PATCH", f"/api/v1/pipelines/{pipeline['id']}", json={"name": "Renamed"})


@route("DELETE", "/api/v1/pipelines/{pipeline_id}", requires="admin:settings", expect=ONLY_ADMIN)
async def _delete_pipeline(w: World, caller: Actor, owner: Actor) -> Call:
    pipeline = await w.pipeline()
    return Call("DELETE", f"/api/v1/pipelines/{pipeline['id']}")


@route(
    "POST",
    "/api/v1/pipelines/{pipeline_id}/stages",
    requires="admin:settings",
    expect=ONLY_ADMIN,
)
async def _add_stage(w: World, caller: Actor, owner: Actor) -> Call:
    pipeline = await w.pipeline()
    return Call("POST", f"/api/v1/pipelines/{pipeline['id']}/stages", json=STAGE)


@route(
    "PATCH",
    "/api/v1/pipelines/{pipeline_id}/stages/{stage_id}",
    requires="admin:settings",
    expect=ONLY_ADMIN,
)
async def _update_stage(w: World, caller: Actor, owner: Actor) -> Call:
    pipeline = await w.pipeline()
    stage = pipeline["stages"][0]
    return Call(
        "PATCH",
        f"/api/v1/pipelines/{pipeline['id']}/stages/{stage['id']}",
        json={"probability": 35},
    )


@route(
    "DELETE",
    "/api/v1/pipelines/{pipeline_id}/stages/{stage_id}",
    requires="admin:settings",
    expect=ONLY_ADMIN,
)
async def _delete_stage(w: World, caller: Actor, owner: Actor) -> Call:
    pipeline = await w.pipeline()
    r = await w.admin.post(f"/api/v1/pipelines/{pipeline['id']}/stages", json=STAGE)
    assert r.status_code == 201, r.text
    return Call("DELETE", f"/api/v1/pipelines/{pipeline['id']}/stages/{r.json()['id']}")


@route("GET", "/api/v1/pipelines/{pipeline_id}/kanban", requires="deals:read", expect=READERS)
async def _kanban(w: World, caller: Actor, owner: Actor) -> Call:
    deal = await w.deal(owner)
    return Call("GET", f"/api/v1/pipelines/{deal['pipeline_id']}/kanban")


# --- deals ------------------------------------------------------------------------------------


@route("GET", "/api/v1/deals", requires="deals:read", expect=READERS)
async def _list_deals(w: World, caller: Actor, owner: Actor) -> Call:
    return Call("GET", "/api/v1/deals")


@route("GET", "/api/v1/deals/forecast", requires="deals:read", expect=READERS)
async def _forecast(w: World, caller: Actor, owner: Actor) -> Call:
    return Call("GET", "/api/v1/deals/forecast", params={"group_by": "department"})


@route(
    "POST",
    "/api/v1/deals",
    requires="deals:write",
    record=CUSTOMERS,
    hidden_status=422,
    hidden_field="customer_id",
    expect=SELLERS,
)
async def _create_deal(w: World, caller: Actor, owner: Actor) -> Call:
    customer = await w.customer(owner)
    return Call("POST", "/api/v1/deals", json={"name": "New deal", "customer_id": customer["id"]})


@route("GET", "/api/v1/deals/{deal_id}", requires="deals:read", record=DEALS, expect=READERS)
async def _get_deal(w: World, caller: Actor, owner: Actor) -> Call:
    deal = await w.deal(owner)
    return Call("GET", f"/api/v1/deals/{deal['id']}")


@route("PATCH", "/api/v1/deals/{deal_id}", requires="deals:write", record=DEALS, expect=SELLERS)
async def _update_deal(w: World, caller: Actor, owner: Actor) -> Call:
    deal = await w.deal(owner)
    return Call("PATCH", f"/api/v1/deals/{deal['id']}", json={"amount": "42.00"})


@route(
    "DELETE",
    "/api/v1/deals/{deal_id}",
    requires="deals:delete",
    record=DEALS,
    expect={**SELLERS, "sales": DENIED},
)
async def _delete_deal(w: World, caller: Actor, owner: Actor) -> Call:
    deal = await w.deal(owner)
    return Call("DELETE", f"/api/v1/deals/{deal['id']}")


@route("POST", "/api/v1/deals/{deal_id}/move", requires="deals:write", record=DEALS, expect=SELLERS)
async def _move_deal(w: World, caller: Actor, owner: Actor) -> Call:
    deal = await w.deal(owner)
    # The first stage has no gate: the move succeeds for whoever may make it.
    return Call("POST", f"/api/v1/deals/{deal['id']}/move", json={"stage_key": "needs_confirmed"})


@route(
    "GET",
    "/api/v1/deals/{deal_id}/stage-history",
    requires="deals:read",
    record=DEALS,
    expect=READERS,
)
async def _stage_history(w: World, caller: Actor, owner: Actor) -> Call:
    deal = await w.deal(owner)
    return Call("GET", f"/api/v1/deals/{deal['id']}/stage-history")


@route(
    "GET",
    "/api/v1/customers/{customer_id}/deals",
    requires="deals:read",
    record=CUSTOMERS,
    expect=READERS,
)
async def _customer_deals(w: World, caller: Actor, owner: Actor) -> Call:
    deal = await w.deal(owner)
    return Call("GET", f"/api/v1/customers/{deal['customer_id']}/deals")


@listing(
    "/api/v1/deals",
    kind="deal",
    requires="deals:read",
    queries=({}, {"q": "Scopedeal"}, {"status": "open"}, {"with_total": "true"}, {"sort": "name"}),
    visibility=DEALS,
)
async def _seed_deals(w: World, owner: Actor) -> None:
    await w.deal(owner, name=f"Scopedeal {owner.label}")
