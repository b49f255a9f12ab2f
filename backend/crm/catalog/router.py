"""HTTP routes of products, price books, their entries and the price lookup."""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Query, Response

from crm.catalog import service
from crm.catalog.deps import ProductsRead, ProductsWrite
from crm.catalog.schemas import (
    Currency,
    PriceBookCreate,
    PriceBookEntryRead,
    PriceBookEntryWrite,
    PriceBookRead,
    PriceBookUpdate,
    PriceQuote,
    ProductCreate,
    ProductRead,
    ProductUpdate,
)
from crm.core.concurrency import IfMatchVersion, set_etag
from crm.core.dates import StrictDate
from crm.core.db import utcnow
from crm.core.deps import SessionDep
from crm.core.pagination import Page, PageParamsDep, page_response

router = APIRouter(prefix="/api/v1", tags=["catalog"])


@router.get("/products", response_model=Page[ProductRead], operation_id="catalog-list-products")
async def list_products(
    session: SessionDep,
    principal: ProductsRead,
    params: PageParamsDep,
    active: bool | None = None,
    product_line: Annotated[str | None, Query(max_length=100)] = None,
) -> Response:
    """Products; ``q`` searches name and SKU."""
    return page_response(
        await service.list_products(
            session, params=params, active=active, product_line=product_line
        ),
        ProductRead,
    )


@router.post(
    "/products", response_model=ProductRead, status_code=201, operation_id="catalog-create-product"
)
async def create_product(
    session: SessionDep, principal: ProductsWrite, body: ProductCreate, response: Response
) -> ProductRead:
    product = await service.create_product(session, data=body)
    set_etag(response, product)
    return ProductRead.model_validate(product)


@router.get(
    "/products/{product_id}", response_model=ProductRead, operation_id="catalog-get-product"
)
async def get_product(
    session: SessionDep, principal: ProductsRead, product_id: uuid.UUID, response: Response
) -> ProductRead:
    product = await service.get_product(session, product_id)
    set_etag(response, product)
    return ProductRead.model_validate(product)


@router.patch(
    "/products/{product_id}", response_model=ProductRead, operation_id="catalog-update-product"
)
async def update_product(
    session: SessionDep,
    principal: ProductsWrite,
    product_id: uuid.UUID,
    body: ProductUpdate,
    if_match: IfMatchVersion,
    response: Response,
) -> ProductRead:
    """Products are deactivated (``active: false``), never deleted: quotes refer to them."""
    product = await service.update_product(
        session, product_id=product_id, data=body, if_match=if_match
    )
    set_etag(response, product)
    return ProductRead.model_validate(product)


@router.get(
    "/price-books", response_model=Page[PriceBookRead], operation_id="catalog-list-price-books"
)
async def list_price_books(
    session: SessionDep,
    principal: ProductsRead,
    params: PageParamsDep,
    currency: Currency | None = None,
    customer_group: Annotated[str | None, Query(max_length=50)] = None,
    active: bool | None = None,
    effective_on: StrictDate | None = None,
) -> Response:
    return page_response(
        await service.list_price_books(
            session,
            params=params,
            currency=currency,
            customer_group=customer_group,
            active=active,
            effective_on=effective_on,
        ),
        PriceBookRead,
    )


@router.post(
    "/price-books",
    response_model=PriceBookRead,
    status_code=201,
    operation_id="catalog-create-price-book",
)
async def create_price_book(
    session: SessionDep, principal: ProductsWrite, body: PriceBookCreate, response: Response
) -> PriceBookRead:
    """Active books of one currency and customer group may not overlap in time (422)."""
    book = await service.create_price_book(session, data=body)
    set_etag(response, book)
    return PriceBookRead.model_validate(book)


@router.get(
    "/price-books/{price_book_id}",
    response_model=PriceBookRead,
    operation_id="catalog-get-price-book",
)
async def get_price_book(
    session: SessionDep, principal: ProductsRead, price_book_id: uuid.UUID, response: Response
) -> PriceBookRead:
    book = await service.get_price_book(session, price_book_id)
    set_etag(response, book)
    return PriceBookRead.model_validate(book)


@router.patch(
    "/price-books/{price_book_id}",
    response_model=PriceBookRead,
    operation_id="catalog-update-price-book",
)
async def update_price_book(
    session: SessionDep,
    principal: ProductsWrite,
    price_book_id: uuid.UUID,
    body: PriceBookUpdate,
    if_match: IfMatchVersion,
    response: Response,
) -> PriceBookRead:
    book = await service.update_price_book(
        session, book_id=price_book_id, data=body, if_match=if_match
    )
    set_etag(response, book)
    return PriceBookRead.model_validate(book)


@router.get(
    "/price-books/{price_book_id}/entries",
    response_model=Page[PriceBookEntryRead],
    operation_id="catalog-list-price-book-entries",
)
async def list_entries(
    session: SessionDep, principal: ProductsRead, price_book_id: uuid.UUID, params: PageParamsDep
) -> Response:
    return page_response(
        await service.list_entries(session, book_id=price_book_id, params=params),
        PriceBookEntryRead,
    )


@router.put(
    "/price-books/{price_book_id}/entries/{product_id}",
    response_model=PriceBookEntryRead,
    operation_id="catalog-set-price-book-entry",
)
async def set_entry(
    session: SessionDep,
    principal: ProductsWrite,
    price_book_id: uuid.UUID,
    product_id: uuid.UUID,
    body: PriceBookEntryWrite,
) -> PriceBookEntryRead:
    """Set the product's unit price in the book (created or replaced)."""
    entry, _ = await service.set_entry(
        session, book_id=price_book_id, product_id=product_id, unit_price=body.unit_price
    )
    return PriceBookEntryRead.model_validate(entry)


@router.delete(
    "/price-books/{price_book_id}/entries/{product_id}",
    status_code=204,
    operation_id="catalog-delete-price-book-entry",
)
async def delete_entry(
    session: SessionDep, principal: ProductsWrite, price_book_id: uuid.UUID, product_id: uuid.UUID
) -> Response:
    await service.delete_entry(session, book_id=price_book_id, product_id=product_id)
    return Response(status_code=204)


@router.get("/price-lookup", response_model=PriceQuote, operation_id="catalog-price-lookup")
async def price_lookup(
    session: SessionDep,
    principal: ProductsRead,
    product_id: uuid.UUID,
    currency: Currency,
    customer_group: Annotated[str | None, Query(max_length=50)] = None,
    on: Annotated[StrictDate | None, Query(description="Default: today (UTC)")] = None,
) -> PriceQuote:
    """The product's list price: the customer group's book first, then the general one."""
    return await service.lookup(
        session,
        product_id=product_id,
        currency=currency,
        customer_group=customer_group,
        on=on or utcnow().date(),
    )
