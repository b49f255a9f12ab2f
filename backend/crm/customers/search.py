"""Customers and contacts in the global search (``GET /api/v1/search``).

Two index-driven queries per object, both through the data-scope function: exact matches
(the whole name, the phone in any format, a whole e-mail address, a tag) and partial matches
(the list's ``q=`` search, newest first, capped at :data:`CANDIDATES` or the page size). The
hits are ranked here: exact before prefix before partial, and among partial matches the closer
the text is to the whole value, the higher ("Acme" ranks "Acme Ltd" above "Acme Industrial
Holdings Group").
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from sqlalchemy import ColumnElement, Row, or_, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import aliased

from crm.core import search
from crm.core.pagination import text_contains
from crm.core.permissions import Principal, readable
from crm.customers.cleaning import phone_search_digits, phone_to_e164
from crm.customers.models import Contact, Customer

# Partial matches ranked per object type, at least: the newest ones. A common fragment ("gmail")
# matches a large share of all rows, and every candidate costs an ILIKE on the rows scanned.
CANDIDATES = 50


def _exact_clauses(model: Any, q: str) -> list[ColumnElement[bool]]:
    clauses: list[ColumnElement[bool]] = [model.name == q]
    if "@" in q:  # only a whole address is selective on the e-mail's trigram index
        clauses.append(model.email == q.lower())
    e164 = phone_to_e164(q)
    if e164:
        clauses.append(model.phone_e164 == e164)
    if model is Customer:
        clauses.append(Customer.tags.contains([q]))
    return clauses


def _partial_clauses(model: Any, q: str) -> list[ColumnElement[bool]]:
    clauses = [text_contains(model.name, q), text_contains(model.email, q)]
    digits = phone_search_digits(q)
    if digits:
        clauses.append(model.phone_e164.like(f"%{digits}%"))
    return clauses


def _rank(row: Row[Any], q: str) -> tuple[float, tuple[str, ...]]:
    """Score in 0..1 and the fields that matched."""
    needle = q.casefold()
    digits = phone_search_digits(q)
    e164 = phone_to_e164(q)
    name = row.name.casefold()
    matched: list[str] = []
    score = 0.0
    if name == needle:
        matched.append("name")
        score = 1.0
    elif name.startswith(needle):
        matched.append("name")
        score = 0.7 + 0.2 * len(needle) / len(name)
    elif needle in name:
        matched.append("name")
        score = 0.4 + 0.3 * len(needle) / len(name)
    if row.phone_e164 and (row.phone_e164 == e164 or (digits and digits in row.phone_e164)):
        matched.append("phone")
        score = max(score, 1.0 if row.phone_e164 == e164 else 0.6)
    if row.email and needle in row.email:
        matched.append("email")
        score = max(score, 1.0 if row.email == needle else 0.5)
    if q in (getattr(row, "tags", None) or ()):
        matched.append("tag")
        score = max(score, 0.8)
    return round(score, 4), tuple(matched)


async def _matching_rows(
    session: AsyncSession, stmt: Any, model: Any, principal: Principal, q: str, limit: int
) -> Iterable[Row[Any]]:
    scoped = readable(stmt, model, principal)
    exact = (await session.execute(scoped.where(or_(*_exact_clauses(model, q))).limit(50))).all()
    partial = (
        await session.execute(
            scoped.where(or_(*_partial_clauses(model, q)))
            .order_by(model.updated_at.desc(), model.id.desc())
            .limit(max(limit, CANDIDATES))
        )
    ).all()
    unique = {row.id: row for row in (*exact, *partial)}
    return unique.values()


def _best(hits: Sequence[search.SearchHit], limit: int) -> list[search.SearchHit]:
    return sorted(hits, key=lambda h: h.score, reverse=True)[:limit]


async def search_customers(
    session: AsyncSession, principal: Principal, q: str, limit: int
) -> list[search.SearchHit]:
    stmt = select(
        Customer.id,
        Customer.name,
        Customer.phone,
        Customer.phone_e164,
        Customer.email,
        Customer.tags,
    )
    hits = []
    for row in await _matching_rows(session, stmt, Customer, principal, q, limit):
        score, matched = _rank(row, q)
        if matched:
            subtitle = row.phone or row.email
            hits.append(
                search.SearchHit("customer", row.id, row.name, subtitle, score, matched, row.id)
            )
    return _best(hits, limit)


async def search_contacts(
    session: AsyncSession, principal: Principal, q: str, limit: int
) -> list[search.SearchHit]:
    # Aliased: the scope's EXISTS on the customers table must not correlate with this join.
    parent = aliased(Customer)
    stmt = select(
        Contact.id,
        Contact.name,
        Contact.phone,
        Contact.phone_e164,
        Contact.email,
        Contact.customer_id,
        parent.name.label("customer_name"),
    ).join(parent, parent.id == Contact.customer_id)
    hits = []
    for row in await _matching_rows(session, stmt, Contact, principal, q, limit):
        score, matched = _rank(row, q)
        if matched:
            hits.append(
                search.SearchHit(
                    "contact", row.id, row.name, row.customer_name, score, matched, row.customer_id
                )
            )
    return _best(hits, limit)


search.register(search.SearchProvider("customer", "customers:read", search_customers))
search.register(search.SearchProvider("contact", "contacts:read", search_contacts))
