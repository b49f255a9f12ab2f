"""Matrix declarations of the quote routes. A quote is visible exactly when its deal is (the
deals data scope of the deal's owner); a quote on an invisible deal cannot be created (422
naming deal_id)."""

from __future__ import annotations

from typing import Any

from authz.harness import ALLOWED, DENIED, Call, listing, owner_scope, route
from authz.routes_catalog import priced_product
from authz.world import Actor, World
from quote_helpers import make_deal

DEALS = owner_scope("deals")
_WRITERS = {
    "admin": ALLOWED,
    "manager": ALLOWED,
    "sales": ALLOWED,
    "service": DENIED,
    "marketing": DENIED,
    "auditor": DENIED,
}


async def _product_id(w: World) -> str:
    """One product priced in a CNY book for every quote of the run (a book per customer group:
    the quotes' customers have none, so the product needs a general book)."""
    if "quote_product" not in w._cache:
        _, item = await priced_product(w)
        r = await w.admin.post(
            "/api/v1/price-books",
            json={"name": "Matrix general", "currency": "CNY", "effective_from": "2020-01-01"},
        )
        assert r.status_code == 201, r.text
        r = await w.admin.request(
            "PUT",
            f"/api/v1/price-books/{r.json()['id']}/entries/{item['id']}",
            json={"unit_price": "10.00"},
        )
        assert r.status_code == 200, r.text
        w._cache["quote_product"] = item["id"]
    return str(w._cache["quote_product"])


async def deal(w: World, owner: Actor) -> str:
    customer = await w.customer(owner)
    deal_id = await make_deal(w.db, owner, customer["id"])
    # Known to the world, so the deal listings (checked in the same world) expect it.
    w.remember("deal", deal_id, owner)
    return deal_id


async def quote(w: World, owner: Actor, *, submitted: bool = False) -> dict[str, Any]:
    """A quote (as the administrator) on a deal ``owner`` owns; ``submitted``: approved."""
    body = {
        "deal_id": await deal(w, owner),
        "lines": [{"product_id": await _product_id(w), "quantity": "2"}],
    }
    r = await w.admin.post("/api/v1/quotes", json=body)
    assert r.status_code == 201, r.text
    created = dict(r.json())
    w.remember("quote", created["id"], owner)
    if submitted:
        r = await w.admin.post(f"/api/v1/quotes/{created['id']}/submit")
        assert r.status_code == 200 and r.json()["status"] == "approved", r.text
    return created


@route("GET", "/api/v1/quotes", requires="quotes:read")
async def _list(w: World, caller: Actor, owner: Actor) -> Call:
    return Call("GET", "/api/v1/quotes")


@route(
    "POST",
    "/api/v1/quotes",
    requires="quotes:write",
    record=DEALS,
    hidden_status=422,
    hidden_field="deal_id",
    expect=_WRITERS,
)
async def _create(w: World, caller: Actor, owner: Actor) -> Call:
    body = {
        "deal_id": await deal(w, owner),
        "lines": [{"product_id": await _product_id(w), "quantity": "1"}],
    }
    return Call("POST", "/api/v1/quotes", json=body)


@route("GET", "/api/v1/quotes/{quote_id}", requires="quotes:read", record=DEALS)
async def _get(w: World, caller: Actor, owner: Actor) -> Call:
    return Call("GET", f"/api/v1/quotes/{(await quote(w, owner))['id']}")


@route("PATCH", "/api/v1/quotes/{quote_id}", requires="quotes:write", record=DEALS, expect=_WRITERS)
async def _update(w: World, caller: Actor, owner: Actor) -> Call:
    return Call(
        "PATCH", f"/api/v1/quotes/{(await quote(w, owner))['id']}", json={"notes": "Updated"}
    )


@route("GET", "/api/v1/quotes/{quote_id}/revisions", requires="quotes:read", record=DEALS)
async def _revisions(w: World, caller: Actor, owner: Actor) -> Call:
    return Call("GET", f"/api/v1/quotes/{(await quote(w, owner))['id']}/revisions")


@route("POST", "/api/v1/quotes/{quote_id}/submit", requires="quotes:write", record=DEALS)
async def _submit(w: World, caller: Actor, owner: Actor) -> Call:
    return Call("POST", f"/api/v1/quotes/{(await quote(w, owner))['id']}/submit")


@route("POST", "/api/v1/quotes/{quote_id}/send", requires="quotes:write", record=DEALS)
async def _send(w: World, caller: Actor, owner: Actor) -> Call:
    return Call("POST", f"/api/v1/quotes/{(await quote(w, owner, submitted=True))['id']}/send")


@route("POST", "/api/v1/quotes/{quote_id}/accept", requires="quotes:write", record=DEALS)
async def _accept(w: World, caller: Actor, owner: Actor) -> Call:
    created = await quote(w, owner, submitted=True)
    return Call("POST", f"/api/v1/quotes/{created['id']}/accept")


@route("GET", "/api/v1/quotes/{quote_id}/render", requires="quotes:read", record=DEALS)
async def _render(w: World, caller: Actor, owner: Actor) -> Call:
    created = await quote(w, owner)
    return Call("GET", f"/api/v1/quotes/{created['id']}/render", params={"format": "html"})


@listing(
    "/api/v1/quotes",
    kind="quote",
    requires="quotes:read",
    queries=({}, {"with_total": "true"}, {"status": "draft"}, {"sort": "number"}),
    visibility=DEALS,
)
async def _seed_quotes(w: World, owner: Actor) -> None:
    await quote(w, owner)
