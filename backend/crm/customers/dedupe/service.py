"""Duplicate detection: the online check before a save, and the report of the last scan.

The check runs on every keystroke pause of the customer form, so it is one statement driven by
indexes, each branch capped: exact phone, e-mail and normalised name by btree, similar names by
the trigram index on the distinct names (``customer_names``), then by name. Candidates come
from the caller's data scope only; one more branch looks for an exact match outside it, so
``hidden_matches`` can say a colleague already has this customer without showing it.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import (
    Select,
    String,
    bindparam,
    exists,
    func,
    literal,
    not_,
    or_,
    select,
    true,
    union_all,
)
from sqlalchemy.dialects.postgresql import UUID
from sqlalchemy.ext.asyncio import AsyncSession

from crm.core import jobs
from crm.core.changes import record_change
from crm.core.pagination import PageParams, paginate
from crm.core.permissions import Principal, built_for, owner_scope_clause, scope_clause
from crm.customers.cleaning import normalize_company_name, normalize_email, phone_to_e164
from crm.customers.dedupe.models import CustomerName, DuplicateGroup, DuplicateMember
from crm.customers.dedupe.schemas import DuplicateCheck
from crm.customers.models import Customer

# pg_trgm similarity a name must reach to be a candidate (0..1). At 0.5 "上海星辰科技开发"
# finds "上海星辰科技" (0.6) and "上海星辰科技发展" (0.5), while a shared city prefix and one
# word ("上海星辰贸易", 0.33) does not. Compared explicitly: `%` (what the trigram index serves)
# uses the setting pg_trgm.similarity_threshold, and a SET LOCAL of it had no effect on the
# GET's autocommit session (core.db.read_sessionmaker), so `%` ran at the default, 0.3. That
# default stays as the index's looser prefilter over the distinct names.
NAME_THRESHOLD = 0.5
BRANCH_LIMIT = 50  # rows each branch (phone, e-mail, name) may contribute
# Distinct similar names looked up, best first: bounds the work for a name like thousands of
# others. A worse name could change the answer (RESULT_LIMIT best candidates) only if these
# 200 names together had fewer than RESULT_LIMIT customers in the caller's scope.
NAME_LIMIT = 200
RESULT_LIMIT = 10
SCAN_TASK = "scan_customer_duplicates"
SCAN_KIND = "customers.duplicate_scan"


@dataclass
class Candidate:
    customer: Customer
    score: float = 0.0
    reasons: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class _Wanted:
    """What a check looks for: the cleaned values (None where nothing usable was given)."""

    phone: str | None  # E.164
    email: str | None
    name: str | None  # normalised company name
    exclude_id: uuid.UUID | None

    @classmethod
    def of(cls, data: DuplicateCheck) -> _Wanted:
        phone = phone_to_e164(data.phone) if data.phone else None
        try:
            email = normalize_email(data.email)
        except ValueError:
            email = None  # still being typed: nothing to match exactly
        name = None
        if data.name and data.kind != "person":
            name = normalize_company_name(data.name) or None
        return cls(phone, email, name, data.exclude_id)

    def shape(self) -> tuple[bool, bool, bool, bool]:
        """Which values are given: the statement's shape (the values are its parameters)."""
        return (
            self.phone is not None,
            self.email is not None,
            self.name is not None,
            self.exclude_id is not None,
        )

    def parameters(self) -> dict[str, Any]:
        given = {
            "dup_phone": self.phone,
            "dup_email": self.email,
            "dup_name": self.name,
            "dup_exclude_id": self.exclude_id,
        }
        return {key: value for key, value in given.items() if value is not None}


# The values a check statement is run with (see _Wanted.parameters).
_PHONE = bindparam("dup_phone", type_=String)
_EMAIL = bindparam("dup_email", type_=String)
_NAME = bindparam("dup_name", type_=String)
_EXCLUDE_ID = bindparam("dup_exclude_id", type_=UUID(as_uuid=True))


def _branch(reason: str, score: Any, *where: Any) -> Select[Any]:
    return select(Customer.id, literal(reason).label("reason"), score.label("score")).where(
        Customer.deleted_at.is_(None), *where
    )


def _names_like() -> Any:
    """The distinct names similar to the name looked for, best first, with their score
    (0..100).

    Searched in ``customer_names`` (tens of thousands of rows) rather than customers (a
    million, many sharing near-identical names, so the trigram index there rechecked
    thousands of rows per search)."""
    similarity = func.similarity(CustomerName.name, _NAME)
    score = (similarity * 100).label("score")
    return (
        select(CustomerName.name, score)
        .where(CustomerName.name.op("%")(_NAME), similarity >= NAME_THRESHOLD)
        # The very expression the outer query sorts by, so the planner knows the names come
        # in its order (with the bare similarity it sorted again, or chose a parallel scan
        # of every name that came out sorted).
        .order_by(score.desc())
        .limit(NAME_LIMIT)
        .subquery("similar_names")
    )


def _similar_names(scope: Any, others: list[Any]) -> Select[Any]:
    """Customers in the scope with a name similar to the one looked for, most similar first;
    only when no visible customer has this very name (then that one is the answer).

    Each similar name, best first, is looked up in the scope by
    ``ix_customers_name_normalized_scope``; the nested loop keeps the names' order, so the
    LIMIT stops it as soon as enough customers are found."""
    same_name = exists().where(
        Customer.name_normalized == _NAME, Customer.deleted_at.is_(None), scope, *others
    )
    names = _names_like()
    holders = (
        select(Customer.id)
        .where(
            Customer.name_normalized == names.c.name,
            Customer.deleted_at.is_(None),
            scope,
            *others,
        )
        .limit(BRANCH_LIMIT)
        .lateral("holders")
    )
    return (
        select(holders.c.id, literal("name").label("reason"), names.c.score)
        .select_from(names.join(holders, true()))
        .where(~same_name)
        .order_by(names.c.score.desc())
        .limit(BRANCH_LIMIT)
    )


def _hits(principal: Principal, phone: bool, email: bool, name: bool, exclude: bool) -> Any:
    """UNION ALL of (id, reason, score) rows: capped branches of visible matches, plus at most
    one row with reason "hidden" when a customer outside the scope matches exactly. The
    flags say which values the check is given."""
    scope = scope_clause(Customer, principal)
    outside = not_(
        func.coalesce(
            owner_scope_clause(principal, "customers", Customer.owner_id, Customer.department_id),
            False,
        )
    )
    others = [Customer.id != _EXCLUDE_ID] if exclude else []
    exact = {
        reason: clause
        for reason, clause, given in (
            ("phone", Customer.phone_e164 == _PHONE, phone),
            ("email", Customer.email == _EMAIL, email),
            ("name", Customer.name_normalized == _NAME, name),
        )
        if given
    }
    hundred = literal(100.0)
    branches = [
        _branch(reason, hundred, clause, scope, *others).limit(BRANCH_LIMIT)
        for reason, clause in exact.items()
    ]
    if name:
        branches.append(_similar_names(scope, others))
    # Outside the scope only exact matches count: they are what lets two salespeople end up
    # owning the same customer; a similar name elsewhere is no such evidence.
    branches.append(
        _branch("hidden", literal(0.0), or_(*exact.values()), outside, *others).limit(1)
    )
    return union_all(*branches).subquery("hits")


def check_statement(
    principal: Principal, data: DuplicateCheck
) -> tuple[Select[Any], dict[str, Any]] | None:
    """The one statement of a check, (customer, reason, score) per hit, and the parameters
    to run it with; None when nothing usable was given.

    Built once per principal and shape (which of phone / e-mail / name / exclude_id are
    given) and then only run with other values: building it cost a millisecond, a good part
    of a check that runs on every pause in typing."""
    wanted = _Wanted.of(data)
    phone, email, name, exclude = wanted.shape()
    if not (phone or email or name):
        return None

    def build() -> Select[Any]:
        hits = _hits(principal, phone, email, name, exclude)
        return select(Customer, hits.c.reason, hits.c.score).join(hits, hits.c.id == Customer.id)

    stmt = built_for(principal, ("duplicate_check", phone, email, name, exclude), build)
    return stmt, wanted.parameters()


async def check_duplicates(
    session: AsyncSession, principal: Principal, *, data: DuplicateCheck
) -> tuple[list[Candidate], bool]:
    """(candidates in the caller's scope, best first; whether others outside it match)."""
    check = check_statement(principal, data)
    if check is None:
        return [], False
    stmt, parameters = check
    rows = (await session.execute(stmt, parameters)).all()
    found: dict[uuid.UUID, Candidate] = {}
    hidden = False
    for customer, reason, score in rows:
        if reason == "hidden":
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
        for member, customer in rows.all():
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
