"""Reminders: tasks falling due, contacts' birthdays, holidays and date-field rules, delivered
as notifications (and e-mail when SMTP is configured) by the worker every minute.

Each reminder has a key naming (rule, object, occurrence, recipient); notifications are
inserted with ON CONFLICT DO NOTHING on that key, so a reminder fires exactly once however
often the job runs, concurrently or after a restart. Date reminders look at a window (from
today to ``days_before`` days ahead) rather than one exact day, so a worker that was down on the
day still sends them when it comes back, and the key still stops repeats.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import Date, DateTime, and_, cast, delete, extract, func, select, tuple_
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from crm.activities.models import Holiday, ReminderRule, Task
from crm.activities.schemas import HolidayCreate, ReminderRuleCreate
from crm.core import audit
from crm.core.changes import record_change
from crm.core.errors import Conflict, Unprocessable, field_error
from crm.core.pagination import PageParams, paginate
from crm.core.permissions import get_or_404
from crm.customers.models import Contact, Customer
from crm.identity.models import User
from crm.notifications import mailer
from crm.notifications import service as notifications
from crm.notifications.service import NewNotification
from crm.settings import Settings

# Overdue tasks older than this are not announced (e.g. when reminders are first switched on).
TASK_DUE_LOOKBACK = timedelta(days=7)
# Fields a rule may not use: bookkeeping, not dates anyone plans around.
# (follow_up_clock_at: the customer pool's derived clock, a table column the ORM does not map.)
_EXCLUDED_FIELDS = frozenset({"updated_at", "deleted_at", "follow_up_clock_at"})
RULE_MODELS: dict[str, Any] = {"customer": Customer, "contact": Contact}


# --- holidays -----------------------------------------------------------------------------------


async def list_holidays(
    session: AsyncSession, *, params: PageParams, year: int | None
) -> tuple[Sequence[Holiday], str | None, int | None]:
    stmt = select(Holiday)
    if year is not None:
        stmt = stmt.where(extract("year", Holiday.date) == year)
    return await paginate(
        session,
        stmt,
        params=params,
        id_column=Holiday.id,
        sortable={"date": Holiday.date},
        default_sort="date",
    )


async def create_holiday(session: AsyncSession, *, data: HolidayCreate) -> Holiday:
    exists = await session.execute(
        select(Holiday.id).where(Holiday.date == data.date, Holiday.name == data.name)
    )
    if exists.first() is not None:
        raise Conflict(f"{data.name} on {data.date} exists already.")
    holiday = Holiday(**data.model_dump())
    session.add(holiday)
    await session.flush()
    record_change(
        session,
        action="create",
        object_type="holiday",
        object_id=holiday.id,
        after=audit.snapshot(holiday),
    )
    return holiday


async def delete_holiday(session: AsyncSession, *, holiday_id: uuid.UUID) -> None:
    holiday = await get_or_404(
        session, Holiday, holiday_id, not_found="No such holiday.", for_update=True
    )
    before = audit.snapshot(holiday)
    await session.delete(holiday)
    await session.flush()
    record_change(
        session, action="delete", object_type="holiday", object_id=holiday_id, before=before
    )


# --- reminder rules -------------------------------------------------------------------------------


def date_fields() -> list[tuple[str, str]]:
    """(object type, field) pairs a rule may use: the date and timestamp columns of customers
    and contacts, found on the models, so a date column added later is usable at once."""
    found = []
    for object_type, model in RULE_MODELS.items():
        for column in model.__table__.columns:
            if isinstance(column.type, Date | DateTime) and column.key not in _EXCLUDED_FIELDS:
                found.append((object_type, column.key))
    return found


async def list_rules(
    session: AsyncSession, *, params: PageParams
) -> tuple[Sequence[ReminderRule], str | None, int | None]:
    return await paginate(
        session,
        select(ReminderRule),
        params=params,
        id_column=ReminderRule.id,
        sortable={"created_at": ReminderRule.created_at},
        default_sort="created_at",
    )


async def create_rule(session: AsyncSession, *, data: ReminderRuleCreate) -> ReminderRule:
    if (data.object_type, data.field) not in date_fields():
        choices = ", ".join(f for t, f in date_fields() if t == data.object_type)
        msg = f"{data.object_type} has no date field '{data.field}' (choose from: {choices})."
        raise Unprocessable(msg, errors=[field_error("field", msg)])
    rule = ReminderRule(**data.model_dump())
    session.add(rule)
    await session.flush()
    record_change(
        session,
        action="create",
        object_type="reminder_rule",
        object_id=rule.id,
        after=audit.snapshot(rule),
    )
    return rule


async def delete_rule(session: AsyncSession, *, rule_id: uuid.UUID) -> None:
    rule = await get_or_404(
        session, ReminderRule, rule_id, not_found="No such reminder rule.", for_update=True
    )
    before = audit.snapshot(rule)
    await session.execute(delete(ReminderRule).where(ReminderRule.id == rule_id))
    record_change(
        session, action="delete", object_type="reminder_rule", object_id=rule_id, before=before
    )


# --- the reminder run -------------------------------------------------------------------------


@dataclass(frozen=True)
class RunResult:
    notified: int
    emailed: int


async def run(
    sessionmaker: async_sessionmaker[AsyncSession], settings: Settings, *, now: datetime
) -> RunResult:
    """One pass over every kind of reminder (what the worker's cron calls each minute)."""
    tz = ZoneInfo(settings.timezone)
    today = now.astimezone(tz).date()
    email = mailer.smtp_configured(settings)
    async with sessionmaker() as session:
        notes = [
            *await _task_reminders(session, settings, now=now),
            *await _birthday_reminders(session, settings, today=today, tz=tz),
            *await _holiday_reminders(session, today=today),
            *await _rule_reminders(session, today=today, tz=tz),
        ]
        created = await notifications.notify(session, notes, email=email)
        await session.commit()
    emailed = await mailer.send_pending(sessionmaker, settings)
    return RunResult(notified=len(created), emailed=emailed)


async def _task_reminders(
    session: AsyncSession, settings: Settings, *, now: datetime
) -> list[NewNotification]:
    """A "due soon" reminder the lead time before a task's due time, and a "due" one at it.
    The due time is part of the key, so moving a task's due time re-arms its reminders."""
    lead = timedelta(minutes=settings.task_reminder_lead_minutes)
    tasks = (
        (
            await session.execute(
                select(Task).where(
                    Task.deleted_at.is_(None),
                    Task.status == "open",
                    Task.due_at.is_not(None),
                    Task.due_at <= now + lead,
                    Task.due_at > now - TASK_DUE_LOOKBACK,
                )
            )
        )
        .scalars()
        .all()
    )
    notes = []  # to the assignees notify() finds may receive
    for task in tasks:
        if task.assignee_id is None or task.due_at is None:
            continue
        due = task.due_at.isoformat()
        kind = "task_due" if task.due_at <= now else "task_upcoming"
        if kind == "task_upcoming" and lead <= timedelta(0):
            continue
        notes.append(
            NewNotification(
                user_id=task.assignee_id,
                kind=kind,
                title=("Task due: " if kind == "task_due" else "Task due soon: ") + task.title,
                body=f"Due {due}",
                link="/tasks",
                object_type="task",
                object_id=task.id,
                data={"title": task.title, "due_at": due},
                dedupe_key=f"{kind}:{task.id}:{due}:{task.assignee_id}",
            )
        )
    return notes


def _window(today: date, days_before: int) -> list[date]:
    return [today + timedelta(days=offset) for offset in range(days_before + 1)]


def _month_days(days: list[date]) -> dict[tuple[int, int], date]:
    """(month, day) -> the date in the window with it; a 29 February anniversary falls on the
    28th in other years."""
    pairs = {(d.month, d.day): d for d in days}
    for d in days:
        if d.month == 2 and d.day == 28 and not _is_leap(d.year):
            pairs[(2, 29)] = d
    return pairs


def _is_leap(year: int) -> bool:
    return year % 4 == 0 and (year % 100 != 0 or year % 400 == 0)


@dataclass(frozen=True)
class _DateHit:
    object_id: uuid.UUID
    customer_id: uuid.UUID
    owner_id: uuid.UUID | None
    name: str
    value: date
    occurs_on: date


async def _date_hits(
    session: AsyncSession,
    *,
    object_type: str,
    field: str,
    yearly: bool,
    days: list[date],
    tz: ZoneInfo,
) -> list[_DateHit]:
    """Live customers / contacts whose ``field`` falls in ``days`` (by month and day when
    ``yearly``), with the customer owner who is to be reminded."""
    model = RULE_MODELS[object_type]
    column = getattr(model, field)
    value = column
    if isinstance(column.type, DateTime):
        value = cast(func.timezone(str(tz), column), Date)  # the local calendar day
    if object_type == "contact":
        stmt = select(Contact.id, Customer.id, Customer.owner_id, Contact.name, value).join(
            Customer, Customer.id == Contact.customer_id
        )
        stmt = stmt.where(Contact.deleted_at.is_(None))
    else:
        stmt = select(Customer.id, Customer.id, Customer.owner_id, Customer.name, value)
    stmt = stmt.where(Customer.deleted_at.is_(None), column.is_not(None))
    month_days = _month_days(days)
    if yearly:
        stmt = stmt.where(
            tuple_(extract("month", value), extract("day", value)).in_(list(month_days))
        )
    else:
        stmt = stmt.where(and_(value >= days[0], value <= days[-1]))
    hits = []
    for object_id, customer_id, owner_id, name, raw in (await session.execute(stmt)).all():
        occurs_on = month_days[(raw.month, raw.day)] if yearly else raw
        hits.append(_DateHit(object_id, customer_id, owner_id, name, raw, occurs_on))
    return hits


def _hits_to_notes(
    hits: list[_DateHit], *, kind: str, key: str, label: str
) -> list[NewNotification]:
    return [  # to the owners notify() finds may receive
        NewNotification(
            user_id=hit.owner_id,
            kind=kind,
            title=f"{label}: {hit.name} on {hit.occurs_on.isoformat()}",
            link=f"/customers/{hit.customer_id}",
            object_type="contact" if hit.object_id != hit.customer_id else "customer",
            object_id=hit.object_id,
            data={
                "name": hit.name,
                "date": hit.occurs_on.isoformat(),
                "label": label,
                "customer_id": str(hit.customer_id),
            },
            dedupe_key=f"{key}:{hit.object_id}:{hit.occurs_on.isoformat()}:{hit.owner_id}",
        )
        for hit in hits
        if hit.owner_id is not None
    ]


async def _birthday_reminders(
    session: AsyncSession, settings: Settings, *, today: date, tz: ZoneInfo
) -> list[NewNotification]:
    """Contacts' birthdays, announced to the customer's owner."""
    days = _window(today, settings.birthday_reminder_days_before)
    hits = await _date_hits(
        session, object_type="contact", field="birthday", yearly=True, days=days, tz=tz
    )
    return _hits_to_notes(hits, kind="birthday", key="birthday", label="Birthday")


async def _rule_reminders(
    session: AsyncSession, *, today: date, tz: ZoneInfo
) -> list[NewNotification]:
    rules = (
        (await session.execute(select(ReminderRule).where(ReminderRule.is_active))).scalars().all()
    )
    notes: list[NewNotification] = []
    valid = set(date_fields())
    for rule in rules:
        if (rule.object_type, rule.field) not in valid:
            continue  # the column went away since the rule was written
        hits = await _date_hits(
            session,
            object_type=rule.object_type,
            field=rule.field,
            yearly=rule.yearly,
            days=_window(today, rule.days_before),
            tz=tz,
        )
        notes += _hits_to_notes(hits, kind="date_rule", key=f"rule:{rule.id}", label=rule.name)
    return notes


async def _holiday_reminders(session: AsyncSession, *, today: date) -> list[NewNotification]:
    """Every active user hears of a holiday from ``remind_days_before`` days ahead."""
    holidays = (
        (
            await session.execute(
                select(Holiday).where(
                    Holiday.date >= today,
                    Holiday.date <= today + timedelta(days=60),
                )
            )
        )
        .scalars()
        .all()
    )
    due = [h for h in holidays if h.date - timedelta(days=h.remind_days_before) <= today]
    if not due:
        return []
    users = (
        await session.execute(select(User.id).where(notifications.receives_notifications()))
    ).scalars()
    user_ids = list(users)
    return [
        NewNotification(
            user_id=user_id,
            kind="holiday",
            title=f"Holiday: {holiday.name} on {holiday.date.isoformat()}",
            object_type="holiday",
            object_id=holiday.id,
            data={"name": holiday.name, "date": holiday.date.isoformat()},
            dedupe_key=f"holiday:{holiday.id}:{holiday.date.isoformat()}:{user_id}",
        )
        for holiday in due
        for user_id in user_ids
    ]
