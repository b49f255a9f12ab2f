"""Permission aliases and record loaders of the contract template, contract and order routes."""

import uuid
from typing import Annotated

from fastapi import Depends
from sqlalchemy.ext.asyncio import AsyncSession

from crm.contracts.models import Contract
from crm.core.permissions import Principal, authorize, get_visible

ContractsRead = Annotated[Principal, Depends(authorize("contracts:read"))]
ContractsWrite = Annotated[Principal, Depends(authorize("contracts:write"))]
ContractsDelete = Annotated[Principal, Depends(authorize("contracts:delete"))]
# Templates are settings: read by whoever reads contracts, written by administrators.
SettingsAdmin = Annotated[Principal, Depends(authorize("admin:settings"))]


async def get_contract(
    session: AsyncSession, principal: Principal, contract_id: uuid.UUID, *, for_update: bool = False
) -> Contract:
    return await get_visible(
        session,
        Contract,
        contract_id,
        principal,
        not_found="No such contract.",
        for_update=for_update,
    )
