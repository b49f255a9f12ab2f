"""The recycle bin follows who owns a record now, not who owned it when it was deleted: after a
reassignment, the previous owner no longer sees, restores or purges the record's bin entries
(nor those of its contacts and activities), and the new owner does."""

from __future__ import annotations

import uuid
from typing import Any

from sqlalchemy import update

from crm.customers.models import Customer


async def _bin_ids(api: Any) -> set[str]:
    r = await api.get("/api/v1/recycle-bin", params={"limit": 200})
    assert r.status_code == 200, r.text
    return {entry["object_id"] for entry in r.json()["items"]}


async def _created(api: Any, path: str, body: dict[str, Any]) -> str:
    r = await api.post(path, json=body)
    assert r.status_code == 201, r.text
    return str(r.json()["id"])


async def _reassign(api: Any, customer_id: str, owner_id: str) -> None:
    r = await api.patch(f"/api/v1/customers/{customer_id}", json={"owner_id": owner_id})
    assert r.status_code == 200, r.text


async def test_the_deleted_contact_and_activity_follow_their_customer_to_its_new_owner(
    factory: Any, sales_team: dict[str, Any]
) -> None:
    a, b, manager = sales_team["sales_a"], sales_team["sales_b"], sales_team["manager"]
    customer = await factory.customer(a, name="Moving Co")
    contact_id = await _created(
        a, "/api/v1/contacts", {"customer_id": customer["id"], "name": "Li Lei"}
    )
    activity_id = await _created(
        a,
        "/api/v1/activities",
        {"customer_id": customer["id"], "kind": "call", "subject": "Intro call"},
    )
    assert (await a.delete(f"/api/v1/contacts/{contact_id}")).status_code == 204
    assert (await a.delete(f"/api/v1/activities/{activity_id}")).status_code == 204
    assert {contact_id, activity_id} <= await _bin_ids(a)

    await _reassign(manager, customer["id"], b.user_id)
    assert (await a.get(f"/api/v1/customers/{customer['id']}")).status_code == 404

    assert not {contact_id, activity_id} & await _bin_ids(a)
    assert {contact_id, activity_id} <= await _bin_ids(b)
    assert {contact_id, activity_id} <= await _bin_ids(manager)  # still their subordinate's

    restore_contact = f"/api/v1/recycle-bin/contact/{contact_id}/restore"
    restore_activity = f"/api/v1/recycle-bin/activity/{activity_id}/restore"
    for path in (restore_contact, restore_activity):
        r = await a.post(path)
        assert r.status_code == 404, r.text
        assert r.headers["content-type"].startswith("application/problem+json")
    assert (await a.delete(f"/api/v1/recycle-bin/contact/{contact_id}")).status_code in (403, 404)

    for path in (restore_contact, restore_activity):
        r = await b.post(path)
        assert r.status_code == 200, r.text
    assert (await b.get(f"/api/v1/contacts/{contact_id}")).status_code == 200
    assert (await b.get(f"/api/v1/activities/{activity_id}")).status_code == 200
    assert (await a.get(f"/api/v1/contacts/{contact_id}")).status_code == 404


async def test_a_deleted_customer_is_in_the_bin_of_the_owner_it_has_now(
    db: Any, factory: Any, sales_team: dict[str, Any]
) -> None:
    a, b, manager = sales_team["sales_a"], sales_team["sales_b"], sales_team["manager"]
    moved_first = await factory.customer(a, name="Reassigned Then Deleted")
    await _reassign(manager, moved_first["id"], b.user_id)
    assert (await manager.delete(f"/api/v1/customers/{moved_first['id']}")).status_code == 204

    # A record in the bin changes owner too (a data fix, a departing user's book handed over):
    # its entry goes with the owner the record has, not the one noted when it was deleted.
    deleted_first = await factory.customer(a, name="Deleted Then Reassigned")
    assert (await manager.delete(f"/api/v1/customers/{deleted_first['id']}")).status_code == 204
    async with db.sessionmaker() as session, session.begin():
        await session.execute(
            update(Customer)
            .where(Customer.id == uuid.UUID(deleted_first["id"]))
            .values(owner_id=uuid.UUID(b.user_id))
        )

    for customer in (moved_first, deleted_first):
        assert customer["id"] not in await _bin_ids(a)
        assert customer["id"] in await _bin_ids(b)
        assert customer["id"] in await _bin_ids(manager)
    restore = f"/api/v1/recycle-bin/customer/{deleted_first['id']}/restore"
    assert (await sales_team["outsider"].post(restore)).status_code == 404
    r = await manager.post(restore)
    assert r.status_code == 200, r.text
    got = await b.get(f"/api/v1/customers/{deleted_first['id']}")
    assert got.status_code == 200 and got.json()["owner_id"] == b.user_id
    assert (await a.get(f"/api/v1/customers/{deleted_first['id']}")).status_code == 404
