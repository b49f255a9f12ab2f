"""HTTP routes of approval requests and approval policy settings."""

from __future__ import annotations

import uuid

from fastapi import APIRouter, Response

from crm.approvals import service
from crm.approvals.deps import ApprovalsDecide, ApprovalsRead, SettingsAdmin
from crm.approvals.schemas import (
    ApprovalRead,
    ApprovalStatus,
    ApproveBody,
    PolicyRead,
    PolicyUpdate,
    RejectBody,
)
from crm.core.concurrency import IfMatchVersion, set_etag
from crm.core.deps import SessionDep
from crm.core.pagination import Page, PageParamsDep, page_response

router = APIRouter(prefix="/api/v1", tags=["approvals"])


@router.get("/approvals", response_model=Page[ApprovalRead], operation_id="approvals-list")
async def list_approvals(
    session: SessionDep,
    principal: ApprovalsRead,
    params: PageParamsDep,
    status: ApprovalStatus | None = None,
    box: service.Box | None = None,
    object_type: str | None = None,
    object_id: uuid.UUID | None = None,
) -> Response:
    """``box=inbox``: requests waiting for the caller's decision (``status=pending`` for the
    open ones); ``box=requested``: the caller's own requests; neither: both."""
    return page_response(
        await service.list_requests(
            session,
            principal,
            params=params,
            status=status,
            box=box,
            object_type=object_type,
            object_id=object_id,
        ),
        ApprovalRead,
    )


@router.get("/approvals/{approval_id}", response_model=ApprovalRead, operation_id="approvals-get")
async def get_approval(
    session: SessionDep, principal: ApprovalsRead, approval_id: uuid.UUID, response: Response
) -> ApprovalRead:
    request = await service.get_request(session, principal, approval_id)
    set_etag(response, request)
    return ApprovalRead.model_validate(request)


@router.post(
    "/approvals/{approval_id}/approve",
    response_model=ApprovalRead,
    operation_id="approvals-approve",
)
async def approve(
    session: SessionDep,
    principal: ApprovalsDecide,
    approval_id: uuid.UUID,
    body: ApproveBody,
    if_match: IfMatchVersion,
    response: Response,
) -> ApprovalRead:
    request = await service.decide(
        session,
        principal,
        approval_id=approval_id,
        approve=True,
        comment=body.comment,
        version=if_match if if_match is not None else body.version,
    )
    set_etag(response, request)
    return ApprovalRead.model_validate(request)


@router.post(
    "/approvals/{approval_id}/reject", response_model=ApprovalRead, operation_id="approvals-reject"
)
async def reject(
    session: SessionDep,
    principal: ApprovalsDecide,
    approval_id: uuid.UUID,
    body: RejectBody,
    if_match: IfMatchVersion,
    response: Response,
) -> ApprovalRead:
    """A rejection needs a comment: the requester sees why."""
    request = await service.decide(
        session,
        principal,
        approval_id=approval_id,
        approve=False,
        comment=body.comment,
        version=if_match if if_match is not None else body.version,
    )
    set_etag(response, request)
    return ApprovalRead.model_validate(request)


@router.get(
    "/approval-policies", response_model=list[PolicyRead], operation_id="approvals-list-policies"
)
async def list_policies(session: SessionDep, principal: ApprovalsRead) -> list[PolicyRead]:
    """Every registered policy with its configuration (e.g. the quote discount threshold)."""
    return await service.list_policies(session)


@router.put(
    "/approval-policies/{policy_key}",
    response_model=PolicyRead,
    operation_id="approvals-update-policy",
)
async def update_policy(
    session: SessionDep, principal: SettingsAdmin, policy_key: str, body: PolicyUpdate
) -> PolicyRead:
    return await service.update_policy(session, key=policy_key, data=body)
