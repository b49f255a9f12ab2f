"""The customer's read-only view of an order, through an unguessable, expiring, revocable link.

The token (256 random bits) is shown once; the database keeps its SHA-256, so links are looked
up by hash and a stolen database opens none of them. A wrong, expired or revoked token, or one
of a deleted order, is the same 404: nothing tells a guesser which of them it hit.
"""

from __future__ import annotations

import hashlib
import secrets
import uuid
from datetime import timedelta
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from crm.contracts.lines import LineRead
from crm.core import audit
from crm.core.changes import record_change
from crm.core.db import utcnow
from crm.core.errors import NotFound
from crm.core.permissions import Principal, get_or_404
from crm.orders import service
from crm.orders.models import Order, PortalLink
from crm.orders.schemas import (
    PortalInstalment,
    PortalLinkCreate,
    PortalLinkCreated,
    PortalLinkRead,
    PortalOrder,
    PortalPayment,
)
from crm.settings import get_settings

# The page the customer opens (the SPA's public route), and the JSON it reads.
PORTAL_PAGE_PATH = "/portal/orders/"
PORTAL_API_PATH = "/api/v1/portal/orders/"


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


async def create_link(
    session: AsyncSession, principal: Principal, *, order_id: uuid.UUID, data: PortalLinkCreate
) -> PortalLinkCreated:
    order = await service.get_order(session, principal, order_id)
    days = data.expires_in_days or get_settings().portal_link_default_days
    token = secrets.token_urlsafe(32)
    link = PortalLink(
        order_id=order.id,
        token_hash=token_hash(token),
        expires_at=utcnow() + timedelta(days=days),
        created_by=principal.user_id,
    )
    session.add(link)
    await session.flush()
    record_change(
        session,
        action="create",
        object_type="portal_link",
        object_id=link.id,
        after=audit.snapshot(link),  # the hash only: audit.snapshot has no token to leak
        payload={"order_id": str(order.id), "expires_at": link.expires_at.isoformat()},
    )
    return PortalLinkCreated(
        **PortalLinkRead.model_validate(link).model_dump(),
        token=token,
        url=PORTAL_PAGE_PATH + token,
        api_url=PORTAL_API_PATH + token,
    )


async def list_links(
    session: AsyncSession, principal: Principal, *, order_id: uuid.UUID
) -> list[PortalLink]:
    order = await service.get_order(session, principal, order_id)
    rows = await session.execute(
        select(PortalLink).where(PortalLink.order_id == order.id).order_by(PortalLink.created_at)
    )
    return list(rows.scalars())


async def revoke_link(
    session: AsyncSession, principal: Principal, *, order_id: uuid.UUID, link_id: uuid.UUID
) -> None:
    order = await service.get_order(session, principal, order_id)
    link = await get_or_404(
        session,
        PortalLink,
        link_id,
        not_found="No such portal link.",
        for_update=True,
        where=PortalLink.order_id == order.id,
    )
    if link.revoked_at is not None:
        return  # revoking twice is the same as once
    before = audit.snapshot(link)
    link.revoked_at = utcnow()
    await session.flush()
    record_change(
        session,
        action="revoke",
        object_type="portal_link",
        object_id=link.id,
        before=before,
        after=audit.snapshot(link),
        payload={"order_id": str(order.id)},
    )


async def portal_order(session: AsyncSession, *, token: str) -> PortalOrder:
    """The order behind a valid link, as the customer may see it: no owner, no notes, no ids."""
    now = utcnow()
    if len(token) > 200:
        raise NotFound("No such order link, or it has expired.")
    row = (
        await session.execute(
            select(PortalLink, Order)
            .join(Order, Order.id == PortalLink.order_id)
            .where(
                PortalLink.token_hash == token_hash(token),
                PortalLink.revoked_at.is_(None),
                PortalLink.expires_at > now,
                Order.deleted_at.is_(None),
            )
        )
    ).first()
    if row is None:
        raise NotFound("No such order link, or it has expired.")
    link, order = row
    link.last_used_at = now
    instalments = await service.instalments_of(session, order.id)
    payments = await service.payments_of(session, order.id)
    paid = sum((i.paid_amount for i in instalments), Decimal("0"))
    return PortalOrder(
        number=order.number,
        status=order.status,
        currency=order.currency,
        lines=[LineRead.model_validate(line) for line in order.lines],
        total=order.total,
        paid=paid,
        outstanding=order.total - paid,
        created_at=order.created_at,
        payment_plan=[
            PortalInstalment(
                kind=i.kind,
                due_date=i.due_date,
                amount=i.amount,
                paid_amount=i.paid_amount,
                outstanding=i.amount - i.paid_amount,
            )
            for i in instalments
        ],
        payments=[PortalPayment(amount=p.amount, received_at=p.received_at) for p in payments],
    )
