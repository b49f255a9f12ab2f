"""Departments: the tree cannot loop, and a department in use cannot be deleted."""

from __future__ import annotations

import uuid
from typing import Any

from conftest import PASSWORD
from crm.core.events import OutboxEvent
from crm.identity.models import Department
from platform_helpers import assert_problem, count, error_locs, rows


async def test_create_read_update_list(admin: Any, factory: Any) -> None:
    root = await factory.department("Root")
    child = await factory.department("Child", parent_id=root["id"])
    assert child["parent_id"] == root["id"] and child["version"] == 1

    r = await admin.patch(f"/api/v1/departments/{child['id']}", json={"name": "  Renamed  "})
    assert r.status_code == 200 and r.json()["name"] == "Renamed"
    listed = (await admin.get("/api/v1/departments")).json()["items"]
    assert [d["name"] for d in listed] == ["Renamed", "Root"]
    under_root = (await admin.get("/api/v1/departments", params={"parent_id": root["id"]})).json()
    assert [d["id"] for d in under_root["items"]] == [child["id"]]

    r = await admin.patch(f"/api/v1/departments/{child['id']}", json={"name": None})
    assert error_locs(assert_problem(r, 422)) == [["body", "name"]]
    r = await admin.post("/api/v1/departments", json={"name": "   "})
    assert ["body", "name"] in error_locs(assert_problem(r, 422))
    r = await admin.post("/api/v1/departments", json={"name": "x", "parent_id": str(uuid.uuid4())})
    assert error_locs(assert_problem(r, 422)) == [["body", "parent_id"]]


async def test_the_tree_cannot_loop(admin: Any, factory: Any, db: Any) -> None:
    a = await factory.department("A")
    b = await factory.department("B", parent_id=a["id"])
    c = await factory.department("C", parent_id=b["id"])
    for new_parent in (a["id"], b["id"], c["id"]):
        r = await admin.patch(f"/api/v1/departments/{a['id']}", json={"parent_id": new_parent})
        body = assert_problem(r, 422)
        assert error_locs(body) == [["body", "parent_id"]]
    r = await admin.patch(f"/api/v1/departments/{b['id']}", json={"parent_id": c["id"]})
    assert_problem(r, 422)
    [stored_a] = await rows(db, Department, Department.id == uuid.UUID(a["id"]))
    assert stored_a.parent_id is None and stored_a.version == 1

    # Moving a subtree elsewhere (not under itself) is fine, and so is detaching it.
    d = await factory.department("D")
    r = await admin.patch(f"/api/v1/departments/{b['id']}", json={"parent_id": d["id"]})
    assert r.status_code == 200 and r.json()["parent_id"] == d["id"]
    r = await admin.patch(f"/api/v1/departments/{c['id']}", json={"parent_id": None})
    assert r.status_code == 200 and r.json()["parent_id"] is None


async def test_a_department_in_use_cannot_be_deleted(admin: Any, factory: Any, db: Any) -> None:
    parent = await factory.department("Parent")
    child = await factory.department("Child", parent_id=parent["id"])
    member = await factory.user("sales", department_id=child["id"])

    body = assert_problem(await admin.delete(f"/api/v1/departments/{child['id']}"), 409)
    assert "users" in body["detail"]
    assert_problem(await admin.delete(f"/api/v1/departments/{parent['id']}"), 409)  # has a child
    assert await count(db, Department, Department.deleted_at.is_(None)) == 2

    # A deleted user no longer holds the department.
    assert (await admin.delete(f"/api/v1/users/{member.user_id}")).status_code == 204
    assert (await admin.delete(f"/api/v1/departments/{child['id']}")).status_code == 204
    assert_problem(await admin.get(f"/api/v1/departments/{child['id']}"), 404)
    assert_problem(await admin.delete(f"/api/v1/departments/{child['id']}"), 404)
    [stored] = await rows(db, Department, Department.id == uuid.UUID(child["id"]))
    assert stored.deleted_at is not None
    assert await count(db, OutboxEvent, OutboxEvent.event_type == "department.deleted") == 1

    # Now the parent is empty too; and nothing can be placed in the deleted department.
    r = await admin.post(
        "/api/v1/users",
        json={
            "email": "late@example.com",
            "password": PASSWORD,
            "full_name": "Late",
            "department_id": child["id"],
        },
    )
    assert error_locs(assert_problem(r, 422)) == [["body", "department_id"]]
    r = await admin.post("/api/v1/departments", json={"name": "Under", "parent_id": child["id"]})
    assert_problem(r, 422)
    assert (await admin.delete(f"/api/v1/departments/{parent['id']}")).status_code == 204
    assert (await admin.get("/api/v1/departments")).json()["items"] == []


async def test_department_permissions(factory: Any) -> None:
    dept = await factory.department("Visible")
    sales = await factory.user("sales")
    assert (await sales.get(f"/api/v1/departments/{dept['id']}")).status_code == 200
    assert_problem(await sales.patch(f"/api/v1/departments/{dept['id']}", json={"name": "X"}), 403)
    assert_problem(await sales.delete(f"/api/v1/departments/{dept['id']}"), 403)
    auditor = await factory.user("auditor")
    assert (await auditor.get("/api/v1/departments")).status_code == 200
    assert_problem(await auditor.post("/api/v1/departments", json={"name": "No"}), 403)
