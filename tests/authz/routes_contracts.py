"""Matrix declarations of the contract template and contract routes, and the contract list.
Contracts are scoped by the contracts data scope of their owner (the customer's owner)."""

from __future__ import annotations

import uuid
from datetime import date, timedelta
from typing import Any

from authz.harness import ALLOWED, DENIED, Call, listing, owner_scope, route
from authz.world import Actor, World

CONTRACTS = owner_scope("contracts")
CUSTOMERS = owner_scope("customers")
_SELLERS_WRITE = {
    "admin": ALLOWED,
    "manager": ALLOWED,
    "sales": ALLOWED,
    "service": DENIED,
    "marketing": DENIED,
    "auditor": DENIED,
}
_LINES = [{"description": "Licence", "quantity": "1", "unit_price": "100.00"}]


async def contract_template(w: World) -> dict[str, Any]:
    r = await w.admin.post(
        "/api/v1/contract-templates",
        json={"name": f"Matrix {uuid.uuid4().hex[:6]}", "body": "{{ customer.name }}"},
    )
    assert r.status_code == 201, r.text
    return dict(r.json())


async def contract(w: World, owner: Actor, *, status: str = "draft") -> dict[str, Any]:
    """A contract on a customer ``owner`` owns (so ``owner`` owns the contract), made by the
    administrator and moved to ``status`` (draft, in_review or signed)."""
    customer = await w.customer(owner)
    today = date.today()
    r = await w.admin.post(
        "/api/v1/contracts",
        json={
            "customer_id": customer["id"],
            "start_date": today.isoformat(),
            "end_date": (today + timedelta(days=365)).isoformat(),
            "lines": _LINES,
        },
    )
    assert r.status_code == 201, r.text
    made = dict(r.json())
    path = f"/api/v1/contracts/{made['id']}/transition"
    for step in {"draft": [], "in_review": ["in_review"], "signed": ["in_review", "signed"]}[
        status
    ]:
        r = await w.admin.post(path, json={"status": step})
        assert r.status_code == 200, r.text
        made = dict(r.json())
    w.remember("contract", made["id"], owner)
    return made


# --- templates ----------------------------------------------------------------------------------


@route("GET", "/api/v1/contract-templates", requires="contracts:read")
async def _list_templates(w: World, caller: Actor, owner: Actor) -> Call:
    return Call("GET", "/api/v1/contract-templates")


@route(
    "POST",
    "/api/v1/contract-templates",
    requires="admin:settings",
    expect={"admin": ALLOWED, "manager": DENIED, "sales": DENIED},
)
async def _create_template(w: World, caller: Actor, owner: Actor) -> Call:
    return Call("POST", "/api/v1/contract-templates", json={"name": "New", "body": "Terms"})


@route("GET", "/api/v1/contract-templates/{template_id}", requires="contracts:read")
async def _get_template(w: World, caller: Actor, owner: Actor) -> Call:
    return Call("GET", f"/api/v1/contract-templates/{(await contract_template(w))['id']}")


@route("PATCH", "/api/v1/contract-templates/{template_id}", requires="admin:settings")
async def _update_template(w: World, caller: Actor, owner: Actor) -> Call:
    template = await contract_template(w)
    return Call("PATCH", f"/api/v1/contract-templates/{template['id']}", json={"active": False})


@route("DELETE", "/api/v1/contract-templates/{template_id}", requires="admin:settings")
async def _delete_template(w: World, caller: Actor, owner: Actor) -> Call:
    return Call("DELETE", f"/api/v1/contract-templates/{(await contract_template(w))['id']}")


# --- contracts ----------------------------------------------------------------------------------


@route("GET", "/api/v1/contracts", requires="contracts:read")
async def _list_contracts(w: World, caller: Actor, owner: Actor) -> Call:
    return Call("GET", "/api/v1/contracts")


@listing(
    "/api/v1/contracts",
    kind="contract",
    requires="contracts:read",
    queries=({}, {"with_total": "true"}, {"status": "draft"}, {"q": "HT-"}),
    visibility=CONTRACTS,
)
async def _seed_contracts(w: World, owner: Actor) -> None:
    await contract(w, owner)


@route(
    "POST",
    "/api/v1/contracts",
    requires="contracts:write",
    record=CUSTOMERS,  # the customer it is made for, referenced from the body
    hidden_status=422,
    hidden_field="customer_id",
    expect=_SELLERS_WRITE,
)
async def _create_contract(w: World, caller: Actor, owner: Actor) -> Call:
    customer = await w.customer(owner)
    return Call("POST", "/api/v1/contracts", json={"customer_id": customer["id"], "lines": _LINES})


@route("GET", "/api/v1/contracts/{contract_id}", requires="contracts:read", record=CONTRACTS)
async def _get_contract(w: World, caller: Actor, owner: Actor) -> Call:
    return Call("GET", f"/api/v1/contracts/{(await contract(w, owner))['id']}")


@route(
    "PATCH",
    "/api/v1/contracts/{contract_id}",
    requires="contracts:write",
    record=CONTRACTS,
    expect=_SELLERS_WRITE,
)
async def _update_contract(w: World, caller: Actor, owner: Actor) -> Call:
    made = await contract(w, owner)
    return Call("PATCH", f"/api/v1/contracts/{made['id']}", json={"title": "Renamed"})


@route(
    "POST",
    "/api/v1/contracts/{contract_id}/transition",
    requires="contracts:write",
    record=CONTRACTS,
)
async def _transition_contract(w: World, caller: Actor, owner: Actor) -> Call:
    made = await contract(w, owner)
    return Call("POST", f"/api/v1/contracts/{made['id']}/transition", json={"status": "in_review"})


@route(
    "POST", "/api/v1/contracts/{contract_id}/renew", requires="contracts:write", record=CONTRACTS
)
async def _renew_contract(w: World, caller: Actor, owner: Actor) -> Call:
    made = await contract(w, owner, status="signed")
    return Call("POST", f"/api/v1/contracts/{made['id']}/renew", json={})


@route(
    "DELETE",
    "/api/v1/contracts/{contract_id}",
    requires="contracts:delete",
    record=CONTRACTS,
    expect={"admin": ALLOWED, "manager": DENIED, "sales": DENIED, "auditor": DENIED},
)
async def _delete_contract(w: World, caller: Actor, owner: Actor) -> Call:
    return Call("DELETE", f"/api/v1/contracts/{(await contract(w, owner))['id']}")
