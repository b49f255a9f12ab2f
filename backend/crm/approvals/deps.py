"""Permission aliases of the approval routes."""

from typing import Annotated

from fastapi import Depends

from crm.core.permissions import Principal, authorize

# Every user holds it for their inbox and requests (a personal permission); an API key only
# when it is granted.
ApprovalsRead = Annotated[Principal, Depends(authorize("approvals:read"))]
ApprovalsDecide = Annotated[Principal, Depends(authorize("approvals:decide"))]
SettingsAdmin = Annotated[Principal, Depends(authorize("admin:settings"))]
