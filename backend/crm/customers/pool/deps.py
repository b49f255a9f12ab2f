"""Permission aliases of the customer pool routes."""

from typing import Annotated

from fastapi import Depends

from crm.core.permissions import Principal, authorize

CustomersRead = Annotated[Principal, Depends(authorize("customers:read"))]
CustomersWrite = Annotated[Principal, Depends(authorize("customers:write"))]
CustomersClaim = Annotated[Principal, Depends(authorize("customers:claim"))]
CustomersAssign = Annotated[Principal, Depends(authorize("customers:assign"))]
AdminSettings = Annotated[Principal, Depends(authorize("admin:settings"))]
