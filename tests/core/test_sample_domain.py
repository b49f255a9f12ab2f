"""A new domain is its folder plus one line on the ladder: a throwaway ``sample_tickets``
package, written to a temporary directory, is appended to ``crm.domains.LADDER`` (the one line a
real domain adds) and its router, model, permission resource, role grants, worker job and
schedule are all picked up, with no shell file (app.py, worker.py, models.py, the catalogue)
edited. It runs in a child process, so nothing it registers leaks into the other tests."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

SAMPLE = {
    "__init__.py": """
        from crm.core.domain import Domain, RecycleType, Resource
        from crm.core.permissions import DataScope

        DOMAIN = Domain(
            name="sample_tickets",
            router="sample_tickets.router:router",
            models=["sample_tickets.models"],
            plugins=["sample_tickets.handlers"],
            resources=[Resource("sample_tickets", ("read", "write"), True, "Sample tickets")],
            grants={"sales": {"sample_tickets": ("read",)}},
            scopes={"sales": {"sample_tickets": DataScope.OWN}},
            recycle=[
                RecycleType(
                    "sample_ticket",
                    "sample_tickets.models:SampleTicket",
                    resource="sample_tickets",
                    restore_permission="sample_tickets:write",
                )
            ],
            tasks=["sample_tickets.tasks"],
        )
    """,
    "models.py": """
        import uuid

        from sqlalchemy import String
        from sqlalchemy.orm import Mapped, mapped_column

        from crm.core.db import Base, IdMixin


        class SampleTicket(IdMixin, Base):
            __tablename__ = "sample_tickets"
            subject: Mapped[str] = mapped_column(String(200))
            owner_id: Mapped[uuid.UUID | None] = mapped_column()
    """,
    "router.py": """
        from typing import Annotated

        from fastapi import APIRouter, Depends

        from crm.core.permissions import Principal, authorize

        router = APIRouter(prefix="/api/v1", tags=["sample-tickets"])


        @router.get("/sample-tickets", operation_id="sample-tickets-list")
        async def list_tickets(
            principal: Annotated[Principal, Depends(authorize("sample_tickets:read"))],
        ) -> dict[str, list[str]]:
            return {"items": []}
    """,
    "handlers.py": """
        from crm.core import events

        @events.handles("sample_ticket.opened")
        async def on_opened(session, event):
            return None
    """,
    "tasks.py": """
        from crm.core.domain import scheduled, task


        @task(timeout=60)
        async def close_sample_ticket(ctx, ticket_id):
            return None


        @scheduled(minute=0, second=5)
        async def sweep_sample_tickets(ctx):
            return None
    """,
}

CHECK = """
import asyncio, sys
from pathlib import Path

import httpx

from crm import domains
from sample_tickets import DOMAIN

domains.LADDER.append(DOMAIN)  # the one line a new domain adds to crm/domains.py

from crm.app import create_app
from crm.core import events, recycle
from crm.identity import catalog
from crm.models import metadata
from crm.settings import get_settings
from crm.worker import WorkerSettings

app = create_app(get_settings().model_copy(update={"frontend_dist": Path("/nonexistent")}))
assert "/api/v1/sample-tickets" in app.openapi()["paths"], "router"
assert "sample_tickets" in metadata.tables, "model"
assert {"sample_tickets:read", "sample_tickets:write"} <= set(catalog.all_permissions()), "resource"
perms, scopes = catalog.builtin_role_definition(catalog.BUILTIN_ROLES["sales"])
assert "sample_tickets:read" in perms and scopes["sample_tickets"] == "own", "grants"
assert "sample_tickets" in catalog.builtin_role_definition(catalog.BUILTIN_ROLES["admin"])[1]
assert "sample_ticket" in recycle.registered(), "recycle type"
assert events._handlers["sample_ticket.opened"], "plug-in"
assert "close_sample_ticket" in {f.name for f in WorkerSettings.functions}, "task"
assert "cron:sweep_sample_tickets" in {c.name for c in WorkerSettings.cron_jobs}, "schedule"


async def call() -> int:
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://t") as client:
        mounted = await client.get("/api/v1/sample-tickets")
        absent = await client.get("/api/v1/sample-nothing")
        return mounted.status_code, absent.status_code

# Mounted, behind its permission check: 401 without credentials, where no route is a 404.
assert asyncio.run(call()) == (401, 404)
print("picked up")
"""


def test_a_new_domain_is_its_folder_and_one_ladder_line(tmp_path: Path) -> None:
    package = tmp_path / "sample_tickets"
    package.mkdir()
    for name, source in SAMPLE.items():
        (package / name).write_text(textwrap.dedent(source))
    done = subprocess.run(
        [sys.executable, "-c", CHECK],
        cwd=tmp_path,
        env={"PYTHONPATH": str(tmp_path), "PATH": "/usr/bin:/bin"},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    assert done.stdout.strip().endswith("picked up")
