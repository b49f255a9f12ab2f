"""Permission aliases and record loaders of the customer routes."""

import uuid
from typing import Annotated

from fastapi import Depends
from sqlalchemy.ext.asyncio import AsyncSession

from crm.core.permissions import Principal, authorize, get_visible
from crm.customers.models import Contact, Customer

CustomersRead = Annotated[Principal, Depends(authorize("customers:read"))]
CustomersWrite = Annotated[Principal, Depends(authorize("customers:write"))]
CustomersDelete = Annotated[Principal, Depends(authorize("customers:delete"))]
ContactsRead = Annotated[Principal, Depends(authorize("contacts:read"))]
ContactsWrite = Annotated[Principal, Depends(authorize("contacts:write"))]
ContactsDelete = Annotated[Principal, Depends(authorize("contacts:delete"))]
# Merging duplicates (and undoing a merge, scanning for duplicates) needs its own permission:
# a merge deletes records and moves others, more than writing one customer.
CustomersMerge = Annotated[Principal, Depends(authorize("customers:merge"))]


async def get_customer(
    session: AsyncSession, principal: Principal, customer_id: uuid.UUID, *, for_update: bool = False
) -> Customer:
    """The customer if the principal may see it; otherwise 404, exactly as if it did not exist."""
    return await get_visible(
        session,
        Customer,
        customer_id,
        principal,
        not_found="No such customer.",
        for_update=for_update,
    )


async def get_contact(
    session: AsyncSession, principal: Principal, contact_id: uuid.UUID, *, for_update: bool = False
) -> Contact:
    return await get_visible(
        session, Contact, contact_id, principal, not_found="No such contact.", for_update=for_update
    )
