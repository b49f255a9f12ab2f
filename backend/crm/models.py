"""Every model of every domain on the ladder, loaded so the metadata is complete (Alembic,
tests). The domains declare their model modules in their manifests."""

from crm import domains
from crm.core.db import Base

domains.load()
metadata = Base.metadata

__all__ = ["metadata"]
