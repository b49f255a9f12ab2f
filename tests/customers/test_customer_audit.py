"""Every customer and contact write leaves an audit entry (actor, before → after) and an
outbox event, written in the same transaction as the change."""

from __future__ import annotations

import uuid
from typing import Any

from sqlalchemy import select

from crm.core.audit import AuditLog
from crm.core.events import OutboxEvent


async def _events(db: Any, object_id: str) -> list[OutboxEvent]:
    async with db.sessionmaker() as session:
        stmt = (
            select(OutboxEvent)
            .where(OutboxEvent.object_id == uuid.UUID(object_id))
            .order_by(OutboxEvent.id)
        )
        return list((await session.execute(stmt)).scalars())


async def _audits(db: Any, object_id: str) -> list[AuditLog]:
    async with db.sessionmaker() as session:
        stmt = select(AuditLog).where(AuditLog.object_id == uuid.UUID(object_id))
        return list((await session.execute(stmt.order_by(AuditLog.id))).scalars())


async def test_create_update_delete_are_audited_with_diff_and_actor(
    db: Any, factory: Any, sales_team: dict[str, Any]
) -> None:
    a, manager, auditor = sales_team["sales_a"], sales_team["manager"], sales_team["auditor"]
    admin = factory.admin
    r = await a.post(
        "/api/v1/customers",
        json={"name": "Audited Co", "phone": "138 0013 8000"},
        headers={"X-Request-ID": "req-create"},
    )
    assert r.status_code == 201
    customer = r.json()
    path = f"/api/v1/customers/{customer['id']}"
    r = await a.patch(
        path, json={"name": "Audited Group", "city": "杭州"}, headers={"X-Request-ID": "req-update"}
    )
    assert r.status_code == 200
    assert (await manager.delete(path, headers={"X-Request-ID": "req-delete"})).status_code == 204

    for reader in (admin, auditor):
        r = await reader.get("/api/v1/audit-logs", params={"object_id": customer["id"]})
        assert r.status_code == 200, r.text
        entries = r.json()["items"]  # newest first
        assert [e["action"] for e in entries] == ["delete", "update", "create"]
    delete, update, create = entries
    assert all(e["object_type"] == "customer" and e["actor_type"] == "user" for e in entries)
    assert [e["actor_id"] for e in entries] == [manager.user_id, a.user_id, a.user_id]
    assert [e["request_id"] for e in entries] == ["req-delete", "req-update", "req-create"]
    assert all(e["ip"] == "127.0.0.1" for e in entries)

    created = create["changes"]["diff"]
    assert created["name"] == [None, "Audited Co"]
    assert created["phone"] == [None, "138 0013 8000"]
    assert created["phone_e164"] == [None, "+8613800138000"]
    assert created["owner_id"] == [None, a.user_id]
    assert created["id"] == [None, customer["id"]]
    # Only what changed, from → to; bookkeeping columns are left out.
    assert update["changes"]["diff"] == {
        "name": ["Audited Co", "Audited Group"],
        "city": [None, "杭州"],
    }
    assert list(delete["changes"]["diff"]) == ["deleted_at"]
    assert delete["changes"]["diff"]["deleted_at"][0] is None
    assert delete["changes"]["diff"]["deleted_at"][1] is not None

    # Filters.
    r = await admin.get(
        "/api/v1/audit-logs", params={"object_type": "customer", "action": "update"}
    )
    assert [e["id"] for e in r.json()["items"]] == [update["id"]]
    r = await admin.get(
        "/api/v1/audit-logs", params={"actor_id": manager.user_id, "object_type": "customer"}
    )
    assert [e["id"] for e in r.json()["items"]] == [delete["id"]]
    # Only administrators and auditors read the audit log.
    for label in ("manager", "sales_a", "service", "marketing"):
        r = await sales_team[label].get("/api/v1/audit-logs")
        assert r.status_code == 403, label


async def test_each_write_writes_an_outbox_event_in_the_same_transaction(
    db: Any, factory: Any, sales_team: dict[str, Any]
) -> None:
    a, manager = sales_team["sales_a"], sales_team["manager"]
    customer = await factory.customer(a, name="Evented")
    path = f"/api/v1/customers/{customer['id']}"
    assert (await a.patch(path, json={"industry": "Retail"})).status_code == 200
    contact = (
        await a.post("/api/v1/contacts", json={"customer_id": customer["id"], "name": "Li"})
    ).json()
    assert (await a.patch(f"/api/v1/contacts/{contact['id']}", json={"title": "CEO"})).status_code
    assert (await a.delete(f"/api/v1/contacts/{contact['id']}")).status_code == 204
    assert (await manager.delete(path)).status_code == 204
    restore = f"/api/v1/recycle-bin/customer/{customer['id']}/restore"
    assert (await manager.post(restore)).status_code == 200

    events = await _events(db, customer["id"])
    assert [e.event_type for e in events] == [
        "customer.created",
        "customer.updated",
        "customer.deleted",
        "customer.restored",
    ]
    assert events[0].payload == {"owner_id": a.user_id}
    assert events[1].payload == {"changed": ["industry"]}
    assert [str(e.actor_id) for e in events] == [
        a.user_id,
        a.user_id,
        manager.user_id,
        manager.user_id,
    ]
    assert all(e.processed_at is None and e.object_type == "customer" for e in events)
    contact_events = await _events(db, contact["id"])
    assert [e.event_type for e in contact_events] == [
        "contact.created",
        "contact.updated",
        "contact.deleted",
    ]
    assert contact_events[0].payload == {"customer_id": customer["id"]}

    # Each event shares its request (and so its transaction) with the audit entry of the change.
    audits = await _audits(db, customer["id"])
    assert [x.action for x in audits] == ["create", "update", "delete", "restore"]
    assert [x.request_id for x in audits] == [e.request_id for e in events]
    assert len({e.request_id for e in events}) == 4


async def test_a_refused_write_leaves_neither_audit_entry_nor_event(
    db: Any, factory: Any, sales_team: dict[str, Any]
) -> None:
    """The owner check runs after the change is flushed: its rollback must take the audit entry
    and the event with it."""
    a, b = sales_team["sales_a"], sales_team["sales_b"]
    customer = await factory.customer(a, name="Atomic")
    path = f"/api/v1/customers/{customer['id']}"
    audits, events = await _audits(db, customer["id"]), await _events(db, customer["id"])
    r = await a.patch(path, json={"owner_id": b.user_id, "name": "Stolen"})
    assert r.status_code == 422
    r = await a.patch(path, json={"name": "Stale", "version": 7})
    assert r.status_code == 412
    r = await a.post(
        "/api/v1/customers",
        json={"name": "Not mine", "owner_id": b.user_id},
        headers={"X-Request-ID": "req-refused"},
    )
    assert r.status_code == 422
    assert [x.id for x in await _audits(db, customer["id"])] == [x.id for x in audits]
    assert [e.id for e in await _events(db, customer["id"])] == [e.id for e in events]
    async with db.sessionmaker() as session:
        stray = await session.execute(
            select(OutboxEvent.id).where(OutboxEvent.request_id == "req-refused")
        )
        assert stray.first() is None
        stray = await session.execute(
            select(AuditLog.id).where(AuditLog.request_id == "req-refused")
        )
        assert stray.first() is None
    assert (await a.get(path)).json()["name"] == "Atomic"
