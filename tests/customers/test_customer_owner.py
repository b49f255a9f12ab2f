"""Owner assignment: nobody hands a customer to someone outside their data scope, and the
customer's department follows its owner."""

from __future__ import annotations

import uuid
from typing import Any

from sqlalchemy import select

from crm.core.events import OutboxEvent
from crm.customers.models import Customer


async def _row(db: Any, customer_id: str) -> Customer:
    async with db.sessionmaker() as session:
        row = await session.get(Customer, uuid.UUID(customer_id))
        assert row is not None
        return row


def _owner_error(response: Any) -> None:
    assert response.status_code == 422, response.text
    assert response.headers["content-type"].startswith("application/problem+json")
    assert ["body", "owner_id"] in [e["loc"] for e in response.json()["errors"]]


async def test_a_salesperson_cannot_give_a_customer_away(
    db: Any, factory: Any, sales_team: dict[str, Any]
) -> None:
    a, b, outsider = (sales_team[k] for k in ("sales_a", "sales_b", "outsider"))
    customer = await factory.customer(a, name="Mine")
    path = f"/api/v1/customers/{customer['id']}"
    for owner in (b, outsider):
        _owner_error(await a.patch(path, json={"owner_id": owner.user_id, "name": "Given"}))
        # Creating one for someone else is the same write into their data.
        _owner_error(
            await a.post("/api/v1/customers", json={"name": "For you", "owner_id": owner.user_id})
        )
    r = await a.patch(path, json={"owner_id": str(uuid.uuid4())})
    _owner_error(r)
    assert r.json()["detail"] == "No such user."

    row = await _row(db, customer["id"])
    assert (str(row.owner_id), row.name, row.version) == (a.user_id, "Mine", 1)
    async with db.sessionmaker() as session:
        names = (await session.execute(select(Customer.name))).scalars().all()
    assert names == ["Mine"]
    assert (await b.get(path)).status_code == 404
    # Naming oneself is fine.
    r = await a.patch(path, json={"owner_id": a.user_id, "name": "Still mine"})
    assert r.status_code == 200, r.text


async def test_a_manager_reassigns_within_the_department_tree(
    db: Any, factory: Any, sales_team: dict[str, Any]
) -> None:
    a, b, manager, outsider = (sales_team[k] for k in ("sales_a", "sales_b", "manager", "outsider"))
    east = sales_team["department"]["id"]
    customer = await factory.customer(a, name="Handover")
    path = f"/api/v1/customers/{customer['id']}"

    r = await manager.patch(path, json={"owner_id": b.user_id})
    assert r.status_code == 200, r.text
    assert (r.json()["owner_id"], r.json()["department_id"]) == (b.user_id, east)
    assert (await b.get(path)).status_code == 200
    assert (await a.get(path)).status_code == 404
    async with db.sessionmaker() as session:
        event = (
            await session.execute(
                select(OutboxEvent).where(
                    OutboxEvent.event_type == "customer.owner_changed",
                    OutboxEvent.object_id == uuid.UUID(customer["id"]),
                )
            )
        ).scalar_one()
    assert event.payload == {"from": a.user_id, "to": b.user_id}
    assert str(event.actor_id) == manager.user_id

    # Outside the manager's tree: refused, nothing changes.
    _owner_error(await manager.patch(path, json={"owner_id": outsider.user_id}))
    _owner_error(await manager.patch(path, json={"owner_id": None}))
    row = await _row(db, customer["id"])
    assert (str(row.owner_id), str(row.department_id), row.version) == (b.user_id, east, 2)


async def test_the_department_follows_the_new_owner(
    db: Any, factory: Any, sales_team: dict[str, Any]
) -> None:
    a, manager, outsider = (sales_team[k] for k in ("sales_a", "manager", "outsider"))
    admin = factory.admin
    east, west = sales_team["department"]["id"], sales_team["other_department"]["id"]
    team_north = await factory.department("East / North team", parent_id=east)
    north_rep = await factory.user("sales", department_id=team_north["id"])
    customer = await factory.customer(a, name="Moving")
    path = f"/api/v1/customers/{customer['id']}"

    # A sub-department is inside the manager's tree.
    r = await manager.patch(path, json={"owner_id": north_rep.user_id})
    assert r.status_code == 200, r.text
    assert r.json()["department_id"] == team_north["id"]
    assert (await _row(db, customer["id"])).department_id == uuid.UUID(team_north["id"])
    assert (await manager.get(path)).status_code == 200
    assert (await north_rep.get(path)).status_code == 200

    # The administrator moves it to the other department: it leaves the manager's view.
    r = await admin.patch(path, json={"owner_id": outsider.user_id})
    assert r.status_code == 200, r.text
    assert (r.json()["owner_id"], r.json()["department_id"]) == (outsider.user_id, west)
    row = await _row(db, customer["id"])
    assert (str(row.owner_id), str(row.department_id)) == (outsider.user_id, west)
    assert (await manager.get(path)).status_code == 404
    assert (await outsider.get(path)).status_code == 200
    listed = await manager.get("/api/v1/customers")
    assert customer["id"] not in {c["id"] for c in listed.json()["items"]}

    # An owner without a department leaves the customer without one.
    r = await admin.patch(path, json={"owner_id": admin.user_id})
    assert r.status_code == 200, r.text
    assert r.json()["department_id"] is None
