"""Customers and contacts in the global search (``GET /api/v1/search``).

One index-driven statement per object, through the data-scope function: exact matches (the
whole name, the phone in any format, a whole e-mail address, a tag) and, in the same round
trip, partial matches (the list's ``q=`` search, newest first, capped at :data:`CANDIDATES` or
the page size). The hits are ranked here: exact before prefix before partial, and among
partial matches the closer the text is to the whole value, the higher ("Acme" ranks "Acme Ltd"
above "Acme Industrial Holdings Group").
"""

from __future__ import annotations

import functools
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

import asyncpg
from sqlalchemy import ColumnElement, CompoundSelect, Select, bindparam, or_, select, union_all
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import aliased

from crm.core import search
from crm.core.cleaning import phone_search_digits, phone_to_e164
from crm.core.compiled import compiled_for
from crm.core.field_access import FieldView, view_for
from crm.core.pagination import contains_pattern, text_like
from crm.core.permissions import Principal, readable
from crm.customers.models import Contact, Customer

# Partial matches ranked per object type, at least: the newest ones. A common fragment ("gmail")
# matches a large share of all rows, and every candidate costs a LIKE on the rows scanned.
CANDIDATES = 50
# Exact matches per object type, at most (a tag can be on thousands of customers).
EXACT_LIMIT = 50


@dataclass(frozen=True)
class Needle:
    """The search text in the forms the clauses and the ranking compare with, worked out once
    per request (parsing a phone number is the costly part)."""

    text: str
    folded: str  # casefold, for names
    digits: str | None  # phone digits to look for inside E.164 numbers
    e164: str | None  # the text as a whole phone number

    @classmethod
    @functools.lru_cache(maxsize=1024)  # each provider asks for it: parse the text once
    def of(cls, q: str) -> Needle:
        return cls(q, q.casefold(), phone_search_digits(q), phone_to_e164(q))


def _search_values(model: Any, needle: Needle, limit: int) -> dict[str, Any]:
    """The values the search statement of ``model`` binds, by name. Which names are present
    is the statement's shape: it is compiled once per principal and shape."""
    values: dict[str, Any] = {
        "exact_name": needle.text,
        "partial_text": contains_pattern(needle.text),
        "partial_limit": max(limit, CANDIDATES),
    }
    if "@" in needle.text:  # only a whole address is selective on the e-mail's index
        values["exact_email"] = needle.text.lower()
    if needle.e164:
        values["exact_phone"] = needle.e164
    if model is Customer:
        values["exact_tag"] = [needle.text]
    if needle.digits:
        values["partial_digits"] = f"%{needle.digits}%"
    return values


def _bound(values: dict[str, Any], name: str, column: Any) -> Any:
    """The bind parameter ``name`` of the search statement, typed as ``column``."""
    return bindparam(name, values[name], type_=column.type)


def _exact_clauses(model: Any, values: dict[str, Any]) -> list[ColumnElement[bool]]:
    clauses: list[ColumnElement[bool]] = [model.name == _bound(values, "exact_name", model.name)]
    if "exact_email" in values:
        clauses.append(model.email == _bound(values, "exact_email", model.email))
    if "exact_phone" in values:
        clauses.append(model.phone_e164 == _bound(values, "exact_phone", model.phone_e164))
    if "exact_tag" in values:
        clauses.append(Customer.tags.contains(_bound(values, "exact_tag", Customer.tags)))
    return clauses


def _partial_clauses(model: Any, values: dict[str, Any]) -> list[ColumnElement[bool]]:
    pattern = _bound(values, "partial_text", model.name)
    clauses = [text_like(model.name, pattern), text_like(model.email, pattern)]
    if "partial_digits" in values:
        clauses.append(model.phone_e164.like(_bound(values, "partial_digits", model.phone_e164)))
    return clauses


def _rank(row: asyncpg.Record, needle: Needle) -> tuple[float, tuple[str, ...]]:
    """Score in 0..1 and the fields that matched."""
    name = row["name"].casefold()
    matched: list[str] = []
    score = 0.0
    if name == needle.folded:
        matched.append("name")
        score = 1.0
    elif name.startswith(needle.folded):
        matched.append("name")
        score = 0.7 + 0.2 * len(needle.folded) / len(name)
    elif needle.folded in name:
        matched.append("name")
        score = 0.4 + 0.3 * len(needle.folded) / len(name)
    phone = row["phone_e164"]
    if phone and (phone == needle.e164 or (needle.digits and needle.digits in phone)):
        matched.append("phone")
        score = max(score, 1.0 if phone == needle.e164 else 0.6)
    email = row["email"]
    if email and needle.folded in email:
        matched.append("email")
        score = max(score, 1.0 if email == needle.folded else 0.5)
    if needle.text in (row.get("tags") or ()):
        matched.append("tag")
        score = max(score, 0.8)
    return round(score, 4), tuple(matched)


def _matching_statement(
    stmt: Select[Any], model: Any, principal: Principal, values: dict[str, Any]
) -> CompoundSelect[Any]:
    """The exact and the newest partial matches in scope, as one statement."""
    scoped = readable(stmt, model, principal)
    exact = scoped.where(or_(*_exact_clauses(model, values))).limit(EXACT_LIMIT)
    partial = (
        scoped.where(or_(*_partial_clauses(model, values)))
        .order_by(model.updated_at.desc(), model.id.desc())
        .limit(bindparam("partial_limit", values["partial_limit"]))
    )
    return union_all(exact, partial)


async def _matching_rows(
    session: AsyncSession,
    stmt: Select[*tuple[Any, ...]],
    model: Any,
    principal: Principal,
    needle: Needle,
    limit: int,
) -> Iterable[asyncpg.Record]:
    """The exact and the newest partial matches in scope, in one round trip: the statement is
    compiled once per principal and shape (see crm.core.compiled), a search binds its values."""
    values = _search_values(model, needle, limit)
    query = compiled_for(
        principal,
        ("global-search", model, *sorted(values)),
        lambda: _matching_statement(stmt, model, principal, values),
        session.get_bind().dialect,
    )
    rows = await query.fetch(session, values)
    return {row["id"]: row for row in rows}.values()


# Which field each kind of match read: a match on a field hidden from the caller is no match
# (else the search would tell what the hidden value is).
_MATCH_FIELDS = {"name": "name", "phone": "phone", "email": "email", "tag": "tags"}


def _visible_rank(
    view: FieldView, row: asyncpg.Record, needle: Needle
) -> tuple[float, tuple[str, ...], dict[str, Any]]:
    """:func:`_rank` as the caller may see it: the matches on hidden fields left out (their
    score too), and the row's values through the caller's field permissions."""
    score, matched = _rank(row, needle)
    if not view.restricted:
        return score, matched, dict(row)
    if any(not view.visible(_MATCH_FIELDS[m]) for m in matched):
        matched = tuple(m for m in matched if view.visible(_MATCH_FIELDS[m]))
        score = 0.5 if matched else 0.0  # a visible but partial-strength match
    return score, matched, view.shape(dict(row))


def _best(hits: Sequence[search.SearchHit], limit: int) -> list[search.SearchHit]:
    return sorted(hits, key=lambda h: h.score, reverse=True)[:limit]


_CUSTOMER_COLUMNS = select(
    Customer.id,
    Customer.name,
    Customer.phone,
    Customer.phone_e164,
    Customer.email,
    Customer.tags,
)


async def search_customers(
    session: AsyncSession, principal: Principal, q: str, limit: int
) -> list[search.SearchHit]:
    needle = Needle.of(q)
    view = view_for(principal, "customer")
    hits = []
    rows = await _matching_rows(session, _CUSTOMER_COLUMNS, Customer, principal, needle, limit)
    for row in rows:
        score, matched, shown = _visible_rank(view, row, needle)
        if matched:
            subtitle = shown.get("phone") or shown.get("email")
            customer_id = row["id"]
            title = shown.get("name") or ""
            hits.append(
                search.SearchHit(
                    "customer", customer_id, title, subtitle, score, matched, customer_id
                )
            )
    return _best(hits, limit)


# Aliased: the scope's EXISTS on the customers table must not correlate with this join. Built
# once: an alias of a wide table costs milliseconds to construct.
_CONTACT_CUSTOMER = aliased(Customer)
_CONTACT_COLUMNS = select(
    Contact.id,
    Contact.name,
    Contact.phone,
    Contact.phone_e164,
    Contact.email,
    Contact.customer_id,
    _CONTACT_CUSTOMER.name.label("customer_name"),
).join(_CONTACT_CUSTOMER, _CONTACT_CUSTOMER.id == Contact.customer_id)


async def search_contacts(
    session: AsyncSession, principal: Principal, q: str, limit: int
) -> list[search.SearchHit]:
    needle = Needle.of(q)
    view = view_for(principal, "contact")
    customer_name_shown = view_for(principal, "customer").visible("name")
    hits = []
    rows = await _matching_rows(session, _CONTACT_COLUMNS, Contact, principal, needle, limit)
    for row in rows:
        score, matched, shown = _visible_rank(view, row, needle)
        if matched:
            hits.append(
                search.SearchHit(
                    "contact",
                    row["id"],
                    shown.get("name") or "",
                    row["customer_name"] if customer_name_shown else None,
                    score,
                    matched,
                    row["customer_id"],
                )
            )
    return _best(hits, limit)


search.register(search.SearchProvider("customer", "customers:read", search_customers))
search.register(search.SearchProvider("contact", "contacts:read", search_contacts))
