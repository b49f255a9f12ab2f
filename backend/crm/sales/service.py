"""Deals: the operations other domains call (a converted lead opens a deal here)."""

from __future__ import annotations

import uuid
from datetime import date
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from crm.core import audit
from crm.core.changes import record_change
from crm.core.errors import Unprocessable
from crm.sales.models import Deal, DealStageChange, Pipeline, Stage


async def default_pipeline(session: AsyncSession) -> Pipeline:
    """The pipeline deals go to when none is named (seeded by migration 9a4d2c7e1b85)."""
    pipeline = await session.scalar(
        select(Pipeline)
        .where(Pipeline.is_default.is_(True), Pipeline.active.is_(True))
        .order_by(Pipeline.created_at)
        .limit(1)
    )
    if pipeline is None:
        raise Unprocessable("No default pipeline is configured; ask an administrator to set one.")
    return pipeline


async def first_stage(session: AsyncSession, pipeline_id: uuid.UUID) -> Stage:
    """Where a new deal starts: the pipeline's first open stage."""
    stage = await session.scalar(
        select(Stage)
        .where(Stage.pipeline_id == pipeline_id, Stage.kind == "open")
        .order_by(Stage.position)
        .limit(1)
    )
    if stage is None:
        raise Unprocessable("The pipeline has no open stage to start a deal in.")
    return stage


async def open_deal(
    session: AsyncSession,
    *,
    name: str,
    customer_id: uuid.UUID,
    owner_id: uuid.UUID | None,
    department_id: uuid.UUID | None,
    actor_id: uuid.UUID | None,
    contact_id: uuid.UUID | None = None,
    pipeline_id: uuid.UUID | None = None,
    amount: Decimal = Decimal("0"),
    currency: str = "CNY",
    expected_close_date: date | None = None,
    product_line: str | None = None,
) -> Deal:
    """Create a deal in the first stage of its pipeline (the default one unless named), with
    its opening stage-history entry, audit entry and ``deal.created`` event. The caller has
    checked the customer is within its scope."""
    pipeline = (
        await session.get(Pipeline, pipeline_id)
        if pipeline_id is not None
        else await default_pipeline(session)
    )
    if pipeline is None:
        raise Unprocessable("No such pipeline.")
    stage = await first_stage(session, pipeline.id)
    deal = Deal(
        name=name,
        customer_id=customer_id,
        contact_id=contact_id,
        pipeline_id=pipeline.id,
        stage_id=stage.id,
        status="open",
        amount=amount,
        currency=currency,
        expected_close_date=expected_close_date,
        product_line=product_line,
        owner_id=owner_id,
        department_id=department_id,
    )
    session.add(deal)
    await session.flush()
    session.add(
        DealStageChange(
            deal_id=deal.id, from_stage_id=None, to_stage_id=stage.id, changed_by_id=actor_id
        )
    )
    record_change(
        session,
        action="create",
        object_type="deal",
        object_id=deal.id,
        after=audit.snapshot(deal),
        payload={
            "owner_id": str(owner_id) if owner_id else None,
            "customer_id": str(customer_id),
        },
    )
    return deal
