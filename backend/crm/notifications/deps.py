"""Permission aliases of the notification routes."""

from typing import Annotated

from fastapi import Depends

from crm.core.permissions import Principal, authorize

# Every user holds it (a personal permission); an API key only when it is granted.
NotificationsRead = Annotated[Principal, Depends(authorize("notifications:read"))]
