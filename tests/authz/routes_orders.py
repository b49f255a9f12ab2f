"""Matrix declarations of the order, payment, portal-link, portal and receivables routes.
Orders follow the contracts permissions and data scope; the portal is public (its token is
the credential)."""

from __future__ import annotations

from typing import Any

from authz.harness import ALLOWED, DENIED, Call, listing, owner_scope, route
from authz.routes_contracts import contract
from authz.world import Actor, World

CONTRACTS = owner_scope("contracts")
CUSTOMERS = owner_scope("customers")
_LINES = [{"description": "Widget", "quantity": "2", "unit_price": "50.00"}]


async def order(w: World, owner: Actor) -> dict[str, Any]:
    """An order (total 100.00, one final instalment) for a customer ``owner`` owns."""
    customer = await w.customer(owner)
    r = await w.admin.post("/api/v1/orders", json={"customer_id": customer["id"], "lines": _LINES})
    assert r.status_code == 201, r.text
    w.remember("order", r.json()["id"], owner)
    return dict(r.json())


async def instalment_id(w: World, order_id: str) -> str:
    r = await w.admin.get(f"/api/v1/orders/{order_id}/payment-plan")
    assert r.status_code == 200, r.text
    return str(r.json()["instalments"][0]["id"])


async def portal_link(w: World, order_id: str) -> dict[str, Any]:
    r = await w.admin.post(f"/api/v1/orders/{order_id}/portal-links", json={})
    assert r.status_code == 201, r.text
    return dict(r.json())


@route("GET", "/api/v1/orders", requires="contracts:read")
async def _list_orders(w: World, caller: Actor, owner: Actor) -> Call:
    return Call("GET", "/api/v1/orders")


@listing(
    "/api/v1/orders",
    kind="order",
    requires="contracts:read",
    queries=({}, {"with_total": "true"}, {"status": "pending_payment"}, {"q": "DD-"}),
    visibility=CONTRACTS,
)
async def _seed_orders(w: World, owner: Actor) -> None:
    await order(w, owner)


@route(
    "POST",
    "/api/v1/orders",
    requires="contracts:write",
    record=CUSTOMERS,
    hidden_status=422,
    hidden_field="customer_id",
    expect={"admin": ALLOWED, "manager": ALLOWED, "sales": ALLOWED, "service": DENIED},
)
async def _create_order(w: World, caller: Actor, owner: Actor) -> Call:
    customer = await w.customer(owner)
    return Call("POST", "/api/v1/orders", json={"customer_id": customer["id"], "lines": _LINES})


@route(
    "POST",
    "/api/v1/contracts/{contract_id}/orders",
    requires="contracts:write",
    record=CONTRACTS,
)
async def _order_from_contract(w: World, caller: Actor, owner: Actor) -> Call:
    made = await contract(w, owner, status="signed")
    return Call("POST", f"/api/v1/contracts/{made['id']}/orders", json={})


@route("GET", "/api/v1/orders/{order_id}", requires="contracts:read", record=CONTRACTS)
async def _get_order(w: World, caller: Actor, owner: Actor) -> Call:
    return Call("GET", f"/api/v1/orders/{(await order(w, owner))['id']}")


@route("POST", "/api/v1/orders/{order_id}/transition", requires="contracts:write", record=CONTRACTS)
async def _transition_order(w: World, caller: Actor, owner: Actor) -> Call:
    made = await order(w, owner)
    return Call("POST", f"/api/v1/orders/{made['id']}/transition", json={"status": "cancelled"})


@route("GET", "/api/v1/orders/{order_id}/payment-plan", requires="contracts:read", record=CONTRACTS)
async def _get_plan(w: World, caller: Actor, owner: Actor) -> Call:
    return Call("GET", f"/api/v1/orders/{(await order(w, owner))['id']}/payment-plan")


@route(
    "PUT", "/api/v1/orders/{order_id}/payment-plan", requires="contracts:write", record=CONTRACTS
)
async def _set_plan(w: World, caller: Actor, owner: Actor) -> Call:
    made = await order(w, owner)
    plan = [
        {"kind": "prepayment", "due_date": "2030-01-01", "amount": "30.00"},
        {"kind": "final", "due_date": "2030-02-01", "amount": "70.00"},
    ]
    return Call("PUT", f"/api/v1/orders/{made['id']}/payment-plan", json={"instalments": plan})


@route("GET", "/api/v1/orders/{order_id}/payments", requires="contracts:read", record=CONTRACTS)
async def _list_payments(w: World, caller: Actor, owner: Actor) -> Call:
    return Call("GET", f"/api/v1/orders/{(await order(w, owner))['id']}/payments")


@route("POST", "/api/v1/orders/{order_id}/payments", requires="contracts:write", record=CONTRACTS)
async def _record_payment(w: World, caller: Actor, owner: Actor) -> Call:
    made = await order(w, owner)
    body = {"instalment_id": await instalment_id(w, made["id"]), "amount": "10.00"}
    return Call("POST", f"/api/v1/orders/{made['id']}/payments", json=body)


@route("GET", "/api/v1/orders/{order_id}/portal-links", requires="contracts:read", record=CONTRACTS)
async def _list_links(w: World, caller: Actor, owner: Actor) -> Call:
    return Call("GET", f"/api/v1/orders/{(await order(w, owner))['id']}/portal-links")


@route(
    "POST",
    "/api/v1/orders/{order_id}/portal-links",
    requires="contracts:write",
    record=CONTRACTS,
    expect={"sales": ALLOWED, "auditor": DENIED, "marketing": DENIED},
)
async def _create_link(w: World, caller: Actor, owner: Actor) -> Call:
    made = await order(w, owner)
    return Call("POST", f"/api/v1/orders/{made['id']}/portal-links", json={"expires_in_days": 3})


@route(
    "DELETE",
    "/api/v1/orders/{order_id}/portal-links/{link_id}",
    requires="contracts:write",
    record=CONTRACTS,
)
async def _revoke_link(w: World, caller: Actor, owner: Actor) -> Call:
    made = await order(w, owner)
    link = await portal_link(w, made["id"])
    return Call("DELETE", f"/api/v1/orders/{made['id']}/portal-links/{link['id']}")


# The customer's page: no sign-in; the link's 256-bit token is the credential.
@route("GET", "/api/v1/portal/orders/{token}", public=True)
async def _portal(w: World, caller: Actor, owner: Actor) -> Call:
    made = await order(w, owner)
    return Call("GET", (await portal_link(w, made["id"]))["api_url"])


@route("GET", "/api/v1/reports/receivables", requires="contracts:read")
async def _receivables(w: World, caller: Actor, owner: Actor) -> Call:
    return Call("GET", "/api/v1/reports/receivables")
