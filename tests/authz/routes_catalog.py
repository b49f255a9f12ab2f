"""Matrix declarations of the catalogue routes: products, price books, entries and the price
lookup. The catalogue is not scoped: products:read reads all of it, products:write writes."""

from __future__ import annotations

import uuid
from typing import Any

from authz.harness import ALLOWED, DENIED, Call, route
from authz.world import Actor, World

_WRITERS = {
    "admin": ALLOWED,
    "manager": DENIED,
    "sales": DENIED,
    "service": DENIED,
    "marketing": DENIED,
    "auditor": DENIED,
}
_READERS = {"sales": ALLOWED, "manager": ALLOWED, "service": DENIED, "marketing": DENIED}


async def product(w: World) -> dict[str, Any]:
    r = await w.admin.post(
        "/api/v1/products", json={"sku": f"M-{uuid.uuid4().hex[:10]}", "name": "Matrix product"}
    )
    assert r.status_code == 201, r.text
    return dict(r.json())


async def price_book(w: World, **fields: Any) -> dict[str, Any]:
    """A book of its own customer group, so books made for different calls never overlap."""
    body = {
        "name": "Matrix book",
        "currency": "CNY",
        "customer_group": f"m-{uuid.uuid4().hex[:10]}",
        "effective_from": "2020-01-01",
        **fields,
    }
    r = await w.admin.post("/api/v1/price-books", json=body)
    assert r.status_code == 201, r.text
    return dict(r.json())


async def priced_product(w: World) -> tuple[dict[str, Any], dict[str, Any]]:
    book, item = await price_book(w), await product(w)
    r = await w.admin.request(
        "PUT",
        f"/api/v1/price-books/{book['id']}/entries/{item['id']}",
        json={"unit_price": "10.00"},
    )
    assert r.status_code == 200, r.text
    return book, item


@route("GET", "/api/v1/products", requires="products:read", expect=_READERS)
async def _list_products(w: World, caller: Actor, owner: Actor) -> Call:
    return Call("GET", "/api/v1/products")


@route("POST", "/api/v1/products", requires="products:write", expect=_WRITERS)
async def _create_product(w: World, caller: Actor, owner: Actor) -> Call:
    return Call(
        "POST", "/api/v1/products", json={"sku": f"C-{uuid.uuid4().hex[:10]}", "name": "New"}
    )


@route("GET", "/api/v1/products/{product_id}", requires="products:read")
async def _get_product(w: World, caller: Actor, owner: Actor) -> Call:
    return Call("GET", f"/api/v1/products/{(await product(w))['id']}")


@route("PATCH", "/api/v1/products/{product_id}", requires="products:write", expect=_WRITERS)
async def _update_product(w: World, caller: Actor, owner: Actor) -> Call:
    return Call("PATCH", f"/api/v1/products/{(await product(w))['id']}", json={"name": "Renamed"})


@route("GET", "/api/v1/price-books", requires="products:read")
async def _list_books(w: World, caller: Actor, owner: Actor) -> Call:
    return Call("GET", "/api/v1/price-books", params={"currency": "CNY"})


@route("POST", "/api/v1/price-books", requires="products:write", expect=_WRITERS)
async def _create_book(w: World, caller: Actor, owner: Actor) -> Call:
    return Call(
        "POST",
        "/api/v1/price-books",
        json={
            "name": "New book",
            "currency": "CNY",
            "customer_group": f"n-{uuid.uuid4().hex[:10]}",
            "effective_from": "2021-01-01",
        },
    )


@route("GET", "/api/v1/price-books/{price_book_id}", requires="products:read")
async def _get_book(w: World, caller: Actor, owner: Actor) -> Call:
    return Call("GET", f"/api/v1/price-books/{(await price_book(w))['id']}")


@route("PATCH", "/api/v1/price-books/{price_book_id}", requires="products:write")
async def _update_book(w: World, caller: Actor, owner: Actor) -> Call:
    return Call(
        "PATCH", f"/api/v1/price-books/{(await price_book(w))['id']}", json={"name": "Renamed"}
    )


@route("GET", "/api/v1/price-books/{price_book_id}/entries", requires="products:read")
async def _list_entries(w: World, caller: Actor, owner: Actor) -> Call:
    book, _ = await priced_product(w)
    return Call("GET", f"/api/v1/price-books/{book['id']}/entries")


@route(
    "PUT",
    "/api/v1/price-books/{price_book_id}/entries/{product_id}",
    requires="products:write",
    expect=_WRITERS,
)
async def _set_entry(w: World, caller: Actor, owner: Actor) -> Call:
    book, item = await price_book(w), await product(w)
    return Call(
        "PUT",
        f"/api/v1/price-books/{book['id']}/entries/{item['id']}",
        json={"unit_price": "12.34"},
    )


@route(
    "DELETE", "/api/v1/price-books/{price_book_id}/entries/{product_id}", requires="products:write"
)
async def _delete_entry(w: World, caller: Actor, owner: Actor) -> Call:
    book, item = await priced_product(w)
    return Call("DELETE", f"/api/v1/price-books/{book['id']}/entries/{item['id']}")


@route("GET", "/api/v1/price-lookup", requires="products:read", expect=_READERS)
async def _lookup(w: World, caller: Actor, owner: Actor) -> Call:
    book, item = await priced_product(w)
    return Call(
        "GET",
        "/api/v1/price-lookup",
        params={
            "product_id": item["id"],
            "currency": "CNY",
            "customer_group": book["customer_group"],
        },
    )
