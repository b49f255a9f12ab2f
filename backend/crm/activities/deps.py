"""Permission aliases and record loaders of the activity, task and reminder-settings routes."""

import uuid
from typing import Annotated

from fastapi import Depends
from sqlalchemy.ext.asyncio import AsyncSession

from crm.activities.models import Activity
from crm.core.permissions import Principal, authorize, get_visible

ActivitiesRead = Annotated[Principal, Depends(authorize("activities:read"))]
ActivitiesWrite = Annotated[Principal, Depends(authorize("activities:write"))]
ActivitiesDelete = Annotated[Principal, Depends(authorize("activities:delete"))]
TasksRead = Annotated[Principal, Depends(authorize("tasks:read"))]
TasksWrite = Annotated[Principal, Depends(authorize("tasks:write"))]
SettingsAdmin = Annotated[Principal, Depends(authorize("admin:settings"))]


async def get_activity(
    session: AsyncSession, principal: Principal, activity_id: uuid.UUID, *, for_update: bool = False
) -> Activity:
    return await get_visible(
        session,
        Activity,
        activity_id,
        principal,
        not_found="No such activity.",
        for_update=for_update,
    )
