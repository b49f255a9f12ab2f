"""Activities: logging calls, visits, meetings, e-mails and notes on a customer; validation,
scope (an activity is visible exactly when its customer is), search, audit and the bin."""

from __future__ import annotations

import uuid
from typing import Any

from sqlalchemy import select

from crm.activities.models import Activity
from crm.core.audit import AuditLog
from crm.core.events import OutboxEvent
from platform_helpers import assert_problem, error_locs, rows


async def _contact(api: Any, customer_id: str, name: str = "Li Lei") -> dict[str, Any]:
    r = await api.post("/api/v1/contacts", json={"customer_id": customer_id, "name": name})
    assert r.status_code == 201, r.text
    return dict(r.json())


async def _log(api: Any, customer_id: str, **fields: Any) -> dict[str, Any]:
    body = {"customer_id": customer_id, "kind": "call", "subject": "Intro call", **fields}
    r = await api.post("/api/v1/activities", json=body)
    assert r.status_code == 201, r.text
    return dict(r.json())


async def test_a_salesperson_logs_a_visit_with_location_and_participants(
    db: Any, factory: Any, sales_team: dict[str, Any]
) -> None:
    a, b = sales_team["sales_a"], sales_team["sales_b"]
    customer = await factory.customer(a, name="Huadong Trading")
    contact = await _contact(a, customer["id"])
    r = await a.post(
        "/api/v1/activities",
        json={
            "customer_id": customer["id"],
            "contact_id": contact["id"],
            "kind": "visit",
            "occurred_at": "2026-03-02T09:30:00+08:00",
            "subject": "  Factory tour  ",
            "body": "Walked the line; they need 200 units.",
            "outcome": "Quote requested",
            "duration_minutes": 90,
            "location": {"address": "88 Century Ave, Shanghai", "lat": 31.23, "lng": 121.5},
            "participant_user_ids": [b.user_id],
            "participant_contact_ids": [contact["id"]],
        },
    )
    assert r.status_code == 201, r.text
    activity = r.json()
    assert r.headers["ETag"] == '"1"'
    assert activity["subject"] == "Factory tour"
    assert activity["occurred_at"] == "2026-03-02T01:30:00Z"
    assert activity["location"] == {
        "address": "88 Century Ave, Shanghai",
        "lat": 31.23,
        "lng": 121.5,
    }
    assert activity["participant_user_ids"] == [b.user_id]
    assert activity["owner_id"] == a.user_id
    assert activity["department_id"] == sales_team["department"]["id"]

    got = await a.get(f"/api/v1/activities/{activity['id']}")
    assert got.status_code == 200
    assert got.json() == activity

    [entry] = await rows(db, AuditLog, AuditLog.object_id == uuid.UUID(activity["id"]))
    assert entry.action == "create" and entry.actor_id == uuid.UUID(a.user_id)
    [event] = await rows(db, OutboxEvent, OutboxEvent.object_id == uuid.UUID(activity["id"]))
    assert event.event_type == "activity.created"
    assert event.payload == {"customer_id": customer["id"], "kind": "visit"}


async def test_occurred_at_defaults_to_now_and_a_note_needs_only_a_subject(
    factory: Any, admin: Any
) -> None:
    customer = await factory.customer(admin)
    note = await _log(admin, customer["id"], kind="note", subject="Prefers WeChat")
    assert note["occurred_at"] is not None
    assert note["location"] is None and note["duration_minutes"] is None


async def test_bad_input_is_a_422_naming_the_field_and_writes_nothing(
    db: Any, factory: Any, sales_team: dict[str, Any]
) -> None:
    a = sales_team["sales_a"]
    customer = await factory.customer(a)
    other = await factory.customer(a)
    foreign_contact = await _contact(a, other["id"])
    base = {"customer_id": customer["id"], "kind": "call", "subject": "x"}
    cases = [
        ({**base, "kind": "fax"}, "kind"),
        ({**base, "subject": "   "}, "subject"),
        ({**base, "kind": "note", "duration_minutes": 5}, "duration_minutes"),
        ({**base, "kind": "email", "location": {"address": "x"}}, "location"),
        ({**base, "kind": "visit", "location": {"lat": 31.2}}, "location"),
        ({**base, "kind": "visit", "location": {"lat": 91, "lng": 0}}, "location"),
        ({**base, "duration_minutes": -1}, "duration_minutes"),
        ({**base, "occurred_at": "2026-03-02T09:30:00"}, "occurred_at"),  # no zone
        ({**base, "contact_id": foreign_contact["id"]}, "contact_id"),
        ({**base, "participant_contact_ids": [foreign_contact["id"]]}, "participant_contact_ids"),
        ({**base, "participant_user_ids": [str(uuid.uuid4())]}, "participant_user_ids"),
        ({**base, "owner_id": str(uuid.uuid4())}, "owner_id"),
        ({**base, "customer_id": str(uuid.uuid4())}, "customer_id"),
        ({**base, "surprise": 1}, "surprise"),
    ]
    for body, field in cases:
        r = await a.post("/api/v1/activities", json=body)
        problem = assert_problem(r, 422)
        assert any(loc[:2] == ["body", field] for loc in error_locs(problem)), (field, problem)
    async with db.sessionmaker() as session:
        assert (await session.execute(select(Activity))).first() is None


async def test_an_activity_is_visible_exactly_when_its_customer_is(
    factory: Any, sales_team: dict[str, Any]
) -> None:
    t = sales_team
    a, b, manager, outsider = t["sales_a"], t["sales_b"], t["manager"], t["outsider"]
    customer = await factory.customer(a)
    activity = await _log(a, customer["id"])
    path = f"/api/v1/activities/{activity['id']}"

    for api in (b, outsider):
        assert_problem(await api.get(path), 404)
        assert_problem(await api.patch(path, json={"subject": "Mine now"}), 404)
        r = await api.get("/api/v1/activities", params={"customer_id": customer["id"]})
        assert r.json()["items"] == []
        # Logging onto a customer one cannot see names the field, never confirms it exists.
        r = await api.post(
            "/api/v1/activities",
            json={"customer_id": customer["id"], "kind": "note", "subject": "x"},
        )
        assert ["body", "customer_id"] in error_locs(assert_problem(r, 422))
    assert (await manager.get(path)).status_code == 200
    assert (await t["auditor"].get(path)).status_code == 200
    # The auditor reads but writes nothing.
    assert (await t["auditor"].patch(path, json={"subject": "x"})).status_code == 403

    # Handing the customer to b moves the activity's visibility with it.
    r = await manager.patch(f"/api/v1/customers/{customer['id']}", json={"owner_id": b.user_id})
    assert r.status_code == 200, r.text
    assert (await b.get(path)).status_code == 200
    assert (await a.get(path)).status_code == 404


async def test_update_checks_versions_and_kind_details(factory: Any, admin: Any) -> None:
    customer = await factory.customer(admin)
    activity = await _log(admin, customer["id"], kind="meeting", duration_minutes=30)
    path = f"/api/v1/activities/{activity['id']}"

    r = await admin.patch(path, json={"outcome": "Signed", "version": 1})
    assert r.status_code == 200, r.text
    assert r.json()["version"] == 2 and r.json()["outcome"] == "Signed"
    assert_problem(await admin.patch(path, json={"outcome": "Stale", "version": 1}), 412)
    assert_problem(await admin.patch(path, json={"outcome": "x"}, headers={"If-Match": '"1"'}), 412)

    # A meeting with a duration cannot become a note while it keeps one.
    r = await admin.patch(path, json={"kind": "note"})
    assert ["body", "duration_minutes"] in error_locs(assert_problem(r, 422))
    r = await admin.patch(path, json={"kind": "note", "duration_minutes": None})
    assert r.status_code == 200 and r.json()["kind"] == "note"

    r = await admin.patch(path, json={"kind": "visit", "location": {"address": "Hall 3"}})
    assert r.json()["location"] == {"address": "Hall 3", "lat": None, "lng": None}
    r = await admin.patch(path, json={"location": None})
    assert r.json()["location"] is None
    assert_problem(await admin.patch(path, json={"subject": None}), 422)


async def test_list_filters_and_search(factory: Any, sales_team: dict[str, Any]) -> None:
    a, manager = sales_team["sales_a"], sales_team["manager"]
    c1 = await factory.customer(a)
    c2 = await factory.customer(a)
    call = await _log(a, c1["id"], occurred_at="2026-01-05T10:00:00Z", subject="Price talk")
    email = await _log(
        a,
        c2["id"],
        kind="email",
        occurred_at="2026-02-05T10:00:00Z",
        subject="Follow-up",
        body="Sent the 50% deposit terms",
    )
    mine = await _log(manager, c1["id"], kind="note", occurred_at="2026-03-01T00:00:00Z")

    async def ids(**params: Any) -> list[str]:
        r = await manager.get("/api/v1/activities", params=params)
        assert r.status_code == 200, r.text
        return [item["id"] for item in r.json()["items"]]

    assert await ids() == [mine["id"], email["id"], call["id"]]  # newest first
    assert await ids(customer_id=c1["id"]) == [mine["id"], call["id"]]
    assert await ids(kind="email") == [email["id"]]
    assert await ids(owner_id=a.user_id) == [email["id"], call["id"]]
    assert await ids(**{"from": "2026-02-01T00:00:00Z", "to": "2026-03-01T00:00:00Z"}) == [
        email["id"]
    ]
    assert await ids(q="PRICE") == [call["id"]]
    assert await ids(q="50%") == [email["id"]]
    assert await ids(sort="occurred_at") == [call["id"], email["id"], mine["id"]]
    r = await manager.get("/api/v1/activities", params={"kind": "fax"})
    assert r.status_code == 422


async def test_delete_moves_to_the_bin_and_restore_brings_it_back(
    factory: Any, sales_team: dict[str, Any]
) -> None:
    a, b = sales_team["sales_a"], sales_team["sales_b"]
    customer = await factory.customer(a)
    activity = await _log(a, customer["id"], subject="Wrong customer")
    path = f"/api/v1/activities/{activity['id']}"

    assert_problem(await b.delete(path), 404)
    assert (await a.delete(path)).status_code == 204
    assert_problem(await a.get(path), 404)
    r = await a.get("/api/v1/recycle-bin", params={"object_type": "activity"})
    assert [e["object_id"] for e in r.json()["items"]] == [activity["id"]]
    assert (await b.get("/api/v1/recycle-bin")).json()["items"] == []

    r = await a.post(f"/api/v1/recycle-bin/activity/{activity['id']}/restore")
    assert r.status_code == 200, r.text
    assert (await a.get(path)).status_code == 200
