"""Orders, their payment plans and payments. Every read goes through the data scope (orders
follow the ``contracts`` scope); payments lock the order row, so concurrent payments on one
order queue and neither overpays nor misses the moment the order becomes paid."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import date
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import Row, delete, select
from sqlalchemy.ext.asyncio import AsyncSession

from crm.contracts import lines as line_math
from crm.contracts import service as contract_service
from crm.contracts.lines import LineIn
from crm.contracts.numbering import next_number
from crm.core import audit, events
from crm.core.changes import record_change
from crm.core.concurrency import check_version
from crm.core.db import utcnow
from crm.core.errors import Conflict, Unprocessable, field_error
from crm.core.pagination import PageParams, paginate, select_columns, text_contains
from crm.core.permissions import Principal, readable
from crm.customers import service as customer_service

# The loaders live in deps.py; re-exported: other domains load through this service.
from crm.orders.deps import get_order as get_order
from crm.orders.models import Instalment, Order, Payment
from crm.orders.schemas import (
    InstalmentIn,
    InstalmentRead,
    OrderCreate,
    OrderFromContract,
    OrderSummary,
    OrderTransition,
    PaymentCreate,
    PaymentPlanIn,
    PaymentPlanRead,
)
from crm.settings import get_settings

ORDER_NUMBER_KIND = "DD"
# Allowed moves. "paid" is not set by hand: an order becomes paid when its payment plan is
# fully paid. Cancelling is for unpaid orders only (no payment recorded): once money came in,
# undoing it is a refund, which this domain does not model.
ORDER_TRANSITIONS: dict[str, tuple[str, ...]] = {
    "pending_payment": ("paid", "cancelled"),
    "paid": ("shipped",),
    "shipped": ("completed",),
    "completed": (),
    "cancelled": (),
}
_STAMPS = {"shipped": "shipped_at", "completed": "completed_at", "cancelled": "cancelled_at"}
ORDER_SORTS = {
    "created_at": Order.created_at,
    "updated_at": Order.updated_at,
    "number": Order.number,
}


# --- reading ------------------------------------------------------------------------------------


async def list_orders(
    session: AsyncSession,
    principal: Principal,
    *,
    params: PageParams,
    status: str | None,
    customer_id: uuid.UUID | None,
    contract_id: uuid.UUID | None,
) -> tuple[Sequence[Row[Any]], str | None, int | None]:
    stmt = readable(select_columns(OrderSummary, Order), Order, principal)
    filters = {Order.status: status, Order.customer_id: customer_id, Order.contract_id: contract_id}
    for column, value in filters.items():
        if value is not None:
            stmt = stmt.where(column == value)
    if params.q:
        stmt = stmt.where(text_contains(Order.number, params.q))
    return await paginate(
        session,
        stmt,
        params=params,
        id_column=Order.id,
        sortable=ORDER_SORTS,
        default_sort="-created_at",
    )


async def instalments_of(session: AsyncSession, order_id: uuid.UUID) -> list[Instalment]:
    rows = await session.execute(
        select(Instalment).where(Instalment.order_id == order_id).order_by(Instalment.position)
    )
    return list(rows.scalars())


async def payments_of(session: AsyncSession, order_id: uuid.UUID) -> list[Payment]:
    rows = await session.execute(
        select(Payment)
        .where(Payment.order_id == order_id)
        .order_by(Payment.received_at, Payment.id)
    )
    return list(rows.scalars())


def plan_view(order: Order, instalments: Sequence[Instalment]) -> PaymentPlanRead:
    paid = sum((i.paid_amount for i in instalments), Decimal("0"))
    return PaymentPlanRead(
        order_id=order.id,
        currency=order.currency,
        total=order.total,
        paid=paid,
        outstanding=order.total - paid,
        instalments=[
            InstalmentRead(
                id=i.id,
                position=i.position,
                kind=i.kind,
                due_date=i.due_date,
                amount=i.amount,
                paid_amount=i.paid_amount,
                outstanding=i.amount - i.paid_amount,
            )
            for i in instalments
        ],
    )


async def get_plan(
    session: AsyncSession, principal: Principal, *, order_id: uuid.UUID
) -> PaymentPlanRead:
    order = await get_order(session, principal, order_id)
    return plan_view(order, await instalments_of(session, order.id))


async def list_payments(
    session: AsyncSession, principal: Principal, *, order_id: uuid.UUID
) -> list[Payment]:
    order = await get_order(session, principal, order_id)
    return await payments_of(session, order.id)


# --- creating -----------------------------------------------------------------------------------


def _fx_rate(currency: str, fx_rate: Decimal | None) -> Decimal:
    """Orders in the company currency count at 1; others need the caller's rate to it."""
    if currency == get_settings().company_currency:
        if fx_rate is not None and fx_rate != 1:
            msg = f"An order in {currency}, the company currency, has an fx_rate of 1."
            raise Unprocessable(msg, errors=[field_error("fx_rate", msg)])
        return Decimal("1")
    if fx_rate is None:
        msg = (
            f"An order in {currency} needs fx_rate: {get_settings().company_currency} per "
            f"{currency}, for the customer's lifetime revenue."
        )
        raise Unprocessable(msg, errors=[field_error("fx_rate", msg)])
    return fx_rate


def today() -> date:
    return utcnow().astimezone(ZoneInfo(get_settings().timezone)).date()


async def _write_plan(
    session: AsyncSession, order: Order, plan: Sequence[InstalmentIn] | None
) -> list[Instalment]:
    """Replace the order's instalments with ``plan`` (default: one final payment due today),
    which must sum to the order's total."""
    if plan is None:
        plan = [InstalmentIn(kind="final", due_date=today(), amount=order.total)]
    planned = sum((i.amount for i in plan), Decimal("0"))
    if planned != order.total:
        msg = f"The instalments sum to {planned}, not to the order's total {order.total}."
        raise Unprocessable(msg, errors=[field_error("payment_plan", msg)])
    await session.execute(delete(Instalment).where(Instalment.order_id == order.id))
    rows = [
        Instalment(
            order_id=order.id,
            position=position,
            kind=item.kind,
            due_date=item.due_date,
            amount=item.amount,
            paid_amount=Decimal("0"),
        )
        for position, item in enumerate(plan, start=1)
    ]
    session.add_all(rows)
    await session.flush()
    return rows


async def _build_order(
    session: AsyncSession,
    principal: Principal,
    *,
    customer_id: uuid.UUID,
    owner_id: uuid.UUID | None,
    department_id: uuid.UUID | None,
    lines: Sequence[LineIn],
    currency: str,
    fx_rate: Decimal | None,
    plan: Sequence[InstalmentIn] | None,
    notes: str | None,
    contract_id: uuid.UUID | None = None,
) -> Order:
    stored, total = line_math.priced_lines(lines)
    if total <= 0:
        msg = "An order's total must be above zero."
        raise Unprocessable(msg, errors=[field_error("lines", msg)])
    order = Order(
        number=await next_number(session, ORDER_NUMBER_KIND),
        customer_id=customer_id,
        contract_id=contract_id,
        currency=currency,
        fx_rate=_fx_rate(currency, fx_rate),
        lines=stored,
        total=total,
        status="pending_payment",
        notes=notes,
        owner_id=owner_id,
        department_id=department_id,
    )
    session.add(order)
    await contract_service.ensure_visible(session, principal, order)
    await _write_plan(session, order, plan)
    record_change(
        session,
        action="create",
        object_type="order",
        object_id=order.id,
        after=audit.snapshot(order),
        payload={
            "customer_id": str(customer_id),
            "number": order.number,
            "contract_id": str(contract_id) if contract_id else None,
        },
    )
    return order


async def create_order(session: AsyncSession, principal: Principal, *, data: OrderCreate) -> Order:
    """A direct order; it belongs to the customer's owner."""
    customer = await customer_service.referenced_customer(session, principal, data.customer_id)
    return await _build_order(
        session,
        principal,
        customer_id=customer.id,
        owner_id=customer.owner_id,
        department_id=customer.department_id,
        lines=data.lines,
        currency=data.currency,
        fx_rate=data.fx_rate,
        plan=data.payment_plan,
        notes=data.notes,
    )


async def order_from_contract(
    session: AsyncSession, principal: Principal, *, contract_id: uuid.UUID, data: OrderFromContract
) -> Order:
    """An order with a signed contract's lines; it belongs to the contract's owner."""
    contract = await contract_service.get_contract(session, principal, contract_id)
    if contract.status != "signed":
        raise Conflict(f"Orders are made from signed contracts; this one is {contract.status}.")
    if not contract.lines:
        raise Conflict("The contract has no lines to order.")
    return await _build_order(
        session,
        principal,
        customer_id=contract.customer_id,
        owner_id=contract.owner_id,
        department_id=contract.department_id,
        lines=line_math.restate(contract.lines),
        currency=contract.currency,
        fx_rate=data.fx_rate,
        plan=data.payment_plan,
        notes=data.notes,
        contract_id=contract.id,
    )


# --- status -------------------------------------------------------------------------------------


def _set_status(session: AsyncSession, order: Order, status: str) -> None:
    before = audit.snapshot(order)
    previous = order.status
    order.status = status
    now = utcnow()
    if status == "paid":
        order.paid_at = now
    elif status in _STAMPS:
        setattr(order, _STAMPS[status], now)
    audit.record(
        session,
        action="status_change",
        object_type="order",
        object_id=order.id,
        before=before,
        after=audit.snapshot(order),
    )
    payload = {
        "customer_id": str(order.customer_id),
        "number": order.number,
        "from": previous,
        "to": status,
    }
    events.emit(
        session, "order.status_changed", object_type="order", object_id=order.id, payload=payload
    )
    if status == "paid":
        events.emit(
            session,
            "order.paid",
            object_type="order",
            object_id=order.id,
            payload={**payload, "total": str(order.total), "currency": order.currency},
        )


async def transition_order(
    session: AsyncSession,
    principal: Principal,
    *,
    order_id: uuid.UUID,
    data: OrderTransition,
    if_match: int | None,
) -> Order:
    order = await get_order(session, principal, order_id, for_update=True)
    check_version(order, if_match, data.version)
    allowed = ORDER_TRANSITIONS[order.status]
    if data.status not in allowed:
        raise Conflict(
            f"A {order.status} order cannot become {data.status}; allowed: "
            f"{', '.join(allowed) or 'none'}.",
            extra={"allowed": list(allowed)},
        )
    if data.status == "paid":
        raise Conflict(
            "An order becomes paid when its payment plan is fully paid: record the payments.",
            extra={"allowed": [s for s in allowed if s != "paid"]},
        )
    if data.status == "cancelled" and any(
        i.paid_amount > 0 for i in await instalments_of(session, order.id)
    ):
        raise Conflict("Payments were received on this order: it can no longer be cancelled.")
    _set_status(session, order, data.status)
    await session.flush()
    return order


# --- the payment plan and payments --------------------------------------------------------------


async def set_plan(
    session: AsyncSession, principal: Principal, *, order_id: uuid.UUID, data: PaymentPlanIn
) -> PaymentPlanRead:
    order = await get_order(session, principal, order_id, for_update=True)
    if order.status != "pending_payment":
        raise Conflict(f"The payment plan of a {order.status} order is settled.")
    before = [audit.snapshot(i) for i in await instalments_of(session, order.id)]
    if any(Decimal(str(i["paid_amount"])) > 0 for i in before):
        raise Conflict("Payments were received against this plan: it can no longer be replaced.")
    rows = await _write_plan(session, order, data.instalments)
    record_change(
        session,
        action="update",
        object_type="payment_plan",
        object_id=order.id,
        before={"instalments": before},
        after={"instalments": [audit.snapshot(i) for i in rows]},
        payload={"customer_id": str(order.customer_id), "order_id": str(order.id)},
    )
    return plan_view(order, rows)


async def record_payment(
    session: AsyncSession, principal: Principal, *, order_id: uuid.UUID, data: PaymentCreate
) -> Payment:
    """Record money received against one instalment: partial payments are fine, more than the
    instalment's outstanding amount is refused. Paying the last cent makes the order paid."""
    order = await get_order(session, principal, order_id, for_update=True)
    if order.status != "pending_payment":
        raise Conflict(f"A {order.status} order takes no more payments.")
    instalment = (
        await session.execute(
            select(Instalment)
            .where(Instalment.id == data.instalment_id, Instalment.order_id == order.id)
            .with_for_update()
        )
    ).scalar_one_or_none()
    if instalment is None:
        msg = "No such instalment on this order."
        raise Unprocessable(msg, errors=[field_error("instalment_id", msg)])
    outstanding = instalment.amount - instalment.paid_amount
    if data.amount > outstanding:
        msg = (
            f"The instalment has {outstanding} {order.currency} outstanding; "
            f"{data.amount} would overpay it."
        )
        raise Unprocessable(
            msg, errors=[field_error("amount", msg)], extra={"outstanding": str(outstanding)}
        )
    instalment.paid_amount += data.amount
    payment = Payment(
        order_id=order.id,
        instalment_id=instalment.id,
        amount=data.amount,
        received_at=data.received_at or utcnow(),
        method=data.method,
        reference=data.reference,
        recorded_by=principal.user_id,
    )
    session.add(payment)
    await session.flush()
    record_change(
        session,
        action="create",
        object_type="payment",
        object_id=payment.id,
        after=audit.snapshot(payment),
        payload={
            "customer_id": str(order.customer_id),
            "order_id": str(order.id),
            "amount": str(payment.amount),
        },
    )
    instalments = await instalments_of(session, order.id)
    if all(i.paid_amount >= i.amount for i in instalments):
        _set_status(session, order, "paid")
        await session.flush()
    return payment
