"""The "creator, or holder of permission X" scope that imports, exports and jobs share."""

from __future__ import annotations

import uuid
from typing import Any

from sqlalchemy import select

from crm.core.jobs import Job
from crm.core.permissions import Principal, creator_or_holder


def _principal(user_id: uuid.UUID, *permissions: str) -> Principal:
    return Principal(
        user_id=user_id, department_id=None, permissions=frozenset(permissions), scopes={}
    )


async def test_a_creator_sees_their_own_and_a_holder_sees_all(factory: Any, db: Any) -> None:
    first, second = await factory.user("sales"), await factory.user("sales")
    a, b = uuid.UUID(first.user_id), uuid.UUID(second.user_id)
    async with db.sessionmaker() as session:
        session.add_all([Job(kind="mine", created_by=a), Job(kind="theirs", created_by=b)])
        session.add(Job(kind="system", created_by=None))
        await session.commit()

        async def kinds(principal: Principal) -> set[str]:
            clause = creator_or_holder(principal, Job.created_by, "admin:everything")
            return set((await session.execute(select(Job.kind).where(clause))).scalars())

        assert await kinds(_principal(a)) == {"mine"}
        assert await kinds(_principal(b, "other:permission")) == {"theirs"}
        assert await kinds(_principal(a, "admin:everything")) == {"mine", "theirs", "system"}
