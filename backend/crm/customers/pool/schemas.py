"""Request and response models of the customer pool."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Annotated, Self

from pydantic import BaseModel, ConfigDict, Field, model_validator

from crm.customers.schemas import CustomerRead, Level

Days = Annotated[int, Field(ge=1, le=3650)]
WarnDays = Annotated[int, Field(ge=0, le=365)]
Cap = Annotated[int, Field(ge=0, le=1_000_000)]


class _Write(BaseModel):
    model_config = ConfigDict(extra="forbid")


class _PolicyRules(_Write):
    def _check_rules(
        self, follow_up: int | None, deal: int | None, warn: int, enabled: bool
    ) -> None:
        rules = [days for days in (follow_up, deal) if days is not None]
        if enabled and not rules:
            raise ValueError("an enabled policy needs days_without_follow_up or days_without_deal")
        if rules and warn >= min(rules):
            raise ValueError("warn_days_before must be fewer than the policy's days")


class PoolPolicyCreate(_PolicyRules):
    level: Level | None = Field(
        default=None,
        description="The customer level this policy is for; none: the default policy, for "
        "customers without a level or whose level has no policy",
    )
    days_without_follow_up: Days | None = Field(
        default=None,
        description="Return an owned customer with no activity for this many days (counted "
        "from the later of its last activity and its assignment to the owner); none: off",
    )
    days_without_deal: Days | None = Field(
        default=None,
        description="Return a customer owned this many days without an open deal or signed "
        "contract; none: off",
    )
    warn_days_before: WarnDays = Field(
        default=0, description="Notify the owner this many days before the return (0: never)"
    )
    enabled: bool = True

    @model_validator(mode="after")
    def _rules(self) -> Self:
        self._check_rules(
            self.days_without_follow_up,
            self.days_without_deal,
            self.warn_days_before,
            self.enabled,
        )
        return self


class PoolPolicyUpdate(_Write):
    days_without_follow_up: Days | None = None
    days_without_deal: Days | None = None
    warn_days_before: WarnDays | None = None
    enabled: bool | None = None
    version: int | None = Field(default=None, description="Expected current version (else 412)")


class PoolPolicyRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    level: str | None
    days_without_follow_up: int | None
    days_without_deal: int | None
    warn_days_before: int
    enabled: bool
    version: int
    created_at: datetime
    updated_at: datetime


class PoolCustomerRead(CustomerRead):
    previous_owner_id: uuid.UUID | None = Field(
        default=None, description="Who owned the customer before it went to the pool"
    )


class AssignRequest(_Write):
    user_id: uuid.UUID = Field(description="The new owner (within your data scope)")


class ReleaseRequest(_Write):
    reason: Annotated[str, Field(max_length=500)] | None = Field(
        default=None, description="Why the customer goes back to the pool (on its timeline)"
    )


class RoleCap(BaseModel):
    model_config = ConfigDict(extra="forbid")

    role_key: Annotated[str, Field(min_length=1, max_length=64)]
    max_customers: Cap


class OwnershipCaps(BaseModel):
    """How many live customers one user may own before claims (and assignments from the pool)
    to them are refused. A user with roles in ``roles`` gets the largest of those roles' caps;
    anyone else gets ``default``; no cap at all when it is null."""

    model_config = ConfigDict(extra="forbid")

    default: Cap | None = Field(default=None, description="The cap of users no role cap names")
    roles: list[RoleCap] = Field(default_factory=list, max_length=200)


class MyOwnership(BaseModel):
    cap: int | None = Field(description="Your cap (null: none)")
    owned: int = Field(description="Live customers you own now")


class OwnershipCapsRead(OwnershipCaps):
    mine: MyOwnership


class SweepResult(BaseModel):
    returned: int
    warned: int
