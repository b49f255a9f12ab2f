"""No change may leave the CRM without an active administrator (a user who can manage users,
so can give anyone any role again): deactivating, demoting or deleting them, or taking the
right from their role, is a 409 when it would."""

from __future__ import annotations

import asyncio
import uuid
from typing import Any

from sqlalchemy import any_, select, text

from conftest import ADMIN_EMAIL, PASSWORD, login
from crm.identity import service
from crm.identity.models import Role, User, user_roles
from crm.identity.schemas import UserUpdate
from platform_helpers import assert_problem


async def _active_administrators(db: Any) -> set[str]:
    async with db.sessionmaker() as session:
        emails = await session.execute(
            select(User.email)
            .join(user_roles, user_roles.c.user_id == User.id)
            .join(Role, Role.id == user_roles.c.role_id)
            .where(
                User.is_active,
                User.deleted_at.is_(None),
                any_(Role.permissions) == "admin:users",
            )
        )
        return set(emails.scalars())


def _assert_refused(response: Any) -> None:
    body = assert_problem(response, 409)
    assert body["code"] == "last_administrator"
    assert "administrator" in body["detail"]


async def test_the_only_administrator_cannot_deactivate_or_demote_themselves(
    admin: Any, db: Any
) -> None:
    me = f"/api/v1/users/{admin.user_id}"
    for change in ({"is_active": False}, {"role_keys": []}, {"role_keys": ["sales", "manager"]}):
        _assert_refused(await admin.patch(me, json=change))
    # Nothing changed, and the administrator still works.
    assert await _active_administrators(db) == {ADMIN_EMAIL}
    r = await admin.get(me)
    assert r.status_code == 200, r.text
    assert r.json()["is_active"] is True and [x["key"] for x in r.json()["roles"]] == ["admin"]
    # Changes that keep them an administrator pass.
    r = await admin.patch(me, json={"role_keys": ["admin", "sales"], "full_name": "Still Admin"})
    assert r.status_code == 200, r.text


async def test_another_administrator_may_go_but_not_the_last_one(
    client: Any, admin: Any, factory: Any, db: Any
) -> None:
    second = await factory.user("admin")
    r = await second.patch(f"/api/v1/users/{admin.user_id}", json={"is_active": False})
    assert r.status_code == 200, r.text
    _assert_refused(await second.patch(f"/api/v1/users/{second.user_id}", json={"role_keys": []}))
    assert await _active_administrators(db) == {second.info["email"]}

    # Re-activated, the first one may step down in turn.
    r = await second.patch(f"/api/v1/users/{admin.user_id}", json={"is_active": True})
    assert r.status_code == 200, r.text
    first = await login(client, ADMIN_EMAIL, PASSWORD)
    r = await first.patch(f"/api/v1/users/{first.user_id}", json={"role_keys": ["sales"]})
    assert r.status_code == 200, r.text
    assert await _active_administrators(db) == {second.info["email"]}


async def test_a_custom_role_cannot_lose_the_right_of_the_last_administrator(
    admin: Any, factory: Any, db: Any
) -> None:
    r = await admin.post(
        "/api/v1/roles",
        json={
            "key": "user_admin",
            "name": "User admin",
            "permissions": ["admin:users", "admin:roles"],
        },
    )
    assert r.status_code == 201, r.text
    role = r.json()
    keeper = await factory.user("user_admin")
    # The built-in administrator goes; the custom role's holder is the last administrator.
    assert (await keeper.delete(f"/api/v1/users/{admin.user_id}")).status_code == 204

    r = await keeper.patch(f"/api/v1/roles/{role['id']}", json={"permissions": ["admin:roles"]})
    _assert_refused(r)
    assert await _active_administrators(db) == {keeper.info["email"]}
    # Renaming it, or keeping the right among others, is fine.
    r = await keeper.patch(
        f"/api/v1/roles/{role['id']}",
        json={"name": "Renamed", "permissions": ["admin:users", "admin:roles", "users:read"]},
    )
    assert r.status_code == 200, r.text


async def test_two_administrators_stepping_down_at_once_cannot_both_go(
    admin: Any, factory: Any, db: Any
) -> None:
    second = await factory.user("admin")
    async with db.sessionmaker() as session:
        # The first steps down in a transaction that has not committed yet...
        await service.update_user(
            session,
            user_id=uuid.UUID(admin.user_id),
            data=UserUpdate(is_active=False),
            if_match=None,
        )
        # ... while the second does the same through the API: it must wait for the first to end
        # rather than count the first as still active.
        request = asyncio.create_task(
            second.patch(f"/api/v1/users/{second.user_id}", json={"is_active": False})
        )
        while not request.done() and not await _someone_waits_for_a_lock(db):
            await asyncio.wait({request}, timeout=0.01)
        await session.commit()
    _assert_refused(await request)
    assert await _active_administrators(db) == {second.info["email"]}


async def _someone_waits_for_a_lock(db: Any) -> bool:
    async with db.engine.connect() as conn:
        waiting = await conn.execute(text("SELECT count(*) FROM pg_locks WHERE NOT granted"))
        return bool(waiting.scalar_one())
