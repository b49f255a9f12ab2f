"""Permission aliases of the lead routes."""

from typing import Annotated

from fastapi import Depends

from crm.core.permissions import Principal, authorize

LeadsRead = Annotated[Principal, Depends(authorize("leads:read"))]
# Also what claiming a pool lead takes: the pool is open to everyone who works leads.
LeadsWrite = Annotated[Principal, Depends(authorize("leads:write"))]
LeadsDelete = Annotated[Principal, Depends(authorize("leads:delete"))]
# Handing a lead to someone else, and the assignment rules.
LeadsAssign = Annotated[Principal, Depends(authorize("leads:assign"))]
