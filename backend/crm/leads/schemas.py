"""Request and response models of leads, their assignments and assignment rules."""

from __future__ import annotations

import uuid
from datetime import datetime
from decimal import Decimal
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, EmailStr, Field, StringConstraints, model_validator
from pydantic.config import JsonDict

from crm.core.dates import StrictDate
from crm.core.filters import ListFilters
from crm.core.formulas import NoFormula
from crm.customers.schemas import (
    CustomerCreate,
    Name,
    Phone,
    Short,
    Text,
    _custom_in,
    _custom_out,
    _custom_patch,
    _Write,
)

LeadStatus = Literal["new", "contacted", "qualified", "unqualified", "converted"]
# "converted" is reached through POST /leads/{id}/convert only.
WritableStatus = Literal["new", "contacted", "qualified", "unqualified"]
Grade = Literal["A", "B", "C"]
Source = Annotated[
    str, StringConstraints(strip_whitespace=True, min_length=1, max_length=50), NoFormula
]
Campaign = Annotated[str, StringConstraints(strip_whitespace=True, max_length=200), NoFormula]
Score = Annotated[int, Field(ge=0, le=100)]
TargetKind = Literal["user", "round_robin", "least_loaded"]


class _LeadFields(_Write):
    person_name: Name | None = None
    company_name: Name | None = None
    title: Short | None = None
    phone: Phone | None = None
    email: EmailStr | None = None
    source: Source | None = Field(default=None, description="Channel the lead came from")
    campaign: Campaign | None = Field(default=None, description="Free text for now")
    province: Short | None = None
    city: Short | None = None
    product_line: Short | None = None
    grade: Grade | None = Field(default=None, description="Intent: A (hot) to C (cold)")
    score: Score | None = Field(default=None, description="0-100")
    notes: Text | None = None


# The rule of LeadCreate._someone in the OpenAPI, so a client generated from it knows `{}` fails.
_SOMEONE_FIELDS = ("person_name", "company_name", "phone", "email")
_SOMEONE_SCHEMA: JsonDict = {
    "anyOf": [
        {"required": [name], "properties": {name: {"type": "string"}}} for name in _SOMEONE_FIELDS
    ]
}


class LeadCreate(_LeadFields):
    model_config = ConfigDict(json_schema_extra=_SOMEONE_SCHEMA)

    status: WritableStatus = "new"
    owner_id: uuid.UUID | None = Field(
        default=None,
        description="Leave out to put the lead in the pool: the assignment rules then give it "
        "to someone (or it stays in the pool for salespeople to claim)",
    )
    custom_fields: dict[str, Any] = _custom_in("lead")

    @model_validator(mode="after")
    def _someone(self) -> LeadCreate:
        if not (self.person_name or self.company_name or self.phone or self.email):
            raise ValueError("a lead needs a person name, a company name, a phone or an e-mail")
        return self


class LeadUpdate(_LeadFields):
    status: WritableStatus | None = None
    version: int | None = Field(default=None, description="Expected current version (else 412)")
    custom_fields: dict[str, Any] | None = _custom_patch("lead")


class LeadRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    person_name: str | None
    company_name: str | None
    title: str | None
    phone: str | None
    phone_e164: str | None
    email: str | None
    source: str | None
    campaign: str | None
    province: str | None
    city: str | None
    product_line: str | None
    grade: str | None
    score: int | None
    status: str
    notes: str | None
    owner_id: uuid.UUID | None = Field(description="Null: the lead is in the pool")
    department_id: uuid.UUID | None
    assigned_at: datetime | None
    converted_at: datetime | None
    converted_customer_id: uuid.UUID | None
    converted_contact_id: uuid.UUID | None
    converted_deal_id: uuid.UUID | None
    version: int
    created_at: datetime
    updated_at: datetime
    custom_fields: dict[str, Any] = _custom_out("lead")


class AssignRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    user_id: uuid.UUID
    reason: Annotated[str, StringConstraints(strip_whitespace=True, max_length=500)] | None = None


class LeadAssignmentRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    lead_id: uuid.UUID
    from_user_id: uuid.UUID | None
    to_user_id: uuid.UUID | None
    by_user_id: uuid.UUID | None = Field(description="Who did it (claim, manual assignment)")
    rule_id: uuid.UUID | None = Field(description="The rule that did it (automatic assignment)")
    kind: Literal["create", "rule", "claim", "assign"] = Field(
        description="create: created with this owner; rule: an assignment rule; claim: taken "
        "from the pool; assign: given by a manager"
    )
    reason: str | None
    created_at: datetime


# --- assignment rules ------------------------------------------------------------------------


class _RuleFields(BaseModel):
    model_config = ConfigDict(extra="forbid")

    province: Short | None = Field(default=None, description="Null: any region")
    city: Short | None = Field(default=None, description="Null: any city of the province")
    product_line: Short | None = None
    source: Source | None = None
    grade: Grade | None = None
    active: bool = True


class RuleCreate(_RuleFields):
    name: Name
    target_kind: TargetKind = Field(
        description="user: always target_user_id; round_robin: the team's members in turn; "
        "least_loaded: the team member with the fewest open deals created in the last 30 "
        "days plus open leads"
    )
    target_user_id: uuid.UUID | None = None
    team_department_id: uuid.UUID | None = Field(
        default=None, description="Team = the department's active users (its own members)"
    )
    team_user_ids: list[uuid.UUID] = Field(
        default_factory=list, max_length=200, description="Team = these users (when given)"
    )
    position: int | None = Field(default=None, ge=0, description="Default: after the last rule")


class RuleUpdate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: Name | None = None
    province: Short | None = None
    city: Short | None = None
    product_line: Short | None = None
    source: Source | None = None
    grade: Grade | None = None
    active: bool | None = None
    target_kind: TargetKind | None = None
    target_user_id: uuid.UUID | None = None
    team_department_id: uuid.UUID | None = None
    team_user_ids: list[uuid.UUID] | None = Field(default=None, max_length=200)
    version: int | None = None


class RuleRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    name: str
    position: int
    active: bool
    province: str | None
    city: str | None
    product_line: str | None
    source: str | None
    grade: str | None
    target_kind: str
    target_user_id: uuid.UUID | None
    team_department_id: uuid.UUID | None
    team_user_ids: list[uuid.UUID]
    version: int
    created_at: datetime
    updated_at: datetime


class RuleReorder(BaseModel):
    model_config = ConfigDict(extra="forbid")

    rule_ids: list[uuid.UUID] = Field(
        min_length=1, max_length=1000, description="Every rule, in the new evaluation order"
    )


# --- conversion ------------------------------------------------------------------------------


class ConvertContact(_Write):
    name: Name
    title: Short | None = None
    phone: Phone | None = None
    email: EmailStr | None = None
    is_primary: bool = True
    notes: Text | None = None
    birthday: StrictDate | None = None


class ConvertDeal(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: Name
    amount: Decimal = Field(default=Decimal("0"), ge=0, max_digits=18, decimal_places=2)
    currency: Annotated[str, StringConstraints(pattern=r"^[A-Z]{3}$")] = "CNY"
    expected_close_date: StrictDate | None = None
    pipeline_id: uuid.UUID | None = Field(default=None, description="Default: the default one")


class ConvertRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    customer_id: uuid.UUID | None = Field(
        default=None, description="Link this existing customer (in your data scope)"
    )
    customer: CustomerCreate | None = Field(
        default=None,
        description="The new customer; left out: made from the lead (company name, or the "
        "person's name, phone, e-mail, region, source)",
    )
    contact: ConvertContact | None = Field(
        default=None,
        description="Left out: a contact made from the lead's person (when it names one); "
        "null: no contact",
    )
    deal: ConvertDeal | None = Field(default=None, description="Null or left out: no deal")
    on_duplicate: Literal["refuse", "create"] = Field(
        default="refuse",
        description="refuse: 409 listing the possible duplicates of a new customer (link one "
        "with customer_id, or send create); create: create the customer anyway",
    )

    @model_validator(mode="after")
    def _one_customer(self) -> ConvertRequest:
        if self.customer_id is not None and self.customer is not None:
            raise ValueError("give customer_id (link) or customer (create), not both")
        return self


class ConvertResult(BaseModel):
    lead: LeadRead
    customer_id: uuid.UUID
    customer_created: bool
    contact_id: uuid.UUID | None
    deal_id: uuid.UUID | None


_FilterText = Annotated[str, StringConstraints(max_length=100)]


class LeadPoolFilters(ListFilters):
    """The filters of ``GET /leads/pool`` (its query parameters)."""

    status: LeadStatus | None = None
    grade: Grade | None = None
    source: _FilterText | None = None
    product_line: _FilterText | None = None


class LeadFilters(ListFilters):
    """The filters of ``GET /leads`` (its query parameters)."""

    status: LeadStatus | None = None
    grade: Grade | None = None
    source: _FilterText | None = None
    owner_id: uuid.UUID | None = None
    product_line: _FilterText | None = None
