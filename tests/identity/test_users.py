"""Users: creation rules, unique e-mail, roles, the manager tree, deletion."""

from __future__ import annotations

import asyncio
import uuid
from typing import Any

from sqlalchemy import func

from conftest import PASSWORD
from crm.core.audit import AuditLog
from crm.identity.models import User
from platform_helpers import assert_problem, count, error_locs, rows


def _user_body(email: str, **extra: Any) -> dict[str, Any]:
    return {"email": email, "password": PASSWORD, "full_name": email.split("@")[0], **extra}


async def test_create_user_normalises_and_hides_secrets(admin: Any, factory: Any, db: Any) -> None:
    dept = await factory.department("Sales")
    r = await admin.post(
        "/api/v1/users",
        json=_user_body(
            "Mixed.Case@Example.com",
            role_keys=["sales", "service"],
            department_id=dept["id"],
            phone=" 138 0013 8000 ",
        ),
    )
    assert r.status_code == 201, r.text
    body = r.json()
    assert body["email"] == "mixed.case@example.com"
    assert body["phone"] == "138 0013 8000"
    assert body["department_id"] == dept["id"] and body["is_active"] is True
    assert sorted(role["key"] for role in body["roles"]) == ["sales", "service"]
    assert body["version"] == 1
    assert "password" not in r.text and PASSWORD not in r.text

    [stored] = await rows(db, User, User.id == uuid.UUID(body["id"]))
    assert stored.password_hash and stored.password_hash.startswith("$argon2")
    [entry] = await rows(db, AuditLog, AuditLog.object_id == stored.id)
    assert entry.action == "create"
    assert "password_hash" not in entry.changes["diff"]
    assert entry.changes["diff"]["role_keys"] == [None, ["sales", "service"]]


async def test_duplicate_email_is_409_case_insensitively(admin: Any, factory: Any, db: Any) -> None:
    await factory.user("sales", email="taken@example.com")
    r = await admin.post("/api/v1/users", json=_user_body("TAKEN@example.com"))
    body = assert_problem(r, 409)
    assert body["errors"] == [
        {
            "loc": ["body", "email"],
            "msg": "A user with this e-mail already exists.",
            "type": "value_error",
        }
    ]
    assert await count(db, User, func.lower(User.email) == "taken@example.com") == 1
    # The administrator's address too.
    assert_problem(await admin.post("/api/v1/users", json=_user_body("Admin@Example.com")), 409)

    # Renaming onto a taken address is refused the same way; keeping one's own is fine.
    other = await factory.user("sales", email="other@example.com")
    r = await admin.patch(f"/api/v1/users/{other.user_id}", json={"email": "Taken@Example.com"})
    assert ["body", "email"] in error_locs(assert_problem(r, 409))
    r = await admin.patch(f"/api/v1/users/{other.user_id}", json={"email": "OTHER@example.com"})
    assert r.status_code == 200 and r.json()["email"] == "other@example.com"


async def test_concurrent_creates_with_one_email_never_500(admin: Any, db: Any) -> None:
    # Both requests pass the "is it free?" check; the unique index decides, and the loser
    # must get a 409, not a 500. Several rounds make the interleaving likely.
    for round_ in range(4):
        email = f"race{round_}@example.com"
        results = await asyncio.gather(
            *[admin.post("/api/v1/users", json=_user_body(email)) for _ in range(3)]
        )
        statuses = sorted(r.status_code for r in results)
        assert statuses == [201, 409, 409], [r.text for r in results]
        for r in results:
            if r.status_code == 409:
                assert_problem(r, 409)
        assert await count(db, User, User.email == email) == 1


async def test_unknown_role_department_or_manager_is_422(admin: Any, db: Any) -> None:
    cases = [
        ({"role_keys": ["sales", "wizard", "ninja"]}, "role_keys", "ninja, wizard"),
        ({"department_id": str(uuid.uuid4())}, "department_id", "department"),
        ({"manager_id": str(uuid.uuid4())}, "manager_id", "manager"),
    ]
    for extra, field, words in cases:
        r = await admin.post("/api/v1/users", json=_user_body("new@example.com", **extra))
        body = assert_problem(r, 422)
        assert error_locs(body) == [["body", field]]
        assert words in body["detail"]
    assert await count(db, User) == 1


async def test_the_manager_tree_cannot_loop(admin: Any, factory: Any, db: Any) -> None:
    top = await factory.user("manager")
    middle = await factory.user("manager", manager_id=top.user_id)
    bottom = await factory.user("sales", manager_id=middle.user_id)

    for new_manager in (top.user_id, middle.user_id, bottom.user_id):
        r = await admin.patch(f"/api/v1/users/{top.user_id}", json={"manager_id": new_manager})
        body = assert_problem(r, 422)
        assert error_locs(body) == [["body", "manager_id"]]
    [stored] = await rows(db, User, User.id == uuid.UUID(top.user_id))
    assert stored.manager_id is None

    # A legitimate move is fine, and the manager's scope follows the new tree.
    r = await admin.patch(f"/api/v1/users/{bottom.user_id}", json={"manager_id": top.user_id})
    assert r.status_code == 200 and r.json()["manager_id"] == top.user_id
    r = await admin.patch(f"/api/v1/users/{middle.user_id}", json={"manager_id": None})
    assert r.status_code == 200 and r.json()["manager_id"] is None


async def test_deleting_users(admin: Any, factory: Any, db: Any) -> None:
    body = assert_problem(await admin.delete(f"/api/v1/users/{admin.user_id}"), 409)
    assert "your own" in body["detail"]

    user = await factory.user("sales")
    assert (await admin.delete(f"/api/v1/users/{user.user_id}")).status_code == 204
    assert_problem(await admin.get(f"/api/v1/users/{user.user_id}"), 404)
    assert_problem(await admin.patch(f"/api/v1/users/{user.user_id}", json={"full_name": "Z"}), 404)
    assert_problem(await admin.delete(f"/api/v1/users/{user.user_id}"), 404)
    listed = (await admin.get("/api/v1/users")).json()["items"]
    assert [u["id"] for u in listed] == [admin.user_id]
    [stored] = await rows(db, User, User.id == uuid.UUID(user.user_id))
    assert stored.deleted_at is not None and stored.is_active is False
    # Its address stays reserved (the row remains for history).
    assert_problem(await admin.post("/api/v1/users", json=_user_body(user.info["email"])), 409)


async def test_user_directory_permissions(factory: Any) -> None:
    sales = await factory.user("sales")
    r = await sales.get("/api/v1/users")
    assert r.status_code == 200 and len(r.json()["items"]) == 2
    assert (await sales.get(f"/api/v1/users/{sales.user_id}")).status_code == 200
    assert_problem(await sales.post("/api/v1/users", json=_user_body("x@example.com")), 403)
    r = await sales.patch(f"/api/v1/users/{sales.user_id}", json={"role_keys": ["admin"]})
    assert_problem(r, 403)
    me = (await sales.get("/api/v1/auth/me")).json()
    assert [role["key"] for role in me["roles"]] == ["sales"]


async def test_user_list_filters(admin: Any, factory: Any) -> None:
    dept = await factory.department("Filtered")
    inside = await factory.user("sales", department_id=dept["id"])
    inactive = await factory.user("sales")
    await admin.patch(f"/api/v1/users/{inactive.user_id}", json={"is_active": False})

    r = await admin.get("/api/v1/users", params={"department_id": dept["id"]})
    assert [u["id"] for u in r.json()["items"]] == [inside.user_id]
    r = await admin.get("/api/v1/users", params={"is_active": "false"})
    assert [u["id"] for u in r.json()["items"]] == [inactive.user_id]
    r = await admin.get("/api/v1/users", params={"q": inside.info["email"][:12].upper()})
    assert [u["id"] for u in r.json()["items"]] == [inside.user_id]


async def test_required_fields_cannot_be_patched_to_null(admin: Any, factory: Any, db: Any) -> None:
    user = await factory.user("sales", email="keep@example.com")
    version = (await admin.get(f"/api/v1/users/{user.user_id}")).json()["version"]
    for field in ("email", "full_name", "is_active"):
        r = await admin.patch(f"/api/v1/users/{user.user_id}", json={field: None})
        body = assert_problem(r, 422)
        assert error_locs(body) == [["body", field]], body
    [stored] = await rows(db, User, User.id == uuid.UUID(user.user_id))
    assert (stored.email, stored.is_active, stored.version) == ("keep@example.com", True, version)
    assert stored.full_name == "keep"
    # Nullable ones may be cleared.
    r = await admin.patch(f"/api/v1/users/{user.user_id}", json={"phone": None, "manager_id": None})
    assert r.status_code == 200, r.text
