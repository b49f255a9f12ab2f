"""Duplicate detection: the online check before a save, and the report of the last scan.

The check runs on every keystroke pause of the customer form, so its candidates come from one
statement driven by indexes, each branch capped: exact phone key, e-mail and name core by
btree, similar names by the trigram index on the distinct names (``customer_names``), then by
name. That is the blocking; each candidate found by name only is then scored with the scan's
scorer (:mod:`crm.customers.dedupe.scoring`) and shown only when it matches, so a similar name
alone (a look-alike company) is no suggestion. Exact phone and e-mail matches are always shown.
Candidates come from the caller's data scope only; one more branch looks for an exact match
outside it, so ``hidden_matches`` can say a colleague already has this customer without
showing it.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import (
    Select,
    String,
    any_,
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
from sqlalchemy.dialects.postgresql import ARRAY, UUID
from sqlalchemy.engine import Dialect
from sqlalchemy.ext.asyncio import AsyncSession

from crm.core import jobs
from crm.core.changes import record_change
from crm.core.cleaning import normalize_company_name, normalize_email, phone_key
from crm.core.compiled import CompiledQuery, compiled_for
from crm.core.pagination import PageParams, paginate, row_items, select_columns
from crm.core.permissions import (
    Principal,
    owner_scope_clause,
    readable,
    scope_clause,
)
from crm.customers.dedupe import scoring
from crm.customers.dedupe.models import CustomerName, DuplicateGroup, DuplicateMember
from crm.customers.dedupe.schemas import DuplicateCheck
from crm.customers.models import Customer
from crm.customers.schemas import CustomerRead

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
HIDDEN_NAME_LIMIT = 5  # customers outside the scope with the name core, scored for the flag
SCAN_TASK = "scan_customer_duplicates"
SCAN_KIND = "customers.duplicate_scan"


@dataclass
class Candidate:
    customer: dict[str, Any]  # the CustomerRead fields its columns hold (see row_items)
    score: float = 0.0
    reasons: list[str] = field(default_factory=list)


_REASON_ORDER = ["phone", "email", "name"]


@dataclass
class _Hit:
    """One customer's rows of a check: its best score and every reason it matched for."""

    name: str
    score: float = 0.0
    reasons: list[str] = field(default_factory=list)

    def order(self) -> tuple[float, int, str]:
        """Best first: higher score, then more reasons, then by name."""
        return (-self.score, -len(self.reasons), self.name)


# The values a check statement is run with (see _Wanted.parameters); declared with a value
# (None) so that the statement compiles without one (see crm.core.compiled).
_PHONE = bindparam("dup_phone", None, type_=String)
_EMAIL = bindparam("dup_email", None, type_=String)
_NAME = bindparam("dup_name", None, type_=String)
_EXCLUDE_ID = bindparam("dup_exclude_id", None, type_=UUID(as_uuid=True))
_KEYS = (_PHONE.key, _EMAIL.key, _NAME.key, _EXCLUDE_ID.key)


@dataclass(frozen=True)
class _Wanted:
    """What a check looks for: the cleaned values (None where nothing usable was given)."""

    phone: str | None  # the digits key (cleaning.phone_key)
    email: str | None
    name: str | None  # normalised company name
    exclude_id: uuid.UUID | None

    @classmethod
    def of(cls, data: DuplicateCheck) -> _Wanted:
        phone = phone_key(data.phone) if data.phone else None
        try:
            email = normalize_email(data.email)
        except ValueError:
            email = None  # still being typed: nothing to match exactly
        name = None
        if data.name and data.kind != "person":
            name = normalize_company_name(data.name) or None
        return cls(phone, email, name, data.exclude_id)

    def parameters(self) -> dict[str, Any]:
        """The values given, by bind name: which names are present is the statement's shape."""
        given = dict(zip(_KEYS, (self.phone, self.email, self.name, self.exclude_id), strict=True))
        return {key: value for key, value in given.items() if value is not None}

    def record(self, data: DuplicateCheck) -> scoring.Record:
        return scoring.Record.of(
            name=data.name, kind=data.kind, phone_key=self.phone, email=self.email
        )


# What the scorer compares of each candidate, read in the same statement.
_SCORED_COLUMNS = (Customer.kind, Customer.phone_key, Customer.email, Customer.address)


def _branch(reason: str, score: Any, *where: Any) -> Select[Any]:
    return select(
        Customer.id,
        Customer.name,
        literal(reason).label("reason"),
        score.label("score"),
        *_SCORED_COLUMNS,
    ).where(Customer.deleted_at.is_(None), *where)


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
        select(Customer.id, Customer.name, *_SCORED_COLUMNS)
        .where(
            Customer.name_normalized == names.c.name,
            Customer.deleted_at.is_(None),
            scope,
            *others,
        )
        .limit(BRANCH_LIMIT)
        .lateral("holders")
    )
    scored = [holders.c[column.key] for column in _SCORED_COLUMNS]
    return (
        select(
            holders.c.id, holders.c.name, literal("name").label("reason"), names.c.score, *scored
        )
        .select_from(names.join(holders, true()))
        .where(~same_name)
        .order_by(names.c.score.desc())
        .limit(BRANCH_LIMIT)
    )


def _hits(principal: Principal, phone: bool, email: bool, name: bool, exclude: bool) -> Any:
    """UNION ALL of (id, name, reason, score, scored columns) rows: capped branches of visible
    matches, plus at most one row with reason "hidden" when a customer outside the scope has
    the phone or e-mail, and a few "hidden_name" ones with the name core (to be scored). The
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
            ("phone", Customer.phone_key == _PHONE, phone),
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
    # owning the same customer; a similar name elsewhere is no such evidence. The same name
    # core counts when the scorer agrees (the same core in another city is another company).
    contact = [clause for reason, clause in exact.items() if reason != "name"]
    if contact:
        branches.append(_branch("hidden", literal(0.0), or_(*contact), outside, *others).limit(1))
    if name:
        branches.append(
            _branch("hidden_name", literal(0.0), exact["name"], outside, *others).limit(
                HIDDEN_NAME_LIMIT
            )
        )
    return union_all(*branches).subquery("hits")


def check_query(
    principal: Principal, data: DuplicateCheck, dialect: Dialect
) -> tuple[CompiledQuery, dict[str, Any]] | None:
    """The one statement of a check, (id, name, reason, score) per hit, and the values to run
    it with; None when nothing usable was given.

    Compiled once per principal and shape (which of phone / e-mail / name / exclude_id are
    given) and then only run with other values (see crm.core.compiled): building it cost a
    millisecond, a good part of a check that runs on every pause in typing."""
    wanted = _Wanted.of(data)
    parameters = wanted.parameters()
    phone, email, name, exclude = (key in parameters for key in _KEYS)
    if not (phone or email or name):
        return None

    def build() -> Select[Any]:
        hits = _hits(principal, phone, email, name, exclude)
        return select(*hits.c)

    key = ("duplicate_check", phone, email, name, exclude)
    return compiled_for(principal, key, build, dialect), parameters


async def check_duplicates(
    session: AsyncSession, principal: Principal, *, data: DuplicateCheck
) -> tuple[list[Candidate], bool]:
    """(candidates in the caller's scope, best first; whether others outside it match)."""
    check = check_query(principal, data, session.get_bind().dialect)
    if check is None:
        return [], False
    query, parameters = check
    wanted = _Wanted.of(data).record(data)
    found: dict[uuid.UUID, _Hit] = {}
    hidden = False
    for row in await query.fetch(session, parameters):
        if row["reason"] == "hidden":
            hidden = True
            continue
        if row["reason"] == "hidden_name":
            hidden = hidden or scoring.score(wanted, _candidate(row)).is_match
            continue
        hit = found.setdefault(row["id"], _Hit(row["name"]))
        if row["reason"] == "name":
            # Found by its name (the same core or a similar one): a suggestion only if all the
            # evidence says it is this customer.
            result = scoring.score(wanted, _candidate(row))
            if not (result.is_match and "name" in result.reasons):
                continue
            hit.score = max(hit.score, result.percent)
        else:
            hit.score = 100.0  # the same phone or e-mail
        if row["reason"] not in hit.reasons:
            hit.reasons.append(row["reason"])
    found = {customer_id: hit for customer_id, hit in found.items() if hit.reasons}
    ranked = sorted(found.items(), key=lambda item: item[1].order())[:RESULT_LIMIT]
    # Only the customers shown are loaded (a check may hit dozens), in scope as the hits were.
    shown = [customer_id for customer_id, _ in ranked]
    customers = await _shown_customers(session, principal, shown) if shown else {}
    candidates = []
    for customer_id, hit in ranked:
        customer = customers.get(customer_id)
        if customer is not None:  # deleted or moved out of scope since the hits were read
            hit.reasons.sort(key=_REASON_ORDER.index)
            candidates.append(Candidate(customer, hit.score, hit.reasons))
    return candidates, hidden


def _candidate(row: Any) -> scoring.Record:
    return scoring.Record.of(
        name=row["name"],
        kind=row["kind"],
        phone_key=row["phone_key"],
        email=row["email"],
        address=row["address"],
    )


_SHOWN_IDS = bindparam("shown_ids", None, type_=ARRAY(UUID(as_uuid=True)))


async def _shown_customers(
    session: AsyncSession, principal: Principal, ids: list[uuid.UUID]
) -> dict[uuid.UUID, dict[str, Any]]:
    """The customers ``ids`` the principal may see, as CustomerRead items (one compiled
    query per principal, see crm.core.compiled)."""

    def build() -> Select[Any]:
        statement = readable(select_columns(CustomerRead, Customer), Customer, principal)
        return statement.where(Customer.id == any_(_SHOWN_IDS))

    query = compiled_for(principal, "duplicate_check_shown", build, session.get_bind().dialect)
    rows = await query.fetch(session, {_SHOWN_IDS.key: ids})
    return {item["id"]: item for item in row_items(rows, CustomerRead, Customer)}


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
