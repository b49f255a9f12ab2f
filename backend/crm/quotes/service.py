"""Quotes: create and edit (revisions), submit for approval, send, accept; and the accepted
quote's lines for the contracts domain. Every read goes through the deal's data scope.

Status flow: draft -> (submit) -> approved, or pending_approval -> approved | rejected;
approved -> (send) -> sent; approved | sent -> (accept) -> accepted. Draft and rejected quotes
are edited in place (a rejected one returns to draft); editing an approved or sent quote
creates revision n+1 (same number) and supersedes it; pending, accepted and superseded quotes
are read-only (409).
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from sqlalchemy import Sequence as DbSequence
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from crm.approvals import service as approval_service
from crm.catalog import service as catalog_service
from crm.catalog.models import PriceBook, Product
from crm.core import audit
from crm.core.changes import record_change
from crm.core.concurrency import check_version
from crm.core.db import Base, utcnow
from crm.core.errors import Conflict, Unprocessable, field_error, invalid_field
from crm.core.pagination import PageParams, paginate
from crm.core.permissions import Principal, readable
from crm.customers.models import Customer
from crm.quotes import pricing

# The loaders live in deps.py; re-exported: other domains load through this service.
from crm.quotes.deps import get_quote as get_quote
from crm.quotes.models import Quote, QuoteLine
from crm.quotes.policy import POLICY_KEY
from crm.quotes.schemas import QuoteCreate, QuoteLineWrite, QuoteUpdate
from crm.sales.models import Deal

# Quote numbers: Q000001, ... (a sequence, so concurrent creates never collide).
QUOTE_NUMBERS = DbSequence("quote_number_seq", metadata=Base.metadata)
EDITABLE = frozenset({"draft", "rejected"})
REVISABLE = frozenset({"approved", "sent"})
QUOTE_SORTS = {"created_at": Quote.created_at, "number": Quote.number}


def _line_error(index: int, msg: str) -> Unprocessable:
    loc = ["body", "lines", str(index), "product_id"]
    return Unprocessable(msg, errors=[{"loc": loc, "msg": msg, "type": "value_error"}])


# --- reads ----------------------------------------------------------------------------------------


async def quote_lines(session: AsyncSession, quote_id: uuid.UUID) -> list[QuoteLine]:
    rows = await session.execute(
        select(QuoteLine).where(QuoteLine.quote_id == quote_id).order_by(QuoteLine.position)
    )
    return list(rows.scalars())


async def list_quotes(
    session: AsyncSession,
    principal: Principal,
    *,
    params: PageParams,
    deal_id: uuid.UUID | None,
    status: str | None,
    number: str | None,
    current_only: bool,
) -> tuple[Sequence[Quote], str | None, int | None]:
    stmt = readable(select(Quote), Quote, principal)
    if deal_id is not None:
        stmt = stmt.where(Quote.deal_id == deal_id)
    if status is not None:
        stmt = stmt.where(Quote.status == status)
    if number is not None:
        stmt = stmt.where(Quote.number == number)
    if current_only and status != "superseded":
        stmt = stmt.where(Quote.status != "superseded")
    return await paginate(
        session,
        stmt,
        params=params,
        id_column=Quote.id,
        sortable=QUOTE_SORTS,
        default_sort="-created_at",
    )


async def revisions(
    session: AsyncSession, principal: Principal, quote_id: uuid.UUID
) -> list[Quote]:
    """Every revision of the quote's number, oldest first."""
    quote = await get_quote(session, principal, quote_id)
    rows = await session.execute(
        readable(select(Quote).where(Quote.number == quote.number), Quote, principal).order_by(
            Quote.revision
        )
    )
    return list(rows.scalars())


# --- building lines -------------------------------------------------------------------------------


async def _deal_for_write(session: AsyncSession, principal: Principal, deal_id: uuid.UUID) -> Deal:
    deal = (
        await session.execute(readable(select(Deal).where(Deal.id == deal_id), Deal, principal))
    ).scalar_one_or_none()
    if deal is None:
        raise invalid_field("deal_id", "No such deal.")
    return deal


async def _check_price_book(session: AsyncSession, book_id: uuid.UUID, currency: str) -> PriceBook:
    book = await session.get(PriceBook, book_id)
    if book is None or not book.active:
        raise invalid_field("price_book_id", "No such active price book.")
    if book.currency != currency:
        raise invalid_field(
            "price_book_id", f"The price book is in {book.currency}; the deal is in {currency}."
        )
    return book


async def _list_price(
    session: AsyncSession, quote: Quote, product_id: uuid.UUID, index: int
) -> Decimal:
    if quote.price_book_id is not None:
        price = await catalog_service.price_in_book(
            session, book_id=quote.price_book_id, product_id=product_id
        )
    else:
        found = await catalog_service.find_price(
            session,
            product_id=product_id,
            currency=quote.currency,
            customer_group=quote.customer_group,
            on=utcnow().date(),
        )
        price = found[0] if found else None
    if price is None:
        raise _line_error(index, f"The product has no {quote.currency} price in the price book.")
    return price


async def _replace_lines(
    session: AsyncSession, quote: Quote, lines: Sequence[QuoteLineWrite]
) -> list[QuoteLine]:
    products = {
        p.id: p
        for p in (
            await session.execute(
                select(Product).where(Product.id.in_({line.product_id for line in lines}))
            )
        ).scalars()
    }
    built: list[QuoteLine] = []
    for index, line in enumerate(lines):
        product = products.get(line.product_id)
        if product is None or not product.active:
            raise _line_error(index, "No such active product.")
        list_price = await _list_price(session, quote, product.id, index)
        built.append(
            QuoteLine(
                quote_id=quote.id,
                position=index + 1,
                product_id=product.id,
                description=line.description or product.name,
                quantity=line.quantity,
                unit=product.unit,
                list_unit_price=list_price,
                unit_price=line.unit_price if line.unit_price is not None else list_price,
                discount_percent=line.discount_percent,
                line_total=Decimal("0"),
            )
        )
    for old in await quote_lines(session, quote.id):
        await session.delete(old)
    await session.flush()
    session.add_all(built)
    return built


def _apply_totals(quote: Quote, lines: Sequence[QuoteLine]) -> None:
    totals = pricing.compute(
        [
            pricing.LineInput(
                quantity=line.quantity,
                list_unit_price=line.list_unit_price,
                unit_price=line.unit_price,
                discount_percent=line.discount_percent,
            )
            for line in lines
        ],
        discount_percent=quote.discount_percent,
        tax_rate_percent=quote.tax_rate_percent,
    )
    for line, total in zip(lines, totals.line_totals, strict=True):
        line.line_total = total
    quote.list_total = totals.list_total
    quote.subtotal = totals.subtotal
    quote.discount_amount = totals.discount_amount
    quote.tax_amount = totals.tax_amount
    quote.total = totals.total
    quote.effective_discount_percent = totals.effective_discount_percent.quantize(Decimal("0.0001"))


def _snapshot(quote: Quote, lines: Sequence[QuoteLine]) -> dict[str, Any]:
    return {**audit.snapshot(quote), "lines": [audit.snapshot(line) for line in lines]}


def _payload(quote: Quote) -> dict[str, Any]:
    return {
        "deal_id": str(quote.deal_id),
        "number": quote.number,
        "revision": quote.revision,
        "status": quote.status,
    }


# --- writes ---------------------------------------------------------------------------------------


async def create_quote(session: AsyncSession, principal: Principal, *, data: QuoteCreate) -> Quote:
    deal = await _deal_for_write(session, principal, data.deal_id)
    customer = await session.get(Customer, deal.customer_id)
    quote = Quote(
        deal_id=deal.id,
        number=f"Q{await session.scalar(QUOTE_NUMBERS.next_value()):06d}",
        revision=1,
        status="draft",
        currency=deal.currency,
        customer_group=customer.customer_group if customer else None,
        valid_until=data.valid_until,
        discount_percent=data.discount_percent,
        tax_rate_percent=data.tax_rate_percent,
        notes=data.notes,
        created_by=principal.user_id,
    )
    if data.price_book_id is not None:
        quote.price_book_id = (
            await _check_price_book(session, data.price_book_id, deal.currency)
        ).id
    session.add(quote)
    await session.flush()
    lines = await _replace_lines(session, quote, data.lines)
    _apply_totals(quote, lines)
    await session.flush()
    record_change(
        session,
        action="create",
        object_type="quote",
        object_id=quote.id,
        after=_snapshot(quote, lines),
        payload=_payload(quote),
    )
    return quote


async def _new_revision(session: AsyncSession, old: Quote) -> Quote:
    """Copy ``old`` and its lines as the next revision (a draft); ``old`` is superseded."""
    before = audit.snapshot(old)
    old.status = "superseded"
    await session.flush()
    record_change(
        session,
        action="supersede",
        object_type="quote",
        object_id=old.id,
        before=before,
        after=audit.snapshot(old),
        payload=_payload(old),
    )
    columns = (
        "deal_id", "number", "currency", "price_book_id", "customer_group", "valid_until",
        "discount_percent", "tax_rate_percent", "notes", "created_by",
    )  # fmt: skip
    new = Quote(**{c: getattr(old, c) for c in columns}, revision=old.revision + 1, status="draft")
    session.add(new)
    await session.flush()
    line_columns = (
        "position", "product_id", "description", "quantity", "unit", "list_unit_price",
        "unit_price", "discount_percent", "line_total",
    )  # fmt: skip
    lines = [
        QuoteLine(quote_id=new.id, **{c: getattr(line, c) for c in line_columns})
        for line in await quote_lines(session, old.id)
    ]
    session.add_all(lines)
    _apply_totals(new, lines)
    await session.flush()
    return new


def _line_inputs(lines: Sequence[QuoteLine]) -> list[QuoteLineWrite]:
    """The current lines as input, keeping price overrides (a unit price off the list)."""
    return [
        QuoteLineWrite(
            product_id=line.product_id,
            description=line.description,
            quantity=line.quantity,
            unit_price=line.unit_price if line.unit_price != line.list_unit_price else None,
            discount_percent=line.discount_percent,
        )
        for line in lines
    ]


def _refuse_read_only(quote: Quote) -> None:
    if quote.status == "pending_approval":
        raise Conflict("The quote is waiting for approval; it cannot change until decided.")
    if quote.status == "accepted":
        raise Conflict("The quote was accepted; it cannot change.")
    if quote.status == "superseded":
        raise Conflict("This revision was superseded; edit the latest revision.")


async def update_quote(
    session: AsyncSession,
    principal: Principal,
    *,
    quote_id: uuid.UUID,
    data: QuoteUpdate,
    if_match: int | None,
) -> Quote:
    """Edit a draft or rejected quote in place, or an approved or sent one as a new revision
    (returned: a new id under the same number)."""
    quote = await get_quote(session, principal, quote_id, for_update=True)
    check_version(quote, if_match, data.version)
    _refuse_read_only(quote)
    revised_from: Quote | None = None
    if quote.status in REVISABLE:
        revised_from = quote
        quote = await _new_revision(session, quote)
    old_lines = await quote_lines(session, quote.id)
    before = None if revised_from else _snapshot(quote, old_lines)
    changes = data.model_dump(exclude_unset=True, exclude={"version", "lines"})
    for key in ("discount_percent", "tax_rate_percent"):
        if key in changes and changes[key] is None:
            raise invalid_field(key, "Required (0 for none).")
    if "price_book_id" in changes and changes["price_book_id"] is not None:
        await _check_price_book(session, changes["price_book_id"], quote.currency)
    for key, value in changes.items():
        setattr(quote, key, value)
    if data.lines is not None:
        lines = await _replace_lines(session, quote, data.lines)
    elif "price_book_id" in changes:
        lines = await _replace_lines(session, quote, _line_inputs(old_lines))
    else:
        lines = old_lines
    _apply_totals(quote, lines)
    if quote.status == "rejected":
        quote.status = "draft"
    await session.flush()
    record_change(
        session,
        action="revise" if revised_from else "update",
        object_type="quote",
        object_id=quote.id,
        before=before,
        after=_snapshot(quote, lines),
        extra={"previous_id": str(revised_from.id)} if revised_from else None,
        payload=_payload(quote),
    )
    return quote


async def _transition(
    session: AsyncSession, quote: Quote, status: str, action: str, **extra: Any
) -> None:
    before = audit.snapshot(quote)
    quote.status = status
    await session.flush()
    record_change(
        session,
        action=action,
        object_type="quote",
        object_id=quote.id,
        before=before,
        after=audit.snapshot(quote),
        extra=extra or None,
        payload=_payload(quote),
    )


async def submit_quote(
    session: AsyncSession, principal: Principal, *, quote_id: uuid.UUID, version: int | None
) -> Quote:
    """Approved at once when the discount policy does not ask for approval; else pending,
    with an approval request to the approver."""
    quote = await get_quote(session, principal, quote_id, for_update=True)
    check_version(quote, version)
    if quote.status not in EDITABLE:
        raise Conflict(
            f"Only a draft or rejected quote can be submitted; this one is {quote.status}."
        )
    if not await quote_lines(session, quote.id):
        raise Unprocessable("The quote has no lines.", errors=[field_error("lines", "Add a line.")])
    request = await approval_service.request_if_needed(
        session, policy_key=POLICY_KEY, obj=quote, requested_by=principal.user_id
    )
    quote.decision_comment = None
    if request is None:
        await _transition(session, quote, "approved", "submit", approval="not needed")
    else:
        await _transition(session, quote, "pending_approval", "submit", approval_id=str(request.id))
    return quote


async def send_quote(
    session: AsyncSession, principal: Principal, *, quote_id: uuid.UUID, version: int | None
) -> Quote:
    quote = await get_quote(session, principal, quote_id, for_update=True)
    check_version(quote, version)
    if quote.status == "pending_approval":
        raise Conflict("The quote is waiting for approval; it cannot be sent yet.")
    if quote.status != "approved":
        raise Conflict(f"Only an approved quote can be sent; this one is {quote.status}.")
    quote.sent_at = utcnow()
    await _transition(session, quote, "sent", "send")
    return quote


async def accept_quote(
    session: AsyncSession, principal: Principal, *, quote_id: uuid.UUID, version: int | None
) -> Quote:
    """Mark the quote the customer accepted: one per deal."""
    quote = await get_quote(session, principal, quote_id, for_update=True)
    check_version(quote, version)
    if quote.status == "pending_approval":
        raise Conflict("The quote is waiting for approval; it cannot be accepted yet.")
    if quote.status not in REVISABLE:
        raise Conflict(
            f"Only an approved or sent quote can be accepted; this one is {quote.status}."
        )
    # Lock the deal: two quotes of one deal accepted at once must not both pass the check.
    await session.execute(select(Deal.id).where(Deal.id == quote.deal_id).with_for_update())
    other = await session.execute(
        select(Quote.number).where(Quote.deal_id == quote.deal_id, Quote.status == "accepted")
    )
    taken = other.scalar_one_or_none()
    if taken is not None:
        raise Conflict(f"Quote {taken} of this deal is accepted already.")
    quote.accepted_at = utcnow()
    await _transition(session, quote, "accepted", "accept")
    return quote


# --- for the contracts domain ---------------------------------------------------------------------


@dataclass(frozen=True)
class AcceptedLine:
    quote_id: uuid.UUID
    product_id: uuid.UUID
    description: str
    quantity: Decimal
    unit: str
    unit_price: Decimal
    discount_percent: Decimal
    line_total: Decimal
    currency: str


async def accepted_quote_lines(session: AsyncSession, deal_id: uuid.UUID) -> list[AcceptedLine]:
    """The lines of the deal's accepted quote (empty when none is accepted). No scope check:
    the caller (a contract built from a won deal) has checked the deal already. Line totals
    are before the quote-level discount and tax; the quote carries those."""
    quote = await accepted_quote(session, deal_id)
    if quote is None:
        return []
    return [
        AcceptedLine(
            quote_id=quote.id,
            product_id=line.product_id,
            description=line.description,
            quantity=line.quantity,
            unit=line.unit,
            unit_price=line.unit_price,
            discount_percent=line.discount_percent,
            line_total=line.line_total,
            currency=quote.currency,
        )
        for line in await quote_lines(session, quote.id)
    ]


async def accepted_quote(session: AsyncSession, deal_id: uuid.UUID) -> Quote | None:
    return (
        await session.execute(
            select(Quote).where(Quote.deal_id == deal_id, Quote.status == "accepted")
        )
    ).scalar_one_or_none()
