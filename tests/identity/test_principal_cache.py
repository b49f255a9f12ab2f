"""The per-process principal cache: changes made through the app apply at once; changes it
cannot see (another process, a manual UPDATE) apply within principal_cache_seconds."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest
from sqlalchemy import text

from crm.settings import get_settings
from platform_helpers import assert_problem


async def test_a_role_change_applies_to_the_next_request(factory: Any, admin: Any) -> None:
    user = await factory.user("sales")
    customer = await factory.customer(user)
    # Cached: the salesperson may not delete.
    assert_problem(await user.delete(f"/api/v1/customers/{customer['id']}"), 403)

    r = await admin.patch(f"/api/v1/users/{user.user_id}", json={"role_keys": ["manager"]})
    assert r.status_code == 200, r.text
    assert (await user.delete(f"/api/v1/customers/{customer['id']}")).status_code == 204


async def test_a_role_definition_change_applies_to_the_next_request(
    factory: Any, admin: Any
) -> None:
    role = await admin.post(
        "/api/v1/roles",
        json={
            "key": "reader",
            "name": "Reader",
            "permissions": ["customers:read"],
            "data_scopes": {"customers": "own"},
        },
    )
    assert role.status_code == 201, role.text
    user = await factory.user("reader")
    assert (await user.get("/api/v1/customers")).status_code == 200

    r = await admin.patch(f"/api/v1/roles/{role.json()['id']}", json={"permissions": []})
    assert r.status_code == 200, r.text
    assert_problem(await user.get("/api/v1/customers"), 403)


async def test_a_change_the_app_did_not_make_applies_within_the_ttl(
    factory: Any, db: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(get_settings(), "principal_cache_seconds", 1.5)
    user = await factory.user("sales")
    assert (await user.get("/api/v1/customers")).status_code == 200  # now cached

    # As another process (or a manual fix in psql) would: no session, no invalidation here.
    async with db.engine.begin() as conn:
        await conn.execute(
            text("UPDATE users SET is_active = false WHERE id = :id"), {"id": user.user_id}
        )
    assert (await user.get("/api/v1/customers")).status_code == 200
    await asyncio.sleep(1.6)
    assert_problem(await user.get("/api/v1/customers"), 401)


async def test_without_a_ttl_every_request_reads_the_database(
    factory: Any, db: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(get_settings(), "principal_cache_seconds", 0)
    user = await factory.user("sales")
    assert (await user.get("/api/v1/customers")).status_code == 200
    async with db.engine.begin() as conn:
        await conn.execute(
            text("UPDATE users SET is_active = false WHERE id = :id"), {"id": user.user_id}
        )
    assert_problem(await user.get("/api/v1/customers"), 401)
