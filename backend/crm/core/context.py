"""Per-request context (request id, client IP, acting user) carried through contextvars.

Audit entries and logs read it, so services need not thread it through every call.
"""

from __future__ import annotations

import uuid
from contextvars import ContextVar
from dataclasses import dataclass


@dataclass(frozen=True)
class RequestContext:
    request_id: str | None = None
    ip: str | None = None
    actor_id: uuid.UUID | None = None
    actor_type: str = "system"  # "user", "api_key" or "system" (worker, CLI)


_EMPTY = RequestContext()
_context: ContextVar[RequestContext | None] = ContextVar("crm_request_context", default=None)


def current() -> RequestContext:
    return _context.get() or _EMPTY


def set_request(request_id: str | None, ip: str | None) -> None:
    _context.set(RequestContext(request_id=request_id, ip=ip))


def set_actor(actor_id: uuid.UUID | None, actor_type: str) -> None:
    ctx = current()
    _context.set(
        RequestContext(
            request_id=ctx.request_id, ip=ctx.ip, actor_id=actor_id, actor_type=actor_type
        )
    )
