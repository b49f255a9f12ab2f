"""Request and response models of activities, the timeline, tasks, holidays and reminder rules."""

from __future__ import annotations

import datetime as dt
import uuid
from datetime import UTC, datetime
from typing import Annotated, Any, Literal

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    StringConstraints,
)

from crm.core.dates import StrictAwareDatetime, StrictDate, StrictDatetime
from crm.core.filters import ListFilters
from crm.core.formulas import NoFormula

ActivityKind = Literal["call", "visit", "meeting", "email", "note"]
TaskPriority = Literal["low", "normal", "high", "urgent"]
TaskStatus = Literal["open", "done", "cancelled"]
RelatedType = Literal["customer"]

Subject = Annotated[
    str, StringConstraints(strip_whitespace=True, min_length=1, max_length=300), NoFormula
]
LongText = Annotated[str, StringConstraints(max_length=20_000), NoFormula]
Outcome = Annotated[str, StringConstraints(strip_whitespace=True, max_length=500), NoFormula]
# Not formula-checked: Location is also part of ActivityRead, which must read stored data.
Address = Annotated[str, StringConstraints(strip_whitespace=True, max_length=500)]
Latitude = Annotated[float, Field(ge=-90, le=90)]
Longitude = Annotated[float, Field(ge=-180, le=180)]
Minutes = Annotated[int, Field(ge=0, le=24 * 60 * 7)]
Rrule = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=500)]
Ids = Annotated[list[uuid.UUID], Field(max_length=100)]
# Any zone in, UTC out: the API's timestamps are UTC.
Instant = Annotated[StrictAwareDatetime, AfterValidator(lambda value: value.astimezone(UTC))]


class _Write(BaseModel):
    model_config = ConfigDict(extra="forbid")


class _Read(BaseModel):
    model_config = ConfigDict(from_attributes=True)


# --- activities -------------------------------------------------------------------------------


class Location(BaseModel):
    """Where a visit (or meeting) took place: an address, optionally with coordinates."""

    model_config = ConfigDict(extra="forbid")

    address: Address | None = None
    lat: Latitude | None = None
    lng: Longitude | None = None


class ActivityCreate(_Write):
    kind: ActivityKind
    customer_id: uuid.UUID
    contact_id: uuid.UUID | None = None
    occurred_at: Instant | None = Field(default=None, description="Default: now")
    subject: Subject
    body: LongText | None = None
    outcome: Outcome | None = None
    duration_minutes: Minutes | None = Field(default=None, description="call, visit, meeting")
    location: Location | None = Field(default=None, description="visit, meeting")
    participant_user_ids: Ids = Field(default_factory=list)
    participant_contact_ids: Ids = Field(default_factory=list)
    owner_id: uuid.UUID | None = Field(default=None, description="Default: the caller")


class ActivityUpdate(_Write):
    kind: ActivityKind | None = None
    contact_id: uuid.UUID | None = None
    occurred_at: Instant | None = None
    subject: Subject | None = None
    body: LongText | None = None
    outcome: Outcome | None = None
    duration_minutes: Minutes | None = None
    location: Location | None = None
    participant_user_ids: Ids | None = None
    participant_contact_ids: Ids | None = None
    owner_id: uuid.UUID | None = Field(
        default=None, description="Hand the activity to this user (within your data scope)"
    )
    version: int | None = Field(default=None, description="Expected current version (else 412)")


class ActivityRead(_Read):
    id: uuid.UUID
    kind: ActivityKind
    customer_id: uuid.UUID
    contact_id: uuid.UUID | None
    occurred_at: datetime
    subject: str
    body: str | None
    outcome: str | None
    duration_minutes: int | None
    location: Location | None
    participant_user_ids: list[uuid.UUID]
    participant_contact_ids: list[uuid.UUID]
    owner_id: uuid.UUID | None
    department_id: uuid.UUID | None
    version: int
    created_at: datetime
    updated_at: datetime


# --- the customer timeline ----------------------------------------------------------------------


class Actor(BaseModel):
    id: uuid.UUID
    name: str


class TimelineItem(BaseModel):
    """One entry of a customer's timeline: an activity, or a recorded event about the
    customer (``kind`` is then the event type, e.g. ``customer.owner_changed``)."""

    id: uuid.UUID
    type: Literal["activity", "event"]
    occurred_at: datetime
    kind: str
    title: str
    actor: Actor | None
    data: dict[str, Any]


class TimelinePage(BaseModel):
    items: list[TimelineItem]
    next_cursor: str | None = None


# --- tasks --------------------------------------------------------------------------------------


class TaskCreate(_Write):
    title: Subject
    description: LongText | None = None
    due_at: Instant | None = None
    assignee_id: uuid.UUID | None = Field(default=None, description="Default: the caller")
    related_type: RelatedType | None = None
    related_id: uuid.UUID | None = None
    priority: TaskPriority = "normal"
    recurrence: Rrule | None = Field(
        default=None,
        description="RFC 5545 RRULE without DTSTART, e.g. FREQ=WEEKLY;BYDAY=MO (needs due_at)",
    )


class TaskUpdate(_Write):
    title: Subject | None = None
    description: LongText | None = None
    due_at: Instant | None = None
    assignee_id: uuid.UUID | None = None
    related_type: RelatedType | None = None
    related_id: uuid.UUID | None = None
    priority: TaskPriority | None = None
    status: TaskStatus | None = None
    recurrence: Rrule | None = None
    version: int | None = Field(default=None, description="Expected current version (else 412)")


class TaskRead(_Read):
    id: uuid.UUID
    title: str
    description: str | None
    due_at: datetime | None
    assignee_id: uuid.UUID
    department_id: uuid.UUID | None
    created_by: uuid.UUID | None
    related_type: str | None
    related_id: uuid.UUID | None
    priority: TaskPriority
    status: TaskStatus
    recurrence: str | None
    previous_id: uuid.UUID | None
    completed_at: datetime | None
    completed_by: uuid.UUID | None
    version: int
    created_at: datetime
    updated_at: datetime


class TaskCompletion(BaseModel):
    task: TaskRead
    next: TaskRead | None = Field(description="The next occurrence of a recurring task")


# --- holidays and reminder rules ------------------------------------------------------------------


class HolidayCreate(_Write):
    date: StrictDate
    name: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=100)]
    remind_days_before: Annotated[int, Field(ge=0, le=60)] = 1


class HolidayRead(_Read):
    id: uuid.UUID
    date: dt.date
    name: str
    remind_days_before: int
    created_at: datetime


class ReminderRuleCreate(_Write):
    name: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200)]
    object_type: Literal["customer", "contact"]
    field: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=64)]
    days_before: Annotated[int, Field(ge=0, le=60)] = 0
    yearly: bool = Field(default=False, description="Remind on the date's anniversary each year")
    is_active: bool = True


class ReminderRuleRead(_Read):
    id: uuid.UUID
    name: str
    object_type: str
    field: str
    days_before: int
    yearly: bool
    is_active: bool
    created_at: datetime


class DateFieldChoice(BaseModel):
    object_type: str
    field: str


class ActivityFilters(BaseModel):
    """The filters of ``GET /activities`` (its query parameters), e.g. for an export."""

    model_config = ConfigDict(extra="forbid")

    q: Annotated[str, StringConstraints(strip_whitespace=True, max_length=200)] | None = Field(
        default=None, description="Search text in subject and body, as the list's `q`"
    )
    customer_id: uuid.UUID | None = None
    contact_id: uuid.UUID | None = None
    kind: ActivityKind | None = None
    owner_id: uuid.UUID | None = None
    occurred_from: StrictDatetime | None = None
    occurred_to: StrictDatetime | None = None


class TaskFilters(ListFilters):
    """The filters of ``GET /tasks`` (its query parameters); ``q`` searches the title."""

    assignee_id: uuid.UUID | None = None
    status: TaskStatus | None = None
    priority: TaskPriority | None = None
    related_type: Literal["customer"] | None = None
    related_id: uuid.UUID | None = None
    due_from: StrictDatetime | None = None
    due_to: StrictDatetime | None = None
