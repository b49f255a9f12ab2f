"""Helpers of the lead tests: create leads and rules over HTTP, run the worker's drain."""

from __future__ import annotations

import uuid
from typing import Any

from sqlalchemy import select

from crm.core import events
from crm.leads import assignment  # noqa: F401  (registers the worker's lead.created handler)
from crm.leads.models import Lead


async def lead(api: Any, **fields: Any) -> dict[str, Any]:
    body = {"company_name": f"Lead Co {uuid.uuid4().hex[:6]}", **fields}
    r = await api.post("/api/v1/leads", json=body)
    assert r.status_code == 201, r.text
    return dict(r.json())


async def rule(api: Any, **fields: Any) -> dict[str, Any]:
    body = {"name": f"Rule {uuid.uuid4().hex[:6]}", **fields}
    r = await api.post("/api/v1/lead-assignment-rules", json=body)
    assert r.status_code == 201, r.text
    return dict(r.json())


async def drain(db: Any) -> int:
    """Deliver every pending event as the worker does."""
    return await events.drain(db.sessionmaker)


async def owners(db: Any, ids: list[str]) -> dict[str, str | None]:
    async with db.sessionmaker() as session:
        rows = await session.execute(
            select(Lead.id, Lead.owner_id).where(Lead.id.in_([uuid.UUID(i) for i in ids]))
        )
        return {str(i): str(o) if o else None for i, o in rows}
