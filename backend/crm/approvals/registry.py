"""The approval policy registry.

An approvable object type (a quote, later a contract or a refund) subclasses
:class:`ApprovalPolicy` and calls :func:`register` at import time. The approvals service asks
the policy whether an object needs approval and who approves it, and calls the policy back when
a request is decided, in the decision's transaction: the object's state follows the decision
atomically. Approvals never import a domain; domains import approvals (identity sits below).
"""

from __future__ import annotations

import uuid
from abc import ABC, abstractmethod
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, ClassVar

from pydantic import BaseModel, ConfigDict
from sqlalchemy.ext.asyncio import AsyncSession

if TYPE_CHECKING:
    from crm.approvals.models import ApprovalRequest
    from crm.core.permissions import Principal


@dataclass(frozen=True)
class Approvers:
    """Who may decide: one user, or every holder of a role (with approvals:decide)."""

    user_id: uuid.UUID | None = None
    role_key: str | None = None


@dataclass(frozen=True)
class PolicyConfig:
    approver_role: str | None
    params: BaseModel


class NoParams(BaseModel):
    model_config = ConfigDict(extra="forbid")


class ApprovalPolicy(ABC):
    key: ClassVar[str]  # the policy's key, e.g. "quote_discount"
    object_type: ClassVar[str]  # the approvable object type, e.g. "quote"
    title: ClassVar[str] = ""
    # Administrator-configurable parameters, with their defaults.
    params_model: ClassVar[type[BaseModel]] = NoParams

    @abstractmethod
    async def needs_approval(
        self, session: AsyncSession, obj: Any, config: PolicyConfig
    ) -> str | None:
        """Why ``obj`` needs approval, or None when it does not."""

    @abstractmethod
    async def approvers(self, session: AsyncSession, obj: Any, config: PolicyConfig) -> Approvers:
        """Who decides for ``obj`` (``config.approver_role`` overrides when set)."""

    @abstractmethod
    def summary(self, obj: Any) -> str:
        """One line naming the object, for the approver's inbox."""

    def details(self, obj: Any, config: PolicyConfig) -> dict[str, Any]:
        """Facts the approver sees next to the request (JSON-ready)."""
        return {}

    def link(self, obj: Any) -> str | None:
        return None

    @abstractmethod
    async def on_decided(
        self, session: AsyncSession, request: ApprovalRequest, principal: Principal
    ) -> None:
        """The request was approved or rejected (``request.status``): update the object."""


_POLICIES: dict[str, ApprovalPolicy] = {}


def register(policy: ApprovalPolicy) -> ApprovalPolicy:
    assert policy.key not in _POLICIES, f"approval policy {policy.key} registered twice"
    _POLICIES[policy.key] = policy
    return policy


def get(key: str) -> ApprovalPolicy | None:
    return _POLICIES.get(key)


def policies() -> list[ApprovalPolicy]:
    return sorted(_POLICIES.values(), key=lambda p: p.key)
