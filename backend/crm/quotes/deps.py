"""Permission aliases and record loaders of the quote routes."""

import uuid
from typing import Annotated

from fastapi import Depends
from sqlalchemy.ext.asyncio import AsyncSession

from crm.core.permissions import Principal, authorize, get_visible
from crm.quotes.models import Quote

QuotesRead = Annotated[Principal, Depends(authorize("quotes:read"))]
QuotesWrite = Annotated[Principal, Depends(authorize("quotes:write"))]


async def get_quote(
    session: AsyncSession, principal: Principal, quote_id: uuid.UUID, *, for_update: bool = False
) -> Quote:
    return await get_visible(
        session, Quote, quote_id, principal, not_found="No such quote.", for_update=for_update
    )
