"""create_app(): the FastAPI application with routers, middleware, error handlers and the SPA."""

from __future__ import annotations

import gc
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

from fastapi import FastAPI
from fastapi.middleware.cors import CORSMiddleware
from fastapi.responses import FileResponse
from fastapi.staticfiles import StaticFiles

from crm import __version__, domains
from crm.core import broadcast, redis
from crm.core.db import Database
from crm.core.errors import PROBLEM_RESPONSES, install_error_handlers
from crm.core.idempotency import IdempotencyMiddleware
from crm.core.logging import configure as configure_logging
from crm.core.metrics import METRICS_PATH, MetricsMiddleware, metrics_endpoint
from crm.core.middleware import (
    AllowedMethodsMiddleware,
    BodySizeLimitMiddleware,
    NulCharacterMiddleware,
    RequestContextMiddleware,
    SecurityHeadersMiddleware,
)
from crm.core.permissions import register_principal_loader
from crm.identity.auth import load_principal
from crm.settings import Settings, get_settings

# Used only when no server is configured (e.g. `crm openapi`): nothing connects until a request.
_PLACEHOLDER_DB_URL = "postgresql+asyncpg://localhost/crm"
# Young-generation threshold of the API's garbage collector (see lifespan below).
GC_YOUNG_THRESHOLD = 10_000
# What a browser page on another origin may send and read (with CRM_CORS_ORIGINS set).
CORS_REQUEST_HEADERS = [
    "Authorization",
    "Content-Type",
    "Accept-Language",
    "Idempotency-Key",
    "If-Match",
    "X-API-Key",
    "X-Request-ID",
]
CORS_RESPONSE_HEADERS = [
    "Content-Disposition",
    "ETag",
    "Idempotent-Replayed",
    "Location",
    "Retry-After",
    "X-Request-ID",
]


def create_app(settings: Settings | None = None) -> FastAPI:
    settings = settings or get_settings()
    configure_logging(settings.log_level, json=settings.log_json)
    database = Database(
        settings.database_url or _PLACEHOLDER_DB_URL, pool_size=settings.db_pool_size
    )
    register_principal_loader(load_principal)

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        if settings.redis_url:
            await redis.connect(settings.redis_url)
            await broadcast.start_listening()
        # What exists now (modules, routes, schemas, mappers) lives as long as the process:
        # take it out of the collector's sight, so full collections scan only what requests
        # allocate. Scanning it made each one a 60-80 ms pause, the API's p99 under load.
        gc.collect()
        gc.freeze()
        # Requests free almost everything they allocate by reference counting, but the count
        # of live container objects often passes the default 700 for a moment: a young
        # collection every few requests, and every hundredth of those a full one (10-18 ms).
        # At 10,000 a duplicate-check load collected 4 times in 30 s instead of ~1,600
        # (13 ms in all instead of ~480 ms), with no full collection.
        gc.set_threshold(GC_YOUNG_THRESHOLD, *gc.get_threshold()[1:])
        try:
            yield
        finally:
            await broadcast.stop_listening()
            await redis.close()
            await database.dispose()

    app = FastAPI(
        title="CRM API",
        version=__version__,
        description=(
            "API-first CRM. Errors are RFC 9457 problem+json. Collections are cursor-paged "
            "(`limit`, `cursor`, `sort`, `q`, `with_total`). Records outside your data scope "
            "answer 404. POST accepts `Idempotency-Key`; PATCH honours `If-Match` / `version`."
        ),
        lifespan=lifespan,
        openapi_url="/api/v1/openapi.json",
        docs_url="/api/docs",
        redoc_url=None,
    )
    app.state.db = database
    app.state.settings = settings
    install_error_handlers(app)
    # In ladder order: see crm/domains.py.
    for router in domains.routers():
        app.include_router(router, responses=PROBLEM_RESPONSES)

    app.add_route(METRICS_PATH, metrics_endpoint, include_in_schema=False)
    # Added innermost first: the request context wraps everything, idempotency sees the
    # already size-checked body, free of NUL characters.
    app.add_middleware(MetricsMiddleware)
    app.add_middleware(
        IdempotencyMiddleware, database=database, ttl_seconds=settings.idempotency_ttl_seconds
    )
    app.add_middleware(NulCharacterMiddleware)
    app.add_middleware(
        BodySizeLimitMiddleware,
        max_bytes=settings.max_body_bytes,
        # Multipart framing around an attachment is small; the service checks the file itself.
        overrides={
            "/api/v1/imports": settings.import_max_bytes,
            "/api/v1/attachments": settings.attachment_max_bytes + 64 * 1024,
        },
    )
    app.add_middleware(AllowedMethodsMiddleware)
    if origins := settings.cors_origin_list():
        # Outside the method check: it answers the browsers' preflight OPTIONS itself.
        app.add_middleware(
            CORSMiddleware,
            allow_origins=origins,
            allow_methods=["GET", "POST", "PUT", "PATCH", "DELETE"],
            allow_headers=CORS_REQUEST_HEADERS,
            expose_headers=CORS_RESPONSE_HEADERS,
            max_age=600,
        )
    app.add_middleware(SecurityHeadersMiddleware)
    app.add_middleware(RequestContextMiddleware)
    _mount_spa(app, settings.frontend_dist)
    return app


def _mount_spa(app: FastAPI, dist: Path) -> None:
    """Serve the built SPA at "/", with index.html for client-side routes."""
    index = dist / "index.html"
    if not index.exists():
        return
    if (dist / "assets").is_dir():
        app.mount("/assets", StaticFiles(directory=dist / "assets"), name="assets")
    root = dist.resolve()

    @app.get("/{path:path}", include_in_schema=False)
    async def spa(path: str) -> FileResponse:
        # Paths under /api/ never get here: AllowedMethodsMiddleware answers them 404 or 405.
        candidate = (root / path).resolve()
        if path and candidate.is_file() and candidate.is_relative_to(root):
            return FileResponse(candidate)
        return FileResponse(index)
