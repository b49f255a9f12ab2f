"""Permission aliases and record loaders of the sales routes."""

import uuid
from typing import Annotated

from fastapi import Depends
from sqlalchemy.ext.asyncio import AsyncSession

from crm.core.permissions import Principal, authorize, get_visible
from crm.sales.models import Deal

DealsRead = Annotated[Principal, Depends(authorize("deals:read"))]
DealsWrite = Annotated[Principal, Depends(authorize("deals:write"))]
DealsDelete = Annotated[Principal, Depends(authorize("deals:delete"))]
# Pipelines are configuration: everyone who works with deals reads them, administrators
# (admin:settings) change them.
PipelinesAdmin = Annotated[Principal, Depends(authorize("admin:settings"))]


async def get_deal(
    session: AsyncSession, principal: Principal, deal_id: uuid.UUID, *, for_update: bool = False
) -> Deal:
    """The deal if the principal may see it; otherwise 404, as if it did not exist."""
    return await get_visible(
        session, Deal, deal_id, principal, not_found="No such deal.", for_update=for_update
    )
