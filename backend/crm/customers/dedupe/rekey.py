"""Re-keying customers' matching names after ``cleaning.company_name_key`` changes.

``customers.name_normalized`` is what duplicate detection compares names on (the import's match
against existing records, the per-record check, the similar-name search through
``customer_names``). Rows keyed by an older version of the function would never match rows
keyed by the new one (e.g. before version 2 the region stayed in the key: 深圳华强科技 vs
华强科技), so the worker brings them up to ``NAME_KEY_VERSION`` in id order, batch by batch,
each batch its own transaction recording how far it got.

The update leaves ``version`` / ``updated_at`` alone (the key is derived, not an edit: ETags
and "recently updated" lists must not move) and applies only where the name is still the one
the key was computed from, so a concurrent rename (which writes its own, current key) wins.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from typing import Any

import structlog
from sqlalchemy import Row, select, text
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from crm.core import keyversions
from crm.core.cleaning import NAME_KEY_VERSION, normalize_company_name
from crm.customers.models import Customer

log = structlog.get_logger(__name__)
KEY_NAME = "customers.name_normalized"
BATCH = 5_000
_UPDATE = text(
    "UPDATE customers SET name_normalized = :key WHERE id = :id AND name = :name"
).execution_options(synchronize_session=False)


async def is_current(session: AsyncSession) -> bool:
    row = await session.get(keyversions.KeyVersion, KEY_NAME)
    return row is not None and row.version >= NAME_KEY_VERSION


async def _read_batch(
    session: AsyncSession, after: uuid.UUID | None
) -> Sequence[Row[uuid.UUID, str, str]]:
    stmt = select(Customer.id, Customer.name, Customer.name_normalized).order_by(Customer.id)
    if after is not None:
        stmt = stmt.where(Customer.id > after)
    return (await session.execute(stmt.limit(BATCH))).all()


async def rekey_batch(session: AsyncSession) -> bool:
    """Re-key the next batch; True when every row is current (nothing left to do)."""
    state = await keyversions.stored_version(session, KEY_NAME)
    if state.version >= NAME_KEY_VERSION:
        return True
    rows = await _read_batch(session, state.resume_after)
    changed: list[dict[str, Any]] = [
        {"id": row.id, "name": row.name, "key": key}
        for row in rows
        if (key := normalize_company_name(row.name)) != row.name_normalized
    ]
    if changed:
        await session.execute(_UPDATE, changed)
    if len(rows) < BATCH:
        state.version, state.resume_after = NAME_KEY_VERSION, None
        return True
    last: uuid.UUID = rows[-1].id
    state.resume_after = last
    return False


async def rekey_customer_names(sessionmaker: async_sessionmaker[AsyncSession]) -> int:
    """Bring every customer's matching name to the current key; returns the batches run."""
    batches = 0
    while True:
        async with sessionmaker() as session:
            done = await rekey_batch(session)
            await session.commit()
        batches += 1
        if done:
            log.info("customer_names_rekeyed", version=NAME_KEY_VERSION, batches=batches)
            return batches
