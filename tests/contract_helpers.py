"""Helpers shared by the contract and order tests: templates, deals (made in the database, as
the sales domain would), won-deal events, contracts and orders through the API."""

from __future__ import annotations

import uuid
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from sqlalchemy import select

from crm.core import context, events
from crm.sales import service as sales_service
from crm.sales.models import Deal, Stage


async def template(api: Any, **fields: Any) -> dict[str, Any]:
    body = {
        "name": f"Template {uuid.uuid4().hex[:6]}",
        "body": "Contract {{ contract.number }} with {{ customer.name }}: "
        "{{ contract.total }} {{ contract.currency }}",
        **fields,
    }
    r = await api.post("/api/v1/contract-templates", json=body)
    assert r.status_code == 201, r.text
    return dict(r.json())


async def deal(
    db: Any,
    customer: dict[str, Any],
    *,
    amount: str = "1000.00",
    product_line: str | None = None,
    currency: str = "CNY",
    name: str = "Big deal",
) -> Deal:
    """A deal of the customer's owner, made as the sales domain makes one."""
    async with db.sessionmaker() as session:
        made = await sales_service.open_deal(
            session,
            name=name,
            customer_id=uuid.UUID(customer["id"]),
            owner_id=uuid.UUID(customer["owner_id"]),
            department_id=uuid.UUID(customer["department_id"])
            if customer["department_id"]
            else None,
            actor_id=None,
            amount=Decimal(amount),
            currency=currency,
            product_line=product_line,
        )
        await session.commit()
        return made


async def emit(db: Any, event_type: str, deal_id: uuid.UUID, **payload: Any) -> None:
    """An event about a deal, as the sales domain emits it, committed (not yet delivered)."""
    context.set_actor(None, "system")
    async with db.sessionmaker() as session:
        events.emit(session, event_type, object_type="deal", object_id=deal_id, payload=payload)
        await session.commit()


async def win(db: Any, deal_id: uuid.UUID) -> None:
    """Move the deal to the won stage and emit ``deal.won`` (delivered by a later drain)."""
    async with db.sessionmaker() as session:
        found = await session.get(Deal, deal_id)
        assert found is not None
        won = await session.scalar(
            select(Stage).where(Stage.pipeline_id == found.pipeline_id, Stage.kind == "won")
        )
        assert won is not None
        found.stage_id, found.status = won.id, "won"
        await session.commit()
    await emit(db, "deal.won", deal_id)


async def stage(db: Any, key: str) -> Stage:
    async with db.sessionmaker() as session:
        found = await session.scalar(select(Stage).where(Stage.key == key))
        assert found is not None
        return found


async def drain(db: Any) -> None:
    await events.drain(db.sessionmaker)


def lines(*specs: tuple[str, str, str] | tuple[str, str, str, str]) -> list[dict[str, Any]]:
    """(description, quantity, unit_price[, discount_percent]) -> request lines."""
    out = []
    for spec in specs:
        line = {"description": spec[0], "quantity": spec[1], "unit_price": spec[2]}
        if len(spec) == 4:
            line["discount_percent"] = spec[3]
        out.append(line)
    return out


async def contract(api: Any, customer_id: str, **fields: Any) -> dict[str, Any]:
    today = date.today()
    body = {
        "customer_id": customer_id,
        "start_date": today.isoformat(),
        "end_date": (today + timedelta(days=365)).isoformat(),
        "lines": lines(("Licence", "2", "500.00")),
        **fields,
    }
    r = await api.post("/api/v1/contracts", json=body)
    assert r.status_code == 201, r.text
    return dict(r.json())


async def move(api: Any, contract_id: str, status: str) -> dict[str, Any]:
    r = await api.post(f"/api/v1/contracts/{contract_id}/transition", json={"status": status})
    assert r.status_code == 200, r.text
    return dict(r.json())


async def signed_contract(
    api: Any, customer_id: str, *, signer: Any, **fields: Any
) -> dict[str, Any]:
    """A contract ``api`` drafts and submits and ``signer`` signs (signing needs
    contracts:sign, which salespeople do not have: their manager signs)."""
    made = await contract(api, customer_id, **fields)
    await move(api, made["id"], "in_review")
    return await move(signer, made["id"], "signed")


async def order(api: Any, customer_id: str, **fields: Any) -> dict[str, Any]:
    body = {"customer_id": customer_id, "lines": lines(("Widget", "3", "100.00")), **fields}
    r = await api.post("/api/v1/orders", json=body)
    assert r.status_code == 201, r.text
    return dict(r.json())


async def plan(api: Any, order_id: str) -> dict[str, Any]:
    r = await api.get(f"/api/v1/orders/{order_id}/payment-plan")
    assert r.status_code == 200, r.text
    return dict(r.json())


async def pay(api: Any, order_id: str, instalment_id: str, amount: str) -> Any:
    return await api.post(
        f"/api/v1/orders/{order_id}/payments",
        json={"instalment_id": instalment_id, "amount": amount, "method": "bank"},
    )
