"""Optimistic concurrency on customers and contacts: ETag, If-Match and body version → 412."""

from __future__ import annotations

import uuid
from typing import Any

from sqlalchemy import func, select

from crm.core.audit import AuditLog
from crm.core.events import OutboxEvent
from crm.customers.models import Contact, Customer


async def _row(db: Any, model: Any, record_id: str) -> Any:
    async with db.sessionmaker() as session:
        return await session.get(model, uuid.UUID(record_id))


async def _writes(db: Any) -> tuple[int, int]:
    async with db.sessionmaker() as session:
        audits = (await session.execute(select(func.count()).select_from(AuditLog))).scalar_one()
        events = (await session.execute(select(func.count()).select_from(OutboxEvent))).scalar_one()
        return int(audits), int(events)


def _assert_412(response: Any, current: int) -> None:
    assert response.status_code == 412, response.text
    assert response.headers["content-type"].startswith("application/problem+json")
    body = response.json()
    assert body["status"] == 412
    assert body["current_version"] == current


async def test_stale_version_or_if_match_is_412_and_changes_nothing(
    admin: Any, factory: Any, db: Any
) -> None:
    customer = await factory.customer(admin, name="Acme")
    path = f"/api/v1/customers/{customer['id']}"
    r = await admin.get(path)
    assert r.headers["etag"] == '"1"'

    # Someone else updates first, with the version they read.
    r = await admin.patch(path, json={"name": "Acme Ltd", "version": 1})
    assert r.status_code == 200, r.text
    assert r.headers["etag"] == '"2"'
    assert r.json()["version"] == 2
    assert (await admin.get(path)).headers["etag"] == '"2"'

    writes = await _writes(db)
    for kwargs in (
        {"json": {"name": "Lost update", "version": 1}},
        {"json": {"name": "Lost update"}, "headers": {"If-Match": '"1"'}},
        {"json": {"name": "Lost update"}, "headers": {"If-Match": 'W/"1"'}},
        {"json": {"name": "Lost update", "version": 3}},
        # Both given: either one stale is enough.
        {"json": {"name": "Lost update", "version": 2}, "headers": {"If-Match": '"1"'}},
        {"json": {"name": "Lost update", "version": 1}, "headers": {"If-Match": '"2"'}},
    ):
        _assert_412(await admin.patch(path, **kwargs), current=2)
    row = await _row(db, Customer, customer["id"])
    assert (row.name, row.version) == ("Acme Ltd", 2)
    assert await _writes(db) == writes  # no audit entry, no event for a refused write

    # A malformed If-Match is a 400, not a silent pass.
    r = await admin.patch(path, json={"name": "Lost update"}, headers={"If-Match": "latest"})
    assert r.status_code == 400, r.text
    assert (await _row(db, Customer, customer["id"])).name == "Acme Ltd"

    # The current version (header, weak tag, or body) goes through; "*" matches any version.
    r = await admin.patch(path, json={"name": "Acme Group"}, headers={"If-Match": '"2"'})
    assert r.status_code == 200, r.text
    assert r.headers["etag"] == '"3"'
    r = await admin.patch(path, json={"city": "Suzhou"}, headers={"If-Match": 'W/"3"'})
    assert r.status_code == 200, r.text
    r = await admin.patch(path, json={"industry": "Retail", "version": 4})
    assert r.status_code == 200, r.text
    r = await admin.patch(path, json={"source": "fair"}, headers={"If-Match": "*"})
    assert r.status_code == 200, r.text
    row = await _row(db, Customer, customer["id"])
    assert (row.name, row.city, row.industry, row.source, row.version) == (
        "Acme Group",
        "Suzhou",
        "Retail",
        "fair",
        6,
    )


async def test_contacts_are_versioned_too(admin: Any, factory: Any, db: Any) -> None:
    customer = await factory.customer(admin)
    r = await admin.post("/api/v1/contacts", json={"customer_id": customer["id"], "name": "Li"})
    contact = r.json()
    path = f"/api/v1/contacts/{contact['id']}"
    r = await admin.patch(path, json={"title": "Buyer"}, headers={"If-Match": '"1"'})
    assert r.status_code == 200, r.text
    assert r.headers["etag"] == '"2"'
    _assert_412(await admin.patch(path, json={"title": "Owner", "version": 1}), current=2)
    _assert_412(
        await admin.patch(path, json={"title": "Owner"}, headers={"If-Match": '"1"'}), current=2
    )
    row = await _row(db, Contact, contact["id"])
    assert (row.title, row.version) == ("Buyer", 2)
