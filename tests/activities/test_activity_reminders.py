"""Reminders from the worker: due tasks, birthdays, holidays and date rules become
notifications (and e-mails through a real SMTP server) exactly once, however often and however
concurrently the job runs."""

from __future__ import annotations

import asyncio
import socket
import uuid
from collections.abc import Iterator
from datetime import date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from aiosmtpd.controller import Controller
from sqlalchemy import update

from crm.activities import reminders
from crm.activities.tasks import send_reminders
from crm.core.db import utcnow
from crm.identity.models import User
from crm.notifications.models import Notification
from crm.settings import Settings, get_settings
from platform_helpers import assert_problem, count, error_locs, rows

SHANGHAI = ZoneInfo("Asia/Shanghai")


def _settings(**overrides: Any) -> Settings:
    base = {"timezone": "Asia/Shanghai", "task_reminder_lead_minutes": 30, "smtp_host": None}
    return get_settings().model_copy(update={**base, **overrides})


async def _run(db: Any, now: datetime, **overrides: Any) -> reminders.RunResult:
    return await reminders.run(db.sessionmaker, _settings(**overrides), now=now)


async def _notes(db: Any, *where: Any) -> list[Notification]:
    return await rows(db, Notification, *where, order_by=Notification.created_at)


async def _task(api: Any, **fields: Any) -> dict[str, Any]:
    r = await api.post("/api/v1/tasks", json={"title": "Send the quote", **fields})
    assert r.status_code == 201, r.text
    return dict(r.json())


# --- tasks ------------------------------------------------------------------------------------


async def test_a_task_reminds_its_assignee_before_and_at_its_due_time_once_each(
    db: Any, sales_team: dict[str, Any]
) -> None:
    a, manager = sales_team["sales_a"], sales_team["manager"]
    now = utcnow().replace(microsecond=0)
    due = now + timedelta(minutes=20)
    task = await _task(manager, assignee_id=a.user_id, due_at=due.isoformat())
    await _task(a, title="Far away", due_at=(now + timedelta(days=3)).isoformat())
    await _task(a, title="Long overdue", due_at=(now - timedelta(days=30)).isoformat())

    assert (await _run(db, now)).notified == 1
    [soon] = await _notes(db)
    assert (soon.kind, soon.user_id, soon.object_id) == (
        "task_upcoming",
        uuid.UUID(a.user_id),
        uuid.UUID(task["id"]),
    )
    assert soon.title == "Task due soon: Send the quote"

    # Again, and twice at once: nothing new.
    assert (await _run(db, now + timedelta(minutes=1))).notified == 0
    results = await asyncio.gather(_run(db, now), _run(db, now))
    assert [r.notified for r in results] == [0, 0]

    at_due = due + timedelta(minutes=1)
    assert (await _run(db, at_due)).notified == 1
    results = await asyncio.gather(*(_run(db, at_due) for _ in range(3)))
    assert sum(r.notified for r in results) == 0
    assert [n.kind for n in await _notes(db)] == ["task_upcoming", "task_due"]

    # Moving the due time re-arms the reminders; completing the task silences them.
    later = at_due + timedelta(hours=2)
    await a.patch(f"/api/v1/tasks/{task['id']}", json={"due_at": later.isoformat()})
    assert (await _run(db, later + timedelta(minutes=1))).notified == 1
    await a.post(f"/api/v1/tasks/{task['id']}/complete")
    assert (await _run(db, later + timedelta(hours=1))).notified == 0


async def test_concurrent_first_runs_create_each_reminder_once(
    db: Any, sales_team: dict[str, Any]
) -> None:
    a = sales_team["sales_a"]
    now = utcnow()
    for minutes in range(5):
        await _task(
            a, title=f"Due {minutes}", due_at=(now - timedelta(minutes=minutes)).isoformat()
        )
    results = await asyncio.gather(*(_run(db, now) for _ in range(4)))
    assert sum(r.notified for r in results) == 5
    assert await count(db, Notification) == 5


async def test_the_arq_cron_function_runs_the_reminders(
    db: Any, sales_team: dict[str, Any]
) -> None:
    a = sales_team["sales_a"]
    await _task(a, due_at=(utcnow() - timedelta(minutes=1)).isoformat())
    assert await send_reminders({"db": db}) == 1
    assert await send_reminders({"db": db}) == 0


# --- birthdays, holidays, date rules -------------------------------------------------------------


async def _contact(api: Any, customer_id: str, **fields: Any) -> dict[str, Any]:
    r = await api.post(
        "/api/v1/contacts", json={"customer_id": customer_id, "name": "Li Lei", **fields}
    )
    assert r.status_code == 201, r.text
    return dict(r.json())


async def test_a_contacts_birthday_reminds_the_customers_owner(
    db: Any, factory: Any, sales_team: dict[str, Any]
) -> None:
    a = sales_team["sales_a"]
    customer = await factory.customer(a)
    # 23:00 UTC on 9 May is already 10 May in Shanghai.
    now = datetime(2027, 5, 9, 23, 0, tzinfo=ZoneInfo("UTC"))
    birthday_tomorrow = await _contact(a, customer["id"], name="Tomorrow", birthday="1990-05-11")
    await _contact(a, customer["id"], name="In a week", birthday="1985-05-17")
    await _contact(a, customer["id"], name="Unknown")
    r = await a.patch(f"/api/v1/contacts/{birthday_tomorrow['id']}", json={"name": "Wang Fang"})
    assert r.json()["birthday"] == "1990-05-11"

    assert (await _run(db, now, birthday_reminder_days_before=1)).notified == 1
    [note] = await _notes(db)
    assert note.kind == "birthday" and note.user_id == uuid.UUID(a.user_id)
    assert note.data["date"] == "2027-05-11" and note.data["name"] == "Wang Fang"
    assert note.link == f"/customers/{customer['id']}"
    # The next day (the birthday's eve, then the day) it is the same occurrence: no repeat.
    assert (await _run(db, now + timedelta(days=1), birthday_reminder_days_before=1)).notified == 0

    # 29 February birthdays are celebrated on the 28th in other years.
    await _contact(a, customer["id"], name="Leap", birthday="1992-02-29")
    feb = datetime(2027, 2, 28, 2, 0, tzinfo=ZoneInfo("UTC"))
    assert (await _run(db, feb, birthday_reminder_days_before=0)).notified == 1


async def test_holidays_remind_every_active_user_ahead_of_time(
    db: Any, admin: Any, sales_team: dict[str, Any]
) -> None:
    today = utcnow().astimezone(SHANGHAI).date()
    r = await admin.post(
        "/api/v1/holidays",
        json={
            "date": (today + timedelta(days=3)).isoformat(),
            "name": "中秋节",
            "remind_days_before": 2,
        },
    )
    assert r.status_code == 201, r.text
    holiday = r.json()
    # Deactivated users hear nothing.
    async with db.sessionmaker() as session:
        await session.execute(
            update(User)
            .where(User.id == uuid.UUID(sales_team["outsider"].user_id))
            .values(is_active=False)
        )
        await session.commit()
    active = await count(db, User, User.is_active)

    now = utcnow()
    assert (await _run(db, now)).notified == 0  # three days ahead: not yet
    assert (await _run(db, now + timedelta(days=1))).notified == active
    assert (await _run(db, now + timedelta(days=2))).notified == 0
    notes = await _notes(db)
    assert {n.kind for n in notes} == {"holiday"}
    assert uuid.UUID(sales_team["outsider"].user_id) not in {n.user_id for n in notes}
    assert notes[0].data == {"name": "中秋节", "date": holiday["date"]}

    assert (await admin.delete(f"/api/v1/holidays/{holiday['id']}")).status_code == 204
    assert (await admin.get("/api/v1/holidays")).json()["items"] == []


async def test_holiday_and_rule_administration_validates_input(admin: Any) -> None:
    body = {"date": "2027-10-01", "name": "National Day"}
    assert (await admin.post("/api/v1/holidays", json=body)).status_code == 201
    assert_problem(await admin.post("/api/v1/holidays", json=body), 409)
    r = await admin.post("/api/v1/holidays", json={"date": "2027-13-01", "name": "x"})
    assert ["body", "date"] in error_locs(assert_problem(r, 422))
    r = await admin.get("/api/v1/holidays", params={"year": 2027})
    assert [h["name"] for h in r.json()["items"]] == ["National Day"]
    assert (await admin.get("/api/v1/holidays", params={"year": 2028})).json()["items"] == []
    assert_problem(await admin.delete(f"/api/v1/holidays/{uuid.uuid4()}"), 404)

    fields = (await admin.get("/api/v1/reminder-rules/fields")).json()
    assert {"object_type": "contact", "field": "birthday"} in fields
    assert {"object_type": "customer", "field": "created_at"} in fields
    assert {"object_type": "customer", "field": "updated_at"} not in fields
    for bad in (
        {"object_type": "customer", "field": "name"},  # not a date
        {"object_type": "customer", "field": "updated_at"},
        {"object_type": "contact", "field": "nope"},
    ):
        r = await admin.post("/api/v1/reminder-rules", json={"name": "x", **bad})
        assert ["body", "field"] in error_locs(assert_problem(r, 422)), bad
    r = await admin.post(
        "/api/v1/reminder-rules",
        json={"name": "x", "object_type": "deal", "field": "close_date"},
    )
    assert ["body", "object_type"] in error_locs(assert_problem(r, 422))


async def test_a_date_rule_reminds_the_owner_days_before(
    db: Any, admin: Any, factory: Any, sales_team: dict[str, Any]
) -> None:
    a = sales_team["sales_a"]
    customer = await factory.customer(a)
    await _contact(a, customer["id"], name="Zhang Wei", birthday="1980-06-20")
    r = await admin.post(
        "/api/v1/reminder-rules",
        json={
            "name": "Birthday gift",
            "object_type": "contact",
            "field": "birthday",
            "days_before": 7,
            "yearly": True,
        },
    )
    assert r.status_code == 201, r.text
    rule = r.json()
    # And a one-off rule on a timestamp: customers created (as today's date in Shanghai).
    r = await admin.post(
        "/api/v1/reminder-rules",
        json={"name": "Welcome call", "object_type": "customer", "field": "created_at"},
    )
    assert r.status_code == 201

    june_12 = datetime(2027, 6, 12, 4, 0, tzinfo=ZoneInfo("UTC"))
    assert (await _run(db, june_12, birthday_reminder_days_before=0)).notified == 0
    june_13 = june_12 + timedelta(days=1)
    assert (await _run(db, june_13, birthday_reminder_days_before=0)).notified == 1
    [gift] = await _notes(db)
    assert gift.kind == "date_rule" and gift.data["label"] == "Birthday gift"
    assert gift.dedupe_key is not None and gift.dedupe_key.startswith(f"rule:{rule['id']}:")

    assert (await _run(db, utcnow(), birthday_reminder_days_before=0)).notified == 1
    welcome = (await _notes(db))[-1]
    assert welcome.object_id == uuid.UUID(customer["id"]) and welcome.user_id == uuid.UUID(
        a.user_id
    )

    # A deleted rule reminds no more.
    await admin.delete(f"/api/v1/reminder-rules/{rule['id']}")
    assert (await admin.get("/api/v1/reminder-rules")).json()["items"][0]["name"] == "Welcome call"
    assert (
        await _run(db, june_13 + timedelta(days=365), birthday_reminder_days_before=0)
    ).notified == 0


# --- e-mail ---------------------------------------------------------------------------------------


class _Inbox:
    def __init__(self) -> None:
        self.messages: list[Any] = []

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        self.messages.append(envelope)
        return "250 OK"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture
def smtp_sink() -> Iterator[tuple[_Inbox, int]]:
    inbox = _Inbox()
    port = _free_port()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        yield inbox, port
    finally:
        controller.stop()


async def test_reminders_are_mailed_once_when_smtp_is_configured(
    db: Any, sales_team: dict[str, Any], smtp_sink: tuple[_Inbox, int]
) -> None:
    inbox, port = smtp_sink
    a = sales_team["sales_a"]
    now = utcnow()
    await _task(a, title="Renew the contract", due_at=(now - timedelta(minutes=1)).isoformat())
    smtp = {"smtp_host": "127.0.0.1", "smtp_port": port, "smtp_from": "crm@example.com"}

    results = await asyncio.gather(_run(db, now, **smtp), _run(db, now, **smtp))
    assert sum(r.notified for r in results) == 1
    assert sum(r.emailed for r in results) == 1
    [message] = inbox.messages
    assert message.mail_from == "crm@example.com"
    assert message.rcpt_tos == [a.info["email"]]
    assert b"Subject: Task due: Renew the contract" in message.content
    [note] = await _notes(db)
    assert note.email_status == "sent" and note.emailed_at is not None

    assert (await _run(db, now, **smtp)).emailed == 0
    assert len(inbox.messages) == 1


async def test_an_unreachable_smtp_server_leaves_mail_pending_for_the_next_run(
    db: Any, sales_team: dict[str, Any], smtp_sink: tuple[_Inbox, int]
) -> None:
    inbox, port = smtp_sink
    a = sales_team["sales_a"]
    now = utcnow()
    await _task(a, due_at=(now - timedelta(minutes=1)).isoformat())
    down = {"smtp_host": "127.0.0.1", "smtp_port": _free_port(), "smtp_timeout_seconds": 2}

    result = await _run(db, now, **down)
    assert (result.notified, result.emailed) == (1, 0)  # the in-app reminder is not held up
    [note] = await _notes(db)
    assert note.email_status == "pending"

    up = {"smtp_host": "127.0.0.1", "smtp_port": port}
    assert (await _run(db, now, **up)).emailed == 1
    assert len(inbox.messages) == 1


# --- the notifications API ----------------------------------------------------------------------


async def test_users_read_and_mark_only_their_own_notifications(
    db: Any, sales_team: dict[str, Any]
) -> None:
    a, b = sales_team["sales_a"], sales_team["sales_b"]
    now = utcnow()
    for i in range(3):
        await _task(a, title=f"A{i}", due_at=(now - timedelta(minutes=i + 1)).isoformat())
    await _task(b, title="B", due_at=(now - timedelta(minutes=1)).isoformat())
    await _run(db, now)

    r = await a.get("/api/v1/notifications", params={"with_total": "true"})
    page = r.json()
    assert page["total"] == 3 and {n["data"]["title"] for n in page["items"]} == {"A0", "A1", "A2"}
    assert (await a.get("/api/v1/notifications/unread-count")).json() == {"unread": 3}

    first = page["items"][0]
    b_note = (await b.get("/api/v1/notifications")).json()["items"][0]
    assert_problem(await a.post(f"/api/v1/notifications/{b_note['id']}/read"), 404)
    r = await a.post(f"/api/v1/notifications/{first['id']}/read")
    assert r.status_code == 200 and r.json()["read_at"] is not None
    again = await a.post(f"/api/v1/notifications/{first['id']}/read")
    assert again.json()["read_at"] == r.json()["read_at"]  # reading twice changes nothing
    assert (await a.get("/api/v1/notifications/unread-count")).json() == {"unread": 2}
    unread = (await a.get("/api/v1/notifications", params={"unread": "true"})).json()["items"]
    assert first["id"] not in {n["id"] for n in unread} and len(unread) == 2
    read = (await a.get("/api/v1/notifications", params={"unread": "false"})).json()["items"]
    assert [n["id"] for n in read] == [first["id"]]

    assert (await a.post("/api/v1/notifications/read-all")).json() == {"marked_read": 2}
    assert (await a.get("/api/v1/notifications/unread-count")).json() == {"unread": 0}
    assert (await b.get("/api/v1/notifications/unread-count")).json() == {"unread": 1}

    # Paging newest first.
    p1 = (await a.get("/api/v1/notifications", params={"limit": 2})).json()
    p2 = (
        await a.get("/api/v1/notifications", params={"limit": 2, "cursor": p1["next_cursor"]})
    ).json()
    assert len(p1["items"]) == 2 and len(p2["items"]) == 1 and p2["next_cursor"] is None


async def test_holiday_dates_must_be_real(admin: Any) -> None:
    r = await admin.post(
        "/api/v1/holidays", json={"date": date(2027, 1, 1).isoformat(), "name": " "}
    )
    assert ["body", "name"] in error_locs(assert_problem(r, 422))
