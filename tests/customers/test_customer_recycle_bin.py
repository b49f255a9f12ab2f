"""Deleting customers and contacts: soft delete, the scoped recycle bin, restore and purge."""

from __future__ import annotations

import uuid
from typing import Any

from sqlalchemy import func, select

from crm.core.audit import AuditLog
from crm.core.recycle import DeletedRecord
from crm.customers.models import Contact, Customer


async def _get(db: Any, model: Any, record_id: str) -> Any:
    async with db.sessionmaker() as session:
        return await session.get(model, uuid.UUID(record_id))


async def _bin_rows(db: Any, object_id: str) -> list[DeletedRecord]:
    async with db.sessionmaker() as session:
        stmt = select(DeletedRecord).where(DeletedRecord.object_id == uuid.UUID(object_id))
        return list((await session.execute(stmt)).scalars())


async def _bin_ids(api: Any) -> set[str]:
    r = await api.get("/api/v1/recycle-bin", params={"limit": 200})
    assert r.status_code == 200, r.text
    return {entry["object_id"] for entry in r.json()["items"]}


async def _with_contacts(api: Any, factory: Any, name: str) -> tuple[dict[str, Any], list[str]]:
    customer = await factory.customer(api, name=name)
    contacts = []
    for person in ("Li Lei", "Han Meimei"):
        r = await api.post("/api/v1/contacts", json={"customer_id": customer["id"], "name": person})
        assert r.status_code == 201, r.text
        contacts.append(r.json()["id"])
    return customer, contacts


async def test_delete_is_soft_and_the_bin_is_scoped_like_the_record(
    db: Any, factory: Any, sales_team: dict[str, Any]
) -> None:
    t = sales_team
    a, manager, admin = t["sales_a"], t["manager"], factory.admin
    customer, contacts = await _with_contacts(a, factory, "Doomed Trading")
    path = f"/api/v1/customers/{customer['id']}"

    # A salesperson may not delete customers at all.
    r = await a.delete(path)
    assert r.status_code == 403
    assert (await _get(db, Customer, customer["id"])).deleted_at is None

    assert (await manager.delete(path)).status_code == 204

    # Gone from every read path...
    for api in (a, manager, admin):
        assert (await api.get(path)).status_code == 404
        assert (await api.patch(path, json={"name": "Zombie"})).status_code == 404
        assert (await api.get(f"{path}/contacts")).status_code == 404
        listed = await api.get("/api/v1/customers", params={"q": "Doomed"})
        assert listed.json()["items"] == []
        # ...and its contacts vanish with it.
        for contact_id in contacts:
            assert (await api.get(f"/api/v1/contacts/{contact_id}")).status_code == 404
        assert (await api.get("/api/v1/contacts")).json()["items"] == []
    assert (await manager.delete(path)).status_code == 404
    r = await admin.post("/api/v1/contacts", json={"customer_id": customer["id"], "name": "New"})
    assert r.status_code == 422

    # ...but still stored, stamped, with a bin entry carrying its owner and department.
    row = await _get(db, Customer, customer["id"])
    assert row is not None and row.deleted_at is not None and row.name == "Doomed Trading"
    for contact_id in contacts:
        assert (await _get(db, Contact, contact_id)).deleted_at is None  # hidden via the parent
    [entry] = await _bin_rows(db, customer["id"])
    assert (entry.object_type, entry.title) == ("customer", "Doomed Trading")
    assert str(entry.owner_id) == a.user_id
    assert str(entry.department_id) == t["department"]["id"]
    assert str(entry.deleted_by) == manager.user_id

    # The bin shows it to whoever could see the customer: not to the colleague or outsider.
    for label in ("sales_a", "manager", "service", "marketing", "auditor"):
        assert customer["id"] in await _bin_ids(t[label]), label
    assert customer["id"] in await _bin_ids(admin)
    for label in ("sales_b", "outsider"):
        assert customer["id"] not in await _bin_ids(t[label]), label
    r = await a.get("/api/v1/recycle-bin", params={"object_type": "customer", "q": "doomed"})
    [listed_entry] = r.json()["items"]
    assert listed_entry["object_id"] == customer["id"]
    assert listed_entry["deleted_by"] == manager.user_id
    assert (await a.get("/api/v1/recycle-bin", params={"object_type": "contact"})).json()[
        "items"
    ] == []


async def test_restore_brings_the_customer_and_its_contacts_back(
    db: Any, factory: Any, sales_team: dict[str, Any]
) -> None:
    t = sales_team
    a, b, manager = t["sales_a"], t["sales_b"], t["manager"]
    customer, contacts = await _with_contacts(a, factory, "Phoenix Ltd")
    path = f"/api/v1/customers/{customer['id']}"
    restore = f"/api/v1/recycle-bin/customer/{customer['id']}/restore"
    assert (await manager.delete(path)).status_code == 204

    # Out of scope: as if it did not exist. In scope without customers:delete: refused.
    assert (await b.post(restore)).status_code == 404
    assert (await t["outsider"].post(restore)).status_code == 404
    for label in ("sales_a", "service", "auditor"):
        r = await t[label].post(restore)
        assert r.status_code == 403, (label, r.text)
        assert r.headers["content-type"].startswith("application/problem+json")
    assert (await _get(db, Customer, customer["id"])).deleted_at is not None
    assert len(await _bin_rows(db, customer["id"])) == 1

    r = await manager.post(restore)
    assert r.status_code == 200, r.text
    assert (r.json()["object_id"], r.json()["title"]) == (customer["id"], "Phoenix Ltd")
    assert (await _get(db, Customer, customer["id"])).deleted_at is None
    assert await _bin_rows(db, customer["id"]) == []
    assert customer["id"] not in await _bin_ids(manager)

    got = await a.get(path)
    assert got.status_code == 200
    assert got.json()["name"] == "Phoenix Ltd"
    assert got.json()["owner_id"] == a.user_id
    nested = await a.get(f"{path}/contacts")
    assert {c["id"] for c in nested.json()["items"]} == set(contacts)
    assert (await manager.post(restore)).status_code == 404  # nothing left to restore
    assert (await a.get("/api/v1/customers", params={"q": "phoenix"})).json()["items"][0][
        "id"
    ] == customer["id"]


async def test_a_deleted_contact_can_be_restored_by_the_customers_owner(
    db: Any, factory: Any, sales_team: dict[str, Any]
) -> None:
    a, b = sales_team["sales_a"], sales_team["sales_b"]
    _, [contact_id, _] = await _with_contacts(a, factory, "Contacts Co")
    assert (await a.delete(f"/api/v1/contacts/{contact_id}")).status_code == 204
    assert (await a.get(f"/api/v1/contacts/{contact_id}")).status_code == 404
    [entry] = await _bin_rows(db, contact_id)
    assert (entry.object_type, entry.title) == ("contact", "Li Lei")
    # Filed under the customer's owner and department, so it is scoped like the customer.
    assert str(entry.owner_id) == a.user_id
    assert str(entry.department_id) == sales_team["department"]["id"]
    assert contact_id in await _bin_ids(a)
    assert contact_id not in await _bin_ids(b)

    restore = f"/api/v1/recycle-bin/contact/{contact_id}/restore"
    assert (await b.post(restore)).status_code == 404
    r = await a.post(restore)
    assert r.status_code == 200, r.text
    assert (await a.get(f"/api/v1/contacts/{contact_id}")).status_code == 200
    assert (await _get(db, Contact, contact_id)).deleted_at is None


async def test_purge_is_for_admins_and_removes_the_record_for_good(
    db: Any, factory: Any, sales_team: dict[str, Any]
) -> None:
    t = sales_team
    a, manager, admin = t["sales_a"], t["manager"], factory.admin
    customer, contacts = await _with_contacts(a, factory, "Gone For Good")
    purge = f"/api/v1/recycle-bin/customer/{customer['id']}"

    # A live record is not in the bin: purging it is a 404 and it survives.
    r = await admin.delete(purge)
    assert r.status_code == 404, r.text
    assert (await a.get(f"/api/v1/customers/{customer['id']}")).status_code == 200

    assert (await manager.delete(f"/api/v1/customers/{customer['id']}")).status_code == 204
    for label in ("manager", "sales_a", "service", "marketing", "auditor"):
        r = await t[label].delete(purge)
        assert r.status_code == 403, (label, r.text)
        assert r.headers["content-type"].startswith("application/problem+json")
    assert await _get(db, Customer, customer["id"]) is not None
    assert len(await _bin_rows(db, customer["id"])) == 1

    assert (await admin.delete(purge)).status_code == 204
    assert await _get(db, Customer, customer["id"]) is None
    for contact_id in contacts:
        assert await _get(db, Contact, contact_id) is None
    assert await _bin_rows(db, customer["id"]) == []
    assert customer["id"] not in await _bin_ids(admin)
    restore = f"/api/v1/recycle-bin/customer/{customer['id']}/restore"
    assert (await admin.post(restore)).status_code == 404
    assert (await admin.delete(purge)).status_code == 404

    async with db.sessionmaker() as session:
        entry = (
            await session.execute(
                select(AuditLog).where(
                    AuditLog.object_id == uuid.UUID(customer["id"]), AuditLog.action == "purge"
                )
            )
        ).scalar_one()
    assert str(entry.actor_id) == admin.user_id
    assert entry.changes["title"] == "Gone For Good"


async def test_purging_a_customer_also_clears_its_contacts_bin_entries(
    db: Any, factory: Any, sales_team: dict[str, Any]
) -> None:
    """A contact deleted before its customer was purged went with the customer (the database
    cascades): the bin must not keep offering an entry that can no longer be restored."""
    a, manager, admin = sales_team["sales_a"], sales_team["manager"], factory.admin
    customer, [contact_id, _] = await _with_contacts(a, factory, "Cascade Co")
    assert (await a.delete(f"/api/v1/contacts/{contact_id}")).status_code == 204
    assert (await manager.delete(f"/api/v1/customers/{customer['id']}")).status_code == 204
    assert {customer["id"], contact_id} <= await _bin_ids(admin)

    assert (await admin.delete(f"/api/v1/recycle-bin/customer/{customer['id']}")).status_code == 204
    assert await _get(db, Contact, contact_id) is None
    assert await _bin_rows(db, contact_id) == []
    assert not {customer["id"], contact_id} & await _bin_ids(admin)
    async with db.sessionmaker() as session:
        count = await session.execute(select(func.count()).select_from(DeletedRecord))
        assert count.scalar_one() == 0
