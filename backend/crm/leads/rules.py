"""Assignment rules: ordered, managed by holders of ``leads:assign``."""

from __future__ import annotations

import uuid
from collections.abc import Sequence

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from crm.core import audit
from crm.core.changes import record_change
from crm.core.concurrency import check_version
from crm.core.errors import Unprocessable, field_error
from crm.core.permissions import get_or_404
from crm.identity.models import Department, User
from crm.leads.models import AssignmentRule
from crm.leads.schemas import RuleCreate, RuleReorder, RuleUpdate


async def list_rules(session: AsyncSession) -> Sequence[AssignmentRule]:
    stmt = select(AssignmentRule).order_by(AssignmentRule.position, AssignmentRule.id)
    return (await session.execute(stmt)).scalars().all()


async def get_rule(
    session: AsyncSession, rule_id: uuid.UUID, *, for_update: bool = False
) -> AssignmentRule:
    return await get_or_404(
        session,
        AssignmentRule,
        rule_id,
        not_found="No such assignment rule.",
        for_update=for_update,
    )


async def _check_target(session: AsyncSession, rule: AssignmentRule) -> None:
    """A user rule names an existing user; a team rule a department or a list of users."""
    if rule.target_kind == "user":
        if rule.target_user_id is None:
            raise Unprocessable(
                "A user rule names its user.",
                errors=[field_error("target_user_id", "Required for target_kind user.")],
            )
        users = [rule.target_user_id]
    else:
        if rule.team_department_id is None and not rule.team_user_ids:
            msg = "A team rule names a department (team_department_id) or users (team_user_ids)."
            raise Unprocessable(msg, errors=[field_error("team_user_ids", msg)])
        users = list(rule.team_user_ids)
        department = rule.team_department_id
        if department is not None and await session.get(Department, department) is None:
            raise Unprocessable(
                "No such department.",
                errors=[field_error("team_department_id", "No such department.")],
            )
    if users:
        found = set(
            (
                await session.execute(
                    select(User.id).where(User.id.in_(users), User.deleted_at.is_(None))
                )
            ).scalars()
        )
        missing = [str(u) for u in users if u not in found]
        if missing:
            field = "target_user_id" if rule.target_kind == "user" else "team_user_ids"
            msg = f"No such user(s): {', '.join(missing)}."
            raise Unprocessable(msg, errors=[field_error(field, msg)])


async def create_rule(session: AsyncSession, *, data: RuleCreate) -> AssignmentRule:
    values = data.model_dump(exclude={"position"})
    values["team_user_ids"] = list(dict.fromkeys(values["team_user_ids"]))
    position = data.position
    if position is None:
        last = await session.scalar(select(func.max(AssignmentRule.position)))
        position = 0 if last is None else last + 1
    rule = AssignmentRule(**values, position=position)
    await _check_target(session, rule)
    session.add(rule)
    await session.flush()
    record_change(
        session,
        action="create",
        object_type="lead_assignment_rule",
        object_id=rule.id,
        after=audit.snapshot(rule),
    )
    return rule


async def update_rule(
    session: AsyncSession, *, rule_id: uuid.UUID, data: RuleUpdate, if_match: int | None
) -> AssignmentRule:
    rule = await get_rule(session, rule_id, for_update=True)
    check_version(rule, if_match, data.version)
    before = audit.snapshot(rule)
    changes = data.model_dump(exclude_unset=True, exclude={"version"})
    for key in ("name", "active", "target_kind"):
        if key in changes and changes[key] is None:
            raise Unprocessable(f"{key} cannot be null.", errors=[field_error(key, "Required.")])
    if changes.get("team_user_ids") is None and "team_user_ids" in changes:
        changes["team_user_ids"] = []
    for key, value in changes.items():
        setattr(rule, key, value)
    rule.team_user_ids = list(dict.fromkeys(rule.team_user_ids))
    await _check_target(session, rule)
    await session.flush()
    record_change(
        session,
        action="update",
        object_type="lead_assignment_rule",
        object_id=rule.id,
        before=before,
        after=audit.snapshot(rule),
    )
    return rule


async def delete_rule(session: AsyncSession, *, rule_id: uuid.UUID) -> None:
    rule = await get_rule(session, rule_id, for_update=True)
    before = audit.snapshot(rule)
    await session.delete(rule)
    await session.flush()
    record_change(
        session,
        action="delete",
        object_type="lead_assignment_rule",
        object_id=rule_id,
        before=before,
    )


async def reorder_rules(session: AsyncSession, *, data: RuleReorder) -> Sequence[AssignmentRule]:
    """Set the evaluation order: ``rule_ids`` must name every rule exactly once."""
    rules = (await session.execute(select(AssignmentRule).with_for_update())).scalars().all()
    by_id = {r.id: r for r in rules}
    if len(set(data.rule_ids)) != len(data.rule_ids) or set(data.rule_ids) != set(by_id):
        msg = "rule_ids must list every assignment rule exactly once."
        raise Unprocessable(msg, errors=[field_error("rule_ids", msg)])
    before = {str(r.id): r.position for r in rules}
    for position, rule_id in enumerate(data.rule_ids):
        if by_id[rule_id].position != position:
            by_id[rule_id].position = position
    await session.flush()
    record_change(
        session,
        action="reorder",
        object_type="lead_assignment_rule",
        object_id=None,
        before={"positions": before},
        after={"positions": {str(r): i for i, r in enumerate(data.rule_ids)}},
    )
    return sorted(rules, key=lambda r: r.position)
