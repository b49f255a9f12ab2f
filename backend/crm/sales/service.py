"""Deals: the operations other domains call (a converted lead opens a deal here)."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import date
from decimal import Decimal
from typing import Any

from sqlalchemy import Row, Select, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import aliased

from crm.attachments import service as attachment_service
from crm.core import audit, events, recycle
from crm.core.changes import record_change
from crm.core.concurrency import check_version
from crm.core.db import utcnow
from crm.core.errors import Conflict, Unprocessable, field_error, invalid_field
from crm.core.pagination import PageParams, paginate, select_columns, text_contains
from crm.core.permissions import Principal, readable
from crm.customers import fields as custom_fields
from crm.customers import service as customer_service
from crm.customers.models import Contact
from crm.identity import service as identity_service
from crm.identity.models import User
from crm.sales import fields as _deal_fields  # noqa: F401  (registers deals' custom fields)
from crm.sales import pipelines

# The loaders live in deps.py; re-exported: other domains load through this service.
from crm.sales.deps import get_deal as get_deal
from crm.sales.models import Deal, DealStageChange, Pipeline, Stage
from crm.sales.schemas import (
    DealCreate,
    DealFilters,
    DealMove,
    DealRead,
    DealUpdate,
    StageChangeRead,
    StageHistory,
    StageTime,
)


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
    notes: str | None = None,
    custom: dict[str, Any] | None = None,
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
        notes=notes,
        custom=custom or {},
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


# --- the deals API ----------------------------------------------------------------------------

DEAL_SORTS = {
    "updated_at": Deal.updated_at,
    "created_at": Deal.created_at,
    "name": Deal.name,
    "amount": Deal.amount,
    "stage_entered_at": Deal.stage_entered_at,
}
DEAL_DEFAULT_SORT = "-updated_at"


def deal_filter_statement(principal: Principal, filters: DealFilters) -> Select[Any]:
    """The deals ``principal`` may see that match ``filters`` (rows of the DealRead columns)."""
    stmt = readable(select_columns(DealRead, Deal), Deal, principal)
    columns = {
        Deal.pipeline_id: filters.pipeline_id,
        Deal.stage_id: filters.stage_id,
        Deal.status: filters.status,
        Deal.owner_id: filters.owner_id,
        Deal.customer_id: filters.customer_id,
    }
    for column, value in columns.items():
        if value is not None:
            stmt = stmt.where(column == value)
    if filters.close_from is not None:
        stmt = stmt.where(Deal.expected_close_date >= filters.close_from)
    if filters.close_to is not None:
        stmt = stmt.where(Deal.expected_close_date <= filters.close_to)
    if filters.q:
        stmt = stmt.where(text_contains(Deal.name, filters.q))
    return stmt


async def list_deals(
    session: AsyncSession, principal: Principal, *, params: PageParams, filters: DealFilters
) -> tuple[Sequence[Row[Any]], str | None, int | None]:
    return await paginate(
        session,
        deal_filter_statement(principal, filters),
        params=params,
        id_column=Deal.id,
        sortable=DEAL_SORTS,
        default_sort=DEAL_DEFAULT_SORT,
    )


async def _check_contact(
    session: AsyncSession, contact_id: uuid.UUID | None, customer_id: uuid.UUID
) -> None:
    if contact_id is None:
        return
    contact = await session.get(Contact, contact_id)
    if contact is None or contact.deleted_at is not None or contact.customer_id != customer_id:
        raise invalid_field("contact_id", "No such contact of this customer.")


async def _owner(session: AsyncSession, principal: Principal, owner_id: uuid.UUID) -> User:
    return await identity_service.assignable_user(
        session, principal, owner_id, resource="deals", field="owner_id"
    )


async def _pipeline_for_new_deal(session: AsyncSession, pipeline_id: uuid.UUID | None) -> Pipeline:
    if pipeline_id is None:
        return await default_pipeline(session)
    pipeline = await session.get(Pipeline, pipeline_id)
    if pipeline is None or not pipeline.active:
        raise invalid_field("pipeline_id", "No such active pipeline.")
    return pipeline


async def create_deal(session: AsyncSession, principal: Principal, *, data: DealCreate) -> Deal:
    customer = await customer_service.referenced_customer(session, principal, data.customer_id)
    await _check_contact(session, data.contact_id, customer.id)
    owner = await _owner(session, principal, data.owner_id or principal.user_id)
    pipeline = await _pipeline_for_new_deal(session, data.pipeline_id)
    deal = await open_deal(
        session,
        name=data.name,
        customer_id=customer.id,
        contact_id=data.contact_id,
        owner_id=owner.id,
        department_id=owner.department_id,
        actor_id=principal.user_id,
        pipeline_id=pipeline.id,
        amount=data.amount,
        currency=data.currency,
        expected_close_date=data.expected_close_date,
        product_line=data.product_line,
        notes=data.notes,
        custom=await custom_fields.custom_for_create(session, "deal", data.custom_fields),
    )
    return deal


async def update_deal(
    session: AsyncSession,
    principal: Principal,
    *,
    deal_id: uuid.UUID,
    data: DealUpdate,
    if_match: int | None,
) -> Deal:
    deal = await get_deal(session, principal, deal_id, for_update=True)
    check_version(deal, if_match, data.version)
    before = audit.snapshot(deal)
    changes = data.model_dump(exclude_unset=True, exclude={"version", "owner_id", "custom_fields"})
    for field in ("name", "amount", "currency"):
        if field in changes and changes[field] is None:
            raise invalid_field(field, "Required.")
    if "contact_id" in changes:
        await _check_contact(session, changes["contact_id"], deal.customer_id)
    for key, value in changes.items():
        setattr(deal, key, value)
    if data.custom_fields is not None:
        deal.custom = await custom_fields.custom_for_update(
            session, "deal", data.custom_fields, deal.custom
        )
    if "owner_id" in data.model_fields_set and data.owner_id != deal.owner_id:
        if data.owner_id is None:
            raise invalid_field("owner_id", "A deal needs an owner.")
        owner = await _owner(session, principal, data.owner_id)
        deal.owner_id, deal.department_id = owner.id, owner.department_id
    await session.flush()
    after = audit.snapshot(deal)
    record_change(
        session,
        action="update",
        object_type="deal",
        object_id=deal.id,
        before=before,
        after=after,
        payload={
            "changed": sorted(audit.diff(before, after)),
            "customer_id": str(deal.customer_id),
        },
    )
    return deal


async def delete_deal(session: AsyncSession, principal: Principal, *, deal_id: uuid.UUID) -> None:
    deal = await get_deal(session, principal, deal_id, for_update=True)
    await recycle.soft_delete(
        session, deal, object_type="deal", title=deal.name, actor_id=principal.user_id
    )


# --- moving between stages --------------------------------------------------------------------


def _is_empty(value: Any) -> bool:
    if value is None:
        return True
    if isinstance(value, str | list | dict):
        return len(value.strip() if isinstance(value, str) else value) == 0
    if isinstance(value, Decimal):
        return value == 0
    return False


def _field_value(deal: Deal, name: str) -> Any:
    if name.startswith("custom."):
        return (deal.custom or {}).get(name.removeprefix("custom."))
    return getattr(deal, name, None)


async def gate_problems(
    session: AsyncSession, deal: Deal, stage: Stage, *, leaving: bool
) -> list[dict[str, Any]]:
    """Everything ``deal`` lacks to leave ``stage`` (``leaving``) or to move forward past it:
    one machine-readable entry per missing field (``type: missing_field``, ``field``) and per
    missing attachment category (``type: missing_attachment``, ``category``), each naming the
    gated stage (``stage``: its key)."""
    gate = stage.gate or {}
    passing = f"leaves '{stage.name}'" if leaving else f"moves past '{stage.name}'"
    problems: list[dict[str, Any]] = []
    for name in gate.get("required_fields", []):
        if _is_empty(_field_value(deal, name)):
            problems.append(
                {
                    "loc": ["deal", name],
                    "msg": f"The deal's {name} must be filled in before it {passing}.",
                    "type": "missing_field",
                    "field": name,
                    "stage": stage.key,
                }
            )
    categories = list(gate.get("required_attachments", []))
    present = await attachment_service.categories_present(
        session, object_type="deal", object_id=deal.id, categories=categories
    )
    for category in categories:
        if category not in present:
            problems.append(
                {
                    "loc": ["attachments", category],
                    "msg": f"Attach a file of category '{category}' before the deal {passing}.",
                    "type": "missing_attachment",
                    "category": category,
                    "stage": stage.key,
                }
            )
    return problems


def gated_stages_on_the_way(stages: Sequence[Stage], current: Stage, target: Stage) -> list[Stage]:
    """The stages (of the deal's pipeline, ``stages``) whose gates a move from ``current`` to
    ``target`` must meet: the stage left and every stage jumped over on a move forward, but
    not a skippable stage jumped over. Moving backwards and giving a deal up (a lost stage)
    are free. A deal reopened from its lost stage re-enters the line at ``target``, so it
    meets the gates of every stage before it: nothing it skipped on the way to losing."""
    if target.kind == "lost":
        return []
    start = 0 if current.kind == "lost" else current.position
    return [
        stage
        for stage in stages
        if start <= stage.position < target.position
        and stage.kind != "lost"
        and (stage.id == current.id or not stage.skippable)
    ]


async def check_stage_move(
    session: AsyncSession, deal: Deal, current: Stage, target: Stage, *, lost_reason: str | None
) -> None:
    """THE check every change of a deal's stage goes through: the gates on the way (see
    :func:`gated_stages_on_the_way`) and a reason for entering a lost stage. A 422 names every
    missing item and the stages that require them."""
    problems: list[dict[str, Any]] = []
    unmet: list[str] = []
    stages = await pipelines.stages_of(session, deal.pipeline_id)
    for stage in gated_stages_on_the_way(stages, current, target):
        missing = await gate_problems(session, deal, stage, leaving=stage.id == current.id)
        if missing:
            unmet.append(f"'{stage.name}'")
            problems += missing
    if target.kind == "lost" and not lost_reason:
        problems.append(field_error("lost_reason", "Say why the deal was lost.", "missing"))
    if problems:
        required_by = f", required by {', '.join(unmet)}" if unmet else ""
        raise Unprocessable(
            f"The deal cannot move to '{target.name}' yet: {len(problems)} item(s) missing"
            f"{required_by}.",
            errors=problems,
        )


async def _target_stage(session: AsyncSession, deal: Deal, data: DealMove) -> Stage:
    if (data.stage_id is None) == (data.stage_key is None):
        raise invalid_field("stage_id", "Give stage_id or stage_key (one of them).")
    if data.stage_id is not None:
        stage = await session.get(Stage, data.stage_id)
        if stage is None:
            raise invalid_field("stage_id", "No such stage.")
        if stage.pipeline_id != deal.pipeline_id:
            raise invalid_field(
                "stage_id", "That stage belongs to another pipeline; deals stay in theirs."
            )
        return stage
    stage = await session.scalar(
        select(Stage).where(Stage.pipeline_id == deal.pipeline_id, Stage.key == data.stage_key)
    )
    if stage is None:
        raise invalid_field("stage_key", "No stage with that key in the deal's pipeline.")
    return stage


async def move_deal(
    session: AsyncSession,
    principal: Principal,
    *,
    deal_id: uuid.UUID,
    data: DealMove,
    if_match: int | None,
) -> Deal:
    """Move a deal to another stage of its pipeline (any order, backwards too).

    Refused with 422 and nothing written when a gate on the way forward is unmet (every
    missing item named, with its stage) or a lost stage is entered without a reason."""
    deal = await get_deal(session, principal, deal_id, for_update=True)
    check_version(deal, if_match, data.version)
    target = await _target_stage(session, deal, data)
    if target.id == deal.stage_id:
        raise Conflict("The deal is already in that stage.")
    current = await session.get(Stage, deal.stage_id)
    assert current is not None  # a foreign key with ON DELETE RESTRICT
    await check_stage_move(session, deal, current, target, lost_reason=data.lost_reason)
    before = audit.snapshot(deal)
    now = utcnow()
    seconds = max(int((now - deal.stage_entered_at).total_seconds()), 0)
    deal.stage_id = target.id
    deal.status = target.kind
    deal.stage_entered_at = now
    deal.closed_at = now if target.kind != "open" else None
    deal.lost_reason = data.lost_reason if target.kind == "lost" else None
    session.add(
        DealStageChange(
            deal_id=deal.id,
            from_stage_id=current.id,
            to_stage_id=target.id,
            changed_by_id=principal.user_id,
            changed_at=now,
            seconds_in_previous_stage=seconds,
            note=data.note,
        )
    )
    await session.flush()
    payload = {
        "customer_id": str(deal.customer_id),
        "pipeline_id": str(deal.pipeline_id),
        "from_stage_id": str(current.id),
        "from_stage_key": current.key,
        "to_stage_id": str(target.id),
        "to_stage_key": target.key,
        "status": deal.status,
        "seconds_in_previous_stage": seconds,
    }
    audit.record(
        session,
        action="move",
        object_type="deal",
        object_id=deal.id,
        before=before,
        after=audit.snapshot(deal),
        extra={"from_stage": current.key, "to_stage": target.key},
    )
    events.emit(
        session, "deal.stage_changed", object_type="deal", object_id=deal.id, payload=payload
    )
    if target.kind in ("won", "lost"):
        events.emit(
            session,
            f"deal.{target.kind}",
            object_type="deal",
            object_id=deal.id,
            payload={**payload, "amount": str(deal.amount), "currency": deal.currency},
        )
    return deal


async def stage_history(
    session: AsyncSession, principal: Principal, *, deal_id: uuid.UUID
) -> StageHistory:
    """Every move (who, when, from -> to, time in the stage left) and the total time spent in
    each stage, the current one counted up to now."""
    deal = await get_deal(session, principal, deal_id)
    from_stage = aliased(Stage)
    to_stage = aliased(Stage)
    rows = await session.execute(
        select(DealStageChange, from_stage.key, to_stage.key, User.full_name)
        .outerjoin(from_stage, from_stage.id == DealStageChange.from_stage_id)
        .outerjoin(to_stage, to_stage.id == DealStageChange.to_stage_id)
        .outerjoin(User, User.id == DealStageChange.changed_by_id)
        .where(DealStageChange.deal_id == deal.id)
        .order_by(DealStageChange.changed_at, DealStageChange.id)
    )
    changes: list[StageChangeRead] = []
    totals: dict[uuid.UUID, int] = {}
    keys: dict[uuid.UUID, str | None] = {}
    for change, from_key, to_key, who in rows:
        changes.append(
            StageChangeRead(
                id=change.id,
                from_stage_id=change.from_stage_id,
                from_stage_key=from_key,
                to_stage_id=change.to_stage_id,
                to_stage_key=to_key,
                changed_by_id=change.changed_by_id,
                changed_by_name=who,
                changed_at=change.changed_at,
                seconds_in_previous_stage=change.seconds_in_previous_stage,
                note=change.note,
            )
        )
        keys[change.to_stage_id] = to_key
        if change.from_stage_id is not None:
            keys.setdefault(change.from_stage_id, from_key)
            totals[change.from_stage_id] = totals.get(change.from_stage_id, 0) + (
                change.seconds_in_previous_stage or 0
            )
    current = max(int((utcnow() - deal.stage_entered_at).total_seconds()), 0)
    totals[deal.stage_id] = totals.get(deal.stage_id, 0) + current
    return StageHistory(
        changes=changes,
        time_in_stages=[
            StageTime(stage_id=sid, stage_key=keys.get(sid), seconds=seconds)
            for sid, seconds in totals.items()
        ],
    )
