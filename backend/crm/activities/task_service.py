"""Follow-up tasks.

Who sees a task (``task_visibility``), the one rule every task query goes through:

1. whoever's ``tasks`` data scope covers its assignee (own: tasks assigned to me; department /
   department tree: tasks of my department(s); all) — the assignee is the task's owner;
2. whoever created it;
3. when it relates to a customer, whoever may see that customer (the customers data scope).

Deleted tasks are visible to nobody (they are in the recycle bin, filed under the assignee).
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import date, datetime, time, timedelta
from typing import Any, Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from sqlalchemy import ColumnElement, Select, and_, exists, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from crm.activities import recurrence
from crm.activities.models import Task
from crm.activities.schemas import TaskCreate, TaskFilters, TaskUpdate
from crm.core import audit, recycle
from crm.core.changes import record_change
from crm.core.concurrency import check_version
from crm.core.db import utcnow
from crm.core.errors import Conflict, ProblemError, Unprocessable, field_error
from crm.core.pagination import PageParams, paginate, text_contains
from crm.core.permissions import Principal, get_visible, owner_scope_clause, scope_clause
from crm.customers import service as customer_service
from crm.customers.models import Customer
from crm.identity import service as identity_service
from crm.identity.models import User
from crm.settings import get_settings

TASK_SORTS = {"created_at": Task.created_at, "updated_at": Task.updated_at, "title": Task.title}
MyView = Literal["today", "overdue", "upcoming"]


def assignee_in_scope(principal: Principal) -> ColumnElement[bool]:
    """A task's owner is its assignee: a deleted task's bin entry follows its current one
    (the recycle-bin type the activities manifest declares)."""
    return owner_scope_clause(principal, "tasks", Task.assignee_id, Task.department_id)


def _invalid(field: str, msg: str) -> Unprocessable:
    return Unprocessable(msg, errors=[field_error(field, msg)])


def task_visibility(principal: Principal) -> ColumnElement[bool]:
    """THE visibility rule of tasks (see the module docstring)."""
    related_customer_visible = and_(
        Task.related_type == "customer",
        exists(select(1).where(Customer.id == Task.related_id, scope_clause(Customer, principal))),
    )
    return and_(
        Task.deleted_at.is_(None),
        or_(
            owner_scope_clause(principal, "tasks", Task.assignee_id, Task.department_id),
            Task.created_by == principal.user_id,
            related_customer_visible,
        ),
    )


async def get_task(
    session: AsyncSession, principal: Principal, task_id: uuid.UUID, *, for_update: bool = False
) -> Task:
    return await get_visible(
        session,
        Task,
        task_id,
        principal,
        not_found="No such task.",
        for_update=for_update,
        visible=task_visibility(principal),
    )


def task_statement(principal: Principal, filters: TaskFilters) -> Select[Any]:
    """The tasks ``principal`` may see that match ``filters``, unsorted (the task list)."""
    stmt = select(Task).where(task_visibility(principal))
    equal: dict[Any, Any] = {
        Task.assignee_id: filters.assignee_id,
        Task.status: filters.status,
        Task.priority: filters.priority,
        Task.related_type: filters.related_type,
        Task.related_id: filters.related_id,
    }
    for column, value in equal.items():
        if value is not None:
            stmt = stmt.where(column == value)
    if filters.due_from is not None:
        stmt = stmt.where(Task.due_at >= filters.due_from)
    if filters.due_to is not None:
        stmt = stmt.where(Task.due_at < filters.due_to)
    if filters.q:
        stmt = stmt.where(text_contains(Task.title, filters.q))
    return stmt


async def list_tasks(
    session: AsyncSession, principal: Principal, *, params: PageParams, filters: TaskFilters
) -> tuple[Sequence[Task], str | None, int | None]:
    return await paginate(
        session,
        task_statement(principal, filters),
        params=params,
        id_column=Task.id,
        sortable=TASK_SORTS,
    )


def zone(tz: str) -> ZoneInfo:
    try:
        return ZoneInfo(tz)
    except (ZoneInfoNotFoundError, ValueError) as exc:
        raise ProblemError(
            f"Unknown time zone '{tz}'.",
            status=400,
            errors=[{"loc": ["query", "tz"], "msg": "Unknown time zone.", "type": "value_error"}],
        ) from exc


def day_bounds(today: date, tz: ZoneInfo) -> tuple[datetime, datetime]:
    """The UTC instants where local ``today`` starts and the next day starts."""
    start = datetime.combine(today, time.min, tzinfo=tz)
    end = datetime.combine(today + timedelta(days=1), time.min, tzinfo=tz)
    return start, end


async def my_tasks(
    session: AsyncSession,
    principal: Principal,
    *,
    view: MyView,
    tz: str,
    params: PageParams,
    now: datetime | None = None,
) -> tuple[Sequence[Task], str | None, int | None]:
    """The caller's open tasks by calendar day in ``tz``: due before today (overdue), due
    today (whatever the hour), or due after today (upcoming); soonest first."""
    zone_info = zone(tz)
    today = (now or utcnow()).astimezone(zone_info).date()
    start, end = day_bounds(today, zone_info)
    window = {
        "overdue": Task.due_at < start,
        "today": and_(Task.due_at >= start, Task.due_at < end),
        "upcoming": Task.due_at >= end,
    }[view]
    stmt = select(Task).where(
        Task.deleted_at.is_(None),
        Task.assignee_id == principal.user_id,
        Task.status == "open",
        Task.due_at.is_not(None),
        window,
    )
    return await paginate(
        session,
        stmt,
        params=params,
        id_column=Task.id,
        sortable={"due_at": Task.due_at},
        default_sort="due_at",
    )


# --- writes -------------------------------------------------------------------------------------


def _give(task: Task, user: User) -> None:
    task.assignee_id = user.id
    task.department_id = user.department_id


async def _assign(
    session: AsyncSession, principal: Principal, task: Task, assignee_id: uuid.UUID
) -> None:
    """The assignee is the task's owner: the rule of every owned record, on the tasks scope."""
    user = await identity_service.assignable_user(
        session, principal, assignee_id, resource="tasks", field="assignee_id"
    )
    _give(task, user)


async def _check_related(
    session: AsyncSession,
    principal: Principal,
    related_type: str | None,
    related_id: uuid.UUID | None,
) -> None:
    if (related_type is None) != (related_id is None):
        raise _invalid("related_id", "Give related_type and related_id together.")
    if related_type == "customer" and related_id is not None:
        await customer_service.referenced_customer(
            session, principal, related_id, field="related_id"
        )


def _check_recurrence(task: Task) -> None:
    if task.recurrence is None:
        task.series_start = None
        return
    try:
        task.recurrence = recurrence.normalise(task.recurrence)
    except recurrence.InvalidRule as exc:
        raise _invalid("recurrence", str(exc)) from exc
    if task.due_at is None:
        raise _invalid("recurrence", "A recurring task needs a due_at to count from.")
    task.series_start = task.series_start or task.due_at


def _payload(task: Task, **extra: Any) -> dict[str, Any]:
    payload: dict[str, Any] = {"assignee_id": str(task.assignee_id), **extra}
    if task.related_type == "customer" and task.related_id is not None:
        payload["customer_id"] = str(task.related_id)  # so the customer's timeline shows it
    return payload


async def create_task(session: AsyncSession, principal: Principal, *, data: TaskCreate) -> Task:
    await _check_related(session, principal, data.related_type, data.related_id)
    task = Task(
        **data.model_dump(exclude={"assignee_id"}),
        status="open",
        created_by=principal.user_id,
    )
    await _assign(session, principal, task, data.assignee_id or principal.user_id)
    _check_recurrence(task)
    session.add(task)
    await session.flush()
    record_change(
        session,
        action="create",
        object_type="task",
        object_id=task.id,
        after=audit.snapshot(task),
        payload=_payload(task, title=task.title),
    )
    return task


_NOT_NULL = {
    "title": "A task needs a title.",
    "priority": "A task needs a priority.",
    "status": "A task needs a status.",
    "assignee_id": "A task needs an assignee.",
}


async def update_task(
    session: AsyncSession,
    principal: Principal,
    *,
    task_id: uuid.UUID,
    data: TaskUpdate,
    if_match: int | None,
) -> Task:
    task = await get_task(session, principal, task_id, for_update=True)
    check_version(task, if_match, data.version)
    before = audit.snapshot(task)
    changes = data.model_dump(exclude_unset=True, exclude={"version", "status", "assignee_id"})
    for field, msg in _NOT_NULL.items():
        if field in data.model_fields_set and getattr(data, field) is None:
            raise _invalid(field, msg)
    if "related_type" in changes or "related_id" in changes:
        await _check_related(
            session,
            principal,
            changes.get("related_type", task.related_type),
            changes.get("related_id", task.related_id),
        )
    for key, value in changes.items():
        setattr(task, key, value)
    if "recurrence" in changes:
        task.series_start = None  # a new rule counts from the current due time
    _check_recurrence(task)
    if data.assignee_id is not None and data.assignee_id != task.assignee_id:
        await _assign(session, principal, task, data.assignee_id)
    await session.flush()
    after = audit.snapshot(task)
    changed = sorted(audit.diff(before, after))
    if changed:
        record_change(
            session,
            action="update",
            object_type="task",
            object_id=task.id,
            before=before,
            after=after,
            payload=_payload(task, changed=changed),
        )
    if data.status is not None and data.status != task.status:
        await _set_status(session, principal, task, data.status)
    return task


async def _set_status(
    session: AsyncSession, principal: Principal, task: Task, status: str
) -> Task | None:
    """Move ``task`` to ``status``; completing a recurring task creates its next occurrence,
    which is returned."""
    if status == "done":
        return await _complete(session, principal, task)
    before = audit.snapshot(task)
    task.status = status
    task.completed_at = None
    task.completed_by = None
    await session.flush()
    record_change(
        session,
        action="update",
        object_type="task",
        object_id=task.id,
        before=before,
        after=audit.snapshot(task),
        payload=_payload(task, status=status),
    )
    return None


async def _complete(session: AsyncSession, principal: Principal, task: Task) -> Task | None:
    before = audit.snapshot(task)
    task.status = "done"
    task.completed_at = utcnow()
    task.completed_by = principal.user_id
    await session.flush()
    record_change(
        session,
        action="complete",
        object_type="task",
        object_id=task.id,
        before=before,
        after=audit.snapshot(task),
        payload=_payload(task, title=task.title),
    )
    return await _next_occurrence(session, task)


async def _next_occurrence(session: AsyncSession, task: Task) -> Task | None:
    if not task.recurrence or task.due_at is None:
        return None
    due = recurrence.next_occurrence(
        task.recurrence,
        series_start=task.series_start or task.due_at,
        after=task.due_at,
        tz=get_settings().timezone,
    )
    if due is None:
        return None  # the series has ended (COUNT / UNTIL)
    follow_up = Task(
        title=task.title,
        description=task.description,
        due_at=due,
        assignee_id=task.assignee_id,
        department_id=task.department_id,
        created_by=task.created_by,
        related_type=task.related_type,
        related_id=task.related_id,
        priority=task.priority,
        status="open",
        recurrence=task.recurrence,
        series_start=task.series_start,
        previous_id=task.id,
    )
    session.add(follow_up)
    await session.flush()
    record_change(
        session,
        action="create",
        object_type="task",
        object_id=follow_up.id,
        after=audit.snapshot(follow_up),
        payload=_payload(follow_up, title=follow_up.title, previous_id=str(task.id)),
    )
    return follow_up


async def complete_task(
    session: AsyncSession, principal: Principal, *, task_id: uuid.UUID, if_match: int | None
) -> tuple[Task, Task | None]:
    task = await get_task(session, principal, task_id, for_update=True)
    check_version(task, if_match)
    if task.status != "open":
        raise Conflict(f"The task is already {task.status}.")
    follow_up = await _complete(session, principal, task)
    return task, follow_up


async def delete_task(session: AsyncSession, principal: Principal, *, task_id: uuid.UUID) -> None:
    task = await get_task(session, principal, task_id, for_update=True)
    await recycle.soft_delete(
        session,
        task,
        object_type="task",
        title=task.title,
        actor_id=principal.user_id,
        owner_id=task.assignee_id,
        department_id=task.department_id,
    )


async def create_system_task(
    session: AsyncSession,
    *,
    title: str,
    assignee_id: uuid.UUID,
    description: str | None = None,
    related_type: str | None = None,
    related_id: uuid.UUID | None = None,
    priority: str = "normal",
    due_at: datetime | None = None,
) -> Task:
    """A task the system creates for a user (a stage trigger, a rule), outside any request:
    no principal to check, no creator. The caller has decided the assignee may get it."""
    task = Task(
        title=title[:300],
        description=description,
        related_type=related_type,
        related_id=related_id,
        priority=priority,
        due_at=due_at,
        status="open",
        created_by=None,
    )
    user = await session.get(User, assignee_id)
    if user is None or user.deleted_at is not None or not user.is_active:
        raise _invalid("assignee_id", "No such active user.")
    _give(task, user)
    session.add(task)
    await session.flush()
    record_change(
        session,
        action="create",
        object_type="task",
        object_id=task.id,
        after=audit.snapshot(task),
        payload=_payload(task, title=task.title),
    )
    return task
