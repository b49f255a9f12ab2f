"""Automatic assignment of new pool leads, run by the worker on ``lead.created`` events.

Built for throughput (hundreds of leads a second): events arrive in batches (see
``core.events.handles_batch``), and per batch the rules and their teams are loaded once, the
sales loads are one grouped query, each round-robin rule takes all its turns for the batch in
one atomic ``UPDATE ... RETURNING``, the owners are written with one ``UPDATE ... FROM
unnest(...)`` and the history with one multi-row INSERT.

A team is either an explicit list of users (``team_user_ids``, in that order) or the active
users of a department (``team_department_id``, its own members, ordered by id). Inactive or
deleted users never receive leads; a rule whose team has nobody left is skipped.
"""

from __future__ import annotations

import heapq
import uuid
import zlib
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

from sqlalchemy import func, or_, select, text, union_all, update
from sqlalchemy.ext.asyncio import AsyncSession

from crm.core import events
from crm.core.db import utcnow
from crm.identity.models import User
from crm.leads.models import OPEN_LEAD_STATUSES, AssignmentRule, Lead
from crm.leads.service import Assignment, lead_label, record_assignments
from crm.sales.models import Deal

LOAD_WINDOW = timedelta(days=30)
# Leads the rules consider: in the pool and still to be worked.
_ASSIGNABLE = ("new", "contacted", "qualified")


@dataclass
class Rule:
    id: uuid.UUID
    name: str
    kind: str
    conditions: dict[str, str]  # lead attribute -> required value (case-insensitive)
    members: list[uuid.UUID] = field(default_factory=list)

    def matches(self, lead: Any) -> bool:
        for attribute, wanted in self.conditions.items():
            value = getattr(lead, attribute)
            if value is None or value.strip().casefold() != wanted:
                return False
        return True


async def load_rules(session: AsyncSession) -> tuple[list[Rule], dict[uuid.UUID, uuid.UUID | None]]:
    """(the active rules in evaluation order with their eligible members, each eligible
    user's department): two queries whatever the number of rules."""
    rows = (
        (
            await session.execute(
                select(AssignmentRule)
                .where(AssignmentRule.active.is_(True))
                .order_by(AssignmentRule.position, AssignmentRule.id)
            )
        )
        .scalars()
        .all()
    )
    if not rows:
        return [], {}
    user_ids = {u for r in rows for u in r.team_user_ids}
    user_ids |= {r.target_user_id for r in rows if r.target_user_id}
    departments = {r.team_department_id for r in rows if r.team_department_id}
    users = (
        await session.execute(
            select(User.id, User.department_id)
            .where(
                User.is_active.is_(True),
                User.deleted_at.is_(None),
                or_(User.id.in_(user_ids), User.department_id.in_(departments)),
            )
            .order_by(User.id)
        )
    ).all()
    department_of = {uid: dept for uid, dept in users}
    by_department: dict[uuid.UUID, list[uuid.UUID]] = defaultdict(list)
    for uid, dept in users:
        if dept is not None:
            by_department[dept].append(uid)
    rules = []
    for row in rows:
        if row.target_kind == "user":
            members = [row.target_user_id] if row.target_user_id in department_of else []
        elif row.team_user_ids:
            members = [u for u in row.team_user_ids if u in department_of]
        else:
            members = (
                list(by_department.get(row.team_department_id, []))
                if (row.team_department_id)
                else []
            )
        conditions = {
            attribute: value.strip().casefold()
            for attribute in ("province", "city", "product_line", "source", "grade")
            if (value := getattr(row, attribute)) is not None
        }
        if members:
            rules.append(Rule(row.id, row.name, row.target_kind, conditions, members))
    return rules, department_of


async def current_loads(
    session: AsyncSession, user_ids: Sequence[uuid.UUID]
) -> dict[uuid.UUID, int]:
    """Per user: open deals created in the last 30 days plus open leads, in one statement."""
    loads = dict.fromkeys(user_ids, 0)
    if not user_ids:
        return loads
    ids = list(user_ids)
    deals = (
        select(Deal.owner_id.label("owner_id"), func.count().label("n"))
        .where(
            Deal.owner_id.in_(ids),
            Deal.status == "open",
            Deal.deleted_at.is_(None),
            Deal.created_at >= utcnow() - LOAD_WINDOW,
        )
        .group_by(Deal.owner_id)
    )
    leads = (
        select(Lead.owner_id.label("owner_id"), func.count().label("n"))
        .where(
            Lead.owner_id.in_(ids),
            Lead.status.in_(OPEN_LEAD_STATUSES),
            Lead.deleted_at.is_(None),
        )
        .group_by(Lead.owner_id)
    )
    both = union_all(deals, leads).subquery()
    rows = await session.execute(
        select(both.c.owner_id, func.sum(both.c.n)).group_by(both.c.owner_id)
    )
    for owner_id, n in rows:
        loads[owner_id] = int(n)
    return loads


async def _take_turns(session: AsyncSession, rule_id: uuid.UUID, count: int) -> int:
    """Reserve ``count`` consecutive round-robin turns of the rule; the first one's number.
    One atomic UPDATE: concurrent batches get disjoint ranges, so no turn is taken twice."""
    end = await session.scalar(
        update(AssignmentRule)
        .where(AssignmentRule.id == rule_id)
        .values(rr_position=AssignmentRule.rr_position + count)
        .returning(AssignmentRule.rr_position)
        .execution_options(synchronize_session=False)
    )
    return int(end or 0) - count


async def _lock_for_loads(session: AsyncSession, rule_ids: Sequence[uuid.UUID]) -> None:
    """Serialise least-loaded decisions of the same rule across workers until commit: two
    batches reading the same loads at once would both pick the same person."""
    for rule_id in sorted(rule_ids):
        key = zlib.crc32(b"lead-rule:" + rule_id.bytes)
        await session.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": key})


async def assign_pool_leads(session: AsyncSession, lead_ids: Sequence[uuid.UUID]) -> int:
    """Run the assignment rules on those of ``lead_ids`` still in the pool; how many got an
    owner. Leads no rule matches stay in the pool."""
    if not lead_ids:
        return 0
    leads = (
        await session.execute(
            select(
                Lead.id,
                Lead.person_name,
                Lead.company_name,
                Lead.email,
                Lead.phone,
                Lead.province,
                Lead.city,
                Lead.product_line,
                Lead.source,
                Lead.grade,
            )
            .where(
                Lead.id.in_(list(lead_ids)),
                Lead.owner_id.is_(None),
                Lead.deleted_at.is_(None),
                Lead.status.in_(_ASSIGNABLE),
            )
            .order_by(Lead.id)
            .with_for_update(of=Lead)
        )
    ).all()
    if not leads:
        return 0
    rules, department_of = await load_rules(session)
    matched: dict[uuid.UUID, list[Any]] = defaultdict(list)
    by_id = {rule.id: rule for rule in rules}
    for lead in leads:
        rule = next((r for r in rules if r.matches(lead)), None)
        if rule is not None:
            matched[rule.id].append(lead)
    if not matched:
        return 0
    balanced = [rid for rid in matched if by_id[rid].kind == "least_loaded"]
    await _lock_for_loads(session, balanced)
    loads = await current_loads(
        session, sorted({m for rid in balanced for m in by_id[rid].members})
    )
    # Turns in rule id order: concurrent batches lock the rules' rows in the same order.
    first_turn = {
        rid: await _take_turns(session, rid, len(matched[rid]))
        for rid in sorted(matched)
        if by_id[rid].kind == "round_robin"
    }
    owners: list[tuple[Any, Rule, uuid.UUID]] = []
    for rule_id, group in matched.items():
        rule = by_id[rule_id]
        if rule.kind == "user":
            chosen = [rule.members[0]] * len(group)
        elif rule.kind == "round_robin":
            first = first_turn[rule_id]
            chosen = [rule.members[(first + i) % len(rule.members)] for i in range(len(group))]
        else:
            chosen = _least_loaded(rule.members, loads, len(group))
        for lead, owner in zip(group, chosen, strict=True):
            if owner in loads and rule.kind != "least_loaded":
                loads[owner] += 1
            owners.append((lead, rule, owner))
    await _write_owners(session, owners, department_of)
    await record_assignments(
        session,
        [
            Assignment(
                lead.id,
                lead_label(lead),
                None,
                owner,
                "rule",
                rule_id=rule.id,
                reason=f"Assignment rule: {rule.name}",
            )
            for lead, rule, owner in owners
        ],
    )
    return len(owners)


def _least_loaded(
    members: Sequence[uuid.UUID], loads: dict[uuid.UUID, int], count: int
) -> list[uuid.UUID]:
    """``count`` picks, each the member with the lowest load counting the picks before it
    (ties: the lowest id, so the order is deterministic)."""
    heap = [(loads[m], m) for m in members]
    heapq.heapify(heap)
    chosen = []
    for _ in range(count):
        load, member = heapq.heappop(heap)
        chosen.append(member)
        loads[member] = load + 1
        heapq.heappush(heap, (load + 1, member))
    return chosen


async def _write_owners(
    session: AsyncSession,
    owners: Sequence[tuple[Any, Rule, uuid.UUID]],
    department_of: dict[uuid.UUID, uuid.UUID | None],
) -> None:
    """Every chosen owner in one UPDATE (version bumped as an ORM write would)."""
    await session.execute(
        text(
            "UPDATE leads l SET owner_id = v.owner_id, department_id = v.department_id, "
            "assigned_at = now(), updated_at = now(), version = l.version + 1 "
            "FROM unnest(CAST(:ids AS uuid[]), CAST(:owners AS uuid[]), "
            "CAST(:departments AS uuid[])) AS v(id, owner_id, department_id) "
            "WHERE l.id = v.id"
        ),
        {
            "ids": [lead.id for lead, _, _ in owners],
            "owners": [owner for _, _, owner in owners],
            "departments": [department_of.get(owner) for _, _, owner in owners],
        },
    )


@events.handles_batch("lead.created")
async def assign_new_leads(session: AsyncSession, batch: list[events.OutboxEvent]) -> None:
    """New leads from anywhere (API, import, integrations): those without an owner go
    through the assignment rules."""
    await assign_pool_leads(session, [e.object_id for e in batch if e.object_id is not None])
