"""RFC 9457 problem+json for every failure, and the exceptions services raise to produce them."""

from __future__ import annotations

from collections.abc import Sequence
from http import HTTPStatus
from typing import Any

import structlog
from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import BaseModel
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm.exc import StaleDataError
from starlette.exceptions import HTTPException as StarletteHTTPException

from crm.core.i18n import language_from

PROBLEM_CONTENT_TYPE = "application/problem+json"
log = structlog.get_logger(__name__)


class ProblemError(Exception):
    """Raised anywhere below the router; rendered as problem+json with its status."""

    status: int = 400
    title: str | None = None

    def __init__(
        self,
        detail: str,
        *,
        status: int | None = None,
        title: str | None = None,
        errors: Sequence[dict[str, Any]] | None = None,
        headers: dict[str, str] | None = None,
        extra: dict[str, Any] | None = None,
    ) -> None:
        super().__init__(detail)
        self.detail = detail
        if status is not None:
            self.status = status
        self.title = title or self.title or HTTPStatus(self.status).phrase
        self.errors = list(errors) if errors else None
        self.headers = headers
        self.extra = extra or {}


class NotFound(ProblemError):
    status = 404


class Forbidden(ProblemError):
    status = 403


class Unauthorized(ProblemError):
    status = 401


class Conflict(ProblemError):
    status = 409


class PreconditionFailed(ProblemError):
    status = 412


class Unprocessable(ProblemError):
    status = 422


class TooManyRequests(ProblemError):
    status = 429


def field_error(field: str, msg: str, type_: str = "value_error") -> dict[str, Any]:
    return {"loc": ["body", field], "msg": msg, "type": type_}


def invalid_field(field: str, msg: str) -> Unprocessable:
    """The 422 of a write whose body field ``field`` is wrong (raise it)."""
    return Unprocessable(msg, errors=[field_error(field, msg)])


def problem_response(
    status: int,
    detail: str,
    *,
    title: str | None = None,
    errors: Sequence[dict[str, Any]] | None = None,
    headers: dict[str, str] | None = None,
    extra: dict[str, Any] | None = None,
    instance: str | None = None,
) -> JSONResponse:
    body: dict[str, Any] = {
        "type": "about:blank",
        "title": title or HTTPStatus(status).phrase,
        "status": status,
        "detail": detail,
    }
    if instance:
        body["instance"] = instance
    if errors:
        body["errors"] = list(errors)
    if extra:
        body.update(extra)
    return JSONResponse(body, status_code=status, headers=headers, media_type=PROBLEM_CONTENT_TYPE)


def _message(err: Any, language: str) -> str:
    """The error's message; in ``language`` where the validator gave one per language
    (``ctx["messages"]``, as our own validators do)."""
    translations = (err.get("ctx") or {}).get("messages") or {}
    return str(translations.get(language) or err.get("msg", ""))


def _clean_validation_errors(raw: Sequence[Any], language: str) -> list[dict[str, Any]]:
    # Pydantic's `input` and `ctx` may hold unserialisable or sensitive values (passwords):
    # keep only where, what and why.
    return [
        {
            "loc": [str(p) for p in err.get("loc", ())],
            "msg": _message(err, language),
            "type": err.get("type", ""),
        }
        for err in raw
    ]


async def _handle_problem(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, ProblemError)
    return problem_response(
        exc.status,
        exc.detail,
        title=exc.title,
        errors=exc.errors,
        headers=exc.headers,
        extra=exc.extra,
        instance=request.url.path,
    )


async def _handle_validation(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, RequestValidationError)
    errors = _clean_validation_errors(
        exc.errors(), language_from(request.headers.get("accept-language"))
    )
    if any(e["type"] == "json_invalid" for e in errors):
        return problem_response(
            400, "The request body is not valid JSON.", errors=errors, instance=request.url.path
        )
    return problem_response(
        422,
        "The request is invalid; see `errors` for each field.",
        title="Validation failed",
        errors=errors,
        instance=request.url.path,
    )


async def _handle_http(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, StarletteHTTPException)
    detail = exc.detail if isinstance(exc.detail, str) else HTTPStatus(exc.status_code).phrase
    return problem_response(
        exc.status_code, detail, headers=getattr(exc, "headers", None), instance=request.url.path
    )


async def _handle_stale(request: Request, exc: Exception) -> JSONResponse:
    return problem_response(
        412,
        "The record was changed by someone else; reload it and apply your change again.",
        instance=request.url.path,
    )


async def _handle_database(request: Request, exc: Exception) -> JSONResponse:
    """Input the checks above the database let through: a value PostgreSQL cannot store (NUL in
    text, a number out of range: SQLSTATE class 22) or a unique value a concurrent request took
    first (23505). Anything else is a server error."""
    assert isinstance(exc, DBAPIError)
    sqlstate = str(getattr(exc.orig, "sqlstate", None) or "")
    if sqlstate.startswith("22"):
        return problem_response(
            422,
            "A value in the request cannot be stored (e.g. a NUL character or a number out of "
            "range).",
            instance=request.url.path,
        )
    if sqlstate == "23505":
        return problem_response(
            409,
            "The record conflicts with an existing one: a value that must be unique is taken.",
            instance=request.url.path,
        )
    raise exc


async def _handle_unexpected(request: Request, exc: Exception) -> JSONResponse:
    log.exception("unhandled_error", path=request.url.path)
    return problem_response(500, "An unexpected error occurred.", instance=request.url.path)


def install_error_handlers(app: FastAPI) -> None:
    app.add_exception_handler(ProblemError, _handle_problem)
    app.add_exception_handler(RequestValidationError, _handle_validation)
    app.add_exception_handler(StarletteHTTPException, _handle_http)
    app.add_exception_handler(StaleDataError, _handle_stale)
    app.add_exception_handler(DBAPIError, _handle_database)
    app.add_exception_handler(Exception, _handle_unexpected)


class ProblemFieldError(BaseModel):
    loc: list[str]
    msg: str
    type: str


class Problem(BaseModel):
    """RFC 9457 problem details, as every error of this API is shaped."""

    type: str = "about:blank"
    title: str
    status: int
    detail: str
    instance: str | None = None
    errors: list[ProblemFieldError] | None = None


PROBLEM_RESPONSES: dict[int | str, dict[str, Any]] = {
    code: {"model": Problem, "content": {PROBLEM_CONTENT_TYPE: {}}, "description": desc}
    for code, desc in {
        400: "Malformed request",
        401: "Not signed in",
        403: "Not allowed for your role",
        404: "Not found (or outside your data scope)",
        409: "Conflict",
        412: "Stale version",
        413: "Body too large",
        422: "Validation failed",
        429: "Too many requests",
    }.items()
}
