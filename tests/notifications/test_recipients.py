"""The one recipient rule: whoever asks for a notification, it reaches active users who are not
deleted, and nobody else (a deactivated owner, a deleted approver)."""

from __future__ import annotations

import uuid
from typing import Any

from sqlalchemy import select

from crm.notifications.models import Notification
from crm.notifications.service import NewNotification, notify


async def test_notify_reaches_active_users_only(factory: Any, admin: Any, db: Any) -> None:
    active = await factory.user("sales")
    deactivated = await factory.user("sales")
    deleted = await factory.user("sales")
    r = await admin.patch(f"/api/v1/users/{deactivated.user_id}", json={"is_active": False})
    assert r.status_code == 200, r.text
    assert (await admin.delete(f"/api/v1/users/{deleted.user_id}")).status_code == 204
    users = [uuid.UUID(u.user_id) for u in (active, deactivated, deleted)]

    async with db.sessionmaker() as session:
        created = await notify(
            session,
            [
                NewNotification(user_id=u, kind="test", title="Hi", dedupe_key=f"t:{u}")
                for u in users
            ]
            + [NewNotification(user_id=uuid.uuid4(), kind="test", title="Nobody")],
        )
        await session.commit()
        reached = (await session.execute(select(Notification.user_id))).scalars().all()
    assert len(created) == 1
    assert reached == [users[0]]


async def test_a_note_dropped_while_deactivated_reaches_the_user_once_active_again(
    factory: Any, admin: Any, db: Any
) -> None:
    """A dropped note leaves no trace: reactivated, the user gets it the next time it is due
    (the reminders offer theirs again on every run)."""
    user = await factory.user("sales")
    user_id = uuid.UUID(user.user_id)
    note = NewNotification(user_id=user_id, kind="test", title="Due", dedupe_key="due:1")
    await admin.patch(f"/api/v1/users/{user.user_id}", json={"is_active": False})
    async with db.sessionmaker() as session:
        assert await notify(session, [note]) == []
        await session.commit()
    await admin.patch(f"/api/v1/users/{user.user_id}", json={"is_active": True})
    async with db.sessionmaker() as session:
        assert len(await notify(session, [note])) == 1
        await session.commit()
        titles = (await session.execute(select(Notification.title))).scalars().all()
    assert titles == ["Due"]
