"""Event handlers of the contracts domain: deals flow into contracts through events, never
through calls (sales sits below contracts).

- ``deal.won``: a draft contract from the deal's recommended (or matching) template, with the
  lines a registered provider gives (the accepted quote's) or one line for the deal itself.
- the stage trigger ``recommend_contract_template`` (registered with sales' trigger runner,
  which runs it once per move): records the matching template on the deal.

Both are idempotent: the outbox may deliver an event twice.
"""

from __future__ import annotations

from decimal import Decimal

import structlog
from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm.attributes import set_committed_value

from crm.contracts import lines as line_math
from crm.contracts import service
from crm.contracts.lines import LineIn
from crm.contracts.models import Contract, ContractTemplate
from crm.core import audit, events
from crm.core.events import OutboxEvent
from crm.customers.models import Customer
from crm.sales.models import Deal
from crm.sales.triggers import TriggerContext, register_stage_trigger

log = structlog.get_logger(__name__)
RECOMMEND_TRIGGER = "recommend_contract_template"


async def _template_for_deal(session: AsyncSession, deal: Deal) -> ContractTemplate | None:
    if deal.recommended_contract_template_id is not None:
        chosen = await session.get(ContractTemplate, deal.recommended_contract_template_id)
        if chosen is not None and chosen.active:
            return chosen
    return await service.match_template(
        session, product_line=deal.product_line, amount=deal.amount, currency=deal.currency
    )


@events.handles("deal.won")
async def draft_contract_for_won_deal(session: AsyncSession, event: OutboxEvent) -> None:
    if event.object_id is None:
        return
    # The deal's row lock serialises two deliveries (or two won events) for one deal; the
    # unique index on contracts.deal_id backs it up.
    deal = (
        await session.execute(select(Deal).where(Deal.id == event.object_id).with_for_update())
    ).scalar_one_or_none()
    if deal is None or deal.deleted_at is not None:
        return
    if await session.scalar(select(Contract.id).where(Contract.deal_id == deal.id)) is not None:
        return
    customer = await session.get(Customer, deal.customer_id)
    if customer is None:
        return
    lines = await line_math.deal_lines(session, deal.id) or [
        LineIn(description=deal.name, quantity=Decimal("1"), unit_price=deal.amount)
    ]
    template = await _template_for_deal(session, deal)
    contract = await service.build_contract(
        session,
        customer=customer,
        title=deal.name,
        lines=lines,
        currency=deal.currency,
        template=template,
        deal_id=deal.id,
        owner_id=deal.owner_id,
        department_id=deal.department_id,
        lenient_terms=True,
    )
    log.info("contract_drafted_for_won_deal", deal_id=str(deal.id), contract=contract.number)


async def recommend_contract_template(session: AsyncSession, context: TriggerContext) -> None:
    """The stage trigger ``recommend_contract_template`` (run once per move by sales' trigger
    runner): records the template matching the deal's product line and amount on it."""
    deal = context.deal
    template = await service.match_template(
        session, product_line=deal.product_line, amount=deal.amount, currency=deal.currency
    )
    chosen = template.id if template else None
    if chosen == deal.recommended_contract_template_id:
        return
    before = {"recommended_contract_template_id": str(deal.recommended_contract_template_id)}
    # A statement rather than an ORM change: the ORM would bump the deal's version, and a
    # salesperson editing the deal meanwhile would get a 412 for what the worker did.
    await session.execute(
        update(Deal)
        .where(Deal.id == deal.id)
        .values(recommended_contract_template_id=chosen)
        .execution_options(synchronize_session=False)
    )
    set_committed_value(deal, "recommended_contract_template_id", chosen)
    # An audit entry, not an event: nothing reacts to a recommendation, and a deal.updated
    # event would come back to this domain's handlers for nothing.
    audit.record(
        session,
        action="recommend_contract_template",
        object_type="deal",
        object_id=deal.id,
        before=before,
        after={"recommended_contract_template_id": str(chosen) if chosen else None},
    )


register_stage_trigger(RECOMMEND_TRIGGER, recommend_contract_template)
