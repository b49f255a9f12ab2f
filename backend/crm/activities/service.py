"""Activities and the customer timeline. Every read goes through the data-scope function:
an activity is visible exactly when its customer is."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import Select, and_, func, or_, select, tuple_, update
from sqlalchemy.ext.asyncio import AsyncSession

# The loaders live in deps.py; re-exported: other domains load through this service.
from crm.activities.deps import get_activity as get_activity
from crm.activities.models import Activity
from crm.activities.schemas import (
    ActivityCreate,
    ActivityFilters,
    ActivityKind,
    ActivityRead,
    ActivityUpdate,
    Actor,
    Location,
    TimelineItem,
)
from crm.core import audit, recycle
from crm.core.changes import record_change
from crm.core.concurrency import check_version
from crm.core.db import utcnow
from crm.core.errors import Unprocessable, field_error
from crm.core.events import OutboxEvent
from crm.core.pagination import PageParams, decode_cursor, encode_cursor, paginate, text_contains
from crm.core.permissions import Principal, readable
from crm.customers import service as customer_service
from crm.customers.models import Contact, Customer
from crm.identity import service as identity_service
from crm.identity.models import User

ACTIVITY_SORTS = {"occurred_at": Activity.occurred_at, "created_at": Activity.created_at}
ACTIVITY_DEFAULT_SORT = "-occurred_at"
# Which kinds carry which optional details.
DURATION_KINDS = frozenset({"call", "visit", "meeting"})
LOCATION_KINDS = frozenset({"visit", "meeting"})


def _invalid(field: str, msg: str) -> Unprocessable:
    return Unprocessable(msg, errors=[field_error(field, msg)])


# --- reads ------------------------------------------------------------------------------------


def activity_filter_statement(principal: Principal, filters: ActivityFilters) -> Select[Any]:
    """The activities ``principal`` may see that match ``filters``, unsorted: what the list
    endpoint pages through and an export streams."""
    stmt = readable(select(Activity), Activity, principal)
    columns: dict[Any, Any] = {
        Activity.customer_id: filters.customer_id,
        Activity.contact_id: filters.contact_id,
        Activity.kind: filters.kind,
        Activity.owner_id: filters.owner_id,
    }
    for column, value in columns.items():
        if value is not None:
            stmt = stmt.where(column == value)
    if filters.occurred_from is not None:
        stmt = stmt.where(Activity.occurred_at >= filters.occurred_from)
    if filters.occurred_to is not None:
        stmt = stmt.where(Activity.occurred_at < filters.occurred_to)
    if filters.q:
        stmt = stmt.where(
            or_(text_contains(Activity.subject, filters.q), text_contains(Activity.body, filters.q))
        )
    return stmt


async def list_activities(
    session: AsyncSession,
    principal: Principal,
    *,
    params: PageParams,
    customer_id: uuid.UUID | None = None,
    contact_id: uuid.UUID | None = None,
    kind: ActivityKind | None = None,
    owner_id: uuid.UUID | None = None,
    occurred_from: datetime | None = None,
    occurred_to: datetime | None = None,
) -> tuple[Sequence[Activity], str | None, int | None]:
    # model_construct: the router validated every value already.
    filters = ActivityFilters.model_construct(
        q=params.q,
        customer_id=customer_id,
        contact_id=contact_id,
        kind=kind,
        owner_id=owner_id,
        occurred_from=occurred_from,
        occurred_to=occurred_to,
    )
    return await paginate(
        session,
        activity_filter_statement(principal, filters),
        params=params,
        id_column=Activity.id,
        sortable=ACTIVITY_SORTS,
        default_sort=ACTIVITY_DEFAULT_SORT,
    )


# --- checks on what a write refers to -------------------------------------------------------------


async def _check_contacts(
    session: AsyncSession, customer_id: uuid.UUID, field: str, contact_ids: Sequence[uuid.UUID]
) -> None:
    """Every contact must be a live contact of this customer."""
    wanted = set(contact_ids)
    if not wanted:
        return
    found = set(
        (
            await session.execute(
                select(Contact.id).where(
                    Contact.id.in_(wanted),
                    Contact.customer_id == customer_id,
                    Contact.deleted_at.is_(None),
                )
            )
        ).scalars()
    )
    if wanted - found:
        raise _invalid(field, "Not a contact of this customer.")


async def _check_users(session: AsyncSession, field: str, user_ids: Sequence[uuid.UUID]) -> None:
    wanted = set(user_ids)
    if not wanted:
        return
    found = set(
        (
            await session.execute(
                select(User.id).where(User.id.in_(wanted), User.deleted_at.is_(None))
            )
        ).scalars()
    )
    if wanted - found:
        raise _invalid(field, "No such user.")


def _check_kind_details(activity: Activity) -> None:
    """Duration belongs to calls, visits and meetings; a location to visits and meetings."""
    if activity.duration_minutes is not None and activity.kind not in DURATION_KINDS:
        raise _invalid("duration_minutes", f"A {activity.kind} has no duration.")
    if activity.location is not None and activity.kind not in LOCATION_KINDS:
        raise _invalid("location", f"A {activity.kind} has no location.")


def _apply_location(activity: Activity, location: Location | None) -> None:
    if location is not None and (location.lat is None) != (location.lng is None):
        raise _invalid("location", "Give both lat and lng, or neither.")
    if location is not None and location.address is None and location.lat is None:
        location = None  # an empty object clears the location
    activity.location_address = location.address if location else None
    activity.location_lat = location.lat if location else None
    activity.location_lng = location.lng if location else None


async def _assign_owner(
    session: AsyncSession, principal: Principal, activity: Activity, owner_id: uuid.UUID
) -> None:
    """Activities are seen through their customer, so their owner follows the rule of the
    customers data scope: the caller files an activity only under someone whose customers
    they see."""
    owner = await identity_service.assignable_user(
        session, principal, owner_id, resource="customers", field="owner_id"
    )
    activity.owner_id = owner.id
    activity.department_id = owner.department_id


async def _refresh_follow_up(session: AsyncSession, customer_id: uuid.UUID) -> None:
    """Store the customer's latest live activity as its last follow-up (what the customer pool
    counts "not followed up for N days" from). Recomputed rather than bumped, so an edited or
    deleted activity moves it back; a future-dated one counts as today. Bookkeeping: the
    customer's version and update time stay."""
    await session.flush()
    latest = (
        select(func.max(func.least(Activity.occurred_at, func.now())))
        .where(Activity.customer_id == customer_id, Activity.deleted_at.is_(None))
        .scalar_subquery()
    )
    await session.execute(
        update(Customer)
        .where(Customer.id == customer_id)
        .values(last_follow_up_at=latest, updated_at=Customer.updated_at)
        .execution_options(synchronize_session=False)
    )


def _payload(activity: Activity) -> dict[str, Any]:
    return {"customer_id": str(activity.customer_id), "kind": activity.kind}


# --- writes -------------------------------------------------------------------------------------


async def create_activity(
    session: AsyncSession, principal: Principal, *, data: ActivityCreate
) -> Activity:
    customer = await customer_service.referenced_customer(session, principal, data.customer_id)
    if data.contact_id is not None:
        await _check_contacts(session, customer.id, "contact_id", [data.contact_id])
    await _check_contacts(
        session, customer.id, "participant_contact_ids", data.participant_contact_ids
    )
    await _check_users(session, "participant_user_ids", data.participant_user_ids)
    activity = Activity(
        **data.model_dump(exclude={"location", "owner_id", "occurred_at"}),
        occurred_at=data.occurred_at or utcnow(),
    )
    _apply_location(activity, data.location)
    _check_kind_details(activity)
    await _assign_owner(session, principal, activity, data.owner_id or principal.user_id)
    session.add(activity)
    await session.flush()
    record_change(
        session,
        action="create",
        object_type="activity",
        object_id=activity.id,
        after=audit.snapshot(activity),
        payload=_payload(activity),
    )
    await _refresh_follow_up(session, activity.customer_id)
    return activity


_NOT_NULL = {
    "kind": "An activity needs a kind.",
    "subject": "An activity needs a subject.",
    "owner_id": "An activity needs an owner.",
}


async def update_activity(
    session: AsyncSession,
    principal: Principal,
    *,
    activity_id: uuid.UUID,
    data: ActivityUpdate,
    if_match: int | None,
) -> Activity:
    activity = await get_activity(session, principal, activity_id, for_update=True)
    check_version(activity, if_match, data.version)
    before = audit.snapshot(activity)
    changes = data.model_dump(exclude_unset=True, exclude={"version", "location", "owner_id"})
    for field, msg in _NOT_NULL.items():
        if field in data.model_fields_set and getattr(data, field) is None:
            raise _invalid(field, msg)
    if data.owner_id is not None and data.owner_id != activity.owner_id:
        await _assign_owner(session, principal, activity, data.owner_id)
    if "occurred_at" in changes and changes["occurred_at"] is None:
        changes.pop("occurred_at")
    for key in ("participant_user_ids", "participant_contact_ids"):
        if key in changes and changes[key] is None:
            changes[key] = []
    if changes.get("contact_id") is not None:
        await _check_contacts(session, activity.customer_id, "contact_id", [changes["contact_id"]])
    await _check_contacts(
        session,
        activity.customer_id,
        "participant_contact_ids",
        changes.get("participant_contact_ids") or [],
    )
    await _check_users(session, "participant_user_ids", changes.get("participant_user_ids") or [])
    for key, value in changes.items():
        setattr(activity, key, value)
    if "location" in data.model_fields_set:
        _apply_location(activity, data.location)
    _check_kind_details(activity)
    await session.flush()
    after = audit.snapshot(activity)
    record_change(
        session,
        action="update",
        object_type="activity",
        object_id=activity.id,
        before=before,
        after=after,
        payload={**_payload(activity), "changed": sorted(audit.diff(before, after))},
    )
    if "occurred_at" in changes:
        await _refresh_follow_up(session, activity.customer_id)
    return activity


async def delete_activity(
    session: AsyncSession, principal: Principal, *, activity_id: uuid.UUID
) -> None:
    activity = await get_activity(session, principal, activity_id, for_update=True)
    customer = await session.get(Customer, activity.customer_id)
    # Filed under the customer's owner: the bin entry is visible to whoever saw the activity.
    await recycle.soft_delete(
        session,
        activity,
        object_type="activity",
        title=activity.subject,
        actor_id=principal.user_id,
        owner_id=customer.owner_id if customer else None,
        department_id=customer.department_id if customer else None,
    )
    await _refresh_follow_up(session, activity.customer_id)


# --- the customer timeline --------------------------------------------------------------------

TIMELINE_SORT = "-timeline"
# Events an activity's own entry already shows.
_EVENTS_SHOWN_AS_ITEMS = ("activity",)
_EVENT_TITLES = {
    "customer.created": "Customer created",
    "customer.updated": "Customer updated",
    "customer.owner_changed": "Owner changed",
    "customer.deleted": "Customer deleted",
    "customer.restored": "Customer restored",
    "customer.claimed": "Claimed from the customer pool",
    "customer.assigned_from_pool": "Assigned from the customer pool",
    "customer.released_to_pool": "Released to the customer pool",
    "customer.returned_to_pool": "Returned to the customer pool",
    "contact.created": "Contact added",
    "task.created": "Task created",
    "task.completed": "Task completed",
    "deal.created": "Deal created",
    "deal.updated": "Deal updated",
    "deal.stage_changed": "Deal stage changed",
    "deal.won": "Deal won",
    "deal.lost": "Deal lost",
    "attachment.created": "File attached",
    "attachment.deleted": "Attachment deleted",
    "lead.converted": "Converted from a lead",
}


def event_title(event_type: str) -> str:
    """A readable title; unknown types (later domains) get one made from the type itself."""
    if event_type in _EVENT_TITLES:
        return _EVENT_TITLES[event_type]
    words = event_type.replace(".", " ").replace("_", " ").strip()
    return words[:1].upper() + words[1:]


def _about_customer(customer_id: uuid.UUID) -> Any:
    """Events whose object is the customer, or whose payload names it."""
    return and_(
        or_(
            and_(OutboxEvent.object_type == "customer", OutboxEvent.object_id == customer_id),
            OutboxEvent.payload["customer_id"].astext == str(customer_id),
        ),
        OutboxEvent.object_type.not_in(_EVENTS_SHOWN_AS_ITEMS),
    )


async def _actors(session: AsyncSession, ids: set[uuid.UUID]) -> dict[uuid.UUID, Actor]:
    if not ids:
        return {}
    rows = await session.execute(
        select(User.id, User.full_name, User.email).where(User.id.in_(ids))
    )
    return {uid: Actor(id=uid, name=name or email) for uid, name, email in rows}


async def timeline(
    session: AsyncSession,
    principal: Principal,
    *,
    customer_id: uuid.UUID,
    limit: int,
    cursor: str | None,
    include_activities: bool = True,
    include_events: bool = True,
) -> tuple[list[TimelineItem], str | None]:
    """Activities and events about one customer, newest first, paged by a (time, id) cursor.

    Each source is read for one page past the cursor, and the two are merged: the page is
    exact because both are ordered on the same key and ids never collide.
    """
    await customer_service.get_customer(session, principal, customer_id)  # 404 outside scope
    after: tuple[datetime, uuid.UUID] | None = None
    if cursor:
        after = decode_cursor(cursor, TIMELINE_SORT, datetime)
    activities: Sequence[Activity] = []
    events: Sequence[OutboxEvent] = []
    if include_activities:
        stmt = readable(select(Activity), Activity, principal).where(
            Activity.customer_id == customer_id
        )
        if after:
            stmt = stmt.where(tuple_(Activity.occurred_at, Activity.id) < tuple_(*after))
        stmt = stmt.order_by(Activity.occurred_at.desc(), Activity.id.desc()).limit(limit + 1)
        activities = (await session.execute(stmt)).scalars().all()
    if include_events:
        stmt_e = select(OutboxEvent).where(_about_customer(customer_id))
        if after:
            stmt_e = stmt_e.where(tuple_(OutboxEvent.created_at, OutboxEvent.id) < tuple_(*after))
        stmt_e = stmt_e.order_by(OutboxEvent.created_at.desc(), OutboxEvent.id.desc()).limit(
            limit + 1
        )
        events = (await session.execute(stmt_e)).scalars().all()

    merged: list[tuple[datetime, uuid.UUID, Activity | OutboxEvent]] = [
        *((a.occurred_at, a.id, a) for a in activities),
        *((e.created_at, e.id, e) for e in events),
    ]
    merged.sort(key=lambda entry: (entry[0], entry[1]), reverse=True)
    page = merged[:limit]
    next_cursor = None
    if len(merged) > limit:
        last_at, last_id, _ = page[-1]
        next_cursor = encode_cursor(TIMELINE_SORT, last_at, last_id)

    actor_ids = {
        uid
        for _, _, obj in page
        if (uid := obj.owner_id if isinstance(obj, Activity) else obj.actor_id) is not None
    }
    actors = await _actors(session, actor_ids)
    return [_timeline_item(obj, actors) for _, _, obj in page], next_cursor


def _timeline_item(obj: Activity | OutboxEvent, actors: dict[uuid.UUID, Actor]) -> TimelineItem:
    if isinstance(obj, Activity):
        return TimelineItem(
            id=obj.id,
            type="activity",
            occurred_at=obj.occurred_at,
            kind=obj.kind,
            title=obj.subject,
            actor=actors.get(obj.owner_id) if obj.owner_id else None,
            data=ActivityRead.model_validate(obj).model_dump(mode="json"),
        )
    return TimelineItem(
        id=obj.id,
        type="event",
        occurred_at=obj.created_at,
        kind=obj.event_type,
        title=event_title(obj.event_type),
        actor=actors.get(obj.actor_id) if obj.actor_id else None,
        data={
            "object_type": obj.object_type,
            "object_id": str(obj.object_id) if obj.object_id else None,
            **obj.payload,
        },
    )
