"""Products, price books and the price lookup.

Overlap rule: two *active* price books of the same currency and customer group (None, the
general book, is a group of its own) may not share a day; a create or update that would make
them overlap is refused with 422 naming the other book. To change prices from a date, end the
current book the day before (``effective_to``) and start a new one. Writes that could create an
overlap serialise on a transaction-level advisory lock per (currency, group), so two concurrent
creates cannot both pass the check.

Lookup rule: the price of product P for currency C, customer group G on day D comes from the
active book of (C, G) effective on D when it lists P, else from the active general book of C
effective on D; otherwise there is no price.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import date
from decimal import Decimal
from typing import Any

from sqlalchemy import func, or_, select, text
from sqlalchemy.ext.asyncio import AsyncSession

from crm.catalog.models import PriceBook, PriceBookEntry, Product
from crm.catalog.schemas import (
    PriceBookCreate,
    PriceBookUpdate,
    PriceQuote,
    ProductCreate,
    ProductUpdate,
)
from crm.core import audit
from crm.core.changes import record_change
from crm.core.concurrency import check_version
from crm.core.errors import Conflict, NotFound, field_error, invalid_field
from crm.core.pagination import PageParams, paginate, text_contains
from crm.core.permissions import get_or_404

PRODUCT_SORTS = {"name": Product.name, "sku": Product.sku, "created_at": Product.created_at}
BOOK_SORTS = {"effective_from": PriceBook.effective_from, "created_at": PriceBook.created_at}


# --- products -----------------------------------------------------------------------------------


async def get_product(
    session: AsyncSession, product_id: uuid.UUID, *, for_update: bool = False
) -> Product:
    return await get_or_404(
        session, Product, product_id, not_found="No such product.", for_update=for_update
    )


async def list_products(
    session: AsyncSession,
    *,
    params: PageParams,
    active: bool | None,
    product_line: str | None,
) -> tuple[Sequence[Product], str | None, int | None]:
    stmt = select(Product)
    if active is not None:
        stmt = stmt.where(Product.active.is_(active))
    if product_line is not None:
        stmt = stmt.where(Product.product_line == product_line)
    if params.q:
        stmt = stmt.where(
            or_(text_contains(Product.name, params.q), text_contains(Product.sku, params.q))
        )
    return await paginate(
        session,
        stmt,
        params=params,
        id_column=Product.id,
        sortable=PRODUCT_SORTS,
        default_sort="name",
    )


async def _check_sku_free(session: AsyncSession, sku: str, product_id: uuid.UUID | None) -> None:
    stmt = select(Product.id).where(func.lower(Product.sku) == sku.lower())
    if product_id is not None:
        stmt = stmt.where(Product.id != product_id)
    if (await session.execute(stmt)).first() is not None:
        raise Conflict(
            f"SKU {sku!r} is taken by another product.", errors=[field_error("sku", "Taken.")]
        )


async def create_product(session: AsyncSession, *, data: ProductCreate) -> Product:
    await _check_sku_free(session, data.sku, None)
    product = Product(**data.model_dump())
    session.add(product)
    await session.flush()
    record_change(
        session,
        action="create",
        object_type="product",
        object_id=product.id,
        after=audit.snapshot(product),
        payload={"sku": product.sku},
    )
    return product


_PRODUCT_NOT_NULL = ("sku", "name", "unit", "active")


async def update_product(
    session: AsyncSession, *, product_id: uuid.UUID, data: ProductUpdate, if_match: int | None
) -> Product:
    product = await get_product(session, product_id, for_update=True)
    check_version(product, if_match, data.version)
    changes = data.model_dump(exclude_unset=True, exclude={"version"})
    for key in _PRODUCT_NOT_NULL:
        if key in changes and changes[key] is None:
            raise invalid_field(key, "Required.")
    if changes.get("sku") and changes["sku"] != product.sku:
        await _check_sku_free(session, changes["sku"], product.id)
    before = audit.snapshot(product)
    for key, value in changes.items():
        setattr(product, key, value)
    await session.flush()
    after = audit.snapshot(product)
    record_change(
        session,
        action="update",
        object_type="product",
        object_id=product.id,
        before=before,
        after=after,
        payload={"sku": product.sku, "changed": sorted(audit.diff(before, after))},
    )
    return product


# --- price books --------------------------------------------------------------------------------


async def get_price_book(
    session: AsyncSession, book_id: uuid.UUID, *, for_update: bool = False
) -> PriceBook:
    return await get_or_404(
        session, PriceBook, book_id, not_found="No such price book.", for_update=for_update
    )


async def list_price_books(
    session: AsyncSession,
    *,
    params: PageParams,
    currency: str | None,
    customer_group: str | None,
    active: bool | None,
    effective_on: date | None,
) -> tuple[Sequence[PriceBook], str | None, int | None]:
    stmt = select(PriceBook)
    if currency is not None:
        stmt = stmt.where(PriceBook.currency == currency.upper())
    if customer_group is not None:
        stmt = stmt.where(PriceBook.customer_group == customer_group)
    if active is not None:
        stmt = stmt.where(PriceBook.active.is_(active))
    if effective_on is not None:
        stmt = stmt.where(*_effective_on(effective_on))
    if params.q:
        stmt = stmt.where(text_contains(PriceBook.name, params.q))
    return await paginate(
        session,
        stmt,
        params=params,
        id_column=PriceBook.id,
        sortable=BOOK_SORTS,
        default_sort="-effective_from",
    )


def _effective_on(day: date) -> tuple[Any, ...]:
    return (
        PriceBook.effective_from <= day,
        or_(PriceBook.effective_to.is_(None), PriceBook.effective_to >= day),
    )


def _same_group(group: str | None) -> Any:
    return (
        PriceBook.customer_group.is_(None) if group is None else PriceBook.customer_group == group
    )


async def check_no_overlap(session: AsyncSession, book: PriceBook) -> None:
    """Refuse an active book sharing a day with another active book of its currency and group."""
    if not book.active:
        return
    # Serialise the writers of one (currency, group): the check and the write are one step.
    await session.execute(
        text("SELECT pg_advisory_xact_lock(hashtext(:key))"),
        {"key": f"price_book:{book.currency}:{book.customer_group or ''}"},
    )
    stmt = select(PriceBook.id, PriceBook.name).where(
        PriceBook.id != book.id,
        PriceBook.active.is_(True),
        PriceBook.currency == book.currency,
        _same_group(book.customer_group),
        or_(PriceBook.effective_to.is_(None), PriceBook.effective_to >= book.effective_from),
    )
    if book.effective_to is not None:
        stmt = stmt.where(PriceBook.effective_from <= book.effective_to)
    clash = (await session.execute(stmt.limit(1))).first()
    if clash is not None:
        group = f"group {book.customer_group!r}" if book.customer_group else "all customers"
        raise invalid_field(
            "effective_from",
            f"Overlaps price book {clash.name!r} ({clash.id}) for {book.currency} and {group}; "
            "end that book the day before this one starts.",
        )


async def create_price_book(session: AsyncSession, *, data: PriceBookCreate) -> PriceBook:
    book = PriceBook(**data.model_dump())
    session.add(book)
    await session.flush()
    await check_no_overlap(session, book)
    record_change(
        session,
        action="create",
        object_type="price_book",
        object_id=book.id,
        after=audit.snapshot(book),
        payload={"currency": book.currency, "customer_group": book.customer_group},
    )
    return book


async def update_price_book(
    session: AsyncSession, *, book_id: uuid.UUID, data: PriceBookUpdate, if_match: int | None
) -> PriceBook:
    book = await get_price_book(session, book_id, for_update=True)
    check_version(book, if_match, data.version)
    changes = data.model_dump(exclude_unset=True, exclude={"version"})
    for key in ("name", "effective_from", "active"):
        if key in changes and changes[key] is None:
            raise invalid_field(key, "Required.")
    before = audit.snapshot(book)
    for key, value in changes.items():
        setattr(book, key, value)
    if book.effective_to is not None and book.effective_to < book.effective_from:
        raise invalid_field("effective_to", "effective_to is before effective_from.")
    await session.flush()
    await check_no_overlap(session, book)
    after = audit.snapshot(book)
    record_change(
        session,
        action="update",
        object_type="price_book",
        object_id=book.id,
        before=before,
        after=after,
        payload={"changed": sorted(audit.diff(before, after))},
    )
    return book


# --- entries ------------------------------------------------------------------------------------


async def list_entries(
    session: AsyncSession, *, book_id: uuid.UUID, params: PageParams
) -> tuple[Sequence[PriceBookEntry], str | None, int | None]:
    await get_price_book(session, book_id)
    stmt = select(PriceBookEntry).where(PriceBookEntry.price_book_id == book_id)
    return await paginate(
        session,
        stmt,
        params=params,
        id_column=PriceBookEntry.id,
        sortable={"created_at": PriceBookEntry.created_at},
        default_sort="created_at",
    )


async def set_entry(
    session: AsyncSession, *, book_id: uuid.UUID, product_id: uuid.UUID, unit_price: Decimal
) -> tuple[PriceBookEntry, bool]:
    """Create or change the product's price in the book; returns (entry, created)."""
    await get_price_book(session, book_id, for_update=True)
    await get_product(session, product_id)
    entry = (
        await session.execute(
            select(PriceBookEntry)
            .where(PriceBookEntry.price_book_id == book_id, PriceBookEntry.product_id == product_id)
            .with_for_update()
        )
    ).scalar_one_or_none()
    created = entry is None
    before = None if entry is None else audit.snapshot(entry)
    if entry is None:
        entry = PriceBookEntry(price_book_id=book_id, product_id=product_id, unit_price=unit_price)
        session.add(entry)
    else:
        entry.unit_price = unit_price
    await session.flush()
    record_change(
        session,
        action="create" if created else "update",
        object_type="price_book_entry",
        object_id=entry.id,
        before=before,
        after=audit.snapshot(entry),
        payload={"price_book_id": str(book_id), "product_id": str(product_id)},
    )
    return entry, created


async def delete_entry(session: AsyncSession, *, book_id: uuid.UUID, product_id: uuid.UUID) -> None:
    entry = (
        await session.execute(
            select(PriceBookEntry)
            .where(PriceBookEntry.price_book_id == book_id, PriceBookEntry.product_id == product_id)
            .with_for_update()
        )
    ).scalar_one_or_none()
    if entry is None:
        raise NotFound("The product has no price in this book.")
    before = audit.snapshot(entry)
    await session.delete(entry)
    await session.flush()
    record_change(
        session,
        action="delete",
        object_type="price_book_entry",
        object_id=entry.id,
        before=before,
        payload={"price_book_id": str(book_id), "product_id": str(product_id)},
    )


# --- lookup -------------------------------------------------------------------------------------


async def find_price(
    session: AsyncSession,
    *,
    product_id: uuid.UUID,
    currency: str,
    customer_group: str | None,
    on: date,
) -> tuple[Decimal, PriceBook] | None:
    """The list price of a product (see the lookup rule above), or None."""
    currency = currency.upper()
    groups: list[str | None] = [customer_group, None] if customer_group else [None]
    for group in groups:
        row = (
            await session.execute(
                select(PriceBookEntry.unit_price, PriceBook)
                .join(PriceBook, PriceBook.id == PriceBookEntry.price_book_id)
                .where(
                    PriceBookEntry.product_id == product_id,
                    PriceBook.currency == currency,
                    PriceBook.active.is_(True),
                    _same_group(group),
                    *_effective_on(on),
                )
                .order_by(PriceBook.effective_from.desc())
                .limit(1)
            )
        ).first()
        if row is not None:
            return row[0], row[1]
    return None


async def price_in_book(
    session: AsyncSession, *, book_id: uuid.UUID, product_id: uuid.UUID
) -> Decimal | None:
    return (
        await session.execute(
            select(PriceBookEntry.unit_price).where(
                PriceBookEntry.price_book_id == book_id, PriceBookEntry.product_id == product_id
            )
        )
    ).scalar_one_or_none()


async def lookup(
    session: AsyncSession,
    *,
    product_id: uuid.UUID,
    currency: str,
    customer_group: str | None,
    on: date,
) -> PriceQuote:
    await get_product(session, product_id)
    found = await find_price(
        session, product_id=product_id, currency=currency, customer_group=customer_group, on=on
    )
    if found is None:
        raise NotFound(f"No price for this product in {currency.upper()} on {on.isoformat()}.")
    price, book = found
    return PriceQuote(
        product_id=product_id,
        currency=book.currency,
        customer_group=book.customer_group,
        on=on,
        unit_price=price,
        price_book_id=book.id,
        price_book_name=book.name,
    )
