"""The kanban board and the forecast: read-only views over the open deals, within the scope.

The kanban answers from one grouped aggregate (count and amount per stage and currency, an
index-only scan of ``ix_deals_open_stage_totals``) and one short index range scan per stage for
its first cards (``ix_deals_pipeline_stage``, newest change first), so its cost does not grow
with the number of deals on the board beyond the aggregate.
"""

from __future__ import annotations

import uuid
from collections import defaultdict
from datetime import date, datetime
from decimal import Decimal
from typing import Any, Literal

from sqlalchemy import Select, func, select, tuple_, union_all
from sqlalchemy.ext.asyncio import AsyncSession

from crm.core.errors import ProblemError
from crm.core.pagination import decode_cursor, encode_cursor
from crm.core.permissions import Principal, scope_clause
from crm.customers.models import Customer
from crm.sales import pipelines
from crm.sales.models import Deal, Stage
from crm.sales.schemas import (
    AmountTotal,
    Forecast,
    ForecastRow,
    Kanban,
    KanbanCard,
    KanbanColumn,
    StageRead,
)

KANBAN_SORT = "-updated_at"
_CARD_COLUMNS = [
    getattr(Deal, name) for name in KanbanCard.model_fields if name != "customer_name"
] + [Customer.name.label("customer_name")]


def _open_deals(principal: Principal, pipeline_id: uuid.UUID) -> Any:
    return (
        Deal.pipeline_id == pipeline_id,
        Deal.status == "open",
        Deal.deleted_at.is_(None),
        scope_clause(Deal, principal),
    )


def totals_statement(
    principal: Principal, pipeline_id: uuid.UUID, stage_id: uuid.UUID | None = None
) -> Select[uuid.UUID, str, int, Decimal]:
    """Count and amount of the open deals the caller sees, per stage and currency (of one
    stage only when ``stage_id`` is given: a column's next page needs no other column's)."""
    stmt = select(Deal.stage_id, Deal.currency, func.count(), func.sum(Deal.amount)).where(
        *_open_deals(principal, pipeline_id)
    )
    if stage_id is not None:
        stmt = stmt.where(Deal.stage_id == stage_id)
    return stmt.group_by(Deal.stage_id, Deal.currency).order_by(Deal.stage_id, Deal.currency)


async def _totals(
    session: AsyncSession,
    principal: Principal,
    pipeline_id: uuid.UUID,
    stage_id: uuid.UUID | None,
) -> dict[uuid.UUID, tuple[int, list[AmountTotal]]]:
    rows = await session.execute(totals_statement(principal, pipeline_id, stage_id))
    found: dict[uuid.UUID, tuple[int, list[AmountTotal]]] = {}
    for stage_id, currency, count, amount in rows:
        total, amounts = found.get(stage_id, (0, []))
        amounts.append(AmountTotal(currency=currency, amount=amount or Decimal("0")))
        found[stage_id] = (total + count, amounts)
    return found


def _column_statement(
    principal: Principal,
    pipeline_id: uuid.UUID,
    stage_id: uuid.UUID,
    *,
    limit: int,
    cursor: str | None,
) -> Select[Any]:
    """One column's cards after ``cursor``, newest change first, one over ``limit`` (which
    says whether a next page exists): an index range scan of ix_deals_pipeline_stage."""
    # The customer's name by primary key for the page's cards only (at most limit + 1 rows).
    stmt = (
        select(*_CARD_COLUMNS)
        .join(Customer, Customer.id == Deal.customer_id)
        .where(*_open_deals(principal, pipeline_id), Deal.stage_id == stage_id)
    )
    if cursor:
        last_at, last_id = decode_cursor(cursor, KANBAN_SORT, datetime)
        stmt = stmt.where(tuple_(Deal.updated_at, Deal.id) < tuple_(last_at, last_id))
    return stmt.order_by(Deal.updated_at.desc(), Deal.id.desc()).limit(limit + 1)


def cards_statement(
    principal: Principal,
    pipeline_id: uuid.UUID,
    stage_ids: list[uuid.UUID],
    *,
    limit: int,
    cursor: str | None,
) -> Any:
    """The first page (or the page after ``cursor``) of each column, in ONE statement: the
    columns' statements joined by UNION ALL, each keeping its own ORDER BY and LIMIT."""
    statements = [
        _column_statement(principal, pipeline_id, stage_id, limit=limit, cursor=cursor)
        for stage_id in stage_ids
    ]
    return statements[0] if len(statements) == 1 else union_all(*statements)


async def _cards(
    session: AsyncSession,
    principal: Principal,
    pipeline_id: uuid.UUID,
    stage_ids: list[uuid.UUID],
    *,
    limit: int,
    cursor: str | None,
) -> dict[uuid.UUID, tuple[list[KanbanCard], str | None]]:
    if not stage_ids:
        return {}
    stmt = cards_statement(principal, pipeline_id, stage_ids, limit=limit, cursor=cursor)
    by_stage: dict[uuid.UUID, list[KanbanCard]] = defaultdict(list)
    for row in (await session.execute(stmt)).all():
        by_stage[row.stage_id].append(KanbanCard.model_validate(row._mapping))
    pages = {}
    for stage_id in stage_ids:
        rows = by_stage.get(stage_id, [])
        cards = rows[:limit]
        next_cursor = None
        if len(rows) > limit:
            next_cursor = encode_cursor(KANBAN_SORT, cards[-1].updated_at, cards[-1].id)
        pages[stage_id] = (cards, next_cursor)
    return pages


async def kanban(
    session: AsyncSession,
    principal: Principal,
    *,
    pipeline_id: uuid.UUID,
    limit: int,
    stage_id: uuid.UUID | None,
    cursor: str | None,
) -> Kanban:
    """The open stages of a pipeline as columns: count and amount per currency of the open
    deals the caller sees, and the first ``limit`` cards (newest change first). With
    ``stage_id`` (and that column's ``cursor``) only that column, for its next page."""
    await pipelines.get_pipeline(session, pipeline_id)
    stages = [s for s in await pipelines.stages_of(session, pipeline_id) if s.kind == "open"]
    if stage_id is not None:
        stages = [s for s in stages if s.id == stage_id]
        if not stages:
            raise ProblemError(
                "No open stage with that id in this pipeline.",
                status=400,
                errors=[
                    {"loc": ["query", "stage_id"], "msg": "No such stage.", "type": "value_error"}
                ],
            )
    elif cursor is not None:
        raise ProblemError(
            "A cursor pages one column: give its stage_id too.",
            status=400,
            errors=[{"loc": ["query", "cursor"], "msg": "Needs stage_id.", "type": "value_error"}],
        )
    totals = await _totals(session, principal, pipeline_id, stage_id)
    pages = await _cards(
        session,
        principal,
        pipeline_id,
        [stage.id for stage in stages if stage.id in totals],
        limit=limit,
        cursor=cursor,
    )
    columns = []
    for stage in stages:
        count, amounts = totals.get(stage.id, (0, []))
        cards, next_cursor = pages.get(stage.id, ([], None))
        columns.append(
            KanbanColumn(
                stage=StageRead.model_validate(stage),
                count=count,
                totals=amounts,
                cards=cards,
                next_cursor=next_cursor,
            )
        )
    return Kanban(pipeline_id=pipeline_id, columns=columns)


async def forecast(
    session: AsyncSession,
    principal: Principal,
    *,
    pipeline_id: uuid.UUID | None,
    date_from: date | None,
    date_to: date | None,
    group_by: Literal["owner", "department"],
) -> Forecast:
    """Weighted pipeline of the open deals the caller sees: amount x stage probability / 100,
    summed per expected close month, owner or department, and currency. Exact decimals: the
    sum of amount x probability is computed by PostgreSQL in NUMERIC, divided by 100 here."""
    group_column = Deal.owner_id if group_by == "owner" else Deal.department_id
    month = func.to_char(Deal.expected_close_date, "YYYY-MM")
    stmt = (
        select(
            month,
            group_column,
            Deal.currency,
            func.count(),
            func.sum(Deal.amount),
            func.sum(Deal.amount * Stage.probability),
        )
        .join(Stage, Stage.id == Deal.stage_id)
        .where(
            Deal.status == "open",
            Deal.deleted_at.is_(None),
            Deal.expected_close_date.is_not(None),
            scope_clause(Deal, principal),
        )
        .group_by(month, group_column, Deal.currency)
        .order_by(month, group_column, Deal.currency)
    )
    if pipeline_id is not None:
        stmt = stmt.where(Deal.pipeline_id == pipeline_id)
    if date_from is not None:
        stmt = stmt.where(Deal.expected_close_date >= date_from)
    if date_to is not None:
        stmt = stmt.where(Deal.expected_close_date <= date_to)
    rows = [
        ForecastRow(
            month=row_month,
            group_id=group_id,
            currency=currency,
            deals=count,
            amount=amount,
            weighted=Decimal(weighted) / 100,
        )
        for row_month, group_id, currency, count, amount, weighted in await session.execute(stmt)
    ]
    return Forecast(pipeline_id=pipeline_id, group_by=group_by, rows=rows)
