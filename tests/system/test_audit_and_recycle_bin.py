"""The audit log (who did what, before → after) and the recycle bin (scoped, restorable)."""

from __future__ import annotations

import uuid
from typing import Any

from crm.core.audit import AuditLog
from crm.core.recycle import DeletedRecord
from crm.customers.models import Customer
from platform_helpers import assert_problem, count, rows


async def test_audit_log_records_before_and_after(admin: Any, factory: Any) -> None:
    dept = await factory.department("Old name")
    await admin.patch(f"/api/v1/departments/{dept['id']}", json={"name": "New name"})
    await admin.delete(f"/api/v1/departments/{dept['id']}")

    r = await admin.get("/api/v1/audit-logs", params={"object_id": dept["id"]})
    assert r.status_code == 200
    entries = r.json()["items"]
    assert [e["action"] for e in entries] == ["delete", "update", "create"]  # newest first
    update_entry = entries[1]
    assert update_entry["changes"]["diff"] == {"name": ["Old name", "New name"]}  # no version noise
    assert entries[0]["changes"]["diff"]["deleted_at"][0] is None
    assert all(e["actor_id"] == admin.user_id and e["object_type"] == "department" for e in entries)

    only_updates = await admin.get(
        "/api/v1/audit-logs", params={"action": "update", "object_type": "department"}
    )
    assert [e["id"] for e in only_updates.json()["items"]] == [update_entry["id"]]
    by_actor = await admin.get("/api/v1/audit-logs", params={"actor_id": admin.user_id, "limit": 2})
    assert len(by_actor.json()["items"]) == 2 and by_actor.json()["next_cursor"]


async def test_user_audit_entries_never_hold_password_hashes(
    admin: Any, factory: Any, db: Any
) -> None:
    user = await factory.user("sales")
    await admin.patch(f"/api/v1/users/{user.user_id}", json={"password": "another-password-1"})
    entries = await rows(db, AuditLog, AuditLog.object_id == uuid.UUID(user.user_id))
    assert [e.action for e in sorted(entries, key=lambda e: e.at)] == ["create", "update"]
    for entry in entries:
        assert "password_hash" not in str(entry.changes)
        assert "$argon2" not in str(entry.changes)


async def test_only_auditors_and_admins_read_the_audit_log(factory: Any, anon: Any) -> None:
    auditor = await factory.user("auditor")
    assert (await auditor.get("/api/v1/audit-logs")).status_code == 200
    for role in ("sales", "manager", "service", "marketing"):
        api = await factory.user(role)
        assert_problem(await api.get("/api/v1/audit-logs"), 403)
    assert_problem(await anon.get("/api/v1/audit-logs"), 401)


async def test_recycle_bin_restore_and_purge(admin: Any, factory: Any, db: Any) -> None:
    dept = await factory.department("Bin")
    manager = await factory.user("manager", department_id=dept["id"])
    seller = await factory.user("sales", department_id=dept["id"], manager_id=manager.user_id)
    outsider = await factory.user("manager")
    customer = await factory.customer(seller, name="Binned Co")
    assert (await manager.delete(f"/api/v1/customers/{customer['id']}")).status_code == 204
    assert_problem(await seller.get(f"/api/v1/customers/{customer['id']}"), 404)

    # The bin is scoped like the record was.
    listed = (await manager.get("/api/v1/recycle-bin")).json()["items"]
    assert [(e["object_type"], e["object_id"], e["title"]) for e in listed] == [
        ("customer", customer["id"], "Binned Co")
    ]
    assert listed[0]["deleted_by"] == manager.user_id
    assert (await outsider.get("/api/v1/recycle-bin")).json()["items"] == []
    r = await outsider.post(f"/api/v1/recycle-bin/customer/{customer['id']}/restore")
    assert_problem(r, 404)
    # Seeing it is not enough to restore it: the seller lacks customers:delete.
    assert [e["object_id"] for e in (await seller.get("/api/v1/recycle-bin")).json()["items"]] == [
        customer["id"]
    ]
    assert_problem(await seller.post(f"/api/v1/recycle-bin/customer/{customer['id']}/restore"), 403)
    assert_problem(await manager.post(f"/api/v1/recycle-bin/widget/{customer['id']}/restore"), 404)

    r = await manager.post(f"/api/v1/recycle-bin/customer/{customer['id']}/restore")
    assert r.status_code == 200, r.text
    assert (await seller.get(f"/api/v1/customers/{customer['id']}")).json()["name"] == "Binned Co"
    assert (await manager.get("/api/v1/recycle-bin")).json()["items"] == []

    # Purging is for administrators, and it is final.
    await manager.delete(f"/api/v1/customers/{customer['id']}")
    assert_problem(await manager.delete(f"/api/v1/recycle-bin/customer/{customer['id']}"), 403)
    assert (await admin.delete(f"/api/v1/recycle-bin/customer/{customer['id']}")).status_code == 204
    assert await count(db, Customer, Customer.id == uuid.UUID(customer["id"])) == 0
    assert await count(db, DeletedRecord) == 0
    [purge] = await rows(db, AuditLog, AuditLog.action == "purge")
    assert purge.object_id == uuid.UUID(customer["id"]) and purge.changes["title"] == "Binned Co"
    assert_problem(await admin.delete(f"/api/v1/recycle-bin/customer/{customer['id']}"), 404)
