"""HTTP routes of quotes."""

from __future__ import annotations

import uuid
from typing import Annotated, Literal

from fastapi import APIRouter, Query, Response
from fastapi.responses import HTMLResponse
from sqlalchemy.ext.asyncio import AsyncSession

from crm.approvals import service as approval_service
from crm.core.concurrency import IfMatchVersion, set_etag
from crm.core.deps import SessionDep
from crm.core.pagination import Page, PageParamsDep, page_response
from crm.quotes import render, service
from crm.quotes.deps import QuotesRead, QuotesWrite
from crm.quotes.models import Quote
from crm.quotes.schemas import (
    QuoteCreate,
    QuoteLineRead,
    QuoteRead,
    QuoteStatus,
    QuoteSummary,
    QuoteUpdate,
)

router = APIRouter(prefix="/api/v1", tags=["quotes"])


async def _read(session: AsyncSession, quote: Quote, response: Response | None = None) -> QuoteRead:
    lines = await service.quote_lines(session, quote.id)
    approval = await approval_service.latest_for(session, object_type="quote", object_id=quote.id)
    if response is not None:
        set_etag(response, quote)
    return QuoteRead(
        **QuoteSummary.model_validate(quote).model_dump(),
        lines=[QuoteLineRead.model_validate(line) for line in lines],
        approval_id=approval.id if approval else None,
    )


@router.get("/quotes", response_model=Page[QuoteSummary], operation_id="quotes-list")
async def list_quotes(
    session: SessionDep,
    principal: QuotesRead,
    params: PageParamsDep,
    deal_id: uuid.UUID | None = None,
    status: QuoteStatus | None = None,
    number: Annotated[str | None, Query(max_length=40)] = None,
    current_only: Annotated[bool, Query(description="Leave out superseded revisions")] = True,
) -> Response:
    """Quotes on the deals the caller may see."""
    return page_response(
        await service.list_quotes(
            session,
            principal,
            params=params,
            deal_id=deal_id,
            status=status,
            number=number,
            current_only=current_only,
        ),
        QuoteSummary,
    )


@router.post("/quotes", response_model=QuoteRead, status_code=201, operation_id="quotes-create")
async def create_quote(
    session: SessionDep, principal: QuotesWrite, body: QuoteCreate, response: Response
) -> QuoteRead:
    """A draft quote on a deal, in the deal's currency; totals are computed here."""
    quote = await service.create_quote(session, principal, data=body)
    return await _read(session, quote, response)


@router.get("/quotes/{quote_id}", response_model=QuoteRead, operation_id="quotes-get")
async def get_quote(
    session: SessionDep, principal: QuotesRead, quote_id: uuid.UUID, response: Response
) -> QuoteRead:
    return await _read(session, await service.get_quote(session, principal, quote_id), response)


@router.patch("/quotes/{quote_id}", response_model=QuoteRead, operation_id="quotes-update")
async def update_quote(
    session: SessionDep,
    principal: QuotesWrite,
    quote_id: uuid.UUID,
    body: QuoteUpdate,
    if_match: IfMatchVersion,
    response: Response,
) -> QuoteRead:
    """Draft and rejected quotes change in place; approved and sent ones get a new revision
    (the response is the new revision: compare its id). Pending, accepted and superseded
    quotes answer 409."""
    quote = await service.update_quote(
        session, principal, quote_id=quote_id, data=body, if_match=if_match
    )
    return await _read(session, quote, response)


@router.get(
    "/quotes/{quote_id}/revisions",
    response_model=list[QuoteSummary],
    operation_id="quotes-revisions",
)
async def list_revisions(
    session: SessionDep, principal: QuotesRead, quote_id: uuid.UUID
) -> list[QuoteSummary]:
    """Every revision of the quote's number, oldest first."""
    return [
        QuoteSummary.model_validate(q)
        for q in await service.revisions(session, principal, quote_id)
    ]


@router.post("/quotes/{quote_id}/submit", response_model=QuoteRead, operation_id="quotes-submit")
async def submit_quote(
    session: SessionDep,
    principal: QuotesWrite,
    quote_id: uuid.UUID,
    if_match: IfMatchVersion,
    response: Response,
) -> QuoteRead:
    """Approved at once, or pending approval when the discount is above the threshold."""
    quote = await service.submit_quote(session, principal, quote_id=quote_id, version=if_match)
    return await _read(session, quote, response)


@router.post("/quotes/{quote_id}/send", response_model=QuoteRead, operation_id="quotes-send")
async def send_quote(
    session: SessionDep,
    principal: QuotesWrite,
    quote_id: uuid.UUID,
    if_match: IfMatchVersion,
    response: Response,
) -> QuoteRead:
    """Mark an approved quote sent to the customer (409 while pending approval)."""
    quote = await service.send_quote(session, principal, quote_id=quote_id, version=if_match)
    return await _read(session, quote, response)


@router.post("/quotes/{quote_id}/accept", response_model=QuoteRead, operation_id="quotes-accept")
async def accept_quote(
    session: SessionDep,
    principal: QuotesWrite,
    quote_id: uuid.UUID,
    if_match: IfMatchVersion,
    response: Response,
) -> QuoteRead:
    """The customer accepted this quote: one accepted quote per deal (409 otherwise)."""
    quote = await service.accept_quote(session, principal, quote_id=quote_id, version=if_match)
    return await _read(session, quote, response)


@router.get(
    "/quotes/{quote_id}/render",
    response_class=HTMLResponse,
    operation_id="quotes-render",
    responses={200: {"content": {"text/html": {}}, "description": "Printable HTML"}},
)
async def render_quote(
    session: SessionDep,
    principal: QuotesRead,
    quote_id: uuid.UUID,
    format: Literal["html"] = "html",
) -> HTMLResponse:
    """Printable HTML (print to PDF from the browser)."""
    quote = await service.get_quote(session, principal, quote_id)
    lines = await service.quote_lines(session, quote.id)
    return HTMLResponse(await render.render_html(session, quote, lines))
