"""HTTP routes of orders, payment plans, payments, portal links, the customer portal and the
receivables report."""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Query, Response

from crm.contracts.deps import ContractsRead, ContractsWrite
from crm.core.concurrency import IfMatchVersion, set_etag
from crm.core.dates import StrictDate
from crm.core.deps import SessionDep
from crm.core.pagination import Page, PageParamsDep, page_response
from crm.customers import service as customer_service
from crm.orders import portal, receivables, service
from crm.orders.models import Order
from crm.orders.schemas import (
    OrderCreate,
    OrderFromContract,
    OrderRead,
    OrderStatus,
    OrderSummary,
    OrderTransition,
    PaymentCreate,
    PaymentPlanIn,
    PaymentPlanRead,
    PaymentRead,
    PortalLinkCreate,
    PortalLinkCreated,
    PortalLinkRead,
    PortalOrder,
    ReceivablesReport,
)

router = APIRouter(prefix="/api/v1")


@router.get(
    "/orders", response_model=Page[OrderSummary], tags=["orders"], operation_id="orders-list"
)
async def list_orders(
    session: SessionDep,
    principal: ContractsRead,
    params: PageParamsDep,
    status: OrderStatus | None = None,
    customer_id: uuid.UUID | None = None,
    contract_id: uuid.UUID | None = None,
) -> Response:
    page = await service.list_orders(
        session,
        principal,
        params=params,
        status=status,
        customer_id=customer_id,
        contract_id=contract_id,
    )
    names = await customer_service.customer_name_column(session, page[0])
    return page_response(page, OrderSummary, Order, computed=names)


@router.post(
    "/orders",
    response_model=OrderRead,
    status_code=201,
    tags=["orders"],
    operation_id="orders-create",
)
async def create_order(
    session: SessionDep, principal: ContractsWrite, body: OrderCreate, response: Response
) -> OrderRead:
    order = await service.create_order(session, principal, data=body)
    set_etag(response, order)
    return OrderRead.model_validate(order)


@router.post(
    "/contracts/{contract_id}/orders",
    response_model=OrderRead,
    status_code=201,
    tags=["orders"],
    operation_id="orders-create-from-contract",
)
async def create_order_from_contract(
    session: SessionDep,
    principal: ContractsWrite,
    contract_id: uuid.UUID,
    body: OrderFromContract,
    response: Response,
) -> OrderRead:
    order = await service.order_from_contract(
        session, principal, contract_id=contract_id, data=body
    )
    set_etag(response, order)
    return OrderRead.model_validate(order)


@router.get(
    "/orders/{order_id}", response_model=OrderRead, tags=["orders"], operation_id="orders-get"
)
async def get_order(
    session: SessionDep, principal: ContractsRead, order_id: uuid.UUID, response: Response
) -> OrderRead:
    order = await service.get_order(session, principal, order_id)
    set_etag(response, order)
    return OrderRead.model_validate(order)


@router.post(
    "/orders/{order_id}/transition",
    response_model=OrderRead,
    tags=["orders"],
    operation_id="orders-transition",
    description="pending_payment → paid (only by payments) → shipped → completed; "
    "pending_payment → cancelled while no payment was received. Other moves: 409 naming the "
    "allowed ones.",
)
async def transition_order(
    session: SessionDep,
    principal: ContractsWrite,
    order_id: uuid.UUID,
    body: OrderTransition,
    if_match: IfMatchVersion,
    response: Response,
) -> OrderRead:
    order = await service.transition_order(
        session, principal, order_id=order_id, data=body, if_match=if_match
    )
    set_etag(response, order)
    return OrderRead.model_validate(order)


@router.get(
    "/orders/{order_id}/payment-plan",
    response_model=PaymentPlanRead,
    tags=["orders"],
    operation_id="orders-get-payment-plan",
)
async def get_payment_plan(
    session: SessionDep, principal: ContractsRead, order_id: uuid.UUID
) -> PaymentPlanRead:
    return await service.get_plan(session, principal, order_id=order_id)


@router.put(
    "/orders/{order_id}/payment-plan",
    response_model=PaymentPlanRead,
    tags=["orders"],
    operation_id="orders-set-payment-plan",
    description="Replace the instalments (they must sum to the total) while no payment was "
    "received.",
)
async def set_payment_plan(
    session: SessionDep, principal: ContractsWrite, order_id: uuid.UUID, body: PaymentPlanIn
) -> PaymentPlanRead:
    return await service.set_plan(session, principal, order_id=order_id, data=body)


@router.get(
    "/orders/{order_id}/payments",
    response_model=list[PaymentRead],
    tags=["orders"],
    operation_id="orders-list-payments",
)
async def list_payments(
    session: SessionDep, principal: ContractsRead, order_id: uuid.UUID
) -> list[PaymentRead]:
    payments = await service.list_payments(session, principal, order_id=order_id)
    return [PaymentRead.model_validate(p) for p in payments]


@router.post(
    "/orders/{order_id}/payments",
    response_model=PaymentRead,
    status_code=201,
    tags=["orders"],
    operation_id="orders-record-payment",
    description="Partial payments are accepted; more than the instalment's outstanding amount "
    "is a 422 naming it. The payment completing the plan makes the order paid.",
)
async def record_payment(
    session: SessionDep, principal: ContractsWrite, order_id: uuid.UUID, body: PaymentCreate
) -> PaymentRead:
    payment = await service.record_payment(session, principal, order_id=order_id, data=body)
    return PaymentRead.model_validate(payment)


@router.get(
    "/orders/{order_id}/portal-links",
    response_model=list[PortalLinkRead],
    tags=["orders"],
    operation_id="orders-list-portal-links",
)
async def list_portal_links(
    session: SessionDep, principal: ContractsRead, order_id: uuid.UUID
) -> list[PortalLinkRead]:
    links = await portal.list_links(session, principal, order_id=order_id)
    return [PortalLinkRead.model_validate(link) for link in links]


@router.post(
    "/orders/{order_id}/portal-links",
    response_model=PortalLinkCreated,
    status_code=201,
    tags=["orders"],
    operation_id="orders-create-portal-link",
    description="A read-only link for the customer. The token is in this response only.",
)
async def create_portal_link(
    session: SessionDep, principal: ContractsWrite, order_id: uuid.UUID, body: PortalLinkCreate
) -> PortalLinkCreated:
    return await portal.create_link(session, principal, order_id=order_id, data=body)


@router.delete(
    "/orders/{order_id}/portal-links/{link_id}",
    status_code=204,
    tags=["orders"],
    operation_id="orders-revoke-portal-link",
)
async def revoke_portal_link(
    session: SessionDep, principal: ContractsWrite, order_id: uuid.UUID, link_id: uuid.UUID
) -> Response:
    await portal.revoke_link(session, principal, order_id=order_id, link_id=link_id)
    return Response(status_code=204)


@router.get(
    "/portal/orders/{token}",
    response_model=PortalOrder,
    tags=["portal"],
    operation_id="portal-get-order",
    description="No sign-in: the token is the credential. Wrong, expired and revoked tokens "
    "are all the same 404.",
)
async def portal_get_order(
    session: SessionDep,
    token: str,
    response: Response,
) -> PortalOrder:
    # The page is the customer's: keep it out of shared caches and referrer headers.
    response.headers["Cache-Control"] = "no-store"
    response.headers["Referrer-Policy"] = "no-referrer"
    return await portal.portal_order(session, token=token)


@router.get(
    "/reports/receivables",
    response_model=ReceivablesReport,
    tags=["reports"],
    operation_id="reports-receivables",
)
async def receivables_report(
    session: SessionDep,
    principal: ContractsRead,
    as_of: Annotated[StrictDate | None, Query(description="Default: today")] = None,
    customer_id: uuid.UUID | None = None,
    owner_id: uuid.UUID | None = None,
) -> ReceivablesReport:
    return await receivables.receivables(
        session,
        principal,
        as_of=as_of or service.today(),
        customer_id=customer_id,
        owner_id=owner_id,
    )
