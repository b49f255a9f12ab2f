"""HTTP routes of notifications: every signed-in user reads and marks their own."""

from __future__ import annotations

import uuid

from fastapi import APIRouter, Response

from crm.core.deps import SessionDep
from crm.core.pagination import Page, PageParamsDep, page_response
from crm.notifications import service
from crm.notifications.deps import NotificationsRead
from crm.notifications.schemas import NotificationRead, ReadAllResult, UnreadCount

router = APIRouter(prefix="/api/v1", tags=["notifications"])


@router.get(
    "/notifications", response_model=Page[NotificationRead], operation_id="notifications-list"
)
async def list_notifications(
    session: SessionDep,
    principal: NotificationsRead,
    params: PageParamsDep,
    unread: bool | None = None,
) -> Response:
    """The caller's notifications, newest first; ``unread=true`` for the unread ones only."""
    return page_response(
        await service.list_notifications(session, principal, params=params, unread=unread),
        NotificationRead,
    )


@router.get(
    "/notifications/unread-count",
    response_model=UnreadCount,
    operation_id="notifications-unread-count",
)
async def unread_count(session: SessionDep, principal: NotificationsRead) -> UnreadCount:
    return UnreadCount(unread=await service.unread_count(session, principal))


@router.post(
    "/notifications/read-all",
    response_model=ReadAllResult,
    operation_id="notifications-read-all",
)
async def read_all(session: SessionDep, principal: NotificationsRead) -> ReadAllResult:
    return ReadAllResult(marked_read=await service.mark_all_read(session, principal))


@router.post(
    "/notifications/{notification_id}/read",
    response_model=NotificationRead,
    operation_id="notifications-read",
)
async def read_one(
    session: SessionDep, principal: NotificationsRead, notification_id: uuid.UUID
) -> NotificationRead:
    note = await service.mark_read(session, principal, notification_id=notification_id)
    return NotificationRead.model_validate(note)
