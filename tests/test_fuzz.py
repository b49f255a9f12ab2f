"""A bounded schemathesis run over the whole OpenAPI, as a salesperson and as an administrator:
no answer may be a 5xx, use a status the operation does not declare, or break its schema.

Hypothesis runs in a worker thread (it is synchronous); each request it makes is sent to the
app on the test's own event loop, where the app's database pool and Redis client live.
Deterministic (derandomized) and bounded by MAX_EXAMPLES per operation.
"""

from __future__ import annotations

import asyncio
import json
from typing import Any

import httpx
import pytest
import schemathesis
from hypothesis import HealthCheck, Phase, given, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    response_schema_conformance,
    status_code_conformance,
)

MAX_EXAMPLES = 4
CHECKS = [not_a_server_error, status_code_conformance, response_schema_conformance]
# Sign-in, refresh and logout would fuzz the credentials the run itself uses (malformed tokens
# are tested in tests/identity); the fuzzer sends only its own valid bearer token.
EXCLUDED_PREFIXES = ("/api/v1/auth/",)


def _operations(app: Any) -> list[Any]:
    schema = schemathesis.openapi.from_dict(app.openapi())
    operations = [result.ok() for result in schema.get_all_operations()]
    return [op for op in operations if not op.path.startswith(EXCLUDED_PREFIXES)]


def _request_kwargs(case: Any, token: str) -> dict[str, Any]:
    kwargs = case.as_transport_kwargs(
        base_url="http://test", headers={"Authorization": f"Bearer {token}"}
    )
    kwargs.pop("cookies", None)
    if "data" in kwargs and isinstance(kwargs["data"], bytes | str):
        kwargs["content"] = kwargs.pop("data")
    if kwargs.get("files"):
        # requests takes any value as a multipart part; httpx only text or bytes.
        kwargs["files"] = [
            (name, (filename, _as_part(content), *rest))
            for name, (filename, content, *rest) in kwargs["files"]
        ]
    return kwargs


def _as_part(content: Any) -> str | bytes:
    if isinstance(content, str | bytes):
        return content
    return "" if content is None else json.dumps(content)


def _fuzz(operations: list[Any], send: Any) -> list[str]:
    """Runs every operation's examples; the failures, one line each."""
    failures: list[str] = []
    for operation in operations:

        @settings(
            max_examples=MAX_EXAMPLES,
            derandomize=True,
            database=None,
            deadline=None,
            phases=[Phase.explicit, Phase.generate],
            suppress_health_check=list(HealthCheck),
        )
        @given(case=operation.as_strategy())
        def run(case: Any) -> None:
            response = send(case)
            case.validate_response(response, checks=CHECKS)

        try:
            run()
        except Exception as exc:  # one operation's failure must not hide the others'
            failures.append(f"{operation.label}: {str(exc).strip().splitlines()[0]}")
    return failures


async def _fuzz_as(app: Any, token: str) -> list[str]:
    loop = asyncio.get_running_loop()
    transport = httpx.ASGITransport(app=app, client=("127.0.0.1", 50001))
    async with httpx.AsyncClient(transport=transport, base_url="http://test") as client:

        def send(case: Any) -> httpx.Response:
            request = client.build_request(**_request_kwargs(case, token))
            request.read()  # a multipart body streams; the checks read what was sent
            return asyncio.run_coroutine_threadsafe(client.send(request), loop).result()

        return await asyncio.to_thread(_fuzz, _operations(app), send)


@pytest.mark.parametrize("role", ["sales", "admin"])
async def test_fuzzing_finds_no_server_error_or_schema_violation(
    app: Any, factory: Any, role: str
) -> None:
    # A second administrator: the fuzzer may deactivate or demote users, but never the one
    # the fixtures sign in with, and (with random ids) hardly ever itself.
    department = await factory.department()
    user = await factory.user(role, department_id=department["id"])
    await factory.customer(user)
    failures = await _fuzz_as(app, user.token)
    assert not failures, "\n".join(failures)
