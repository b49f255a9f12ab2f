"""What reaches contracts through events and the worker: a won deal's draft contract (once,
however often the event is handled), the template recommendation of the negotiation stage,
expiry reminders (once) and signed contracts expiring."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from datetime import timedelta
from decimal import Decimal
from typing import Any

import pytest
from sqlalchemy import select, update

from contract_helpers import (
    contract,
    deal,
    drain,
    emit,
    move,
    signed_contract,
    stage,
    template,
    win,
)
from crm.contracts import lines as contract_lines
from crm.contracts import tasks as contract_tasks
from crm.contracts.models import Contract
from crm.core.db import utcnow
from crm.notifications.models import Notification
from crm.sales.models import Deal
from crm.settings import get_settings
from platform_helpers import count, rows


@pytest.fixture
def quote_lines() -> Iterator[list[dict[str, Any]]]:
    """A lines provider standing in for the quotes domain, removed after the test."""
    answer: list[dict[str, Any]] = []

    async def provider(session: Any, deal_id: uuid.UUID) -> list[dict[str, Any]]:
        return list(answer)

    contract_lines.register_contract_lines_provider(provider)
    yield answer
    contract_lines._providers.remove(provider)


async def _contracts_of(db: Any, deal_id: uuid.UUID) -> list[Contract]:
    return await rows(db, Contract, Contract.deal_id == deal_id)


async def test_a_won_deal_gets_one_draft_contract_even_when_the_event_comes_twice(
    db: Any, factory: Any, admin: Any, sales_team: dict[str, Any]
) -> None:
    sales = sales_team["sales_a"]
    customer = await factory.customer(sales, name="Won Co")
    await template(admin, name="Too small", max_amount="100")
    matching = await template(admin, name="Mid", min_amount="500", max_amount="5000")
    won = await deal(db, customer, amount="1200.00", name="Annual licence")
    await win(db, won.id)
    await emit(db, "deal.won", won.id)  # delivered twice
    await drain(db)
    await drain(db)

    [made] = await _contracts_of(db, won.id)
    assert made.status == "draft" and made.template_id == uuid.UUID(matching["id"])
    assert made.owner_id == uuid.UUID(sales.user_id)
    assert made.total == Decimal("1200.00") and made.title == "Annual licence"
    assert made.lines == [
        {
            "product_id": None,
            "description": "Annual licence",
            "quantity": "1",
            "unit_price": "1200.00",
            "discount_percent": "0",
            "line_total": "1200.00",
        }
    ]
    assert "Won Co" in made.terms and made.number in made.terms
    r = await sales.get("/api/v1/contracts", params={"deal_id": str(won.id)})
    assert [c["id"] for c in r.json()["items"]] == [str(made.id)]
    # Handled again directly (as after a crash before the event was marked): still one.
    from crm.contracts.handlers import draft_contract_for_won_deal
    from crm.core.events import OutboxEvent

    async with db.sessionmaker() as session:
        [event] = (
            (await session.execute(select(OutboxEvent).where(OutboxEvent.event_type == "deal.won")))
            .scalars()
            .all()[:1]
        )
        await draft_contract_for_won_deal(session, event)
        await session.commit()
    assert await count(db, Contract, Contract.deal_id == won.id) == 1


async def test_the_won_deals_contract_takes_the_accepted_quotes_lines_when_provided(
    db: Any, factory: Any, sales_team: dict[str, Any], quote_lines: list[dict[str, Any]]
) -> None:
    customer = await factory.customer(sales_team["sales_a"])
    quote_lines += [
        {
            "product_id": None,
            "description": "Server",
            "quantity": "2",
            "unit_price": "300.00",
            "discount_percent": "50",
            "line_total": "300.00",
        },
        {"description": "Setup", "quantity": "1", "unit_price": "99.50"},
    ]
    won = await deal(db, customer, amount="999.00")
    await win(db, won.id)
    await drain(db)
    [made] = await _contracts_of(db, won.id)
    assert [line["description"] for line in made.lines] == ["Server", "Setup"]
    assert made.total == Decimal("399.50")
    assert made.template_id is None and made.terms == ""


async def test_a_template_failing_to_render_does_not_stop_the_won_deals_draft(
    db: Any, factory: Any, admin: Any, sales_team: dict[str, Any]
) -> None:
    customer = await factory.customer(sales_team["sales_a"])
    broken = await template(admin, body="{{ contract.total / 0 }}")
    won = await deal(db, customer, amount="10.00")
    await win(db, won.id)
    await drain(db)
    [made] = await _contracts_of(db, won.id)
    assert made.template_id == uuid.UUID(broken["id"]) and made.terms == ""


async def test_entering_negotiation_recommends_the_matching_template(
    db: Any, factory: Any, admin: Any, sales_team: dict[str, Any]
) -> None:
    customer = await factory.customer(sales_team["sales_a"])
    general = await template(admin, name="General")
    await template(admin, name="Other line", product_line="hardware")
    software = await template(admin, name="Software", product_line="software", min_amount="100")
    await template(admin, name="Inactive", product_line="software", active=False)
    await template(admin, name="Dollars", product_line="software", currency="USD")
    negotiation = await stage(db, "negotiation")
    proposal = await stage(db, "proposal")

    plain = await deal(db, customer, amount="50.00", product_line="software")
    sized = await deal(db, customer, amount="5000.00", product_line="software")
    elsewhere = await deal(db, customer, amount="5000.00", product_line="software")
    for d in (plain, sized):
        await emit(db, "deal.stage_changed", d.id, to_stage_id=str(negotiation.id))
    await emit(db, "deal.stage_changed", elsewhere.id, to_stage_id=str(proposal.id))
    versions_before = {d.id: d.version for d in (plain, sized, elsewhere)}
    await drain(db)

    async def recommended(d: Deal) -> str | None:
        async with db.sessionmaker() as session:
            value = await session.scalar(
                select(Deal.recommended_contract_template_id).where(Deal.id == d.id)
            )
            return str(value) if value else None

    assert await recommended(plain) == general["id"]  # below the software template's range
    assert await recommended(sized) == software["id"]  # its product line beats the general one
    assert await recommended(elsewhere) is None  # the proposal stage has no such trigger
    # A recommendation is not an edit: the deal keeps its version, so a salesperson editing it
    # meanwhile does not get a 412 for something the worker did.
    async with db.sessionmaker() as session:
        result = await session.execute(select(Deal.id, Deal.version))
        versions = {deal_id: version for deal_id, version in result.all()}
    assert {i: versions[i] for i in versions_before} == versions_before

    # Handling it again changes nothing (no new version, no new audit entry).
    async with db.sessionmaker() as session:
        version = await session.scalar(select(Deal.version).where(Deal.id == sized.id))
    await emit(db, "deal.stage_changed", sized.id, to_stage_id=str(negotiation.id))
    await drain(db)
    async with db.sessionmaker() as session:
        assert await session.scalar(select(Deal.version).where(Deal.id == sized.id)) == version

    # When the deal is won, its contract uses the recommended template.
    await win(db, sized.id)
    await drain(db)
    [made] = await _contracts_of(db, sized.id)
    assert made.template_id == uuid.UUID(software["id"])


async def test_expiry_reminders_reach_the_owner_once_and_past_contracts_expire(
    db: Any, factory: Any, sales_team: dict[str, Any]
) -> None:
    sales = sales_team["sales_a"]
    customer = await factory.customer(sales)
    today = utcnow().date()
    ending = await signed_contract(
        sales,
        customer["id"],
        signer=sales_team["manager"],
        start_date=(today - timedelta(days=300)).isoformat(),
        end_date=(today + timedelta(days=20)).isoformat(),
    )
    await signed_contract(
        sales,
        customer["id"],
        signer=sales_team["manager"],
        start_date=today.isoformat(),
        end_date=(today + timedelta(days=200)).isoformat(),
    )
    # A draft ending soon is no one's concern yet.
    await contract(sales, customer["id"], end_date=(today + timedelta(days=5)).isoformat())
    past = await signed_contract(
        sales,
        customer["id"],
        signer=sales_team["manager"],
        start_date=(today - timedelta(days=400)).isoformat(),
        end_date=(today + timedelta(days=1)).isoformat(),
    )
    async with db.sessionmaker() as session:
        await session.execute(
            update(Contract)
            .where(Contract.id == uuid.UUID(past["id"]))
            .values(end_date=today - timedelta(days=1))
        )
        await session.commit()

    settings = get_settings().model_copy(update={"contract_expiry_reminder_days": 30})
    first = await contract_tasks.run(db.sessionmaker, settings, now=utcnow())
    again = await contract_tasks.run(db.sessionmaker, settings, now=utcnow())
    assert (first.reminded, first.expired) == (1, 1)
    assert (again.reminded, again.expired) == (0, 0)
    [note] = await rows(db, Notification, Notification.kind == "contract_expiring")
    assert note.user_id == uuid.UUID(sales.user_id)
    assert note.object_id == uuid.UUID(ending["id"]) and ending["number"] in note.title

    r = await sales.get(f"/api/v1/contracts/{past['id']}")
    assert r.json()["status"] == "expired"
    # An expired contract can be renewed.
    renewed = await sales.post(f"/api/v1/contracts/{past['id']}/renew", json={})
    assert renewed.status_code == 201, renewed.text
    assert (await move(sales, renewed.json()["id"], "in_review"))["status"] == "in_review"
