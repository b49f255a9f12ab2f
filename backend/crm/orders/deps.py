"""Permission aliases and the record loader of the order routes: orders follow the contracts
permissions and scope (the permission catalogue has no separate "orders" resource)."""

import uuid

from sqlalchemy.ext.asyncio import AsyncSession

from crm.contracts.deps import ContractsRead as OrdersRead
from crm.contracts.deps import ContractsWrite as OrdersWrite
from crm.core.permissions import Principal, get_visible
from crm.orders.models import Order

__all__ = ["OrdersRead", "OrdersWrite", "get_order"]


async def get_order(
    session: AsyncSession, principal: Principal, order_id: uuid.UUID, *, for_update: bool = False
) -> Order:
    return await get_visible(
        session, Order, order_id, principal, not_found="No such order.", for_update=for_update
    )
