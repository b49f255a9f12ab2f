"""Permission aliases of the quote routes."""

from typing import Annotated

from fastapi import Depends

from crm.core.permissions import Principal, authorize

QuotesRead = Annotated[Principal, Depends(authorize("quotes:read"))]
QuotesWrite = Annotated[Principal, Depends(authorize("quotes:write"))]
