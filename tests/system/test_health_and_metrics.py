"""Health probe and Prometheus metrics."""

from __future__ import annotations

from typing import Any


async def test_health_reports_both_servers(anon: Any) -> None:
    r = await anon.get("/api/v1/health")
    assert r.status_code == 200
    assert r.headers["content-type"].startswith("application/json")
    assert r.json() == {"status": "ok", "database": "ok", "redis": "ok"}


async def test_metrics_serve_prometheus_text(anon: Any, admin: Any) -> None:
    await anon.get("/api/v1/health")
    await admin.get("/api/v1/users")
    r = await anon.get("/metrics")
    assert r.status_code == 200
    assert r.headers["content-type"].startswith("text/plain")
    text = r.text
    assert "# HELP http_requests_total" in text and "# TYPE http_requests_total counter" in text
    # Requests are counted per route template, not per raw path.
    assert 'handler="/api/v1/health"' in text
    assert 'handler="/api/v1/users"' in text
    assert "http_request_duration_seconds_bucket" in text
    # The scrape itself is not instrumented.
    assert 'handler="/metrics"' not in text
