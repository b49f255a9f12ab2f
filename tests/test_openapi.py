"""The committed contract must match the code: the SPA's client is generated from it."""

from __future__ import annotations

import json
from pathlib import Path

from crm.app import create_app
from crm.settings import get_settings

CONTRACT = Path(__file__).resolve().parents[1] / "openapi" / "openapi.json"


def test_committed_openapi_is_current() -> None:
    spec = create_app(
        get_settings().model_copy(update={"frontend_dist": Path("/nonexistent")})
    ).openapi()
    committed = json.loads(CONTRACT.read_text())
    assert committed == json.loads(json.dumps(spec)), (
        "openapi/openapi.json is stale: run `make openapi` and commit the result"
    )


def test_every_operation_has_a_stable_id_and_problem_responses() -> None:
    spec = json.loads(CONTRACT.read_text())
    seen: set[str] = set()
    for path, item in spec["paths"].items():
        for method, operation in item.items():
            op_id = operation.get("operationId", "")
            assert op_id and "-" in op_id, f"{method.upper()} {path} lacks a <tag>-<name> id"
            assert op_id not in seen, f"duplicate operation id {op_id}"
            seen.add(op_id)
            if path.startswith("/api/v1/"):
                assert "422" in operation["responses"] or method == "get", (method, path)
