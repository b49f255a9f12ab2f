"""Lead operations: CRUD, the pool (claim), manual assignment and the assignment history.

Visibility: the normal reads go through the data-scope function (``readable``). Pool leads
(``owner_id`` NULL) are in addition visible to everyone holding ``leads:read`` through the
pool routes (list, get, claim, assignment history) and to ``leads:assign`` holders assigning
them; writes other than claim and assign need the lead within the caller's scope.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import ColumnElement, Row, Select, and_, insert, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from crm.core import audit, recycle
from crm.core.changes import Change, record_change, record_changes
from crm.core.cleaning import phone_search_digits, phone_to_e164
from crm.core.concurrency import check_version
from crm.core.db import utcnow
from crm.core.errors import Conflict, Unprocessable, field_error
from crm.core.pagination import PageParams, paginate, text_contains
from crm.core.permissions import Principal, get_or_404, get_visible, readable, scope_clause
from crm.customers import fields as custom_fields
from crm.identity import service as identity_service
from crm.identity.models import User
from crm.leads import fields as _lead_fields  # noqa: F401  (registers leads' custom fields)
from crm.leads.models import Lead, LeadAssignment
from crm.leads.schemas import LeadCreate, LeadFilters, LeadPoolFilters, LeadUpdate
from crm.notifications.service import NewNotification, notify

# Keyset paging needs NOT NULL sort keys (score and names may be empty).
LEAD_SORTS = {"created_at": Lead.created_at, "updated_at": Lead.updated_at}
DEFAULT_SORT = "-created_at"


# --- visibility --------------------------------------------------------------------------------


def pool_clause() -> ColumnElement[bool]:
    return and_(Lead.owner_id.is_(None), Lead.deleted_at.is_(None))


def _visible_or_pool(principal: Principal) -> ColumnElement[bool]:
    return or_(scope_clause(Lead, principal), pool_clause())


LEAD_NOT_FOUND = "No such lead."


async def get_lead(
    session: AsyncSession,
    principal: Principal,
    lead_id: uuid.UUID,
    *,
    for_update: bool = False,
    pool_too: bool = True,
) -> Lead:
    """The lead if the principal may see it (in scope, or in the pool when ``pool_too``);
    otherwise 404, exactly as if it did not exist."""
    visible = _visible_or_pool(principal) if pool_too else scope_clause(Lead, principal)
    return await get_visible(
        session,
        Lead,
        lead_id,
        principal,
        not_found=LEAD_NOT_FOUND,
        for_update=for_update,
        visible=visible,
    )


def lead_label(lead: Any) -> str:
    return str(lead.company_name or lead.person_name or lead.email or lead.phone or "Lead")


# --- lists ---------------------------------------------------------------------------------------


def _search(q: str) -> ColumnElement[bool]:
    clauses = [
        text_contains(Lead.person_name, q),
        text_contains(Lead.company_name, q),
        text_contains(Lead.email, q),
    ]
    digits = phone_search_digits(q)
    if digits:
        clauses.append(Lead.phone_e164.like(f"%{digits}%"))
    return or_(*clauses)


def lead_statement(
    principal: Principal, filters: LeadFilters | LeadPoolFilters, *, pool: bool = False
) -> Select[Any]:
    """The leads in the caller's scope (or, with ``pool``, the pool) matching ``filters``,
    unsorted: the one statement of the lead list and the pool."""
    stmt = select(Lead).where(pool_clause()) if pool else readable(select(Lead), Lead, principal)
    if filters.q:
        stmt = stmt.where(_search(filters.q))
    columns = {
        Lead.status: filters.status,
        Lead.grade: filters.grade,
        Lead.source: filters.source,
        Lead.owner_id: getattr(filters, "owner_id", None),  # the pool has no owner
        Lead.product_line: filters.product_line,
    }
    for column, value in columns.items():
        if value is not None:
            stmt = stmt.where(column == value)
    return stmt


async def list_leads(
    session: AsyncSession,
    principal: Principal,
    *,
    params: PageParams,
    filters: LeadFilters | LeadPoolFilters,
    pool: bool = False,
) -> tuple[Sequence[Row[Any]], str | None, int | None]:
    """The leads in the caller's scope (or, with ``pool``, the pool) matching ``filters``."""
    return await paginate(
        session,
        lead_statement(principal, filters, pool=pool),
        params=params,
        id_column=Lead.id,
        sortable=await custom_fields.sortable(session, Lead, "lead", LEAD_SORTS, params.sort),
        default_sort=DEFAULT_SORT,
    )


# --- writes --------------------------------------------------------------------------------------


async def _active_user(session: AsyncSession, user_id: uuid.UUID, field: str) -> User:
    user = await session.get(User, user_id)
    if user is None or user.deleted_at is not None or not user.is_active:
        raise Unprocessable("No such active user.", errors=[field_error(field, "No such user.")])
    return user


async def _assignable(
    session: AsyncSession, principal: Principal, user_id: uuid.UUID, field: str
) -> User:
    return await identity_service.assignable_user(
        session, principal, user_id, resource="leads", field=field
    )


@dataclass(frozen=True)
class Assignment:
    """One owner change to record (history row, audit entry and event, notification)."""

    lead_id: uuid.UUID
    label: str
    from_user_id: uuid.UUID | None
    to_user_id: uuid.UUID | None
    kind: str  # create (with an owner), rule, claim, assign
    by_user_id: uuid.UUID | None = None
    rule_id: uuid.UUID | None = None
    reason: str | None = None


async def record_assignments(session: AsyncSession, items: Sequence[Assignment]) -> None:
    """The history rows (one multi-row INSERT), an audit entry and ``lead.assigned`` /
    ``lead.claimed`` event each, and an in-app notification to each new owner who did not
    take the lead themselves."""
    if not items:
        return
    now = utcnow()
    await session.execute(
        insert(LeadAssignment),
        [
            {
                "lead_id": i.lead_id,
                "from_user_id": i.from_user_id,
                "to_user_id": i.to_user_id,
                "by_user_id": i.by_user_id,
                "rule_id": i.rule_id,
                "kind": i.kind,
                "reason": i.reason,
                "created_at": now,
            }
            for i in items
        ],
    )
    changes = []
    for i in items:
        moved = {
            "from": str(i.from_user_id) if i.from_user_id else None,
            "to": str(i.to_user_id) if i.to_user_id else None,
            "kind": i.kind,
            "rule_id": str(i.rule_id) if i.rule_id else None,
        }
        changes.append(
            Change(
                action="claim" if i.kind == "claim" else "assign",
                object_type="lead",
                object_id=i.lead_id,
                before={"owner_id": moved["from"]},
                after={"owner_id": moved["to"]},
                extra={"kind": i.kind, "rule_id": moved["rule_id"], "reason": i.reason},
                payload=moved,
            )
        )
    await record_changes(session, changes)
    await notify(
        session,
        [
            NewNotification(
                user_id=i.to_user_id,
                kind="lead_assigned",
                title=f"New lead: {i.label}",
                body=i.reason,
                link=f"/leads/{i.lead_id}",
                object_type="lead",
                object_id=i.lead_id,
                data={"lead_id": str(i.lead_id), "kind": i.kind, "reason": i.reason},
            )
            for i in items
            if i.to_user_id is not None and i.to_user_id != i.by_user_id
        ],
    )


async def _set_owner(lead: Lead, user: User) -> None:
    lead.owner_id = user.id
    lead.department_id = user.department_id
    lead.assigned_at = utcnow()


async def create_lead(session: AsyncSession, principal: Principal, *, data: LeadCreate) -> Lead:
    """A new lead; without an owner it goes to the pool and the worker's assignment rules
    decide (on its ``lead.created`` event)."""
    lead = Lead(**data.model_dump(exclude={"owner_id", "custom_fields"}))
    lead.phone_e164 = phone_to_e164(lead.phone)
    lead.custom = await custom_fields.custom_for_create(session, "lead", data.custom_fields)
    owner = (
        await _assignable(session, principal, data.owner_id, "owner_id") if data.owner_id else None
    )
    if owner is not None:
        await _set_owner(lead, owner)
    session.add(lead)
    await session.flush()
    record_change(
        session,
        action="create",
        object_type="lead",
        object_id=lead.id,
        after=audit.snapshot(lead),
        payload={"owner_id": str(lead.owner_id) if lead.owner_id else None},
    )
    if owner is not None:
        await record_assignments(
            session,
            [
                Assignment(
                    lead.id,
                    lead_label(lead),
                    None,
                    owner.id,
                    "create",
                    by_user_id=principal.user_id,
                    reason="Created with this owner",
                )
            ],
        )
    return lead


async def update_lead(
    session: AsyncSession,
    principal: Principal,
    *,
    lead_id: uuid.UUID,
    data: LeadUpdate,
    if_match: int | None,
) -> Lead:
    lead = await get_lead(session, principal, lead_id, for_update=True, pool_too=False)
    check_version(lead, if_match, data.version)
    before = audit.snapshot(lead)
    changes = data.model_dump(exclude_unset=True, exclude={"version", "custom_fields"})
    if changes.get("status", lead.status) is None:
        raise Unprocessable("A lead needs a status.", errors=[field_error("status", "Required.")])
    if "status" in changes and lead.status == "converted":
        raise Conflict("The lead is converted; its status stays converted.")
    if data.custom_fields is not None:
        lead.custom = await custom_fields.custom_for_update(
            session, "lead", data.custom_fields, lead.custom
        )
    for key, value in changes.items():
        setattr(lead, key, value)
    if "phone" in changes:
        lead.phone_e164 = phone_to_e164(lead.phone)
    if not (lead.person_name or lead.company_name or lead.phone or lead.email):
        msg = "A lead needs a person name, a company name, a phone or an e-mail."
        raise Unprocessable(msg, errors=[field_error("person_name", msg)])
    await session.flush()
    after = audit.snapshot(lead)
    record_change(
        session,
        action="update",
        object_type="lead",
        object_id=lead.id,
        before=before,
        after=after,
        payload={"changed": sorted(audit.diff(before, after))},
    )
    return lead


async def delete_lead(session: AsyncSession, principal: Principal, *, lead_id: uuid.UUID) -> None:
    lead = await get_lead(session, principal, lead_id, for_update=True, pool_too=False)
    await recycle.soft_delete(
        session, lead, object_type="lead", title=lead_label(lead), actor_id=principal.user_id
    )


async def _lock_visible(session: AsyncSession, principal: Principal, lead_id: uuid.UUID) -> Lead:
    """The lead, row-locked, if the caller sees it now (in scope or in the pool). Visibility is
    checked before the lock: a concurrent claim may take the lead out of the pool while this
    waits, and the caller must then learn it lost (409), not that the lead vanished (404)."""
    await get_lead(session, principal, lead_id)
    return await get_or_404(
        session,
        Lead,
        lead_id,
        not_found=LEAD_NOT_FOUND,
        for_update=True,
        populate_existing=True,
    )


async def claim_lead(session: AsyncSession, principal: Principal, *, lead_id: uuid.UUID) -> Lead:
    """Take a pool lead. Two salespeople claiming at once: the row lock lets one through, the
    other finds it owned and gets 409. A lead someone outside the caller's scope owns is a 404,
    like a random id, even if it was in the pool once: a 409 would tell that it exists."""
    lead = await _lock_visible(session, principal, lead_id)
    if lead.owner_id is not None:
        raise Conflict("Someone owns this lead already: only pool leads can be claimed.")
    user = await _active_user(session, principal.user_id, "user_id")
    await _set_owner(lead, user)
    await session.flush()
    await record_assignments(
        session,
        [
            Assignment(
                lead.id,
                lead_label(lead),
                None,
                user.id,
                "claim",
                by_user_id=principal.user_id,
                reason="Claimed from the pool",
            )
        ],
    )
    return lead


async def assign_lead(
    session: AsyncSession,
    principal: Principal,
    *,
    lead_id: uuid.UUID,
    user_id: uuid.UUID,
    reason: str | None,
) -> Lead:
    """A manager hands a lead (in scope, or from the pool) to a user within their scope."""
    lead = await _lock_visible(session, principal, lead_id)
    if lead.owner_id == user_id:
        raise Conflict("That user owns this lead already.")
    user = await _assignable(session, principal, user_id, "user_id")
    previous = lead.owner_id
    await _set_owner(lead, user)
    await session.flush()
    await record_assignments(
        session,
        [
            Assignment(
                lead.id,
                lead_label(lead),
                previous,
                user.id,
                "assign",
                by_user_id=principal.user_id,
                reason=reason,
            )
        ],
    )
    return lead


async def list_assignments(
    session: AsyncSession, principal: Principal, *, lead_id: uuid.UUID, params: PageParams
) -> tuple[Sequence[Row[Any]], str | None, int | None]:
    await get_lead(session, principal, lead_id)  # 404 outside the scope and the pool
    return await paginate(
        session,
        select(LeadAssignment).where(LeadAssignment.lead_id == lead_id),
        params=params,
        id_column=LeadAssignment.id,
        sortable={"created_at": LeadAssignment.created_at},
        default_sort="created_at",
    )
