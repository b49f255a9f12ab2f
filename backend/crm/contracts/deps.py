"""Permission aliases of the contract template, contract and order routes."""

from typing import Annotated

from fastapi import Depends

from crm.core.permissions import Principal, authorize

ContractsRead = Annotated[Principal, Depends(authorize("contracts:read"))]
ContractsWrite = Annotated[Principal, Depends(authorize("contracts:write"))]
ContractsDelete = Annotated[Principal, Depends(authorize("contracts:delete"))]
# Templates are settings: read by whoever reads contracts, written by administrators.
SettingsAdmin = Annotated[Principal, Depends(authorize("admin:settings"))]
