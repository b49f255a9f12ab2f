"""Duplicate detection: the online check before a save, and the report of the last scan.

The check runs on every keystroke pause of the customer form, so it is one statement driven by
indexes: exact phone and e-mail by btree, the name by the trigram index on ``name_normalized``
(``%`` with a similarity threshold), each branch capped. Matches are looked for across all
customers, so that ``hidden_matches`` can say a colleague outside your scope already has this
customer; only the ones in your data scope are returned.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import ColumnElement, func, literal, select, text, union_all
from sqlalchemy.ext.asyncio import AsyncSession

from crm.core import jobs
from crm.core.changes import record_change
from crm.core.pagination import PageParams, paginate
from crm.core.permissions import Principal, scope_clause
from crm.customers.cleaning import normalize_company_name, normalize_email, phone_to_e164
from crm.customers.dedupe.models import DuplicateGroup, DuplicateMember
from crm.customers.dedupe.schemas import DuplicateCheck
from crm.customers.models import Customer

# pg_trgm similarity a name must reach to be a candidate (0..1). 0.4 keeps "上海星辰科技" and
# "星辰科技(上海)" together while a shared city prefix alone ("上海星辰贸易") stays out.
NAME_THRESHOLD = 0.4
BRANCH_LIMIT = 50  # rows each branch (phone, e-mail, name) may contribute
RESULT_LIMIT = 10
SCAN_TASK = "scan_customer_duplicates"
SCAN_KIND = "customers.duplicate_scan"


@dataclass
class Candidate:
    customer: Customer
    score: float = 0.0
    reasons: list[str] = field(default_factory=list)


def _cleaned(data: DuplicateCheck) -> tuple[str | None, str | None, str | None]:
    """(e164 phone, e-mail, normalised name) to look for; None where nothing usable was given."""
    phone = phone_to_e164(data.phone) if data.phone else None
    try:
        email = normalize_email(data.email)
    except ValueError:
        email = None  # still being typed: nothing to match exactly
    name = None
    if data.name and data.kind != "person":
        name = normalize_company_name(data.name) or None
    return phone, email, name


def _hits(
    phone: str | None, email: str | None, name: str | None, exclude_id: uuid.UUID | None
) -> Any:
    """UNION ALL of (id, reason, score) rows, one capped branch per given value."""
    branches = []
    live: list[ColumnElement[bool]] = [Customer.deleted_at.is_(None)]
    if exclude_id is not None:
        live.append(Customer.id != exclude_id)
    if phone:
        branches.append(
            select(Customer.id, literal("phone").label("reason"), literal(100.0).label("score"))
            .where(Customer.phone_e164 == phone, *live)
            .limit(BRANCH_LIMIT)
        )
    if email:
        branches.append(
            select(Customer.id, literal("email").label("reason"), literal(100.0).label("score"))
            .where(Customer.email == email, *live)
            .limit(BRANCH_LIMIT)
        )
    if name:
        similarity = func.similarity(Customer.name_normalized, name)
        branches.append(
            select(Customer.id, literal("name").label("reason"), (similarity * 100).label("score"))
            .where(Customer.name_normalized.op("%")(name), *live)
            .order_by(similarity.desc())
            .limit(BRANCH_LIMIT)
        )
    if not branches:
        return None
    return union_all(*branches).subquery("hits")


async def check_duplicates(
    session: AsyncSession, principal: Principal, *, data: DuplicateCheck
) -> tuple[list[Candidate], bool]:
    """(candidates in the caller's scope, best first; whether others outside it match)."""
    phone, email, name = _cleaned(data)
    hits = _hits(phone, email, name, data.exclude_id)
    if hits is None:
        return [], False
    if name:
        # `%` compares against this setting; SET LOCAL ends with the request's transaction.
        await session.execute(text(f"SET LOCAL pg_trgm.similarity_threshold = {NAME_THRESHOLD}"))
    visible = scope_clause(Customer, principal).label("visible")
    rows = (
        await session.execute(
            select(Customer, hits.c.reason, hits.c.score, visible).join(
                hits, hits.c.id == Customer.id
            )
        )
    ).all()
    found: dict[uuid.UUID, Candidate] = {}
    hidden = False
    for customer, reason, score, is_visible in rows:
        if not is_visible:
            hidden = True
            continue
        candidate = found.setdefault(customer.id, Candidate(customer))
        candidate.score = max(candidate.score, round(float(score), 1))
        if reason not in candidate.reasons:
            candidate.reasons.append(reason)
    ranked = sorted(found.values(), key=lambda c: (-c.score, -len(c.reasons), c.customer.name))
    for candidate in ranked:
        candidate.reasons.sort(key=["phone", "email", "name"].index)
    return ranked[:RESULT_LIMIT], hidden


# --- the report -------------------------------------------------------------------------------


def _visible_members(principal: Principal) -> Any:
    """Members the principal may see: live customers in their data scope."""
    return (
        select(DuplicateMember, Customer)
        .join(Customer, Customer.id == DuplicateMember.customer_id)
        .where(scope_clause(Customer, principal))
    )


async def list_groups(
    session: AsyncSession, principal: Principal, *, params: PageParams
) -> tuple[
    list[tuple[DuplicateGroup, list[tuple[DuplicateMember, Customer]]]], str | None, int | None
]:
    """Groups with at least two members the caller may see, strongest first; each with only
    those members. A group whose other members lie outside the scope is not shown at all."""
    visible_count = (
        select(func.count())
        .select_from(DuplicateMember)
        .join(Customer, Customer.id == DuplicateMember.customer_id)
        .where(DuplicateMember.group_id == DuplicateGroup.id, scope_clause(Customer, principal))
        .scalar_subquery()
    )
    groups, next_cursor, total = await paginate(
        session,
        select(DuplicateGroup).where(visible_count >= 2),
        params=params,
        id_column=DuplicateGroup.id,
        sortable={"score": DuplicateGroup.score, "created_at": DuplicateGroup.created_at},
        default_sort="-score",
    )
    members: dict[uuid.UUID, list[tuple[DuplicateMember, Customer]]] = {g.id: [] for g in groups}
    if groups:
        rows = await session.execute(
            _visible_members(principal)
            .where(DuplicateMember.group_id.in_(list(members)))
            .order_by(DuplicateMember.score.desc(), Customer.name)
        )
        for member, customer in rows.tuples():
            members[member.group_id].append((member, customer))
    return [(g, members[g.id]) for g in groups], next_cursor, total


async def start_scan(session: AsyncSession, principal: Principal) -> jobs.Job:
    """Queue a scan of the whole database; the report it writes replaces the last one."""
    job = await jobs.create_job(
        session, kind=SCAN_KIND, task=SCAN_TASK, created_by=principal.user_id
    )
    record_change(
        session,
        action="scan",
        object_type="customer_duplicates",
        object_id=job.id,
        payload={"job_id": str(job.id)},
    )
    return job


def group_reasons(rows: Sequence[tuple[DuplicateMember, Customer]]) -> list[str]:
    reasons = {reason for member, _ in rows for reason in member.reasons}
    return [r for r in ("phone", "email", "name") if r in reasons]
