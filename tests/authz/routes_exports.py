"""Matrix declarations of the export routes. (What an export holds for each role's data scope
is checked in tests/exports/test_export_scope.py by reading the files.)"""

from __future__ import annotations

import io
import uuid
from datetime import timedelta

from authz.harness import ALLOWED, DENIED, Call, route
from authz.world import Actor, World
from crm.core import files, jobs
from crm.core.db import utcnow
from crm.exports.service import EXPORT_TASK


def _creator_or_admin(w: World, caller: Actor, owner: Actor) -> bool:
    """An export's file is for whoever started it, and for holders of admin:exports."""
    return caller.user_id == owner.user_id or w.can(caller, "admin:exports")


async def finished_export(w: World, creator: Actor) -> str:
    """A finished export of ``creator`` with its file stored, made directly (the matrix's
    salespeople may not start exports; whether they may download their own is still asked)."""
    async with w.db.sessionmaker() as session:
        job = jobs.Job(
            kind="customers.export",
            created_by=uuid.UUID(creator.user_id),
            params={"_task": EXPORT_TASK, "object_type": "customers", "format": "csv"},
        )
        session.add(job)
        jobs.mark_finished(
            job,
            result={
                "rows": 0,
                "filename": "customers.csv",
                "ascii_filename": "customers.csv",
                "content_type": "text/csv; charset=utf-8",
                "expires_at": (utcnow() + timedelta(days=1)).isoformat(),
                "download_url": None,
            },
        )
        await session.commit()
    await files.get_storage().put(f"exports/{job.id}.csv", io.BytesIO(b"\xef\xbb\xbfid\r\n"))
    return str(job.id)


@route("GET", "/api/v1/exports/object-types", requires="exports:read")
async def _object_types(w: World, caller: Actor, owner: Actor) -> Call:
    return Call("GET", "/api/v1/exports/object-types")


@route(
    "POST",
    "/api/v1/exports",
    requires="customers:export",
    checked_in="handler",  # the permission depends on the object type in the body
    expect={
        "admin": ALLOWED,
        "manager": ALLOWED,
        "marketing": ALLOWED,
        "sales": DENIED,
        "service": DENIED,
        "auditor": DENIED,
    },
)
async def _create_export(w: World, caller: Actor, owner: Actor) -> Call:
    return Call(
        "POST",
        "/api/v1/exports",
        json={"object_type": "customers", "format": "xlsx", "filters": {"q": "Matrix"}},
    )


@route("GET", "/api/v1/exports/{job_id}/file", requires="exports:read", record=_creator_or_admin)
async def _download(w: World, caller: Actor, owner: Actor) -> Call:
    return Call("GET", f"/api/v1/exports/{await finished_export(w, owner)}/file")
