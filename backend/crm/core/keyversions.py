"""Which version of a derived key the stored rows carry, and where a re-key stands.

Some columns hold a key computed in Python from other columns (a customer's matching name,
cleaning.normalize_company_name). When the function that computes one changes, rows written
before the change keep the old key and stop matching new ones. Each such key has a version
number in code; this table records the version the stored rows carry. The worker compares the
two and re-keys the rows in batches, recording after each batch how far it got, so an
interrupted re-key resumes where it stopped.
"""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import DateTime, Integer, String
from sqlalchemy.dialects.postgresql import UUID
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import Mapped, mapped_column

from crm.core.db import Base, utcnow


class KeyVersion(Base):
    __tablename__ = "key_versions"

    name: Mapped[str] = mapped_column(String(100), primary_key=True)
    version: Mapped[int] = mapped_column(Integer)
    # The id of the last row re-keyed towards ``version + 1`` (None: none yet).
    resume_after: Mapped[uuid.UUID | None] = mapped_column(UUID(as_uuid=True), nullable=True)
    updated_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), default=utcnow, onupdate=utcnow
    )


async def stored_version(session: AsyncSession, name: str) -> KeyVersion:
    """The row of key ``name``, created at version 0 (nothing known) if missing."""
    row = await session.get(KeyVersion, name, with_for_update=True)
    if row is None:
        row = KeyVersion(name=name, version=0, resume_after=None)
        session.add(row)
        await session.flush()
    return row
