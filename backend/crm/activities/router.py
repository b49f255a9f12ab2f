"""HTTP routes of activities, the customer timeline, tasks, holidays and reminder rules."""

from __future__ import annotations

import uuid
from typing import Annotated, Literal

from fastapi import APIRouter, Query, Response

from crm.activities import reminders, service, task_service
from crm.activities.deps import (
    ActivitiesDelete,
    ActivitiesRead,
    ActivitiesWrite,
    SettingsAdmin,
    TasksRead,
    TasksWrite,
)
from crm.activities.schemas import (
    ActivityCreate,
    ActivityKind,
    ActivityRead,
    ActivityUpdate,
    DateFieldChoice,
    HolidayCreate,
    HolidayRead,
    ReminderRuleCreate,
    ReminderRuleRead,
    TaskCompletion,
    TaskCreate,
    TaskFilters,
    TaskRead,
    TaskUpdate,
    TimelinePage,
)
from crm.core.concurrency import IfMatchVersion, set_etag
from crm.core.dates import StrictDatetime
from crm.core.deps import SessionDep
from crm.core.pagination import DEFAULT_LIMIT, MAX_LIMIT, Page, PageParamsDep, page_response
from crm.settings import get_settings

router = APIRouter(prefix="/api/v1")


# --- activities -----------------------------------------------------------------------------------


@router.get(
    "/activities",
    response_model=Page[ActivityRead],
    tags=["activities"],
    operation_id="activities-list",
)
async def list_activities(
    session: SessionDep,
    principal: ActivitiesRead,
    params: PageParamsDep,
    customer_id: uuid.UUID | None = None,
    contact_id: uuid.UUID | None = None,
    kind: ActivityKind | None = None,
    owner_id: uuid.UUID | None = None,
    occurred_from: Annotated[
        StrictDatetime | None, Query(alias="from", description="occurred_at on or after")
    ] = None,
    occurred_to: Annotated[
        StrictDatetime | None, Query(alias="to", description="occurred_at before")
    ] = None,
) -> Response:
    """Activities of the customers the caller may see; ``q`` searches subject and body."""
    return page_response(
        await service.list_activities(
            session,
            principal,
            params=params,
            customer_id=customer_id,
            contact_id=contact_id,
            kind=kind,
            owner_id=owner_id,
            occurred_from=occurred_from,
            occurred_to=occurred_to,
        ),
        ActivityRead,
    )


@router.post(
    "/activities",
    response_model=ActivityRead,
    status_code=201,
    tags=["activities"],
    operation_id="activities-create",
)
async def create_activity(
    session: SessionDep, principal: ActivitiesWrite, body: ActivityCreate, response: Response
) -> ActivityRead:
    activity = await service.create_activity(session, principal, data=body)
    set_etag(response, activity)
    return ActivityRead.model_validate(activity)


@router.get(
    "/activities/{activity_id}",
    response_model=ActivityRead,
    tags=["activities"],
    operation_id="activities-get",
)
async def get_activity(
    session: SessionDep, principal: ActivitiesRead, activity_id: uuid.UUID, response: Response
) -> ActivityRead:
    activity = await service.get_activity(session, principal, activity_id)
    set_etag(response, activity)
    return ActivityRead.model_validate(activity)


@router.patch(
    "/activities/{activity_id}",
    response_model=ActivityRead,
    tags=["activities"],
    operation_id="activities-update",
)
async def update_activity(
    session: SessionDep,
    principal: ActivitiesWrite,
    activity_id: uuid.UUID,
    body: ActivityUpdate,
    if_match: IfMatchVersion,
    response: Response,
) -> ActivityRead:
    activity = await service.update_activity(
        session, principal, activity_id=activity_id, data=body, if_match=if_match
    )
    set_etag(response, activity)
    return ActivityRead.model_validate(activity)


@router.delete(
    "/activities/{activity_id}",
    status_code=204,
    tags=["activities"],
    operation_id="activities-delete",
)
async def delete_activity(
    session: SessionDep, principal: ActivitiesDelete, activity_id: uuid.UUID
) -> Response:
    await service.delete_activity(session, principal, activity_id=activity_id)
    return Response(status_code=204)


@router.get(
    "/customers/{customer_id}/timeline",
    response_model=TimelinePage,
    tags=["activities"],
    operation_id="customers-timeline",
)
async def customer_timeline(
    session: SessionDep,
    principal: ActivitiesRead,
    customer_id: uuid.UUID,
    limit: Annotated[int, Query(ge=1, le=MAX_LIMIT)] = DEFAULT_LIMIT,
    cursor: Annotated[str | None, Query(max_length=1000)] = None,
    type: Annotated[
        Literal["activity", "event"] | None, Query(description="Only activities, or only events")
    ] = None,
) -> TimelinePage:
    """Activities and recorded events (created, updated, owner changed, contacts added, and
    whatever other domains record naming the customer), newest first."""
    items, next_cursor = await service.timeline(
        session,
        principal,
        customer_id=customer_id,
        limit=limit,
        cursor=cursor,
        include_activities=type in (None, "activity"),
        include_events=type in (None, "event"),
    )
    return TimelinePage(items=items, next_cursor=next_cursor)


# --- tasks ----------------------------------------------------------------------------------------


@router.get("/tasks", response_model=Page[TaskRead], tags=["tasks"], operation_id="tasks-list")
async def list_tasks(
    session: SessionDep,
    principal: TasksRead,
    params: PageParamsDep,
    filters: Annotated[TaskFilters, Query()],
) -> Response:
    """Tasks the caller may see: assigned within their tasks data scope, created by them, or
    about a customer they may see. ``q`` searches the title."""
    return page_response(
        await task_service.list_tasks(session, principal, params=params, filters=filters),
        TaskRead,
    )


@router.get("/tasks/mine", response_model=Page[TaskRead], tags=["tasks"], operation_id="tasks-mine")
async def my_tasks(
    session: SessionDep,
    principal: TasksRead,
    params: PageParamsDep,
    view: Literal["today", "overdue", "upcoming"] = "today",
    tz: Annotated[
        str | None,
        Query(max_length=64, description="IANA time zone of 'today' (default: CRM_TIMEZONE)"),
    ] = None,
) -> Response:
    """The caller's open tasks due today, overdue (due before today) or upcoming (after)."""
    return page_response(
        await task_service.my_tasks(
            session, principal, view=view, tz=tz or get_settings().timezone, params=params
        ),
        TaskRead,
    )


@router.post(
    "/tasks", response_model=TaskRead, status_code=201, tags=["tasks"], operation_id="tasks-create"
)
async def create_task(
    session: SessionDep, principal: TasksWrite, body: TaskCreate, response: Response
) -> TaskRead:
    task = await task_service.create_task(session, principal, data=body)
    set_etag(response, task)
    return TaskRead.model_validate(task)


@router.get("/tasks/{task_id}", response_model=TaskRead, tags=["tasks"], operation_id="tasks-get")
async def get_task(
    session: SessionDep, principal: TasksRead, task_id: uuid.UUID, response: Response
) -> TaskRead:
    task = await task_service.get_task(session, principal, task_id)
    set_etag(response, task)
    return TaskRead.model_validate(task)


@router.patch(
    "/tasks/{task_id}", response_model=TaskRead, tags=["tasks"], operation_id="tasks-update"
)
async def update_task(
    session: SessionDep,
    principal: TasksWrite,
    task_id: uuid.UUID,
    body: TaskUpdate,
    if_match: IfMatchVersion,
    response: Response,
) -> TaskRead:
    task = await task_service.update_task(
        session, principal, task_id=task_id, data=body, if_match=if_match
    )
    set_etag(response, task)
    return TaskRead.model_validate(task)


@router.post(
    "/tasks/{task_id}/complete",
    response_model=TaskCompletion,
    tags=["tasks"],
    operation_id="tasks-complete",
)
async def complete_task(
    session: SessionDep, principal: TasksWrite, task_id: uuid.UUID, if_match: IfMatchVersion
) -> TaskCompletion:
    """Mark the task done; a recurring task gets its next occurrence, returned as ``next``."""
    task, follow_up = await task_service.complete_task(
        session, principal, task_id=task_id, if_match=if_match
    )
    return TaskCompletion(
        task=TaskRead.model_validate(task),
        next=TaskRead.model_validate(follow_up) if follow_up else None,
    )


@router.delete("/tasks/{task_id}", status_code=204, tags=["tasks"], operation_id="tasks-delete")
async def delete_task(session: SessionDep, principal: TasksWrite, task_id: uuid.UUID) -> Response:
    await task_service.delete_task(session, principal, task_id=task_id)
    return Response(status_code=204)


# --- holidays and reminder rules (administrators) ---------------------------------------------


@router.get(
    "/holidays", response_model=Page[HolidayRead], tags=["reminders"], operation_id="holidays-list"
)
async def list_holidays(
    session: SessionDep,
    _: SettingsAdmin,
    params: PageParamsDep,
    year: Annotated[int | None, Query(ge=1900, le=2200)] = None,
) -> Response:
    return page_response(
        await reminders.list_holidays(session, params=params, year=year), HolidayRead
    )


@router.post(
    "/holidays",
    response_model=HolidayRead,
    status_code=201,
    tags=["reminders"],
    operation_id="holidays-create",
)
async def create_holiday(session: SessionDep, _: SettingsAdmin, body: HolidayCreate) -> HolidayRead:
    return HolidayRead.model_validate(await reminders.create_holiday(session, data=body))


@router.delete(
    "/holidays/{holiday_id}", status_code=204, tags=["reminders"], operation_id="holidays-delete"
)
async def delete_holiday(session: SessionDep, _: SettingsAdmin, holiday_id: uuid.UUID) -> Response:
    await reminders.delete_holiday(session, holiday_id=holiday_id)
    return Response(status_code=204)


@router.get(
    "/reminder-rules",
    response_model=Page[ReminderRuleRead],
    tags=["reminders"],
    operation_id="reminder-rules-list",
)
async def list_rules(session: SessionDep, _: SettingsAdmin, params: PageParamsDep) -> Response:
    return page_response(await reminders.list_rules(session, params=params), ReminderRuleRead)


@router.get(
    "/reminder-rules/fields",
    response_model=list[DateFieldChoice],
    tags=["reminders"],
    operation_id="reminder-rules-fields",
)
async def rule_fields(_: SettingsAdmin) -> list[DateFieldChoice]:
    """The customer and contact date fields a rule may use."""
    return [DateFieldChoice(object_type=t, field=f) for t, f in reminders.date_fields()]


@router.post(
    "/reminder-rules",
    response_model=ReminderRuleRead,
    status_code=201,
    tags=["reminders"],
    operation_id="reminder-rules-create",
)
async def create_rule(
    session: SessionDep, _: SettingsAdmin, body: ReminderRuleCreate
) -> ReminderRuleRead:
    return ReminderRuleRead.model_validate(await reminders.create_rule(session, data=body))


@router.delete(
    "/reminder-rules/{rule_id}",
    status_code=204,
    tags=["reminders"],
    operation_id="reminder-rules-delete",
)
async def delete_rule(session: SessionDep, _: SettingsAdmin, rule_id: uuid.UUID) -> Response:
    await reminders.delete_rule(session, rule_id=rule_id)
    return Response(status_code=204)
