"""Global search: the registry of what can be searched.

Core knows no domain: each domain registers a :class:`SearchProvider` for its objects (a
function that returns the caller's best matches for a text, through the data-scope function)
and ``GET /api/v1/search`` merges what the providers the caller may read return.
"""

from __future__ import annotations

import uuid
from collections.abc import Awaitable, Callable
from dataclasses import dataclass

from sqlalchemy.ext.asyncio import AsyncSession

from crm.core.permissions import Principal


@dataclass(frozen=True)
class SearchHit:
    type: str  # the provider's object type, e.g. "customer"
    id: uuid.UUID
    title: str
    subtitle: str | None
    score: float  # 0..1; exact matches 1
    matched: tuple[str, ...]  # which fields matched: "name", "phone", "email", "tag" ...
    customer_id: uuid.UUID | None = None  # the customer a hit belongs to, for links


Search = Callable[[AsyncSession, Principal, str, int], Awaitable[list[SearchHit]]]


@dataclass(frozen=True)
class SearchProvider:
    type: str
    permission: str  # the read permission a caller needs for these hits
    search: Search


_PROVIDERS: dict[str, SearchProvider] = {}


def register(provider: SearchProvider) -> None:
    _PROVIDERS[provider.type] = provider


def providers() -> dict[str, SearchProvider]:
    return dict(_PROVIDERS)
