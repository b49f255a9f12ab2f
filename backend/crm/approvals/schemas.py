"""Request and response models of approvals and approval policy settings."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

ApprovalStatus = Literal["pending", "approved", "rejected", "cancelled"]
Comment = Annotated[str, StringConstraints(strip_whitespace=True, max_length=2000)]
RequiredComment = Annotated[
    str, StringConstraints(strip_whitespace=True, min_length=1, max_length=2000)
]
RoleKey = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=64)]


class ApprovalRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    object_type: str
    object_id: uuid.UUID
    policy_key: str
    summary: str
    reason: str
    data: dict[str, Any]
    link: str | None
    requested_by: uuid.UUID
    approver_user_id: uuid.UUID | None
    approver_role: str | None
    status: ApprovalStatus
    comment: str | None
    decided_by: uuid.UUID | None
    decided_at: datetime | None
    version: int
    created_at: datetime


class ApproveBody(BaseModel):
    model_config = ConfigDict(extra="forbid")

    comment: Comment | None = None
    version: int | None = Field(default=None, description="Expected current version (else 412)")


class RejectBody(BaseModel):
    model_config = ConfigDict(extra="forbid")

    comment: RequiredComment = Field(description="Why: the requester sees it")
    version: int | None = Field(default=None, description="Expected current version (else 412)")


class PolicyRead(BaseModel):
    key: str
    object_type: str
    title: str
    approver_role: str | None = Field(
        description="Role whose holders decide; None: the policy's default approvers"
    )
    params: dict[str, Any]
    params_schema: dict[str, Any]
    version: int


class PolicyUpdate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    approver_role: RoleKey | None = None
    params: dict[str, Any] = Field(default_factory=dict, description="See params_schema")
    version: int | None = Field(default=None, description="Expected current version (else 412)")
