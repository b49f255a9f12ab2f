"""Permission aliases of the activity, task and reminder-settings routes."""

from typing import Annotated

from fastapi import Depends

from crm.core.permissions import Principal, authorize

ActivitiesRead = Annotated[Principal, Depends(authorize("activities:read"))]
ActivitiesWrite = Annotated[Principal, Depends(authorize("activities:write"))]
ActivitiesDelete = Annotated[Principal, Depends(authorize("activities:delete"))]
TasksRead = Annotated[Principal, Depends(authorize("tasks:read"))]
TasksWrite = Annotated[Principal, Depends(authorize("tasks:write"))]
SettingsAdmin = Annotated[Principal, Depends(authorize("admin:settings"))]
