"""Response models of attachments (uploads are multipart forms)."""

from __future__ import annotations

import uuid
from datetime import datetime

from pydantic import BaseModel, ConfigDict

CATEGORY_PATTERN = r"^[a-z][a-z0-9_]{0,49}$"


class AttachmentRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    object_type: str
    object_id: uuid.UUID
    category: str
    filename: str
    content_type: str
    size: int
    uploaded_by: uuid.UUID | None
    created_at: datetime
