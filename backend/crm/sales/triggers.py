"""Stage triggers: what runs when a deal ENTERS a stage, from the worker.

The worker hands every ``deal.stage_changed`` event to :func:`run_stage_triggers`, which runs
the entered stage's triggers (``[{"type": "legal_review_task"}, ...]``) through a registry:
``register_stage_trigger(type, handler)``. Another domain adds a trigger type by registering
it (contracts registers ``recommend_contract_template``), so sales never imports it; a type no
one registered is skipped with an info log. Each trigger runs at most once per event: the
ledger row (``deal_trigger_runs``) is written in the same transaction as what it creates.

Built in here: ``legal_review_task`` (see :func:`legal_review_task`).
"""

from __future__ import annotations

import uuid
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

import structlog
from sqlalchemy import and_, any_, exists, literal, select
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from crm.activities import task_service
from crm.core import events
from crm.core.events import OutboxEvent
from crm.identity.models import Role, User, user_roles
from crm.sales.models import Deal, DealTriggerRun, Stage

log = structlog.get_logger(__name__)


@dataclass(frozen=True)
class TriggerContext:
    deal: Deal
    stage: Stage  # the stage entered
    config: dict[str, Any]  # the trigger's entry in the stage's list
    event: OutboxEvent


StageTriggerHandler = Callable[[AsyncSession, TriggerContext], Awaitable[None]]
_triggers: dict[str, StageTriggerHandler] = {}


def register_stage_trigger(trigger_type: str, handler: StageTriggerHandler) -> None:
    _triggers[trigger_type] = handler


def registered_trigger_types() -> list[str]:
    return sorted(_triggers)


async def _claim(session: AsyncSession, event: OutboxEvent, trigger_type: str, deal: Deal) -> bool:
    """Record that this trigger runs for this event; False when it already has."""
    inserted = await session.execute(
        insert(DealTriggerRun)
        .values(event_id=event.id, trigger_type=trigger_type, deal_id=deal.id)
        .on_conflict_do_nothing()
        .returning(DealTriggerRun.event_id)
    )
    return inserted.first() is not None


@events.handles("deal.stage_changed")
async def run_stage_triggers(session: AsyncSession, event: OutboxEvent) -> None:
    if event.object_id is None:
        return
    deal = await session.get(Deal, event.object_id)
    stage_id = event.payload.get("to_stage_id")
    if deal is None or deal.deleted_at is not None or not stage_id:
        return
    stage = await session.get(Stage, uuid.UUID(stage_id))
    if stage is None:
        return
    for config in stage.triggers or []:
        trigger_type = str(config.get("type", ""))
        handler = _triggers.get(trigger_type)
        if handler is None:
            log.info("stage_trigger_not_registered", trigger_type=trigger_type, stage=stage.key)
            continue
        if not await _claim(session, event, trigger_type, deal):
            continue
        await handler(session, TriggerContext(deal=deal, stage=stage, config=config, event=event))


# --- legal_review_task ------------------------------------------------------------------------

LEGAL_REVIEW = "contracts:legal_review"
ADMIN_ROLE = "admin"


async def legal_reviewers(session: AsyncSession) -> list[uuid.UUID]:
    """Active users whose roles grant contracts:legal_review.

    Administrators hold every permission by definition, not because they review contracts:
    they are NOT counted, or every administrator would get a task for every deal. When no one
    but administrators holds the permission, the administrators get the task, so a review is
    never silently dropped."""

    def holders(*role_filter: Any) -> Any:
        return (
            select(User.id)
            .where(
                User.is_active.is_(True),
                User.deleted_at.is_(None),
                exists(
                    select(1)
                    .select_from(user_roles.join(Role, Role.id == user_roles.c.role_id))
                    .where(and_(user_roles.c.user_id == User.id, *role_filter))
                ),
            )
            .order_by(User.id)
        )

    reviewers = list(
        (
            await session.execute(
                holders(literal(LEGAL_REVIEW) == any_(Role.permissions), Role.key != ADMIN_ROLE)
            )
        ).scalars()
    )
    if reviewers:
        return reviewers
    return list((await session.execute(holders(Role.key == ADMIN_ROLE))).scalars())


async def legal_review_task(session: AsyncSession, ctx: TriggerContext) -> None:
    """A "Legal review: <deal>" task for every legal reviewer, about the deal's customer."""
    reviewers = await legal_reviewers(session)
    if not reviewers:
        log.warning("legal_review_no_reviewer", deal_id=str(ctx.deal.id))
    for user_id in reviewers:
        await task_service.create_system_task(
            session,
            title=f"Legal review: {ctx.deal.name}",
            description=(
                f"The deal '{ctx.deal.name}' (id {ctx.deal.id}) entered '{ctx.stage.name}': "
                "review its contract before signing."
            ),
            assignee_id=user_id,
            related_type="customer",
            related_id=ctx.deal.customer_id,
            priority="high",
        )


register_stage_trigger("legal_review_task", legal_review_task)
