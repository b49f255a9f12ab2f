"""The customer timeline: activities and recorded events about the customer in one
newest-first, cursor-paged stream; events of later domains appear when they name the customer."""

from __future__ import annotations

import uuid
from typing import Any

from crm.core import events
from crm.core.ids import new_id
from platform_helpers import assert_problem


async def _timeline(api: Any, customer_id: str, **params: Any) -> dict[str, Any]:
    r = await api.get(f"/api/v1/customers/{customer_id}/timeline", params=params)
    assert r.status_code == 200, r.text
    return dict(r.json())


async def _walk(api: Any, customer_id: str, limit: int) -> list[dict[str, Any]]:
    items: list[dict[str, Any]] = []
    cursor = None
    while True:
        params: dict[str, Any] = {"limit": limit}
        if cursor:
            params["cursor"] = cursor
        page = await _timeline(api, customer_id, **params)
        assert len(page["items"]) <= limit
        items += page["items"]
        cursor = page["next_cursor"]
        if cursor is None:
            return items


async def _emit_order_paid(db: Any, customer_id: str) -> str:
    """What a later domain (orders) records: an event of its own object naming the customer."""
    order_id = new_id()
    async with db.sessionmaker() as session:
        events.emit(
            session,
            "order.paid",
            object_type="order",
            object_id=order_id,
            payload={"customer_id": customer_id, "amount": "1299.00"},
        )
        await session.commit()
    return str(order_id)


async def test_the_timeline_mixes_activities_and_events_newest_first(
    db: Any, factory: Any, sales_team: dict[str, Any]
) -> None:
    a, b, manager = sales_team["sales_a"], sales_team["sales_b"], sales_team["manager"]
    customer = await factory.customer(a, name="Timeline Trading")
    cid = customer["id"]
    other = await factory.customer(a, name="Someone else")
    old = await a.post(
        "/api/v1/activities",
        json={
            "customer_id": cid,
            "kind": "call",
            "subject": "First call",
            "occurred_at": "2020-01-01T00:00:00Z",
        },
    )
    assert old.status_code == 201
    r = await a.post("/api/v1/contacts", json={"customer_id": cid, "name": "Li Lei"})
    assert r.status_code == 201
    r = await a.patch(f"/api/v1/customers/{cid}", json={"industry": "Textiles"})
    assert r.status_code == 200
    order_id = await _emit_order_paid(db, cid)
    await _emit_order_paid(db, other["id"])  # about another customer: not on this timeline
    r = await manager.patch(f"/api/v1/customers/{cid}", json={"owner_id": b.user_id})
    assert r.status_code == 200
    planned = await b.post(
        "/api/v1/activities",
        json={
            "customer_id": cid,
            "kind": "meeting",
            "subject": "Contract review",
            "occurred_at": "2030-06-01T08:00:00Z",
            "duration_minutes": 60,
        },
    )
    assert planned.status_code == 201

    items = (await _timeline(b, cid))["items"]
    assert [(i["type"], i["kind"]) for i in items] == [
        ("activity", "meeting"),
        ("event", "customer.owner_changed"),
        ("event", "customer.updated"),
        ("event", "order.paid"),
        ("event", "customer.updated"),
        ("event", "contact.created"),
        ("event", "customer.created"),
        ("activity", "call"),
    ]
    meeting, owner_changed = items[0], items[1]
    assert meeting["id"] == planned.json()["id"]
    assert meeting["title"] == "Contract review"
    assert meeting["occurred_at"] == "2030-06-01T08:00:00Z"
    assert meeting["data"]["duration_minutes"] == 60
    assert meeting["actor"] == {"id": b.user_id, "name": b.info["full_name"]}
    assert owner_changed["title"] == "Owner changed"
    assert owner_changed["data"]["to"] == b.user_id
    assert owner_changed["actor"]["id"] == sales_team["manager"].user_id
    order = items[3]
    assert order["title"] == "Order paid"  # made from the type: no domain registered a title
    assert order["data"] == {
        "object_type": "order",
        "object_id": order_id,
        "customer_id": cid,
        "amount": "1299.00",
    }
    assert items[4]["data"]["changed"] == ["industry"]
    assert items[5]["title"] == "Contact added"

    # Activity events are not repeated: the activity itself is the entry.
    assert not [i for i in items if i["kind"].startswith("activity.")]

    assert [i["type"] for i in (await _timeline(b, cid, type="activity"))["items"]] == [
        "activity",
        "activity",
    ]
    assert len((await _timeline(b, cid, type="event"))["items"]) == 6


async def test_paging_walks_the_whole_stream_without_gaps_or_repeats(
    factory: Any, admin: Any
) -> None:
    customer = await factory.customer(admin)
    cid = customer["id"]
    for day in range(1, 8):
        r = await admin.post(
            "/api/v1/activities",
            json={
                "customer_id": cid,
                "kind": "note",
                "subject": f"Note {day}",
                # Two activities share each timestamp: the id breaks the tie.
                "occurred_at": f"2026-01-0{(day + 1) // 2}T00:00:00Z",
            },
        )
        assert r.status_code == 201
        await admin.patch(f"/api/v1/customers/{cid}", json={"notes": f"Edit {day}"})

    everything = (await _timeline(admin, cid, limit=200))["items"]
    assert len(everything) == 7 + 7 + 1  # notes, updates, created
    for limit in (1, 2, 3, 5):
        walked = await _walk(admin, cid, limit)
        assert [i["id"] for i in walked] == [i["id"] for i in everything], limit
    keys = [(i["occurred_at"], i["id"]) for i in everything]
    assert keys == sorted(keys, reverse=True)


async def test_the_timeline_is_404_outside_the_callers_scope(
    factory: Any, sales_team: dict[str, Any]
) -> None:
    a, outsider = sales_team["sales_a"], sales_team["outsider"]
    customer = await factory.customer(a)
    assert_problem(await outsider.get(f"/api/v1/customers/{customer['id']}/timeline"), 404)
    assert_problem(await a.get(f"/api/v1/customers/{uuid.uuid4()}/timeline"), 404)
    r = await a.get(f"/api/v1/customers/{customer['id']}/timeline", params={"cursor": "junk"})
    assert_problem(r, 400)
    # Deleted customers have no timeline either.
    assert (
        await sales_team["manager"].delete(f"/api/v1/customers/{customer['id']}")
    ).status_code == 204
    assert_problem(await a.get(f"/api/v1/customers/{customer['id']}/timeline"), 404)
