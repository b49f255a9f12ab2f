"""Follow-up tasks: who sees them, recurrence, completion and the "my tasks" views."""

from __future__ import annotations

import uuid
from datetime import datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from platform_helpers import assert_problem, error_locs


async def _task(api: Any, **fields: Any) -> dict[str, Any]:
    r = await api.post("/api/v1/tasks", json={"title": "Call back", **fields})
    assert r.status_code == 201, r.text
    return dict(r.json())


async def test_create_defaults_and_validation(factory: Any, sales_team: dict[str, Any]) -> None:
    a, outsider = sales_team["sales_a"], sales_team["outsider"]
    task = await _task(a, due_at="2026-05-01T10:00:00+08:00")
    assert task["assignee_id"] == a.user_id and task["created_by"] == a.user_id
    assert (task["status"], task["priority"]) == ("open", "normal")
    assert task["due_at"] == "2026-05-01T02:00:00Z"
    assert task["department_id"] == sales_team["department"]["id"]

    hidden_customer = await factory.customer(outsider)
    cases = [
        ({"related_type": "customer"}, "related_id"),
        ({"related_id": hidden_customer["id"]}, "related_id"),
        ({"related_type": "customer", "related_id": hidden_customer["id"]}, "related_id"),
        ({"related_type": "order", "related_id": hidden_customer["id"]}, "related_type"),
        ({"assignee_id": str(uuid.uuid4())}, "assignee_id"),
        ({"priority": "asap"}, "priority"),
        ({"recurrence": "FREQ=WEEKLY"}, "recurrence"),  # no due_at to count from
        ({"recurrence": "FREQ=HOURLY", "due_at": "2026-05-01T10:00:00Z"}, "recurrence"),
        ({"recurrence": "FREQ=WEEKLY;BYDAY=XX", "due_at": "2026-05-01T10:00:00Z"}, "recurrence"),
        ({"recurrence": "every monday", "due_at": "2026-05-01T10:00:00Z"}, "recurrence"),
        (
            {
                "recurrence": "DTSTART:20260101T000000Z\nRRULE:FREQ=DAILY",
                "due_at": "2026-05-01T10:00:00Z",
            },
            "recurrence",
        ),
        ({"title": ""}, "title"),
    ]
    for fields, field in cases:
        r = await a.post("/api/v1/tasks", json={"title": "x", **fields})
        problem = assert_problem(r, 422)
        assert any(loc[:2] == ["body", field] for loc in error_locs(problem)), (fields, problem)

    r = await a.post(
        "/api/v1/tasks",
        json={
            "title": "Weekly",
            "recurrence": "rrule:freq=weekly;byday=mo",
            "due_at": "2026-05-04T01:00:00Z",
        },
    )
    assert r.status_code == 201 and r.json()["recurrence"] == "FREQ=WEEKLY;BYDAY=MO"


async def test_who_sees_a_task(factory: Any, sales_team: dict[str, Any]) -> None:
    """Its assignee's data scope (own, manager's tree, admin/auditor all), its creator, and
    whoever sees the customer it is about."""
    t = sales_team
    a, b, outsider = t["sales_a"], t["sales_b"], t["outsider"]
    admin = factory.admin
    a_customer = await factory.customer(a)

    # 1. Assigned to a by the admin, about a's customer.
    for_a = await _task(
        admin, assignee_id=a.user_id, related_type="customer", related_id=a_customer["id"]
    )
    # 2. Created by b, about nothing, then handed to the outsider by the admin (b may assign
    # tasks only within b's own scope).
    b_for_outsider = await _task(b)
    r = await admin.patch(
        f"/api/v1/tasks/{b_for_outsider['id']}", json={"assignee_id": outsider.user_id}
    )
    assert r.status_code == 200, r.text
    # 3. Assigned to the outsider by the admin, about a's customer.
    outsider_on_a = await _task(
        admin, assignee_id=outsider.user_id, related_type="customer", related_id=a_customer["id"]
    )

    expected = {
        "sales_a": {for_a["id"], outsider_on_a["id"]},  # assignee; sees the customer
        "sales_b": {b_for_outsider["id"]},  # creator
        "outsider": {b_for_outsider["id"], outsider_on_a["id"]},  # assignee
        "manager": {for_a["id"], outsider_on_a["id"]},  # team's tasks; sees a's customer
        "service": {for_a["id"], outsider_on_a["id"]},  # sees every customer
        "auditor": {for_a["id"], b_for_outsider["id"], outsider_on_a["id"]},
    }
    every = {for_a["id"], b_for_outsider["id"], outsider_on_a["id"]}
    for label, visible in expected.items():
        api = t[label]
        r = await api.get("/api/v1/tasks", params={"limit": 200})
        assert r.status_code == 200, r.text
        assert {item["id"] for item in r.json()["items"]} == visible, label
        for task_id in every:
            status = (await api.get(f"/api/v1/tasks/{task_id}")).status_code
            assert status == (200 if task_id in visible else 404), (label, task_id)

    # Reassigning moves the task into the new assignee's scope.
    r = await admin.patch(f"/api/v1/tasks/{b_for_outsider['id']}", json={"assignee_id": a.user_id})
    assert r.status_code == 200 and r.json()["department_id"] == t["department"]["id"]
    assert (await a.get(f"/api/v1/tasks/{b_for_outsider['id']}")).status_code == 200
    assert (await outsider.get(f"/api/v1/tasks/{b_for_outsider['id']}")).status_code == 404


async def test_completing_a_recurring_task_creates_the_next_occurrence(
    factory: Any, sales_team: dict[str, Any]
) -> None:
    a = sales_team["sales_a"]
    customer = await factory.customer(a)
    # Mondays 09:00 Shanghai time, three times.
    first = await _task(
        a,
        title="Weekly check-in",
        due_at="2026-03-02T09:00:00+08:00",
        recurrence="FREQ=WEEKLY;BYDAY=MO;COUNT=3",
        priority="high",
        related_type="customer",
        related_id=customer["id"],
    )
    r = await a.post(f"/api/v1/tasks/{first['id']}/complete")
    assert r.status_code == 200, r.text
    done, second = r.json()["task"], r.json()["next"]
    assert done["status"] == "done" and done["completed_by"] == a.user_id
    assert second["due_at"] == "2026-03-09T01:00:00Z"
    assert second["previous_id"] == first["id"]
    assert (second["title"], second["priority"], second["related_id"]) == (
        "Weekly check-in",
        "high",
        customer["id"],
    )
    assert_problem(await a.post(f"/api/v1/tasks/{first['id']}/complete"), 409)

    # Completing through PATCH does the same.
    r = await a.patch(f"/api/v1/tasks/{second['id']}", json={"status": "done"})
    assert r.status_code == 200 and r.json()["status"] == "done"
    open_tasks = (await a.get("/api/v1/tasks", params={"status": "open"})).json()["items"]
    [third] = open_tasks
    assert third["due_at"] == "2026-03-16T01:00:00Z"
    # COUNT=3: the series ends with the third.
    r = await a.post(f"/api/v1/tasks/{third['id']}/complete")
    assert r.json()["next"] is None

    # The customer's timeline shows the tasks being created and completed.
    timeline = await a.get(f"/api/v1/customers/{customer['id']}/timeline", params={"type": "event"})
    kinds = [i["kind"] for i in timeline.json()["items"] if i["kind"].startswith("task.")]
    assert kinds.count("task.completed") == 3 and kinds.count("task.created") == 3


async def test_a_cancelled_task_does_not_recur_and_can_be_reopened(admin: Any) -> None:
    task = await _task(admin, due_at="2026-03-02T01:00:00Z", recurrence="FREQ=DAILY")
    r = await admin.patch(f"/api/v1/tasks/{task['id']}", json={"status": "cancelled"})
    assert r.json()["status"] == "cancelled"
    assert len((await admin.get("/api/v1/tasks")).json()["items"]) == 1
    r = await admin.patch(f"/api/v1/tasks/{task['id']}", json={"status": "open"})
    assert r.json()["status"] == "open" and r.json()["completed_at"] is None
    assert_problem(await admin.patch(f"/api/v1/tasks/{task['id']}", json={"status": None}), 422)
    assert_problem(
        await admin.patch(f"/api/v1/tasks/{task['id']}", json={"title": "x", "version": 1}), 412
    )


async def test_my_tasks_by_calendar_day_in_the_callers_zone(
    sales_team: dict[str, Any],
) -> None:
    a, b = sales_team["sales_a"], sales_team["sales_b"]
    zone = ZoneInfo("America/Los_Angeles")
    today = datetime.now(zone).date()

    def at_noon(days: int) -> str:
        return datetime.combine(today + timedelta(days=days), time(12), tzinfo=zone).isoformat()

    overdue = await _task(a, title="Overdue", due_at=at_noon(-2))
    today_task = await _task(a, title="Today", due_at=at_noon(0))
    soon = await _task(a, title="Tomorrow", due_at=at_noon(1))
    later = await _task(a, title="Next week", due_at=at_noon(7))
    await _task(a, title="Someday")  # no due time: in no view
    await _task(b, title="b's", due_at=at_noon(0), assignee_id=b.user_id)
    finished = await _task(a, title="Done today", due_at=at_noon(0))
    await a.post(f"/api/v1/tasks/{finished['id']}/complete")

    async def view(name: str, tz: str = "America/Los_Angeles") -> list[str]:
        r = await a.get("/api/v1/tasks/mine", params={"view": name, "tz": tz})
        assert r.status_code == 200, r.text
        return [item["id"] for item in r.json()["items"]]

    assert await view("overdue") == [overdue["id"]]
    assert await view("today") == [today_task["id"]]
    assert await view("upcoming") == [soon["id"], later["id"]]
    # Paging keeps due order.
    params = {"view": "upcoming", "limit": 1, "tz": "America/Los_Angeles"}
    first = (await a.get("/api/v1/tasks/mine", params=params)).json()
    second = await a.get("/api/v1/tasks/mine", params={**params, "cursor": first["next_cursor"]})
    assert [first["items"][0]["id"], second.json()["items"][0]["id"]] == [soon["id"], later["id"]]

    r = await a.get("/api/v1/tasks/mine", params={"view": "today", "tz": "Mars/Olympus"})
    assert ["query", "tz"] in error_locs(assert_problem(r, 400))
    assert_problem(await a.get("/api/v1/tasks/mine", params={"view": "yesterday"}), 422)


async def test_delete_moves_a_task_to_the_bin(sales_team: dict[str, Any]) -> None:
    a, b = sales_team["sales_a"], sales_team["sales_b"]
    task = await _task(a)
    assert_problem(await b.delete(f"/api/v1/tasks/{task['id']}"), 404)
    assert (await a.delete(f"/api/v1/tasks/{task['id']}")).status_code == 204
    assert_problem(await a.get(f"/api/v1/tasks/{task['id']}"), 404)
    r = await a.post(f"/api/v1/recycle-bin/task/{task['id']}/restore")
    assert r.status_code == 200, r.text
    assert (await a.get(f"/api/v1/tasks/{task['id']}")).status_code == 200


async def test_rules_outside_rfc_5545_ranges_are_refused(admin: Any) -> None:
    # dateutil builds these without complaint: a rule that never occurs (BYMONTH=13), one that
    # hangs the request (INTERVAL=0) and one that fails only on completion (+60MO).
    for rule in (
        "FREQ=YEARLY;BYMONTH=13",
        "FREQ=MONTHLY;BYMONTHDAY=32",
        "FREQ=DAILY;INTERVAL=0",
        "FREQ=DAILY;COUNT=0",
        "FREQ=MONTHLY;BYDAY=+60MO",
        "FREQ=YEARLY;BYWEEKNO=54",
    ):
        r = await admin.post(
            "/api/v1/tasks",
            json={"title": "x", "due_at": "2026-05-01T10:00:00Z", "recurrence": rule},
        )
        body = assert_problem(r, 422)
        assert ["body", "recurrence"] in error_locs(body), (rule, body)
    task = await _task(
        admin, due_at="2026-05-01T10:00:00Z", recurrence="FREQ=MONTHLY;BYDAY=-1FR;BYMONTH=12"
    )
    assert task["recurrence"] == "FREQ=MONTHLY;BYDAY=-1FR;BYMONTH=12"


async def test_a_series_at_the_calendars_edges_ends_instead_of_failing(admin: Any) -> None:
    # The configured zone (Asia/Shanghai) is ahead of UTC: 9999-12-31T23:00Z is already in
    # year 10000 there, and the driver reads 0001-01-01T00:00Z back as a naive datetime.min.
    for due_at in ("9999-12-31T23:00:00Z", "9999-12-31T00:00:00Z", "0001-01-01T00:00:00Z"):
        task = await _task(admin, due_at=due_at, recurrence="FREQ=DAILY")
        r = await admin.post(f"/api/v1/tasks/{task['id']}/complete")
        assert r.status_code == 200, r.text
        assert r.json()["task"]["status"] == "done" and r.json()["next"] is None
    ordinary = await _task(admin, due_at="9999-12-30T00:00:00Z", recurrence="FREQ=DAILY")
    r = await admin.post(f"/api/v1/tasks/{ordinary['id']}/complete")
    assert r.json()["next"]["due_at"] == "9999-12-31T00:00:00Z"
