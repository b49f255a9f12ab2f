"""Merging duplicate customers: field choice, every related record moved (generically), the
recycle bin, audit and event, and undo."""

from __future__ import annotations

import uuid
from typing import Any

from sqlalchemy import select, text

from contract_helpers import contract, order
from crm.core.audit import AuditLog
from crm.core.events import OutboxEvent
from crm.core.recycle import DeletedRecord
from crm.customers.dedupe.merge import customer_references
from crm.customers.models import Contact, Customer
from lead_helpers import lead
from platform_helpers import assert_problem, error_locs, rows

MERGE = "/api/v1/customers/merge"


async def _contact(api: Any, customer_id: str, name: str) -> str:
    r = await api.post("/api/v1/contacts", json={"customer_id": customer_id, "name": name})
    assert r.status_code == 201, r.text
    return str(r.json()["id"])


async def _contact_owners(db: Any, ids: list[str]) -> dict[str, str]:
    found = await rows(db, Contact, Contact.id.in_([uuid.UUID(i) for i in ids]))
    return {str(c.id): str(c.customer_id) for c in found}


async def _pair(api: Any, factory: Any) -> tuple[dict[str, Any], dict[str, Any]]:
    survivor = await factory.customer(
        api,
        name="Northwind Traders Ltd.",
        phone="138 0013 8000",
        industry="retail",
        tags=["vip", "east"],
    )
    other = await factory.customer(
        api,
        name="Northwind Traders Co., Ltd.",
        email="buyer@northwind.cn",
        industry="logistics",
        address="上海市浦东新区张江路1号",
        tags=["east", "reseller"],
    )
    return survivor, other


async def test_merge_chooses_fields_unions_tags_and_moves_contacts(
    admin: Any, factory: Any, db: Any
) -> None:
    survivor, other = await _pair(admin, factory)
    third = await factory.customer(admin, name="Northwind Trading", notes="met at the fair")
    kept = await _contact(admin, survivor["id"], "Li Lei")
    moved = [
        await _contact(admin, other["id"], "Han Meimei"),
        await _contact(admin, third["id"], "Wang Fang"),
    ]
    # A contact already in the recycle bin moves too: nothing is left behind.
    binned = await _contact(admin, other["id"], "Deleted Person")
    assert (await admin.delete(f"/api/v1/contacts/{binned}")).status_code == 204

    r = await admin.post(
        MERGE,
        json={
            "survivor_id": survivor["id"],
            "merged_ids": [other["id"], third["id"]],
            "fields": {"name": other["id"], "industry": other["id"]},
        },
    )
    assert r.status_code == 200, r.text
    result = r.json()
    merged = result["survivor"]
    assert merged["id"] == survivor["id"]
    assert merged["name"] == "Northwind Traders Co., Ltd."  # chosen
    assert merged["industry"] == "logistics"  # chosen
    assert merged["phone"] == "138 0013 8000"  # the survivor's own
    assert merged["email"] == "buyer@northwind.cn"  # survivor had none: taken from a merged one
    assert merged["notes"] == "met at the fair"
    assert (merged["province"], merged["district"]) == ("上海市", "浦东新区")
    assert merged["tags"] == ["vip", "east", "reseller"]
    assert merged["version"] > survivor["version"]
    assert result["moved"] == {"contacts.customer_id": 3}
    assert sorted(result["merged_ids"]) == sorted([other["id"], third["id"]])

    owners = await _contact_owners(db, [kept, *moved, binned])
    assert set(owners.values()) == {survivor["id"]}
    r = await admin.get(f"/api/v1/customers/{survivor['id']}/contacts")
    assert {c["id"] for c in r.json()["items"]} == {kept, *moved}

    # The merged records are in the recycle bin, pointing at the survivor.
    for gone in (other, third):
        assert (await admin.get(f"/api/v1/customers/{gone['id']}")).status_code == 404
        async with db.sessionmaker() as session:
            record = await session.get(Customer, uuid.UUID(gone["id"]))
            assert record is not None
            assert record.deleted_at is not None
            assert str(record.merged_into_id) == survivor["id"]
    bin_ids = {e["object_id"] for e in (await admin.get("/api/v1/recycle-bin")).json()["items"]}
    assert {other["id"], third["id"]} <= bin_ids

    # The stored normalised name follows the chosen name.
    async with db.sessionmaker() as session:
        stored = await session.get(Customer, uuid.UUID(survivor["id"]))
        assert stored is not None and stored.name_normalized == "northwind traders"


async def test_merge_is_audited_and_emits_customer_merged(
    admin: Any, factory: Any, db: Any
) -> None:
    survivor, other = await _pair(admin, factory)
    contact = await _contact(admin, other["id"], "Han Meimei")
    r = await admin.post(MERGE, json={"survivor_id": survivor["id"], "merged_ids": [other["id"]]})
    assert r.status_code == 200, r.text
    audit_id = r.json()["audit_id"]

    [entry] = await rows(db, AuditLog, AuditLog.id == uuid.UUID(audit_id))
    assert (entry.action, str(entry.object_id)) == ("merge", survivor["id"])
    assert str(entry.actor_id) == admin.user_id
    assert entry.changes["merged_ids"] == [other["id"]]
    assert entry.changes["merged_before"][other["id"]]["name"] == "Northwind Traders Co., Ltd."
    assert entry.changes["survivor_before"]["tags"] == ["vip", "east"]
    assert entry.changes["moved"] == {"contacts.customer_id": {other["id"]: [[contact]]}}
    assert "email" in entry.changes["diff"]

    [event] = await rows(
        db,
        OutboxEvent,
        OutboxEvent.event_type == "customer.merged",
        OutboxEvent.object_id == uuid.UUID(survivor["id"]),
    )
    assert event.payload == {
        "survivor_id": survivor["id"],
        "merged_ids": [other["id"]],
        "moved": {"contacts.customer_id": 1},
    }
    # The merged record's trip to the recycle bin is recorded as its deletion.
    deleted = await rows(
        db, AuditLog, AuditLog.action == "delete", AuditLog.object_id == uuid.UUID(other["id"])
    )
    assert len(deleted) == 1


async def test_every_reference_to_customers_in_the_schema_is_moved(
    admin: Any, factory: Any, db: Any
) -> None:
    """What merge moves is read from the metadata, and agrees with the foreign keys the
    database itself holds: a table added later with a customer_id is moved with no change."""
    async with db.sessionmaker() as session:
        database_fks = {
            f"{row.table}.{row.column}"
            for row in await session.execute(
                text(
                    """SELECT c.conrelid::regclass::text AS table, a.attname AS column
                         FROM pg_constraint c
                         JOIN pg_attribute a
                           ON a.attrelid = c.conrelid AND a.attnum = ANY (c.conkey)
                        WHERE c.contype = 'f' AND c.confrelid = 'customers'::regclass"""
                )
            )
        }
    moved_by_merge = {f"{c.table.name}.{c.name}" for c in customer_references()}
    kept = {"customers.merged_into_id", "duplicate_members.customer_id"}  # history, opted out
    # related_type / object_type = 'customer': no foreign key, declared.
    generic = {"tasks.related_id", "attachments.object_id"}
    assert moved_by_merge == (database_fks - kept) | generic
    assert {"contacts.customer_id", "activities.customer_id"} <= moved_by_merge
    assert kept <= database_fks

    # And a merge reports exactly those columns (each has a row to move here).
    survivor, other = await _pair(admin, factory)
    await _contact(admin, other["id"], "Han Meimei")
    r = await admin.post(
        "/api/v1/activities",
        json={"customer_id": other["id"], "kind": "note", "subject": "Met at the fair"},
    )
    assert r.status_code == 201, r.text
    about_other = {"title": "Call back", "related_type": "customer", "related_id": other["id"]}
    task = await admin.post("/api/v1/tasks", json=about_other)
    assert task.status_code == 201, task.text
    # A task about nothing in particular stays as it is.
    unrelated = await admin.post(
        "/api/v1/tasks", json={**about_other, "related_type": None, "related_id": None}
    )
    assert unrelated.status_code == 201, unrelated.text
    deal = await admin.post("/api/v1/deals", json={"name": "Fair deal", "customer_id": other["id"]})
    assert deal.status_code == 201, deal.text
    licence = await admin.post(
        "/api/v1/attachments",
        params={"object_type": "customer", "object_id": other["id"]},
        files={"file": ("licence.pdf", b"%PDF-1.4\n%%EOF\n", "application/pdf")},
    )
    assert licence.status_code == 201, licence.text
    await contract(admin, other["id"])
    await order(admin, other["id"])
    converted = await lead(admin, person_name="Li Lei", owner_id=admin.user_id)
    r = await admin.post(
        f"/api/v1/leads/{converted['id']}/convert",
        json={"customer_id": other["id"], "contact": None},
    )
    assert r.status_code == 200, r.text
    r = await admin.post(MERGE, json={"survivor_id": survivor["id"], "merged_ids": [other["id"]]})
    assert r.status_code == 200, r.text
    assert set(r.json()["moved"]) == moved_by_merge
    moved_deal = await admin.get(f"/api/v1/deals/{deal.json()['id']}")
    assert moved_deal.json()["customer_id"] == survivor["id"]
    moved_task = await admin.get(f"/api/v1/tasks/{task.json()['id']}")
    assert moved_task.json()["related_id"] == survivor["id"]
    moved_lead = await admin.get(f"/api/v1/leads/{converted['id']}")
    assert moved_lead.json()["converted_customer_id"] == survivor["id"]


async def test_undo_puts_everything_back(admin: Any, factory: Any, db: Any) -> None:
    survivor, other = await _pair(admin, factory)
    kept = await _contact(admin, survivor["id"], "Li Lei")
    moved = await _contact(admin, other["id"], "Han Meimei")
    r = await admin.post(
        MERGE,
        json={
            "survivor_id": survivor["id"],
            "merged_ids": [other["id"]],
            "fields": {"name": other["id"]},
        },
    )
    assert r.status_code == 200, r.text
    audit_id = r.json()["audit_id"]
    # A contact added to the survivor after the merge stays with it.
    # (adding a contact does not change the customer itself: the undo is still possible).
    later = await _contact(admin, survivor["id"], "Added Later")

    r = await admin.post(f"{MERGE}/{audit_id}/undo")
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["restored_ids"] == [other["id"]]
    assert body["moved_back"] == {"contacts.customer_id": 1}
    restored_survivor = body["survivor"]
    for field in ("name", "email", "tags", "industry", "province", "owner_id"):
        assert restored_survivor[field] == survivor[field], field

    r = await admin.get(f"/api/v1/customers/{other['id']}")
    assert r.status_code == 200, r.text
    assert r.json()["name"] == other["name"]
    assert r.json()["merged_into_id"] is None
    owners = await _contact_owners(db, [kept, moved, later])
    assert owners == {kept: survivor["id"], moved: other["id"], later: survivor["id"]}
    assert not await rows(db, DeletedRecord, DeletedRecord.object_id == uuid.UUID(other["id"]))
    async with db.sessionmaker() as session:
        stored = await session.get(Customer, uuid.UUID(survivor["id"]))
        assert stored is not None and stored.name_normalized == "northwind traders"
    events = await rows(db, OutboxEvent, OutboxEvent.event_type == "customer.unmerged")
    assert [e.payload["merge_audit_id"] for e in events] == [audit_id]

    # Once is enough.
    assert_problem(await admin.post(f"{MERGE}/{audit_id}/undo"), 409)


async def test_undo_is_refused_once_the_survivor_changed(admin: Any, factory: Any) -> None:
    survivor, other = await _pair(admin, factory)
    r = await admin.post(MERGE, json={"survivor_id": survivor["id"], "merged_ids": [other["id"]]})
    audit_id = r.json()["audit_id"]
    r = await admin.patch(f"/api/v1/customers/{survivor['id']}", json={"industry": "energy"})
    assert r.status_code == 200, r.text
    body = assert_problem(await admin.post(f"{MERGE}/{audit_id}/undo"), 409)
    assert "changed since the merge" in body["detail"]
    # Nothing happened.
    assert (await admin.get(f"/api/v1/customers/{other['id']}")).status_code == 404


async def test_undo_is_refused_when_a_merged_record_was_purged(admin: Any, factory: Any) -> None:
    survivor, other = await _pair(admin, factory)
    r = await admin.post(MERGE, json={"survivor_id": survivor["id"], "merged_ids": [other["id"]]})
    audit_id = r.json()["audit_id"]
    purge = await admin.delete(f"/api/v1/recycle-bin/customer/{other['id']}")
    assert purge.status_code == 204, purge.text
    assert_problem(await admin.post(f"{MERGE}/{audit_id}/undo"), 409)


async def test_undo_of_something_that_is_no_merge(admin: Any, factory: Any, db: Any) -> None:
    assert_problem(await admin.post(f"{MERGE}/{uuid.uuid4()}/undo"), 404)
    customer = await factory.customer(admin)
    [create] = await rows(db, AuditLog, AuditLog.object_id == uuid.UUID(customer["id"]))
    assert_problem(await admin.post(f"{MERGE}/{create.id}/undo"), 404)


async def test_bad_merge_requests_are_refused_without_writing(
    admin: Any, factory: Any, db: Any
) -> None:
    survivor, other = await _pair(admin, factory)
    stranger = uuid.uuid4()
    cases = [
        ({"survivor_id": survivor["id"], "merged_ids": []}, ["body", "merged_ids"]),
        ({"survivor_id": survivor["id"], "merged_ids": [survivor["id"]]}, ["body", "merged_ids"]),
        (
            {"survivor_id": survivor["id"], "merged_ids": [other["id"], other["id"]]},
            ["body", "merged_ids"],
        ),
        ({"survivor_id": str(stranger), "merged_ids": [other["id"]]}, ["body", "survivor_id"]),
        ({"survivor_id": survivor["id"], "merged_ids": [str(stranger)]}, ["body", "merged_ids"]),
        (
            {
                "survivor_id": survivor["id"],
                "merged_ids": [other["id"]],
                "fields": {"password": other["id"]},
            },
            ["body", "fields.password"],
        ),
        (
            {
                "survivor_id": survivor["id"],
                "merged_ids": [other["id"]],
                "fields": {"tags": other["id"]},
            },
            ["body", "fields.tags"],
        ),
        (
            {
                "survivor_id": survivor["id"],
                "merged_ids": [other["id"]],
                "fields": {"name": str(stranger)},
            },
            ["body", "fields.name"],
        ),
    ]
    for body, loc in cases:
        problem = assert_problem(await admin.post(MERGE, json=body), 422)
        assert loc in error_locs(problem), (body, problem)
    r = await admin.post(
        MERGE,
        json={
            "survivor_id": survivor["id"],
            "merged_ids": [other["id"]],
            "survivor_version": survivor["version"] + 5,
        },
    )
    assert_problem(r, 412)
    assert (await admin.get(f"/api/v1/customers/{other['id']}")).status_code == 200
    merges = await rows(db, AuditLog, AuditLog.action == "merge")
    assert merges == []


async def test_merge_stays_inside_the_callers_scope(
    factory: Any, sales_team: dict[str, Any], db: Any
) -> None:
    t = sales_team
    manager, a, outsider = t["manager"], t["sales_a"], t["outsider"]
    mine = await factory.customer(a, name="Scope Merge Ltd")
    also_mine = await factory.customer(a, name="Scope Merge Co")
    elsewhere = await factory.customer(outsider, name="Scope Merge Inc")

    # Salespeople may not merge at all; managers may, within their department tree.
    body = {"survivor_id": mine["id"], "merged_ids": [also_mine["id"]]}
    assert_problem(await a.post(MERGE, json=body), 403)
    problem = assert_problem(
        await manager.post(MERGE, json={**body, "merged_ids": [elsewhere["id"]]}), 422
    )
    assert ["body", "merged_ids"] in error_locs(problem)
    problem = assert_problem(
        await manager.post(
            MERGE, json={"survivor_id": elsewhere["id"], "merged_ids": [mine["id"]]}
        ),
        422,
    )
    assert ["body", "survivor_id"] in error_locs(problem)
    assert (await outsider.get(f"/api/v1/customers/{elsewhere['id']}")).status_code == 200

    # The manager takes the owner from the merged record: department follows.
    r = await manager.post(MERGE, json={**body, "fields": {"owner_id": also_mine["id"]}})
    assert r.status_code == 200, r.text
    assert r.json()["survivor"]["owner_id"] == a.user_id
    audit_id = r.json()["audit_id"]

    # Undo: salespeople may not; the outsider cannot even see the survivor.
    assert_problem(await a.post(f"{MERGE}/{audit_id}/undo"), 403)
    outsider_manager = await factory.user("manager", department_id=t["other_department"]["id"])
    assert_problem(await outsider_manager.post(f"{MERGE}/{audit_id}/undo"), 404)
    assert (await manager.post(f"{MERGE}/{audit_id}/undo")).status_code == 200

    async with db.sessionmaker() as session:
        alive = (
            await session.execute(
                select(Customer.id).where(
                    Customer.id.in_([uuid.UUID(mine["id"]), uuid.UUID(also_mine["id"])]),
                    Customer.deleted_at.is_(None),
                )
            )
        ).all()
        assert len(alive) == 2


async def test_rows_a_unique_constraint_would_collide_on_stay_behind(
    admin: Any, factory: Any, db: Any
) -> None:
    """A table (of a later domain, say tag assignments) with a unique constraint including
    the customer column: rows the survivor already has an equal of stay with the merged record
    instead of failing the merge; the others move, and the undo moves exactly those back."""
    from sqlalchemy import Column, MetaData, String, Table, UniqueConstraint
    from sqlalchemy.dialects.postgresql import UUID

    from crm.customers.dedupe.merge import _repoint

    probe = Table(
        "merge_probe",
        MetaData(),
        Column("id", UUID(as_uuid=True), primary_key=True),
        Column("customer_id", UUID(as_uuid=True)),
        Column("label", String(20)),
        UniqueConstraint("customer_id", "label"),
    )
    survivor, other = await _pair(admin, factory)
    s_id, o_id = uuid.UUID(survivor["id"]), uuid.UUID(other["id"])
    ids = {label: uuid.uuid4() for label in ("s-vip", "o-vip", "o-new")}
    async with db.engine.begin() as conn:
        await conn.run_sync(probe.create)
    try:
        async with db.sessionmaker() as session:
            await session.execute(
                probe.insert(),
                [
                    {"id": ids["s-vip"], "customer_id": s_id, "label": "vip"},
                    {"id": ids["o-vip"], "customer_id": o_id, "label": "vip"},
                    {"id": ids["o-new"], "customer_id": o_id, "label": "new"},
                ],
            )
            moved = await _repoint(session, probe.c.customer_id, from_ids=[o_id], to_id=s_id)
            assert moved == [(o_id, [str(ids["o-new"])])]
            back = await _repoint(
                session,
                probe.c.customer_id,
                from_ids=[s_id],
                to_id=o_id,
                only_keys=[key for _, key in moved],
            )
            assert back == [(s_id, [str(ids["o-new"])])]
            owners = dict((await session.execute(select(probe.c.id, probe.c.customer_id))).all())
            assert owners == {ids["s-vip"]: s_id, ids["o-vip"]: o_id, ids["o-new"]: o_id}
            await session.rollback()
    finally:
        async with db.engine.begin() as conn:
            await conn.run_sync(probe.drop)
