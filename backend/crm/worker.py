"""arq WorkerSettings, assembled from the domains on the ladder: each domain's ``@task`` jobs
and ``@scheduled`` cron jobs (the schedule is declared on the task, in its tasks.py)."""

from __future__ import annotations

from typing import Any

import structlog
from arq import cron, func

from crm import domains
from crm.core import broadcast, jobs, redis
from crm.core.db import Database
from crm.core.logging import configure as configure_logging
from crm.settings import get_settings

log = structlog.get_logger(__name__)


async def startup(ctx: dict[str, Any]) -> None:
    settings = get_settings()
    configure_logging(settings.log_level, json=settings.log_json)
    assert settings.database_url and settings.redis_url, "the worker needs both server URLs"
    ctx["db"] = Database(settings.database_url, pool_size=4)
    await redis.connect(settings.redis_url)
    await broadcast.start_listening()


async def shutdown(ctx: dict[str, Any]) -> None:
    await broadcast.stop_listening()
    await redis.close()
    await ctx["db"].dispose()


def _functions() -> list[Any]:
    return [func(function, **options) for function, options in domains.tasks()]


def _cron_jobs() -> list[Any]:
    return [cron(function, **options) for function, options in domains.schedules()]


class WorkerSettings:
    functions = _functions()
    cron_jobs = _cron_jobs()
    on_startup = startup
    on_shutdown = shutdown
    max_jobs = 10
    redis_settings = jobs.redis_settings(get_settings().redis_url or "redis://127.0.0.1:6379")
