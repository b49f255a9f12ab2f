"""The quote discount approval policy, registered with the generic approvals registry.

A quote whose effective discount (line discounts, price overrides and the quote discount,
against the list prices) is above the threshold (default 15 %; ``PUT
/api/v1/approval-policies/quote_discount``) needs approval. The approver is the configured
approver role when set, else the deal owner's manager, else the administrators (role
``admin``) when the owner has no manager.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from crm.approvals import registry
from crm.approvals.models import ApprovalRequest
from crm.approvals.registry import ApprovalPolicy, Approvers, PolicyConfig
from crm.core import audit
from crm.core.changes import record_change
from crm.core.permissions import Principal
from crm.identity.models import User
from crm.quotes.models import Quote
from crm.quotes.pricing import HUNDRED
from crm.sales.models import Deal

POLICY_KEY = "quote_discount"
FALLBACK_ROLE = "admin"


class QuoteDiscountParams(BaseModel):
    model_config = ConfigDict(extra="forbid")

    discount_threshold_percent: Annotated[
        Decimal, Field(ge=0, le=100, max_digits=5, decimal_places=2)
    ] = Decimal("15")


def effective_discount(quote: Quote) -> Decimal:
    """Exact, from the stored cent amounts (the stored percent is rounded for display)."""
    if quote.list_total <= 0:
        return Decimal("0")
    net = quote.subtotal - quote.discount_amount
    return (quote.list_total - net) * HUNDRED / quote.list_total


class QuoteDiscountPolicy(ApprovalPolicy):
    key = POLICY_KEY
    object_type = "quote"
    title = "Quote discount above the threshold"
    params_model = QuoteDiscountParams

    @staticmethod
    def _threshold(config: PolicyConfig) -> Decimal:
        assert isinstance(config.params, QuoteDiscountParams)
        return config.params.discount_threshold_percent

    async def needs_approval(
        self, session: AsyncSession, obj: Any, config: PolicyConfig
    ) -> str | None:
        discount = effective_discount(obj)
        threshold = self._threshold(config)
        if discount <= threshold:
            return None
        return (
            f"The effective discount of {discount.quantize(Decimal('0.01'))} % is above the "
            f"{threshold} % threshold."
        )

    async def approvers(self, session: AsyncSession, obj: Any, config: PolicyConfig) -> Approvers:
        if config.approver_role is not None:
            return Approvers(role_key=config.approver_role)
        manager_id = (
            await session.execute(
                select(User.manager_id)
                .join(Deal, Deal.owner_id == User.id)
                .where(Deal.id == obj.deal_id)
            )
        ).scalar_one_or_none()
        if manager_id is not None:
            manager = await session.get(User, manager_id)
            if manager is not None and manager.deleted_at is None and manager.is_active:
                return Approvers(user_id=manager.id)
        return Approvers(role_key=FALLBACK_ROLE)

    def summary(self, obj: Any) -> str:
        return (
            f"Quote {obj.number} (revision {obj.revision}): {obj.total} {obj.currency}, "
            f"discount {obj.effective_discount_percent.quantize(Decimal('0.01'))} %"
        )

    def details(self, obj: Any, config: PolicyConfig) -> dict[str, Any]:
        return {
            "quote_id": str(obj.id),
            "deal_id": str(obj.deal_id),
            "number": obj.number,
            "revision": obj.revision,
            "total": str(obj.total),
            "currency": obj.currency,
            "effective_discount_percent": str(obj.effective_discount_percent),
            "threshold_percent": str(self._threshold(config)),
        }

    def link(self, obj: Any) -> str | None:
        return f"/quotes/{obj.id}"

    async def on_decided(
        self, session: AsyncSession, request: ApprovalRequest, principal: Principal
    ) -> None:
        quote = await session.get(Quote, request.object_id, with_for_update=True)
        if quote is None or quote.status != "pending_approval":
            return  # the quote moved on (nothing else changes a pending quote, but be safe)
        before = audit.snapshot(quote)
        quote.status = "approved" if request.status == "approved" else "rejected"
        quote.decision_comment = request.comment
        await session.flush()
        record_change(
            session,
            action="approve" if request.status == "approved" else "reject",
            object_type="quote",
            object_id=quote.id,
            before=before,
            after=audit.snapshot(quote),
            extra={"approval_id": str(request.id)},
            payload={"deal_id": str(quote.deal_id), "approval_id": str(request.id)},
        )


registry.register(QuoteDiscountPolicy())
