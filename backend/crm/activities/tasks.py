"""arq jobs of the activities domain."""

from __future__ import annotations

from typing import Any

from crm.activities import reminders
from crm.core.db import Database, utcnow
from crm.core.domain import scheduled
from crm.settings import get_settings


@scheduled(second=30)
async def send_reminders(ctx: dict[str, Any]) -> int:
    """Every minute: notify about due tasks, birthdays, holidays and date rules (each once)."""
    db: Database = ctx["db"]
    result = await reminders.run(db.sessionmaker, get_settings(), now=utcnow())
    return result.notified
