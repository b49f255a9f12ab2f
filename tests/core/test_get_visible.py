"""The one record loader: ``get_visible`` (scoped) and ``get_or_404`` (unscoped).

An absent id, a soft-deleted record and a record outside the caller's scope are the same 404,
in the service and on the wire; ``for_update`` really takes the row lock (seen from a second
session, without any timing).
"""

from __future__ import annotations

import uuid
from typing import Any

import pytest
from sqlalchemy import func, inspect, select, update
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import load_only

from crm.catalog.models import PriceBook, Product
from crm.core.errors import NotFound
from crm.core.permissions import Principal, absent_message, get_or_404, get_visible
from crm.customers.models import Customer
from crm.identity.repository import principal_for_user
from platform_helpers import assert_problem

MISSING = "No such customer."


async def _principal(db: Any, api: Any) -> Principal:
    async with db.sessionmaker() as session:
        principal = await principal_for_user(session, uuid.UUID(api.user_id))
    assert principal is not None
    return principal


async def _soft_delete(db: Any, customer_id: uuid.UUID) -> None:
    async with db.sessionmaker() as session:
        await session.execute(
            update(Customer).where(Customer.id == customer_id).values(deleted_at=func.now())
        )
        await session.commit()


async def _not_found(db: Any, principal: Principal, record_id: uuid.UUID) -> NotFound:
    async with db.sessionmaker() as session:
        with pytest.raises(NotFound) as caught:
            await get_visible(session, Customer, record_id, principal, not_found=MISSING)
    return caught.value


async def test_absent_out_of_scope_and_deleted_are_the_same_404(
    db: Any, factory: Any, sales_team: dict[str, Any]
) -> None:
    a, b = sales_team["sales_a"], sales_team["sales_b"]
    mine = await factory.customer(a)
    theirs = await factory.customer(b)
    gone = await factory.customer(a)
    await _soft_delete(db, uuid.UUID(gone["id"]))
    principal = await _principal(db, a)

    errors = [
        await _not_found(db, principal, uuid.uuid4()),
        await _not_found(db, principal, uuid.UUID(theirs["id"])),
        await _not_found(db, principal, uuid.UUID(gone["id"])),
    ]
    assert {(e.status, e.title, e.detail) for e in errors} == {(404, "Not Found", MISSING)}

    async with db.sessionmaker() as session:
        found = await get_visible(
            session, Customer, uuid.UUID(mine["id"]), principal, not_found=MISSING
        )
    assert (found.id, found.name) == (uuid.UUID(mine["id"]), mine["name"])

    # On the wire: the problem bodies are identical but for the path they name.
    bodies = []
    for record_id in (uuid.uuid4(), theirs["id"], gone["id"]):
        path = f"/api/v1/customers/{record_id}"
        body = assert_problem(await a.get(path), 404)
        assert body.pop("instance") == path
        bodies.append(body)
    absent, hidden, deleted = bodies
    assert absent == hidden == deleted
    assert absent["detail"] == MISSING


async def test_a_wider_scope_sees_the_record(
    db: Any, factory: Any, sales_team: dict[str, Any]
) -> None:
    theirs = await factory.customer(sales_team["sales_b"])
    manager = await _principal(db, sales_team["manager"])
    async with db.sessionmaker() as session:
        found = await get_visible(
            session, Customer, uuid.UUID(theirs["id"]), manager, not_found=MISSING
        )
    assert found.id == uuid.UUID(theirs["id"])
    outsider = await _principal(db, sales_team["outsider"])
    assert (await _not_found(db, outsider, uuid.UUID(theirs["id"]))).detail == MISSING


async def test_own_visibility_rule_replaces_the_scope_clause(
    db: Any, factory: Any, sales_team: dict[str, Any]
) -> None:
    theirs = await factory.customer(sales_team["sales_b"])
    principal = await _principal(db, sales_team["sales_a"])
    named = Customer.name == theirs["name"]
    async with db.sessionmaker() as session:
        found = await get_visible(
            session, Customer, uuid.UUID(theirs["id"]), principal, not_found=MISSING, visible=named
        )
        assert found.id == uuid.UUID(theirs["id"])
        with pytest.raises(NotFound):
            await get_visible(
                session,
                Customer,
                uuid.UUID(theirs["id"]),
                principal,
                not_found=MISSING,
                visible=Customer.name == "someone else",
            )


async def test_options_shape_the_load(db: Any, factory: Any, sales_team: dict[str, Any]) -> None:
    a = sales_team["sales_a"]
    mine = await factory.customer(a, notes="kept back")
    principal = await _principal(db, a)
    async with db.sessionmaker() as session:
        found = await get_visible(
            session,
            Customer,
            uuid.UUID(mine["id"]),
            principal,
            not_found=MISSING,
            options=[load_only(Customer.id, Customer.name)],
        )
        assert "notes" in inspect(found).unloaded and "name" not in inspect(found).unloaded


async def _locked_elsewhere(db: Any, model: Any, record_id: uuid.UUID) -> bool:
    """Whether another transaction holds ``record_id``'s row lock: NOWAIT fails at once
    instead of waiting, so this needs no timing."""
    async with db.sessionmaker() as other:
        try:
            await other.execute(
                select(model.id).where(model.id == record_id).with_for_update(nowait=True)
            )
        except DBAPIError as exc:
            assert "could not obtain lock" in str(exc)
            return True
        finally:
            await other.rollback()
    return False


async def test_for_update_takes_the_row_lock(
    db: Any, factory: Any, sales_team: dict[str, Any]
) -> None:
    a = sales_team["sales_a"]
    record_id = uuid.UUID((await factory.customer(a))["id"])
    principal = await _principal(db, a)

    async with db.sessionmaker() as session:
        await get_visible(session, Customer, record_id, principal, not_found=MISSING)
        assert not await _locked_elsewhere(db, Customer, record_id)
        await session.rollback()

        await get_visible(
            session, Customer, record_id, principal, not_found=MISSING, for_update=True
        )
        assert await _locked_elsewhere(db, Customer, record_id)
        await session.rollback()
    assert not await _locked_elsewhere(db, Customer, record_id)


async def test_populate_existing_rereads_a_held_instance(
    db: Any, factory: Any, sales_team: dict[str, Any]
) -> None:
    a = sales_team["sales_a"]
    record_id = uuid.UUID((await factory.customer(a, notes="before"))["id"])
    principal = await _principal(db, a)
    async with db.sessionmaker() as session:
        held = await get_visible(session, Customer, record_id, principal, not_found=MISSING)
        async with db.sessionmaker() as other:
            await other.execute(
                update(Customer).where(Customer.id == record_id).values(notes="after")
            )
            await other.commit()
        stale = await get_visible(session, Customer, record_id, principal, not_found=MISSING)
        assert stale is held and stale.notes == "before"
        fresh = await get_visible(
            session,
            Customer,
            record_id,
            principal,
            not_found=MISSING,
            for_update=True,
            populate_existing=True,
        )
        assert fresh is held and fresh.notes == "after"


async def test_get_or_404_loads_unscoped_records(db: Any, admin: Any) -> None:
    r = await admin.post("/api/v1/products", json={"sku": "SKU-1", "name": "Widget"})
    assert r.status_code == 201, r.text
    product_id = uuid.UUID(r.json()["id"])
    async with db.sessionmaker() as session:
        found = await get_or_404(session, Product, product_id, not_found="No such product.")
        assert found.sku == "SKU-1"
        with pytest.raises(NotFound) as caught:
            await get_or_404(session, Product, uuid.uuid4(), not_found="No such product.")
    assert (caught.value.status, caught.value.detail) == (404, "No such product.")

    async with db.sessionmaker() as session:
        await get_or_404(session, Product, product_id, not_found="x", for_update=True)
        assert await _locked_elsewhere(db, Product, product_id)


async def test_get_or_404_treats_soft_deleted_rows_as_absent(
    db: Any, factory: Any, sales_team: dict[str, Any]
) -> None:
    a = sales_team["sales_a"]
    gone = uuid.UUID((await factory.customer(a))["id"])
    await _soft_delete(db, gone)
    async with db.sessionmaker() as session:
        with pytest.raises(NotFound):
            await get_or_404(session, Customer, gone, not_found=MISSING)
        kept = await get_or_404(session, Customer, gone, not_found=MISSING, live_only=False)
    assert kept.deleted_at is not None


async def test_the_default_message_names_the_model(db: Any, sales_team: Any) -> None:
    # What a new domain's one-line loader answers when it names no message of its own.
    assert absent_message(Customer) == "No such customer."
    assert absent_message(PriceBook) == "No such price book."
    principal = await _principal(db, sales_team["sales_a"])
    async with db.sessionmaker() as session:
        with pytest.raises(NotFound) as scoped:
            await get_visible(session, Customer, uuid.uuid4(), principal)
        with pytest.raises(NotFound) as unscoped:
            await get_or_404(session, PriceBook, uuid.uuid4())
    assert scoped.value.detail == "No such customer."
    assert unscoped.value.detail == "No such price book."
