"""Permission aliases of the approval routes."""

from typing import Annotated

from fastapi import Depends

from crm.core.permissions import Principal, authorize

ApprovalsDecide = Annotated[Principal, Depends(authorize("approvals:decide"))]
SettingsAdmin = Annotated[Principal, Depends(authorize("admin:settings"))]
