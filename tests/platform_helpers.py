"""Small helpers shared by the platform tests (core, identity, system)."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
from typing import Any

import httpx
from sqlalchemy import func, select

PROBLEM_CONTENT_TYPE = "application/problem+json"
TEST_SECRET = "test-secret-key-not-for-production"  # what tests/conftest.py sets


def assert_problem(response: httpx.Response, status: int) -> dict[str, Any]:
    """The response is an RFC 9457 problem with ``status``; returns its body."""
    assert response.status_code == status, (response.status_code, response.text)
    assert response.headers["content-type"].startswith(PROBLEM_CONTENT_TYPE), response.headers
    body = response.json()
    assert body["type"] == "about:blank", body
    assert body["status"] == status, body
    assert isinstance(body["title"], str) and body["title"], body
    assert isinstance(body["detail"], str) and body["detail"], body
    return dict(body)


def error_locs(body: dict[str, Any]) -> list[list[str]]:
    return [list(e["loc"]) for e in body.get("errors", [])]


async def count(db: Any, model: Any, *where: Any) -> int:
    """Rows of ``model`` (optionally filtered), read straight from the database."""
    async with db.sessionmaker() as session:
        stmt = select(func.count()).select_from(model)
        for clause in where:
            stmt = stmt.where(clause)
        return int((await session.execute(stmt)).scalar_one())


async def rows(db: Any, model: Any, *where: Any, order_by: Any = None) -> list[Any]:
    async with db.sessionmaker() as session:
        stmt = select(model)
        for clause in where:
            stmt = stmt.where(clause)
        if order_by is not None:
            stmt = stmt.order_by(order_by)
        return list((await session.execute(stmt)).scalars().all())


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).decode().rstrip("=")


def make_jwt(claims: dict[str, Any], *, secret: str = TEST_SECRET, alg: str = "HS256") -> str:
    """Hand-built JWTs (also malicious ones: alg=none, wrong key), independent of the
    library the backend uses, so the tests see the wire format an attacker would send."""
    header = _b64(json.dumps({"alg": alg, "typ": "JWT"}).encode())
    payload = _b64(json.dumps(claims).encode())
    signing_input = f"{header}.{payload}".encode()
    if alg == "none":
        return f"{header}.{payload}."
    signature = hmac.new(secret.encode(), signing_input, hashlib.sha256).digest()
    return f"{header}.{payload}.{_b64(signature)}"
