"""One rule for every owned record: an activity's owner and a task's assignee must be active
users within the caller's data scope, as a customer's, deal's or lead's owner must."""

from __future__ import annotations

import uuid
from typing import Any

from platform_helpers import assert_problem, error_locs


async def _refused_people(factory: Any, sales_team: dict[str, Any]) -> dict[str, str]:
    """Who a salesperson may not hand a record to: another department's salesperson, the
    administrator, a deactivated colleague of their own department, and nobody at all."""
    deactivated = await factory.user("sales", department_id=sales_team["department"]["id"])
    r = await factory.admin.patch(f"/api/v1/users/{deactivated.user_id}", json={"is_active": False})
    assert r.status_code == 200, r.text
    return {
        "other department": sales_team["outsider"].user_id,
        "admin": factory.admin.user_id,
        "deactivated": deactivated.user_id,
        "no such user": str(uuid.uuid4()),
    }


def _assert_refused(response: Any, field: str, case: str) -> None:
    problem = assert_problem(response, 422)
    assert ["body", field] in error_locs(problem), (case, problem)


async def test_an_activity_is_filed_only_under_users_in_the_callers_scope(
    factory: Any, sales_team: dict[str, Any], db: Any
) -> None:
    a, manager = sales_team["sales_a"], sales_team["manager"]
    customer = await factory.customer(a)
    body = {"customer_id": customer["id"], "kind": "call", "subject": "Follow-up"}
    mine = await a.post("/api/v1/activities", json=body)
    assert mine.status_code == 201, mine.text
    path = f"/api/v1/activities/{mine.json()['id']}"

    for case, user_id in (await _refused_people(factory, sales_team)).items():
        _assert_refused(
            await a.post("/api/v1/activities", json={**body, "owner_id": user_id}), "owner_id", case
        )
        _assert_refused(await a.patch(path, json={"owner_id": user_id}), "owner_id", case)
    _assert_refused(await a.patch(path, json={"owner_id": None}), "owner_id", "null")
    # Nothing was written: a's activity is still a's, and no other one exists.
    listed = (await a.get("/api/v1/activities", params={"customer_id": customer["id"]})).json()
    assert [(x["id"], x["owner_id"]) for x in listed["items"]] == [(mine.json()["id"], a.user_id)]

    # The manager's scope (the department tree) covers a: filing and handing over work.
    r = await manager.post("/api/v1/activities", json={**body, "owner_id": a.user_id})
    assert r.status_code == 201 and r.json()["owner_id"] == a.user_id, r.text
    r = await manager.patch(path, json={"owner_id": manager.user_id})
    assert r.status_code == 200 and r.json()["owner_id"] == manager.user_id, r.text
    _assert_refused(
        await manager.patch(path, json={"owner_id": sales_team["outsider"].user_id}),
        "owner_id",
        "manager to another department",
    )


async def test_a_task_is_assigned_only_to_users_in_the_callers_scope(
    factory: Any, sales_team: dict[str, Any]
) -> None:
    a, b, manager = sales_team["sales_a"], sales_team["sales_b"], sales_team["manager"]
    r = await a.post("/api/v1/tasks", json={"title": "Call back"})
    assert r.status_code == 201, r.text
    path = f"/api/v1/tasks/{r.json()['id']}"

    refused = {**(await _refused_people(factory, sales_team)), "colleague": b.user_id}
    for case, user_id in refused.items():
        r = await a.post("/api/v1/tasks", json={"title": "x", "assignee_id": user_id})
        _assert_refused(r, "assignee_id", case)
        _assert_refused(await a.patch(path, json={"assignee_id": user_id}), "assignee_id", case)
    assert (await a.get(path)).json()["assignee_id"] == a.user_id
    listed = (await a.get("/api/v1/tasks", params={"limit": 200})).json()["items"]
    assert [t["title"] for t in listed] == ["Call back"]

    # The manager's tasks scope (the department tree) covers both salespeople.
    r = await manager.post("/api/v1/tasks", json={"title": "For b", "assignee_id": b.user_id})
    assert r.status_code == 201 and r.json()["assignee_id"] == b.user_id, r.text
    r = await manager.patch(path, json={"assignee_id": b.user_id})
    assert r.status_code == 200 and r.json()["assignee_id"] == b.user_id, r.text
