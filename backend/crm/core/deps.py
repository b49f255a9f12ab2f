"""Request-scoped dependencies shared by every router: the database session."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Annotated

from fastapi import Depends, Request
from sqlalchemy.ext.asyncio import AsyncSession

from crm.core import broadcast, jobs

_READ_ONLY_METHODS = frozenset({"GET", "HEAD"})


async def get_session(request: Request) -> AsyncIterator[AsyncSession]:
    """One session per request, committed exactly once when the endpoint returns.

    scope="function" (below) runs the commit before the response is sent, so a client never sees
    success for a write that did not commit. Jobs enqueued during the request go out only after
    the commit and are dropped on rollback. GET and HEAD requests read outside a transaction
    (see ``Database.read_sessionmaker``).
    """
    db = request.app.state.db
    maker = db.read_sessionmaker if request.method in _READ_ONLY_METHODS else db.sessionmaker
    async with maker() as session:
        try:
            yield session
        except BaseException:
            await session.rollback()
            jobs.discard_pending(session)
            raise
        await session.commit()
        # Other processes drop what they cached about this change before the client hears back.
        await broadcast.flush(session)
        await jobs.dispatch_pending(session)


SessionDep = Annotated[AsyncSession, Depends(get_session, scope="function")]
