"""Approval requests: raised through a registered policy, decided by the designated approver.

Who may see a request: its requester, its approver user, holders of its approver role,
administrators (admin:settings) and auditors (audit:read); anyone else gets 404.
Who may decide: a holder of approvals:decide who is the approver user or holds the approver
role, or an administrator (admin:settings, the fallback when an approver has left) — never the
requester. Decisions lock the request row, so of two approvers deciding at once one wins and
the other gets 409.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from typing import Any, Literal

from pydantic import ValidationError
from sqlalchemy import ColumnElement, any_, false, or_, select, true
from sqlalchemy.ext.asyncio import AsyncSession

from crm.approvals import registry
from crm.approvals.models import ApprovalPolicySetting, ApprovalRequest
from crm.approvals.registry import ApprovalPolicy, PolicyConfig
from crm.approvals.schemas import PolicyRead, PolicyUpdate
from crm.core import audit
from crm.core.changes import record_change
from crm.core.concurrency import check_version
from crm.core.db import utcnow
from crm.core.errors import (
    Conflict,
    Forbidden,
    NotFound,
    PreconditionFailed,
    Unprocessable,
    field_error,
)
from crm.core.pagination import PageParams, paginate
from crm.core.permissions import Principal, get_visible
from crm.identity.models import Role, User, user_roles
from crm.notifications.service import NewNotification, notify

Box = Literal["inbox", "requested"]


# --- policies and their settings ------------------------------------------------------------------


def _policy(key: str) -> ApprovalPolicy:
    policy = registry.get(key)
    if policy is None:
        raise NotFound("No such approval policy.")
    return policy


async def policy_config(session: AsyncSession, policy: ApprovalPolicy) -> PolicyConfig:
    """The policy's configuration: what an administrator stored, defaults elsewhere."""
    row = await session.get(ApprovalPolicySetting, policy.key)
    params = policy.params_model.model_validate(row.params if row else {})
    return PolicyConfig(approver_role=row.approver_role if row else None, params=params)


async def _policy_read(session: AsyncSession, policy: ApprovalPolicy) -> PolicyRead:
    row = await session.get(ApprovalPolicySetting, policy.key)
    config = await policy_config(session, policy)
    return PolicyRead(
        key=policy.key,
        object_type=policy.object_type,
        title=policy.title,
        approver_role=config.approver_role,
        params=config.params.model_dump(mode="json"),
        params_schema=policy.params_model.model_json_schema(),
        version=row.version if row else 0,
    )


async def list_policies(session: AsyncSession) -> list[PolicyRead]:
    return [await _policy_read(session, p) for p in registry.policies()]


async def update_policy(session: AsyncSession, *, key: str, data: PolicyUpdate) -> PolicyRead:
    policy = _policy(key)
    try:
        params = policy.params_model.model_validate(data.params)
    except ValidationError as exc:
        errors = [
            {"loc": ["body", "params", *map(str, e["loc"])], "msg": e["msg"], "type": e["type"]}
            for e in exc.errors()
        ]
        raise Unprocessable("The policy parameters are invalid.", errors=errors) from exc
    if data.approver_role is not None:
        found = await session.execute(select(Role.id).where(Role.key == data.approver_role))
        if found.first() is None:
            msg = "No such role."
            raise Unprocessable(msg, errors=[field_error("approver_role", msg)])
    row = await session.get(ApprovalPolicySetting, key, with_for_update=True)
    if row is None:
        if data.version not in (None, 0):
            raise PreconditionFailed("The policy has never been configured (version 0).")
        row = ApprovalPolicySetting(policy_key=key)
        session.add(row)
        before = None
    else:
        check_version(row, data.version)
        before = audit.snapshot(row)
    row.approver_role = data.approver_role
    row.params = params.model_dump(mode="json")
    await session.flush()
    record_change(
        session,
        action="update",
        object_type="approval_policy",
        object_id=None,
        before=before,
        after=audit.snapshot(row),
        extra={"policy_key": key},
        payload={"policy_key": key},
    )
    return await _policy_read(session, policy)


# --- raising a request ---------------------------------------------------------------------------


async def request_if_needed(
    session: AsyncSession, *, policy_key: str, obj: Any, requested_by: uuid.UUID
) -> ApprovalRequest | None:
    """Ask ``policy_key`` whether ``obj`` needs approval; if so, open a pending request for
    its approvers and notify them. None when no approval is needed. 409 when one is pending."""
    policy = _policy(policy_key)
    config = await policy_config(session, policy)
    reason = await policy.needs_approval(session, obj, config)
    if reason is None:
        return None
    pending = await session.execute(
        select(ApprovalRequest.id).where(
            ApprovalRequest.object_type == policy.object_type,
            ApprovalRequest.object_id == obj.id,
            ApprovalRequest.status == "pending",
        )
    )
    if pending.first() is not None:
        raise Conflict("An approval request for this record is pending already.")
    approvers = await policy.approvers(session, obj, config)
    request = ApprovalRequest(
        object_type=policy.object_type,
        object_id=obj.id,
        policy_key=policy.key,
        summary=policy.summary(obj)[:300],
        reason=reason,
        data=policy.details(obj, config),
        link=policy.link(obj),
        requested_by=requested_by,
        approver_user_id=approvers.user_id,
        approver_role=approvers.role_key,
        status="pending",
    )
    session.add(request)
    await session.flush()
    record_change(
        session,
        action="request",
        object_type="approval",
        object_id=request.id,
        after=audit.snapshot(request),
        payload=_payload(request),
    )
    await _notify_approvers(session, request)
    return request


def _payload(request: ApprovalRequest) -> dict[str, Any]:
    return {
        "object_type": request.object_type,
        "object_id": str(request.object_id),
        "policy_key": request.policy_key,
        "status": request.status,
    }


async def role_holders(session: AsyncSession, role_key: str) -> list[uuid.UUID]:
    """Active users holding ``role_key`` whose roles give them approvals:decide."""
    deciders = (
        select(user_roles.c.user_id)
        .join(Role, Role.id == user_roles.c.role_id)
        .where(any_(Role.permissions) == "approvals:decide")
    )
    stmt = (
        select(User.id)
        .join(user_roles, user_roles.c.user_id == User.id)
        .join(Role, Role.id == user_roles.c.role_id)
        .where(
            Role.key == role_key,
            User.deleted_at.is_(None),
            User.is_active.is_(True),
            User.id.in_(deciders),
        )
        .distinct()
    )
    return list((await session.execute(stmt)).scalars())


async def _notify_approvers(session: AsyncSession, request: ApprovalRequest) -> None:
    recipients: list[uuid.UUID] = []
    if request.approver_user_id is not None:
        recipients.append(request.approver_user_id)
    if request.approver_role is not None:
        recipients += await role_holders(session, request.approver_role)
    recipients = [uid for uid in dict.fromkeys(recipients) if uid != request.requested_by]
    await notify(
        session,
        [
            NewNotification(
                user_id=uid,
                kind="approval_requested",
                title=f"Approval requested: {request.summary}",
                body=request.reason,
                link=f"/approvals/{request.id}",
                object_type="approval",
                object_id=request.id,
                data={**_payload(request), "approval_id": str(request.id)},
                dedupe_key=f"approval:{request.id}:requested:{uid}",
            )
            for uid in recipients
        ],
    )


# --- reads ------------------------------------------------------------------------------------


def _sees_all(principal: Principal) -> bool:
    return principal.can("admin:settings") or principal.can("audit:read")


def _inbox_clause(principal: Principal) -> ColumnElement[bool]:
    mine = ApprovalRequest.approver_user_id == principal.user_id
    if principal.can("approvals:decide") and principal.role_keys:
        return or_(mine, ApprovalRequest.approver_role.in_(sorted(principal.role_keys)))
    return mine


def visible_clause(principal: Principal) -> ColumnElement[bool]:
    if _sees_all(principal):
        return true()
    return or_(ApprovalRequest.requested_by == principal.user_id, _inbox_clause(principal))


async def get_request(
    session: AsyncSession, principal: Principal, approval_id: uuid.UUID, *, for_update: bool = False
) -> ApprovalRequest:
    return await get_visible(
        session,
        ApprovalRequest,
        approval_id,
        principal,
        not_found="No such approval request.",
        for_update=for_update,
        visible=visible_clause(principal),
    )


async def list_requests(
    session: AsyncSession,
    principal: Principal,
    *,
    params: PageParams,
    status: str | None,
    box: Box | None,
    object_type: str | None,
    object_id: uuid.UUID | None,
) -> tuple[Sequence[ApprovalRequest], str | None, int | None]:
    """``box=inbox``: requests the caller may decide; ``box=requested``: the caller's own;
    neither: both (administrators and auditors: every request)."""
    if box == "inbox":
        # Addressed to the caller (administrators: also through the admin role, the fallback
        # approvers); requests they may only overrule stay out of the inbox.
        clause = _inbox_clause(principal) if principal.can("approvals:decide") else false()
        clause = clause & (ApprovalRequest.requested_by != principal.user_id)
    elif box == "requested":
        clause = ApprovalRequest.requested_by == principal.user_id
    else:
        clause = visible_clause(principal)
    stmt = select(ApprovalRequest).where(clause)
    if status is not None:
        stmt = stmt.where(ApprovalRequest.status == status)
    if object_type is not None:
        stmt = stmt.where(ApprovalRequest.object_type == object_type)
    if object_id is not None:
        stmt = stmt.where(ApprovalRequest.object_id == object_id)
    return await paginate(
        session,
        stmt,
        params=params,
        id_column=ApprovalRequest.id,
        sortable={"created_at": ApprovalRequest.created_at},
        default_sort="-created_at",
    )


async def latest_for(
    session: AsyncSession, *, object_type: str, object_id: uuid.UUID
) -> ApprovalRequest | None:
    """The newest request about an object (the domain shows its status and comment)."""
    return (
        await session.execute(
            select(ApprovalRequest)
            .where(
                ApprovalRequest.object_type == object_type, ApprovalRequest.object_id == object_id
            )
            .order_by(ApprovalRequest.created_at.desc(), ApprovalRequest.id.desc())
            .limit(1)
        )
    ).scalar_one_or_none()


# --- deciding ---------------------------------------------------------------------------------


def can_decide(principal: Principal, request: ApprovalRequest) -> bool:
    if not principal.can("approvals:decide") or request.requested_by == principal.user_id:
        return False
    return (
        request.approver_user_id == principal.user_id
        or (request.approver_role is not None and request.approver_role in principal.role_keys)
        or principal.can("admin:settings")
    )


async def decide(
    session: AsyncSession,
    principal: Principal,
    *,
    approval_id: uuid.UUID,
    approve: bool,
    comment: str | None,
    version: int | None,
) -> ApprovalRequest:
    request = await get_request(session, principal, approval_id, for_update=True)
    if request.requested_by == principal.user_id:
        raise Forbidden("Nobody approves their own request.")
    if not can_decide(principal, request):
        raise Forbidden("You are not the approver of this request.")
    if request.status != "pending":
        raise Conflict(
            f"The request is {request.status} already.", extra={"approval_status": request.status}
        )
    check_version(request, version)
    before = audit.snapshot(request)
    request.status = "approved" if approve else "rejected"
    request.comment = comment or None
    request.decided_by = principal.user_id
    request.decided_at = utcnow()
    await session.flush()
    record_change(
        session,
        action="approve" if approve else "reject",
        object_type="approval",
        object_id=request.id,
        before=before,
        after=audit.snapshot(request),
        payload=_payload(request),
    )
    policy = registry.get(request.policy_key)
    if policy is not None:
        await policy.on_decided(session, request, principal)
    await notify(
        session,
        [
            NewNotification(
                user_id=request.requested_by,
                kind=f"approval_{request.status}",
                title=f"{request.status.capitalize()}: {request.summary}",
                body=request.comment,
                link=request.link or f"/approvals/{request.id}",
                object_type="approval",
                object_id=request.id,
                data={**_payload(request), "approval_id": str(request.id)},
                dedupe_key=f"approval:{request.id}:decided",
            )
        ],
    )
    return request
