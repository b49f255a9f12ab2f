"""Request and response models of duplicate checks, the duplicate report and merging."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

from crm.customers.schemas import CustomerKind, CustomerRead

Reason = Literal["phone", "email", "name"]
Trimmed = Annotated[str, StringConstraints(strip_whitespace=True)]


class DuplicateCheck(BaseModel):
    """What is known of a customer about to be created (or edited): any of the three."""

    model_config = ConfigDict(extra="forbid")

    name: Annotated[Trimmed, StringConstraints(max_length=200)] | None = None
    phone: Annotated[Trimmed, StringConstraints(max_length=50)] | None = None
    email: Annotated[Trimmed, StringConstraints(max_length=320)] | None = None
    kind: CustomerKind | None = Field(
        default=None, description="A person is matched on phone and e-mail only, not on name"
    )
    exclude_id: uuid.UUID | None = Field(
        default=None, description="The customer being edited, not a duplicate of itself"
    )


class DuplicateCandidate(BaseModel):
    customer: CustomerRead
    score: float = Field(description="0-100: 100 for an exact phone or e-mail match")
    reasons: list[Reason]


class DuplicateCheckResult(BaseModel):
    candidates: list[DuplicateCandidate] = Field(description="Best first, at most 10")
    hidden_matches: bool = Field(
        description="Customers outside your data scope match too (they are not shown): "
        "ask a manager before creating this one"
    )


class DuplicateGroupMember(BaseModel):
    customer: CustomerRead
    score: float
    reasons: list[Reason]


class DuplicateGroupRead(BaseModel):
    id: uuid.UUID
    score: float
    reasons: list[Reason]
    job_id: uuid.UUID | None
    created_at: datetime
    members: list[DuplicateGroupMember] = Field(description="Only the members you may see")


class DuplicateScanStarted(BaseModel):
    job_id: uuid.UUID


class MergeRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    survivor_id: uuid.UUID
    merged_ids: list[uuid.UUID] = Field(min_length=1, max_length=20)
    fields: dict[str, uuid.UUID] = Field(
        default_factory=dict,
        description="Per field, the customer whose value the survivor takes. A field not "
        "named keeps the survivor's value, or the first merged record's when the survivor's "
        "is empty. Tags are always the union.",
    )
    survivor_version: int | None = Field(
        default=None, description="Expected current version of the survivor (else 412)"
    )


class MergeResult(BaseModel):
    audit_id: uuid.UUID = Field(description="The merge's audit entry: undo it with this id")
    survivor: CustomerRead
    merged_ids: list[uuid.UUID]
    moved: dict[str, int] = Field(description="Related rows moved, per table.column")


class UnmergeResult(BaseModel):
    survivor: CustomerRead
    restored_ids: list[uuid.UUID]
    moved_back: dict[str, int]


def mergeable_value(value: Any) -> bool:
    """Whether a field value counts as filled in (empty strings and lists do not)."""
    return value is not None and value != "" and value != [] and value != {}
