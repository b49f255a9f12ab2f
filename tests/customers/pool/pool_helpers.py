"""Shared steps of the customer pool tests: policies, ageing customers, sweeping, releasing."""

from __future__ import annotations

import uuid
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import update

from conftest import Api
from crm.core.db import utcnow
from crm.customers.models import Customer
from crm.customers.pool import sweep
from crm.customers.pool.schemas import SweepResult


async def policy(admin: Api, **fields: Any) -> dict[str, Any]:
    r = await admin.post("/api/v1/customer-pool/policies", json=fields)
    assert r.status_code == 201, r.text
    return dict(r.json())


async def caps(admin: Api, body: dict[str, Any]) -> dict[str, Any]:
    r = await admin.request("PUT", "/api/v1/customer-pool/caps", json=body)
    assert r.status_code == 200, r.text
    return dict(r.json())


async def age(db: Any, customer_id: str, *, assigned_days_ago: float) -> None:
    """Pretend the customer's owner got it that many days ago."""
    async with db.sessionmaker() as session:
        await session.execute(
            update(Customer)
            .where(Customer.id == uuid.UUID(customer_id))
            .values(owner_assigned_at=utcnow() - timedelta(days=assigned_days_ago))
        )
        await session.commit()


async def activity(api: Api, customer_id: str, *, days_ago: float) -> dict[str, Any]:
    occurred = (utcnow() - timedelta(days=days_ago)).isoformat()
    r = await api.post(
        "/api/v1/activities",
        json={
            "customer_id": customer_id,
            "kind": "call",
            "subject": "Call",
            "occurred_at": occurred,
        },
    )
    assert r.status_code == 201, r.text
    return dict(r.json())


async def run_sweep(db: Any, now: datetime | None = None) -> SweepResult:
    return await sweep.run(db.sessionmaker, now=now or utcnow())


async def stored(db: Any, customer_id: str) -> Customer:
    async with db.sessionmaker() as session:
        customer = await session.get(Customer, uuid.UUID(customer_id))
        assert customer is not None
        return customer


async def release(api: Api, customer_id: str, reason: str | None = None) -> dict[str, Any]:
    body = {"reason": reason} if reason else None
    r = await api.post(f"/api/v1/customers/{customer_id}/release-to-pool", json=body)
    assert r.status_code == 200, r.text
    return dict(r.json())


async def pool_ids(api: Api, **params: Any) -> set[str]:
    r = await api.get("/api/v1/customer-pool", params={"limit": 200, **params})
    assert r.status_code == 200, r.text
    return {item["id"] for item in r.json()["items"]}
