"""arq jobs of the customer pool."""

from __future__ import annotations

from typing import Any

import structlog

from crm.core.db import Database, utcnow
from crm.core.domain import scheduled
from crm.customers.pool import sweep

log = structlog.get_logger(__name__)


# Hourly; a sweep of a large pool may take minutes, and runs again the next hour if cut.
@scheduled(minute=5, second=15, timeout=3600)
async def sweep_customer_pool(ctx: dict[str, Any]) -> int:
    """Hourly: return due customers to the pool and warn the owners of those due soon."""
    db: Database = ctx["db"]
    result = await sweep.run(db.sessionmaker, now=utcnow())
    log.info("customer_pool_swept", returned=result.returned, warned=result.warned)
    return result.returned
