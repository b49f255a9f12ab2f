"""Matrix declarations of activities, the customer timeline, tasks, notifications, holidays and
reminder rules, and their scoped listings."""

from __future__ import annotations

import uuid
from datetime import date, timedelta

from authz.harness import ALLOWED, DENIED, Call, listing, owner_scope, route
from authz.world import Actor, World

CUSTOMERS = owner_scope("customers")
WRITERS = {
    "admin": ALLOWED,
    "manager": ALLOWED,
    "sales": ALLOWED,
    "service": DENIED,
    "marketing": DENIED,
    "auditor": DENIED,
}
TASK_WRITERS = {**WRITERS, "marketing": ALLOWED}
ONLY_ADMIN = {
    "admin": ALLOWED,
    "manager": DENIED,
    "sales": DENIED,
    "service": DENIED,
    "marketing": DENIED,
    "auditor": DENIED,
}


def task_visible(w: World, caller: Actor, owner: Actor) -> bool:
    """The matrix's tasks are created by the admin, assigned to ``owner`` and about a customer
    ``owner`` owns: visible through the tasks scope (assignee) or the customers scope."""
    return (
        w.sees(caller, owner, "tasks")
        or w.sees(caller, owner, "customers")
        or caller.role == "admin"
    )


def own_inbox(w: World, caller: Actor, owner: Actor) -> bool:
    return caller.user_id == owner.user_id


# --- activities -------------------------------------------------------------------------------


@route("GET", "/api/v1/activities", requires="activities:read")
async def _list_activities(w: World, caller: Actor, owner: Actor) -> Call:
    return Call("GET", "/api/v1/activities")


@route(
    "POST",
    "/api/v1/activities",
    requires="activities:write",
    record=CUSTOMERS,
    hidden_status=422,
    hidden_field="customer_id",
    expect=WRITERS,
)
async def _create_activity(w: World, caller: Actor, owner: Actor) -> Call:
    customer = await w.customer(owner)
    return Call(
        "POST",
        "/api/v1/activities",
        json={
            "customer_id": customer["id"],
            "kind": "visit",
            "subject": "On site",
            "location": {"address": "1 Bund Rd", "lat": 31.2, "lng": 121.5},
        },
    )


@route("GET", "/api/v1/activities/{activity_id}", requires="activities:read", record=CUSTOMERS)
async def _get_activity(w: World, caller: Actor, owner: Actor) -> Call:
    activity = await w.activity(owner)
    return Call("GET", f"/api/v1/activities/{activity['id']}")


@route(
    "PATCH",
    "/api/v1/activities/{activity_id}",
    requires="activities:write",
    record=CUSTOMERS,
    expect=WRITERS,
)
async def _update_activity(w: World, caller: Actor, owner: Actor) -> Call:
    activity = await w.activity(owner)
    return Call("PATCH", f"/api/v1/activities/{activity['id']}", json={"outcome": "Interested"})


@route(
    "DELETE",
    "/api/v1/activities/{activity_id}",
    requires="activities:delete",
    record=CUSTOMERS,
    expect=WRITERS,
)
async def _delete_activity(w: World, caller: Actor, owner: Actor) -> Call:
    activity = await w.activity(owner)
    return Call("DELETE", f"/api/v1/activities/{activity['id']}")


@route(
    "GET",
    "/api/v1/customers/{customer_id}/timeline",
    requires="activities:read",
    record=CUSTOMERS,
)
async def _timeline(w: World, caller: Actor, owner: Actor) -> Call:
    activity = await w.activity(owner)
    return Call("GET", f"/api/v1/customers/{activity['customer_id']}/timeline")


# --- tasks ------------------------------------------------------------------------------------


@route("GET", "/api/v1/tasks", requires="tasks:read")
async def _list_tasks(w: World, caller: Actor, owner: Actor) -> Call:
    return Call("GET", "/api/v1/tasks")


@route("GET", "/api/v1/tasks/mine", requires="tasks:read")
async def _my_tasks(w: World, caller: Actor, owner: Actor) -> Call:
    return Call("GET", "/api/v1/tasks/mine", params={"view": "overdue", "tz": "Europe/Berlin"})


@route(
    "POST",
    "/api/v1/tasks",
    requires="tasks:write",
    record=CUSTOMERS,  # the customer it is about, referenced from the body
    hidden_status=422,
    hidden_field="related_id",
    expect=TASK_WRITERS,
)
async def _create_task(w: World, caller: Actor, owner: Actor) -> Call:
    customer = await w.customer(owner)
    return Call(
        "POST",
        "/api/v1/tasks",
        json={"title": "Call back", "related_type": "customer", "related_id": customer["id"]},
    )


@route("GET", "/api/v1/tasks/{task_id}", requires="tasks:read", record=task_visible)
async def _get_task(w: World, caller: Actor, owner: Actor) -> Call:
    task = await w.task(owner)
    return Call("GET", f"/api/v1/tasks/{task['id']}")


@route(
    "PATCH",
    "/api/v1/tasks/{task_id}",
    requires="tasks:write",
    record=task_visible,
    expect=TASK_WRITERS,
)
async def _update_task(w: World, caller: Actor, owner: Actor) -> Call:
    task = await w.task(owner)
    return Call("PATCH", f"/api/v1/tasks/{task['id']}", json={"priority": "high"})


@route(
    "POST",
    "/api/v1/tasks/{task_id}/complete",
    requires="tasks:write",
    record=task_visible,
    expect=TASK_WRITERS,
)
async def _complete_task(w: World, caller: Actor, owner: Actor) -> Call:
    task = await w.task(owner)
    return Call("POST", f"/api/v1/tasks/{task['id']}/complete")


@route(
    "DELETE",
    "/api/v1/tasks/{task_id}",
    requires="tasks:write",
    record=task_visible,
    expect=TASK_WRITERS,
)
async def _delete_task(w: World, caller: Actor, owner: Actor) -> Call:
    task = await w.task(owner)
    return Call("DELETE", f"/api/v1/tasks/{task['id']}")


# --- notifications: every signed-in user, their own only ------------------------------------


@route("GET", "/api/v1/notifications", requires="notifications:read")
async def _notifications(w: World, caller: Actor, owner: Actor) -> Call:
    return Call("GET", "/api/v1/notifications", params={"unread": "true"})


@route("GET", "/api/v1/notifications/unread-count", requires="notifications:read")
async def _unread_count(w: World, caller: Actor, owner: Actor) -> Call:
    return Call("GET", "/api/v1/notifications/unread-count")


@route("POST", "/api/v1/notifications/read-all", requires="notifications:read")
async def _read_all(w: World, caller: Actor, owner: Actor) -> Call:
    if caller.user_id:
        await w.notification(caller)
    return Call("POST", "/api/v1/notifications/read-all")


@route(
    "POST",
    "/api/v1/notifications/{notification_id}/read",
    requires="notifications:read",
    record=own_inbox,
)
async def _read_one(w: World, caller: Actor, owner: Actor) -> Call:
    return Call("POST", f"/api/v1/notifications/{await w.notification(owner)}/read")


# --- holidays and reminder rules: administrators ------------------------------------------


@route("GET", "/api/v1/holidays", requires="admin:settings", expect=ONLY_ADMIN)
async def _holidays(w: World, caller: Actor, owner: Actor) -> Call:
    return Call("GET", "/api/v1/holidays")


def _some_day() -> str:
    return (date(2030, 1, 1) + timedelta(days=uuid.uuid4().int % 3000)).isoformat()


@route("POST", "/api/v1/holidays", requires="admin:settings", expect=ONLY_ADMIN)
async def _create_holiday(w: World, caller: Actor, owner: Actor) -> Call:
    return Call(
        "POST",
        "/api/v1/holidays",
        json={"date": _some_day(), "name": f"Holiday {uuid.uuid4().hex[:6]}"},
    )


@route("DELETE", "/api/v1/holidays/{holiday_id}", requires="admin:settings", expect=ONLY_ADMIN)
async def _delete_holiday(w: World, caller: Actor, owner: Actor) -> Call:
    r = await w.admin.post(
        "/api/v1/holidays", json={"date": _some_day(), "name": f"Gone {uuid.uuid4().hex[:6]}"}
    )
    assert r.status_code == 201, r.text
    return Call("DELETE", f"/api/v1/holidays/{r.json()['id']}")


@route("GET", "/api/v1/reminder-rules", requires="admin:settings", expect=ONLY_ADMIN)
async def _rules(w: World, caller: Actor, owner: Actor) -> Call:
    return Call("GET", "/api/v1/reminder-rules")


@route("GET", "/api/v1/reminder-rules/fields", requires="admin:settings", expect=ONLY_ADMIN)
async def _rule_fields(w: World, caller: Actor, owner: Actor) -> Call:
    return Call("GET", "/api/v1/reminder-rules/fields")


_RULE = {"name": "Anniversary", "object_type": "customer", "field": "created_at", "yearly": True}


@route("POST", "/api/v1/reminder-rules", requires="admin:settings", expect=ONLY_ADMIN)
async def _create_rule(w: World, caller: Actor, owner: Actor) -> Call:
    return Call("POST", "/api/v1/reminder-rules", json=_RULE)


@route("DELETE", "/api/v1/reminder-rules/{rule_id}", requires="admin:settings", expect=ONLY_ADMIN)
async def _delete_rule(w: World, caller: Actor, owner: Actor) -> Call:
    r = await w.admin.post("/api/v1/reminder-rules", json=_RULE)
    assert r.status_code == 201, r.text
    return Call("DELETE", f"/api/v1/reminder-rules/{r.json()['id']}")


# --- scoped listings ----------------------------------------------------------------------------


@listing(
    "/api/v1/activities",
    kind="activity",
    requires="activities:read",
    queries=({}, {"q": "Scopeactivity"}, {"q": "BODYTEXT"}, {"kind": "meeting"}),
)
async def _seed_activities(w: World, owner: Actor) -> None:
    await w.activity(
        owner,
        kind="meeting",
        subject=f"Scopeactivity {owner.label}",
        body="with some bodytext inside",
    )


@listing(
    "/api/v1/tasks",
    kind="task",
    requires="tasks:read",
    queries=({}, {"q": "Scopetask"}, {"status": "open"}, {"related_type": "customer"}),
    visibility=task_visible,
)
async def _seed_tasks(w: World, owner: Actor) -> None:
    await w.task(owner, title=f"Scopetask {owner.label}")
