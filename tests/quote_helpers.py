"""Helpers of the catalog, approval and quote tests: deals (no deal route exists yet, so they
are opened with the sales service on the real database), a catalogue with a price book, and
quotes created over HTTP."""

from __future__ import annotations

import uuid
from decimal import Decimal
from typing import Any

from crm.identity.models import User
from crm.sales import service as sales_service


async def make_deal(
    db: Any, owner: Any, customer_id: str, *, currency: str = "CNY", name: str = "Deal"
) -> str:
    """A deal owned by ``owner`` (an Api or authz Actor) on the customer."""
    async with db.sessionmaker() as session:
        user = await session.get(User, uuid.UUID(owner.user_id))
        assert user is not None
        deal = await sales_service.open_deal(
            session,
            name=name,
            customer_id=uuid.UUID(customer_id),
            owner_id=user.id,
            department_id=user.department_id,
            actor_id=user.id,
            currency=currency,
        )
        await session.commit()
        return str(deal.id)


async def product(admin: Any, **fields: Any) -> dict[str, Any]:
    body = {"sku": f"SKU-{uuid.uuid4().hex[:8]}", "name": "Widget", **fields}
    r = await admin.post("/api/v1/products", json=body)
    assert r.status_code == 201, r.text
    return dict(r.json())


async def price_book(admin: Any, **fields: Any) -> dict[str, Any]:
    body = {
        "name": f"Book {uuid.uuid4().hex[:6]}",
        "currency": "CNY",
        "effective_from": "2020-01-01",
        **fields,
    }
    r = await admin.post("/api/v1/price-books", json=body)
    assert r.status_code == 201, r.text
    return dict(r.json())


async def set_price(admin: Any, book_id: str, product_id: str, price: str | Decimal) -> None:
    r = await admin.request(
        "PUT",
        f"/api/v1/price-books/{book_id}/entries/{product_id}",
        json={"unit_price": str(price)},
    )
    assert r.status_code == 200, r.text


async def catalogue(admin: Any, prices: dict[str, str], **book: Any) -> dict[str, Any]:
    """Products named by ``prices``' keys, priced in one general CNY book."""
    book_row = await price_book(admin, **book)
    products = {}
    for name, price in prices.items():
        item = await product(admin, name=name)
        await set_price(admin, book_row["id"], item["id"], price)
        products[name] = item["id"]
    return {"book": book_row, "products": products}


async def quote(
    api: Any, deal_id: str, lines: list[dict[str, Any]], **fields: Any
) -> dict[str, Any]:
    r = await api.post("/api/v1/quotes", json={"deal_id": deal_id, "lines": lines, **fields})
    assert r.status_code == 201, r.text
    return dict(r.json())
