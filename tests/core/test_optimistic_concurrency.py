"""If-Match / body ``version`` turn a stale update into 412, and the record stays untouched."""

from __future__ import annotations

import asyncio
import uuid
from typing import Any

from conftest import PASSWORD
from crm.core.audit import AuditLog
from crm.identity.models import Department, User
from platform_helpers import assert_problem, count, rows


async def test_department_if_match_and_body_version(admin: Any, factory: Any, db: Any) -> None:
    dept = await factory.department("Before")
    path = f"/api/v1/departments/{dept['id']}"
    got = await admin.get(path)
    assert got.headers["etag"] == '"1"' and got.json()["version"] == 1

    r = await admin.patch(path, json={"name": "First"}, headers={"If-Match": '"1"'})
    assert r.status_code == 200, r.text
    assert r.json()["version"] == 2 and r.headers["etag"] == '"2"'

    # A second writer still holding version 1 is refused, by header or by body.
    stale = await admin.patch(path, json={"name": "Lost update"}, headers={"If-Match": '"1"'})
    body = assert_problem(stale, 412)
    assert body["current_version"] == 2
    stale = await admin.patch(path, json={"name": "Lost update", "version": 1})
    assert assert_problem(stale, 412)["current_version"] == 2
    # Header and body must both be current.
    stale = await admin.patch(
        path, json={"name": "Lost", "version": 1}, headers={"If-Match": '"2"'}
    )
    assert_problem(stale, 412)

    [stored] = await rows(db, Department, Department.id == uuid.UUID(dept["id"]))
    assert (stored.name, stored.version) == ("First", 2)
    assert (
        await count(db, AuditLog, AuditLog.object_id == stored.id, AuditLog.action == "update") == 1
    )

    # Weak validators and "*" are understood; a current version goes through.
    r = await admin.patch(path, json={"name": "Second"}, headers={"If-Match": 'W/"2"'})
    assert r.status_code == 200 and r.json()["version"] == 3
    r = await admin.patch(path, json={"name": "Third", "version": 3})
    assert r.status_code == 200 and r.json()["version"] == 4
    r = await admin.patch(path, json={"name": "Any"}, headers={"If-Match": "*"})
    assert r.status_code == 200 and r.json()["version"] == 5


async def test_malformed_if_match_is_400(admin: Any, factory: Any) -> None:
    dept = await factory.department("X")
    r = await admin.patch(
        f"/api/v1/departments/{dept['id']}", json={"name": "Y"}, headers={"If-Match": "abc"}
    )
    assert_problem(r, 400)
    assert (await admin.get(f"/api/v1/departments/{dept['id']}")).json()["name"] == "X"


async def test_user_updates_are_version_checked(admin: Any, factory: Any, db: Any) -> None:
    user = await factory.user("sales")
    path = f"/api/v1/users/{user.user_id}"
    got = await admin.get(path)
    version = got.json()["version"]
    assert got.headers["etag"] == f'"{version}"'

    r = await admin.patch(path, json={"full_name": "Renamed"}, headers={"If-Match": f'"{version}"'})
    assert r.status_code == 200 and r.json()["version"] == version + 1
    # A role change bumps the version as well.
    r = await admin.patch(path, json={"role_keys": ["service"], "version": version + 1})
    assert r.status_code == 200, r.text
    assert r.json()["version"] == version + 2
    assert [role["key"] for role in r.json()["roles"]] == ["service"]

    stale = await admin.patch(
        path, json={"full_name": "Lost", "role_keys": ["admin"], "version": version}
    )
    assert assert_problem(stale, 412)["current_version"] == version + 2
    stale = await admin.patch(
        path, json={"full_name": "Lost"}, headers={"If-Match": f'"{version}"'}
    )
    assert_problem(stale, 412)

    [stored] = await rows(db, User, User.id == uuid.UUID(user.user_id))
    assert stored.full_name == "Renamed" and stored.version == version + 2
    me = (await user.get("/api/v1/auth/me")).json()
    assert [role["key"] for role in me["roles"]] == ["service"]  # not escalated to admin


async def test_custom_role_updates_are_version_checked(admin: Any) -> None:
    role = (
        await admin.post(
            "/api/v1/roles", json={"key": "viewer", "name": "Viewer", "permissions": ["users:read"]}
        )
    ).json()
    path = f"/api/v1/roles/{role['id']}"
    r = await admin.patch(path, json={"name": "Viewer 2", "version": 1})
    assert r.status_code == 200 and r.json()["version"] == 2
    assert_problem(
        await admin.patch(path, json={"name": "Stale"}, headers={"If-Match": '"1"'}), 412
    )
    assert (await admin.get(path)).json()["name"] == "Viewer 2"


async def test_signing_in_does_not_make_a_pending_edit_stale(
    admin: Any, factory: Any, client: Any
) -> None:
    user = await factory.user("sales")
    path = f"/api/v1/users/{user.user_id}"
    version = (await admin.get(path)).json()["version"]
    # The user signs in while an administrator has the edit form open.
    r = await client.post(
        "/api/v1/auth/login", data={"username": user.info["email"], "password": PASSWORD}
    )
    assert r.status_code == 200
    after_login = (await admin.get(path)).json()
    assert after_login["version"] == version
    assert after_login["last_login_at"] > user.info["last_login_at"]
    r = await admin.patch(path, json={"full_name": "Edited"}, headers={"If-Match": f'"{version}"'})
    assert r.status_code == 200, r.text


async def test_concurrent_updates_with_one_version_let_exactly_one_win(
    admin: Any, factory: Any, db: Any
) -> None:
    for round_ in range(3):
        dept = await factory.department(f"Race {round_}")
        path = f"/api/v1/departments/{dept['id']}"
        results = await asyncio.gather(
            *[
                admin.patch(path, json={"name": f"Writer {i}"}, headers={"If-Match": '"1"'})
                for i in range(3)
            ]
        )
        winners = [r for r in results if r.status_code == 200]
        assert len(winners) == 1, [r.text for r in results]
        for r in results:
            if r is not winners[0]:
                assert_problem(r, 412)
        [stored] = await rows(db, Department, Department.id == uuid.UUID(dept["id"]))
        assert (stored.name, stored.version) == (winners[0].json()["name"], 2)
