"""Document numbers: ``HT-2026-000123`` (contracts), ``DD-2026-000045`` (orders)."""

from __future__ import annotations

from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from crm.contracts.models import DocumentCounter
from crm.core.db import utcnow


async def next_number(session: AsyncSession, kind: str) -> str:
    """The next number of ``kind`` this year. The counter row stays locked until the caller's
    transaction ends, so concurrent callers queue and a rolled-back one frees its number."""
    year = utcnow().year
    stmt = (
        insert(DocumentCounter)
        .values(kind=kind, year=year, last=1)
        .on_conflict_do_update(
            index_elements=[DocumentCounter.kind, DocumentCounter.year],
            set_={"last": DocumentCounter.last + 1},
        )
        .returning(DocumentCounter.last)
    )
    last = (await session.execute(stmt)).scalar_one()
    return f"{kind}-{year}-{last:06d}"
