"""Roles: built-ins are fixed, custom roles are validated, and a custom role grants exactly
what it says — permissions and data scope."""

from __future__ import annotations

import uuid
from typing import Any

from crm.identity.catalog import PERSONAL_PERMISSIONS
from crm.identity.models import Role
from platform_helpers import assert_problem, count, error_locs, rows

BUILTINS = {"admin", "auditor", "manager", "marketing", "sales", "service"}


async def _roles(admin: Any) -> dict[str, dict[str, Any]]:
    r = await admin.get("/api/v1/roles", params={"limit": 200})
    assert r.status_code == 200
    return {role["key"]: role for role in r.json()["items"]}


async def test_builtin_roles_are_listed_and_fixed(admin: Any, db: Any) -> None:
    roles = await _roles(admin)
    assert set(roles) == BUILTINS
    assert all(role["is_builtin"] for role in roles.values())
    assert roles["sales"]["data_scopes"] == dict.fromkeys(
        ("customers", "tasks", "leads", "deals", "contracts"), "own"
    )
    assert "customers:delete" not in roles["sales"]["permissions"]
    assert all(p.endswith(":read") for p in roles["auditor"]["permissions"])

    for key in BUILTINS:
        role = roles[key]
        r = await admin.patch(
            f"/api/v1/roles/{role['id']}", json={"permissions": ["customers:read"]}
        )
        assert "Built-in" in assert_problem(r, 409)["detail"]
        assert_problem(await admin.delete(f"/api/v1/roles/{role['id']}"), 409)
    after = await _roles(admin)
    assert after == roles
    assert await count(db, Role) == len(BUILTINS)


async def test_custom_role_validation(admin: Any, db: Any) -> None:
    cases = [
        (
            {"key": "r1", "name": "R", "permissions": ["customers:read", "customers:teleport"]},
            "permissions",
        ),
        ({"key": "r1", "name": "R", "permissions": ["nothing"]}, "permissions"),
        ({"key": "r1", "name": "R", "data_scopes": {"users": "all"}}, "data_scopes"),
        ({"key": "r1", "name": "R", "data_scopes": {"customers": "galaxy"}}, "data_scopes"),
        ({"key": "Bad Key", "name": "R"}, "key"),
        ({"key": "r1", "name": ""}, "name"),
        ({"key": "r1", "name": "R", "is_builtin": True}, "is_builtin"),
    ]
    for body, field in cases:
        r = await admin.post("/api/v1/roles", json=body)
        problem = assert_problem(r, 422)
        assert any(loc[:2] == ["body", field] for loc in error_locs(problem)), (body, problem)
    assert await count(db, Role) == len(BUILTINS)

    r = await admin.post("/api/v1/roles", json={"key": "sales", "name": "Another sales"})
    assert error_locs(assert_problem(r, 409)) == [["body", "key"]]

    created = await admin.post(
        "/api/v1/roles",
        json={"key": "reader", "name": "Reader", "permissions": ["users:read", "users:read"]},
    )
    assert created.status_code == 201
    assert created.json()["permissions"] == ["users:read"]
    assert created.json()["is_builtin"] is False
    r = await admin.patch(
        f"/api/v1/roles/{created.json()['id']}", json={"permissions": ["users:read", "bogus:x"]}
    )
    assert error_locs(assert_problem(r, 422)) == [["body", "permissions"]]
    [stored] = await rows(db, Role, Role.key == "reader")
    assert stored.permissions == ["users:read"]


async def test_only_role_admins_manage_roles(factory: Any) -> None:
    manager = await factory.user("manager")
    r = await manager.post("/api/v1/roles", json={"key": "mine", "name": "Mine"})
    assert_problem(r, 403)
    assert (await manager.get("/api/v1/roles")).status_code == 200  # users:read may look


async def test_a_custom_department_reader_sees_exactly_its_department(
    admin: Any, factory: Any
) -> None:
    east = await factory.department("East")
    east_team = await factory.department("East team", parent_id=east["id"])
    west = await factory.department("West")
    seller_east = await factory.user("sales", department_id=east["id"])
    seller_east_team = await factory.user("sales", department_id=east_team["id"])
    seller_west = await factory.user("sales", department_id=west["id"])
    c_east = await factory.customer(seller_east, name="East Co")
    c_team = await factory.customer(seller_east_team, name="East Team Co")
    c_west = await factory.customer(seller_west, name="West Co")

    role = await admin.post(
        "/api/v1/roles",
        json={
            "key": "dept_reader",
            "name": "Department reader",
            "permissions": ["customers:read"],
            "data_scopes": {"customers": "department"},
        },
    )
    assert role.status_code == 201, role.text
    reader = await factory.user("dept_reader", department_id=east["id"])

    me = (await reader.get("/api/v1/auth/me")).json()
    assert me["permissions"] == sorted({"customers:read", *PERSONAL_PERMISSIONS})
    assert me["data_scopes"] == {"customers": "department"}

    # Their department only: not the sub-department, not another department.
    listed = (await reader.get("/api/v1/customers", params={"with_total": "true"})).json()
    assert [c["id"] for c in listed["items"]] == [c_east["id"]] and listed["total"] == 1
    assert (await reader.get(f"/api/v1/customers/{c_east['id']}")).status_code == 200
    for hidden in (c_team, c_west):
        assert_problem(await reader.get(f"/api/v1/customers/{hidden['id']}"), 404)
    assert (await reader.get("/api/v1/customers", params={"q": "West"})).json()["items"] == []
    # Read only: no writes, no deletes, nothing else.
    assert_problem(await reader.post("/api/v1/customers", json={"name": "New"}), 403)
    r = await reader.patch(f"/api/v1/customers/{c_east['id']}", json={"name": "Changed"})
    assert_problem(r, 403)
    assert_problem(await reader.delete(f"/api/v1/customers/{c_east['id']}"), 403)
    assert_problem(await reader.get("/api/v1/users"), 403)
    assert_problem(await reader.get(f"/api/v1/customers/{c_east['id']}/contacts"), 403)
    assert (await seller_east.get(f"/api/v1/customers/{c_east['id']}")).json()["name"] == "East Co"

    # Widening the role to the department tree takes effect on the next request.
    r = await admin.patch(
        f"/api/v1/roles/{role.json()['id']}", json={"data_scopes": {"customers": "department_tree"}}
    )
    assert r.status_code == 200 and r.json()["version"] == 2
    listed = (await reader.get("/api/v1/customers")).json()["items"]
    assert {c["id"] for c in listed} == {c_east["id"], c_team["id"]}
    # Narrowing to own: the reader owns nothing.
    await admin.patch(
        f"/api/v1/roles/{role.json()['id']}", json={"data_scopes": {"customers": "own"}}
    )
    assert (await reader.get("/api/v1/customers")).json()["items"] == []
    # Without any scope for the resource, nothing is visible even with the permission.
    await admin.patch(f"/api/v1/roles/{role.json()['id']}", json={"data_scopes": {}})
    assert (await reader.get("/api/v1/customers")).json()["items"] == []
    assert_problem(await reader.get(f"/api/v1/customers/{c_east['id']}"), 404)


async def test_a_custom_role_in_use_cannot_be_deleted(admin: Any, factory: Any, db: Any) -> None:
    role = (await admin.post("/api/v1/roles", json={"key": "temp", "name": "Temp"})).json()
    holder = await factory.user("temp")
    body = assert_problem(await admin.delete(f"/api/v1/roles/{role['id']}"), 409)
    assert "still assigned" in body["detail"]
    assert await count(db, Role, Role.key == "temp") == 1
    await admin.patch(f"/api/v1/users/{holder.user_id}", json={"role_keys": []})
    assert (await admin.delete(f"/api/v1/roles/{role['id']}")).status_code == 204
    assert await count(db, Role, Role.key == "temp") == 0
    assert_problem(await admin.get(f"/api/v1/roles/{role['id']}"), 404)
    assert_problem(await admin.get(f"/api/v1/roles/{uuid.uuid4()}"), 404)


async def test_permission_catalog(admin: Any, anon: Any) -> None:
    r = await admin.get("/api/v1/permissions")
    body = r.json()
    assert "customers:read" in body["permissions"] and "admin:purge" in body["permissions"]
    assert body["permissions"] == sorted(body["permissions"])
    assert "customers" in body["scoped_resources"]
    assert body["data_scopes"] == ["own", "subordinates", "department", "department_tree", "all"]
    assert_problem(await anon.get("/api/v1/permissions"), 401)
