"""Permission aliases of the catalogue routes."""

from typing import Annotated

from fastapi import Depends

from crm.core.permissions import Principal, authorize

ProductsRead = Annotated[Principal, Depends(authorize("products:read"))]
ProductsWrite = Annotated[Principal, Depends(authorize("products:write"))]
