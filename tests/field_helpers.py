"""Helpers of the field permission tests: a role with field rules, and a user holding it."""

from __future__ import annotations

import uuid
from typing import Any

from conftest import Api, Factory

# What the restricted role may do besides its field rules: read, write, import and export
# customers and contacts (all of them), read their timelines, search.
RESTRICTED_PERMISSIONS = [
    "customers:read",
    "customers:write",
    "customers:export",
    "customers:import",
    "contacts:read",
    "contacts:write",
    "activities:read",
]


async def restricted_role(
    admin: Api, rules: list[dict[str, Any]], *, permissions: list[str] | None = None
) -> dict[str, Any]:
    """A new role (all customers in scope) with ``rules`` as its field rules."""
    r = await admin.post(
        "/api/v1/roles",
        json={
            "key": f"restricted_{uuid.uuid4().hex[:8]}",
            "name": "Restricted",
            "permissions": RESTRICTED_PERMISSIONS if permissions is None else permissions,
            "data_scopes": {"customers": "all"},
        },
    )
    assert r.status_code == 201, r.text
    role = dict(r.json())
    r = await admin.request("PUT", f"/api/v1/roles/{role['id']}/field-rules", json={"rules": rules})
    assert r.status_code == 200, r.text
    return role


async def restricted_user(
    admin: Api, factory: Factory, rules: list[dict[str, Any]], **role_kw: Any
) -> Api:
    role = await restricted_role(admin, rules, **role_kw)
    return await factory.user(role["key"])
