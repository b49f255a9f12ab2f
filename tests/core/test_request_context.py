"""X-Request-ID on every response, and the request id + client IP on what a request writes."""

from __future__ import annotations

import re
import uuid
from typing import Any

from crm.core.audit import AuditLog
from crm.core.events import OutboxEvent
from platform_helpers import rows


async def test_incoming_request_id_is_echoed(anon: Any, admin: Any) -> None:
    r = await anon.get("/api/v1/health", headers={"X-Request-ID": "trace-abc-123"})
    assert r.status_code == 200
    assert r.headers["x-request-id"] == "trace-abc-123"
    # Also on failures, and for authenticated calls.
    r = await admin.get("/api/v1/users/not-a-uuid", headers={"X-Request-ID": "trace-err"})
    assert r.status_code == 422
    assert r.headers["x-request-id"] == "trace-err"
    r = await anon.get("/api/v1/nowhere", headers={"X-Request-ID": "trace-404"})
    assert r.status_code == 404 and r.headers["x-request-id"] == "trace-404"


async def test_request_id_is_generated_when_absent_or_unreasonable(anon: Any) -> None:
    ids = set()
    for _ in range(3):
        r = await anon.get("/api/v1/health")
        assert re.fullmatch(r"[0-9a-f]{32}", r.headers["x-request-id"])
        ids.add(r.headers["x-request-id"])
    assert len(ids) == 3  # a fresh one each time
    too_long = "x" * 65
    r = await anon.get("/api/v1/health", headers={"X-Request-ID": too_long})
    assert r.headers["x-request-id"] != too_long
    assert re.fullmatch(r"[0-9a-f]{32}", r.headers["x-request-id"])
    # Exactly one header, never a duplicate.
    assert len(r.headers.get_list("x-request-id")) == 1


async def test_audit_entries_and_events_carry_request_id_ip_and_actor(
    admin: Any, factory: Any, db: Any
) -> None:
    r = await admin.post(
        "/api/v1/departments", json={"name": "Audited"}, headers={"X-Request-ID": "req-audit-1"}
    )
    assert r.status_code == 201
    dept_id = r.json()["id"]

    # Through the API, as an auditor reads it.
    auditor = await factory.user("auditor")
    listed = await auditor.get(
        "/api/v1/audit-logs", params={"object_id": dept_id, "object_type": "department"}
    )
    assert listed.status_code == 200, listed.text
    [entry] = listed.json()["items"]
    assert entry["request_id"] == "req-audit-1"
    assert entry["ip"] == "127.0.0.1"
    assert entry["actor_id"] == admin.user_id
    assert entry["actor_type"] == "user"
    assert entry["action"] == "create"
    assert entry["changes"]["diff"]["name"] == [None, "Audited"]

    # And as stored, together with the domain event of the same request.
    [stored] = await rows(db, AuditLog, AuditLog.object_id == uuid.UUID(dept_id))
    assert stored.request_id == "req-audit-1" and str(stored.ip) == "127.0.0.1"
    [event] = await rows(db, OutboxEvent, OutboxEvent.object_id == uuid.UUID(dept_id))
    assert event.request_id == "req-audit-1"
    assert str(event.actor_id) == admin.user_id


async def test_api_key_writes_are_audited_as_api_key(admin: Any, db: Any) -> None:
    created = await admin.post(
        "/api/v1/api-keys", json={"name": "ci", "permissions": ["admin:departments"]}
    )
    assert created.status_code == 201, created.text
    r = await admin.client.post(
        "/api/v1/departments",
        json={"name": "By key"},
        headers={"X-API-Key": created.json()["key"], "X-Request-ID": "req-key"},
    )
    assert r.status_code == 201, r.text
    [entry] = await rows(db, AuditLog, AuditLog.object_id == uuid.UUID(r.json()["id"]))
    assert entry.actor_type == "api_key"
    assert str(entry.actor_id) == admin.user_id
    assert entry.request_id == "req-key"


def test_json_logs_are_one_object_per_line(capfd: Any) -> None:
    import json

    import structlog

    from crm.core.logging import configure

    saved = structlog.get_config()  # the session's, bound to its own (still open) stream
    configure("INFO", json=True)
    try:
        structlog.get_logger("probe").info("hello", answer=42, text="中文")
        line = capfd.readouterr().err.strip().splitlines()[-1]
        record = json.loads(line)
        assert record["event"] == "hello" and record["answer"] == 42 and record["text"] == "中文"
        assert record["level"] == "info" and record["timestamp"].endswith("Z")
    finally:
        structlog.configure(**saved)
