"""``GET /api/v1/search``: one box that finds customers and contacts (and, as they register
providers in ``crm.core.search``, the other objects), ranked, within the caller's scope."""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Query
from pydantic import BaseModel

from crm.core import search
from crm.core.deps import SessionDep
from crm.core.errors import ProblemError, field_error
from crm.core.pagination import MAX_LIMIT
from crm.core.permissions import CurrentPrincipal

router = APIRouter(prefix="/api/v1")


class SearchHitRead(BaseModel):
    type: str
    id: uuid.UUID
    title: str
    subtitle: str | None
    score: float
    matched: list[str]
    customer_id: uuid.UUID | None


class SearchResults(BaseModel):
    items: list[SearchHitRead]


def _bad_types(unknown: list[str]) -> ProblemError:
    known = ", ".join(sorted(search.providers()))
    msg = f"Unknown type(s): {', '.join(unknown)}. Searchable types: {known}."
    return ProblemError(
        msg, status=400, errors=[{**field_error("types", msg), "loc": ["query", "types"]}]
    )


@router.get(
    "/search",
    response_model=SearchResults,
    tags=["search"],
    operation_id="search-all",
    description=(
        "Customers and contacts by name (Chinese or Latin, partial), phone in any format, "
        "e-mail or tag, best first (exact, then prefix, then partial matches). Only records "
        "in your data scope, and only types your role may read."
    ),
)
async def search_all(
    session: SessionDep,
    principal: CurrentPrincipal,
    q: Annotated[str, Query(min_length=1, max_length=200, description="Search text")],
    types: Annotated[
        str | None, Query(max_length=200, description="Comma-separated types; default all")
    ] = None,
    limit: Annotated[int, Query(ge=1, le=MAX_LIMIT, description="Hits at most")] = 20,
) -> SearchResults:
    text = q.strip()
    available = search.providers()
    wanted = [t.strip() for t in types.split(",") if t.strip()] if types else list(available)
    unknown = [t for t in wanted if t not in available]
    if unknown:
        raise _bad_types(unknown)
    hits: list[search.SearchHit] = []
    if text:
        for name in wanted:
            provider = available[name]
            if principal.can(provider.permission):
                hits.extend(await provider.search(session, principal, text, limit))
    hits.sort(key=lambda h: h.score, reverse=True)
    return SearchResults(
        items=[
            SearchHitRead(
                type=h.type,
                id=h.id,
                title=h.title,
                subtitle=h.subtitle,
                score=h.score,
                matched=list(h.matched),
                customer_id=h.customer_id,
            )
            for h in hits[:limit]
        ]
    )
