"""Prometheus metrics: request counts and durations per route template, served at /metrics.

The route template comes from ``scope["route"]``, which the router sets once it has matched
the request, so labelling costs nothing per route. (prometheus-fastapi-instrumentator matched
the path against every route of the app again, on every request: a cost that grew with each
route the API gained.)
"""

from __future__ import annotations

import time

from prometheus_client import CONTENT_TYPE_LATEST, Counter, Histogram, generate_latest
from starlette.requests import Request
from starlette.responses import Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

METRICS_PATH = "/metrics"
UNMATCHED = "none"  # requests no route matched (404s of unknown paths): one label, not one each

REQUESTS = Counter("http_requests_total", "HTTP requests answered", ["method", "handler", "status"])
DURATION = Histogram(
    "http_request_duration_seconds",
    "Time to answer an HTTP request",
    ["method", "handler"],
    buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10),
)


def _handler(scope: Scope) -> str:
    route = scope.get("route")
    return str(getattr(route, "path_format", None) or getattr(route, "path", None) or UNMATCHED)


class MetricsMiddleware:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["path"] == METRICS_PATH:
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        status = 500

        async def send_with_status(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
            await send(message)

        try:
            await self.app(scope, receive, send_with_status)
        finally:
            handler = _handler(scope)
            REQUESTS.labels(scope["method"], handler, f"{status // 100}xx").inc()
            DURATION.labels(scope["method"], handler).observe(time.perf_counter() - started)


async def metrics_endpoint(request: Request) -> Response:
    return Response(generate_latest(), media_type=CONTENT_TYPE_LATEST)
