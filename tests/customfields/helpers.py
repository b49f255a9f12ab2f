"""Shared helpers of the custom field, tag and completeness tests."""

from __future__ import annotations

from typing import Any

from conftest import Api


async def define(admin: Api, key: str, field_type: str, **extra: Any) -> dict[str, Any]:
    """A custom field on customers (unless ``object_type`` says otherwise), through the API."""
    body = {
        "object_type": "customer",
        "key": key,
        "label": {"en": key.replace("_", " ").title(), "zh": key},
        "field_type": field_type,
        **extra,
    }
    r = await admin.post("/api/v1/custom-fields", json=body)
    assert r.status_code == 201, r.text
    return dict(r.json())


async def items(api: Api, path: str, **params: Any) -> list[dict[str, Any]]:
    r = await api.get(path, params={"limit": 200, **params})
    assert r.status_code == 200, r.text
    return list(r.json()["items"])
