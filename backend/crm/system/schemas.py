"""Response models of the platform resources."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, IPvAnyAddress, StringConstraints

from crm.core.filters import ListFilters


class Health(BaseModel):
    status: Literal["ok", "degraded"]
    database: str
    redis: str


class JobRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    kind: str
    status: str
    progress: int
    total: int | None
    done: int
    result: dict[str, Any] | None
    error: str | None
    created_by: uuid.UUID | None
    created_at: datetime
    started_at: datetime | None
    finished_at: datetime | None


class AuditLogRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    at: datetime
    actor_id: uuid.UUID | None
    actor_type: str
    action: str
    object_type: str
    object_id: uuid.UUID | None
    changes: dict[str, Any]
    request_id: str | None
    ip: IPvAnyAddress | None


class RecycleBinEntry(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    object_type: str
    object_id: uuid.UUID
    title: str
    owner_id: uuid.UUID | None
    department_id: uuid.UUID | None
    deleted_by: uuid.UUID | None
    deleted_at: datetime


_Name = Annotated[str, StringConstraints(max_length=50)]


class AuditLogFilters(ListFilters):
    """The filters of ``GET /audit-logs`` (its query parameters)."""

    object_type: _Name | None = None
    object_id: uuid.UUID | None = None
    actor_id: uuid.UUID | None = None
    action: _Name | None = None


class RecycleBinFilters(ListFilters):
    """The filters of ``GET /recycle-bin`` (its query parameters); ``q`` searches the title."""

    object_type: _Name | None = None
