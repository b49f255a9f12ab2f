"""ASGI middleware: request id + structured access log, the request body size limit, the
refusal of NUL characters in parameters, allowed methods (405 / OPTIONS) and security headers."""

from __future__ import annotations

import json
import time
import uuid
from typing import Any
from urllib.parse import parse_qsl

import structlog
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.responses import Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from crm.core import context
from crm.core.errors import problem_response
from crm.core.routes import route_table

log = structlog.get_logger("crm.http")


def _header(scope: Scope, name: bytes) -> str | None:
    for key, value in scope.get("headers", ()):
        if key == name:
            return str(value.decode("latin-1"))
    return None


class RequestContextMiddleware:
    """Gives every request an id (honouring a sane incoming X-Request-ID) and logs it."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        incoming = _header(scope, b"x-request-id")
        request_id = incoming if incoming and len(incoming) <= 64 else uuid.uuid4().hex
        client = scope.get("client")
        context.set_request(request_id, client[0] if client else None)
        structlog.contextvars.bind_contextvars(request_id=request_id)
        started = time.perf_counter()
        status = 500

        async def send_with_id(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
                message["headers"] = [
                    *message.get("headers", []),
                    (b"x-request-id", request_id.encode()),
                ]
            await send(message)

        try:
            await self.app(scope, receive, send_with_id)
        finally:
            if scope["path"].startswith("/api/"):
                log.info(
                    "request",
                    method=scope["method"],
                    path=scope["path"],
                    status=status,
                    ms=round((time.perf_counter() - started) * 1000, 2),
                )
            structlog.contextvars.clear_contextvars()


class BodyTooLarge(StarletteHTTPException):
    """An over-long streamed body. An HTTPException so that the framework's body parsing lets
    it through (it turns any other error there into a 400) and it renders as a 413 problem."""

    def __init__(self, max_bytes: int) -> None:
        super().__init__(413, f"The request body is larger than the limit of {max_bytes} bytes.")


class BodySizeLimitMiddleware:
    """Refuses bodies over ``max_bytes`` with 413, by Content-Length or while streaming.
    ``overrides`` gives other limits to exact paths (file uploads)."""

    def __init__(
        self, app: ASGIApp, max_bytes: int, overrides: dict[str, int] | None = None
    ) -> None:
        self.app = app
        self.max_bytes = max_bytes
        self.overrides = overrides or {}

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        limit = self.overrides.get(scope["path"], self.max_bytes)
        declared = _header(scope, b"content-length")
        if declared is not None and (not declared.isdigit() or int(declared) > limit):
            await self._reject(scope, receive, send, limit)
            return
        received = 0
        response_started = False

        async def limited_receive() -> Message:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > limit:
                    raise BodyTooLarge(limit)
            return message

        async def tracking_send(message: Message) -> None:
            nonlocal response_started
            if message["type"] == "http.response.start":
                response_started = True
            await send(message)

        try:
            await self.app(scope, limited_receive, tracking_send)
        except BodyTooLarge:
            if not response_started:
                await self._reject(scope, receive, send, limit)

    async def _reject(self, scope: Scope, receive: Receive, send: Send, limit: int) -> None:
        response = problem_response(
            413,
            f"The request body is larger than the limit of {limit} bytes.",
            instance=scope["path"],
        )
        await response(scope, receive, send)


_NUL = "\x00"
_NUL_BODY_TYPES = (b"application/json", b"application/x-www-form-urlencoded")


def _nul_in_query(query_string: bytes) -> list[str] | None:
    if b"%00" not in query_string and b"\x00" not in query_string:
        return None
    for name, value in parse_qsl(query_string.decode("utf-8", "replace"), keep_blank_values=True):
        if _NUL in name or _NUL in value:
            return ["query", name.replace(_NUL, "")]
    return None


def _nul_in_path(scope: Scope) -> list[str] | None:
    """The path parameter holding a NUL, found by matching the app's routes."""
    if _NUL not in scope["path"]:
        return None
    for _, params in route_table(scope["app"]).matches(scope["path"]):
        for name, value in params.items():
            if _NUL in value:
                return ["path", name]
    return ["path"]


def _nul_in_json(value: Any, loc: list[str]) -> list[str] | None:
    if isinstance(value, str):
        return loc if _NUL in value else None
    if isinstance(value, dict):
        for key, item in value.items():
            found = (
                [*loc, key.replace(_NUL, "")] if _NUL in key else _nul_in_json(item, [*loc, key])
            )
            if found:
                return found
    if isinstance(value, list):
        for index, item in enumerate(value):
            found = _nul_in_json(item, [*loc, str(index)])
            if found:
                return found
    return None


def _nul_in_body(content_type: bytes, body: bytes) -> list[str] | None:
    if content_type.startswith(b"application/json"):
        # JSON can only carry NUL escaped; parse only when the escape appears at all.
        if b"\\u0000" not in body:
            return None
        try:
            return _nul_in_json(json.loads(body), ["body"])
        except (ValueError, RecursionError):
            # Malformed or nested past the interpreter's depth: the framework judges it.
            return None
    form = _nul_in_query(body)
    return ["body", form[1]] if form else None


class NulCharacterMiddleware:
    """Refuses a NUL character (U+0000) in a query or path parameter, a JSON body or a form
    with a 422 naming the parameter. PostgreSQL text cannot hold it: caught here once, it can
    reach no query, including those that bypass the framework's validation and error handling.
    Multipart bodies pass through (uploaded files hold NUL bytes); the database error handlers
    turn a NUL in one of their text fields into a 422."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        loc = _nul_in_path(scope) or _nul_in_query(scope.get("query_string", b""))
        if loc is not None:
            await self._reject(scope, receive, send, loc)
            return
        content_type = (_header(scope, b"content-type") or "").lower().encode("latin-1")
        if not content_type.startswith(_NUL_BODY_TYPES):
            await self.app(scope, receive, send)
            return
        body, more = await _read_body(receive)
        loc = _nul_in_body(content_type, body)
        if loc is not None:
            await self._reject(scope, receive, send, loc)
            return
        await self.app(scope, _replay(body, more, receive), send)

    async def _reject(self, scope: Scope, receive: Receive, send: Send, loc: list[str]) -> None:
        name = loc[-1] if len(loc) > 1 else loc[0]
        msg = f"`{name}` contains a NUL character (U+0000), which cannot be stored."
        response = problem_response(
            422,
            msg,
            title="Validation failed",
            errors=[{"loc": loc, "msg": msg, "type": "string_nul_character"}],
            instance=scope["path"],
        )
        await response(scope, receive, send)


async def _read_body(receive: Receive) -> tuple[bytes, list[Message]]:
    """The whole body, and any other message (a disconnect) received while reading it."""
    chunks: list[bytes] = []
    while True:
        message = await receive()
        if message["type"] != "http.request":
            return b"".join(chunks), [message]
        chunks.append(message.get("body", b""))
        if not message.get("more_body"):
            return b"".join(chunks), []


def _replay(body: bytes, pending: list[Message], receive: Receive) -> Receive:
    queue: list[Message] = [{"type": "http.request", "body": body, "more_body": False}, *pending]

    async def replay_receive() -> Message:
        return queue.pop(0) if queue else await receive()

    return replay_receive


class AllowedMethodsMiddleware:
    """Answers for an API path with the methods all of its routes allow, not one route's:
    OPTIONS lists them (204 with Allow), another method not among them is a 405 problem with
    the same Allow. A path no route knows is a 404 problem whatever the method. Routing alone
    would name only the first route's method, and the SPA's catch-all would answer the rest."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or not scope["path"].startswith("/api/"):
            await self.app(scope, receive, send)
            return
        allowed = route_table(scope["app"]).allowed_methods(scope["path"])
        if scope["method"] in allowed:
            await self.app(scope, receive, send)
            return
        allow = ", ".join(sorted(allowed | {"OPTIONS"}))
        response: Response
        if not allowed:
            response = problem_response(404, "Not Found", instance=scope["path"])
        elif scope["method"] == "OPTIONS":
            response = Response(status_code=204, headers={"Allow": allow})
        else:
            response = problem_response(
                405,
                f"{scope['method']} is not allowed here; allowed: {allow}.",
                headers={"Allow": allow},
                instance=scope["path"],
            )
        await response(scope, receive, send)


class SecurityHeadersMiddleware:
    """The headers every answer carries: no framing by other sites, no referrer leaving the
    app, no content sniffing, HSTS when served over TLS, and no caching of API answers (they
    hold personal data) unless a route chose otherwise."""

    _ALWAYS: tuple[tuple[bytes, bytes], ...] = (
        (b"content-security-policy", b"frame-ancestors 'none'"),
        (b"x-frame-options", b"DENY"),
        (b"referrer-policy", b"no-referrer"),
        (b"x-content-type-options", b"nosniff"),
    )
    _HSTS = (b"strict-transport-security", b"max-age=31536000; includeSubDomains")
    _NO_STORE = (b"cache-control", b"no-store")

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        extra = list(self._ALWAYS)
        if scope.get("scheme") == "https":
            extra.append(self._HSTS)
        if scope["path"].startswith("/api/"):
            extra.append(self._NO_STORE)

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", []))
                present = {name.lower() for name, _ in headers}
                headers.extend(item for item in extra if item[0] not in present)
                message["headers"] = headers
            await send(message)

        await self.app(scope, receive, send_with_headers)
