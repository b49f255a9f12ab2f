"""Request and response models of customers and contacts."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from decimal import Decimal
from typing import Annotated, Any, Literal

from pydantic import (
    AliasChoices,
    BaseModel,
    ConfigDict,
    EmailStr,
    Field,
    StringConstraints,
    field_validator,
)

from crm.core.cleaning import phone_acceptable
from crm.core.dates import StrictDate
from crm.core.filters import ListFilters
from crm.core.formulas import NoFormula
from crm.customfields.completeness import Completeness

# Free text refuses what a spreadsheet would run as a formula (crm.core.formulas); a phone
# number is checked as a number instead.
Name = Annotated[
    str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200), NoFormula
]
Short = Annotated[str, StringConstraints(strip_whitespace=True, max_length=100), NoFormula]
Phone = Annotated[str, StringConstraints(strip_whitespace=True, max_length=50)]
Tag = Annotated[
    str, StringConstraints(strip_whitespace=True, min_length=1, max_length=50), NoFormula
]
Text = Annotated[str, StringConstraints(max_length=10_000), NoFormula]
Address = Annotated[str, StringConstraints(strip_whitespace=True, max_length=500), NoFormula]
Source = Annotated[str, StringConstraints(strip_whitespace=True, max_length=50), NoFormula]
# A customer level (e.g. A / B / C, or 重点): picks the pool policy; no level: the default one.
Level = Annotated[
    str, StringConstraints(strip_whitespace=True, min_length=1, max_length=20), NoFormula
]
LEVEL_DOC = (
    "Customer level (e.g. A, B, C): which customer pool policy applies "
    "(`GET /api/v1/customer-pool/policies`); none: the default policy"
)
CustomerGroup = Annotated[
    str, StringConstraints(strip_whitespace=True, min_length=1, max_length=50), NoFormula
]
CustomerKind = Literal["company", "person"]


def _custom_doc(object_type: str) -> str:
    return (
        f"Custom field values by key. Definitions (keys, types, options, required): "
        f"`GET /api/v1/custom-fields?object_type={object_type}`. JSON forms: text, select and "
        'user (a user id) as strings, number as an integer, decimal as a string ("12.50"), '
        'date as "YYYY-MM-DD", boolean, multi_select as a list of option values. An update '
        "merges: keys given are set, null removes a value, keys left out stay."
    )


def _custom_in(object_type: str) -> Any:
    return Field(default_factory=dict, max_length=200, description=_custom_doc(object_type))


def _custom_patch(object_type: str) -> Any:
    return Field(default=None, max_length=200, description=_custom_doc(object_type))


def _custom_out(object_type: str) -> Any:
    # Read from the model's `custom` column.
    return Field(
        validation_alias=AliasChoices("custom", "custom_fields"),
        description=_custom_doc(object_type),
    )


def _valid_phone(value: str | None) -> str | None:
    if value is None or value == "":
        return None
    if not phone_acceptable(value):
        raise ValueError("not a valid phone number")
    return value


def _lower_email(value: object) -> object:
    return value.strip().lower() if isinstance(value, str) else value


class _Write(BaseModel):
    model_config = ConfigDict(extra="forbid")

    @field_validator("phone", check_fields=False)
    @classmethod
    def _phone(cls, value: str | None) -> str | None:
        return _valid_phone(value)

    @field_validator("email", mode="before", check_fields=False)
    @classmethod
    def _email(cls, value: object) -> object:
        return None if value == "" else _lower_email(value)


class CustomerCreate(_Write):
    kind: CustomerKind = "company"
    name: Name
    phone: Phone | None = None
    email: EmailStr | None = None
    province: Short | None = None
    city: Short | None = None
    district: Short | None = None
    address: Address | None = None
    industry: Short | None = None
    source: Source | None = None
    customer_group: CustomerGroup | None = None
    tags: list[Tag] = Field(default_factory=list, max_length=50)
    notes: Text | None = None
    level: Level | None = Field(default=None, description=LEVEL_DOC)
    owner_id: uuid.UUID | None = Field(default=None, description="Default: the caller")
    custom_fields: dict[str, Any] = _custom_in("customer")


class CustomerUpdate(_Write):
    kind: CustomerKind | None = None
    name: Name | None = None
    phone: Phone | None = None
    email: EmailStr | None = None
    province: Short | None = None
    city: Short | None = None
    district: Short | None = None
    address: Address | None = None
    industry: Short | None = None
    source: Source | None = None
    customer_group: CustomerGroup | None = None
    tags: list[Tag] | None = Field(default=None, max_length=50)
    notes: Text | None = None
    level: Level | None = Field(default=None, description=LEVEL_DOC)
    owner_id: uuid.UUID | None = None
    version: int | None = Field(default=None, description="Expected current version (else 412)")
    custom_fields: dict[str, Any] | None = _custom_patch("customer")


class CustomerRead(BaseModel):
    """A customer as the caller's role may see it: a field its field permissions hide is left out,
    a masked one is masked (138****8000, z***@example.com; `POST /api/v1/field-reveals` shows
    one value in full). Rules: `GET /api/v1/roles/{role_id}/field-rules`."""

    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    kind: CustomerKind
    name: str
    phone: str | None
    phone_e164: str | None
    email: str | None
    province: str | None
    city: str | None
    district: str | None
    address: str | None
    industry: str | None
    source: str | None
    customer_group: str | None = Field(default=None, description="Selects price books")
    tags: list[str]
    notes: str | None
    level: str | None = Field(default=None, description=LEVEL_DOC)
    owner_id: uuid.UUID | None = Field(description="None while the customer is in the pool")
    department_id: uuid.UUID | None
    owner_assigned_at: datetime | None = Field(
        default=None, description="When the current owner got the customer"
    )
    last_follow_up_at: datetime | None = Field(
        default=None, description="The latest activity logged on the customer"
    )
    returned_to_pool_at: datetime | None = Field(
        default=None, description="When the customer last went back to the customer pool"
    )
    merged_into_id: uuid.UUID | None = Field(
        default=None, description="The survivor this record was merged into (it is then deleted)"
    )
    version: int
    created_at: datetime
    updated_at: datetime
    # Lifetime figures from paid orders; revenue in the company currency.
    orders_count: int = 0
    revenue: Decimal = Decimal("0.00")
    first_purchase_at: datetime | None = None
    last_purchase_at: datetime | None = None
    custom_fields: dict[str, Any] = _custom_out("customer")
    completeness: Completeness | None = Field(
        default=None,
        description="Weighted share of the important fields filled (rules: "
        "`GET /api/v1/completeness-rules/customer`)",
    )


FilterText = Annotated[str, StringConstraints(max_length=100)]


class CustomerFilters(ListFilters):
    """The filters of ``GET /customers`` (its query parameters), e.g. for an export."""

    owner_id: uuid.UUID | None = None
    department_id: uuid.UUID | None = None
    kind: CustomerKind | None = None
    industry: FilterText | None = None
    source: FilterText | None = None
    tag: FilterText | None = None
    level: FilterText | None = None


class ContactFilters(ListFilters):
    """The filters of ``GET /contacts`` (its query parameters), e.g. for an export."""

    customer_id: uuid.UUID | None = None


class ContactCreate(_Write):
    customer_id: uuid.UUID
    name: Name
    title: Short | None = None
    phone: Phone | None = None
    email: EmailStr | None = None
    is_primary: bool = False
    notes: Text | None = None
    birthday: StrictDate | None = None
    custom_fields: dict[str, Any] = _custom_in("contact")


class ContactUpdate(_Write):
    name: Name | None = None
    title: Short | None = None
    phone: Phone | None = None
    email: EmailStr | None = None
    is_primary: bool | None = None
    notes: Text | None = None
    birthday: StrictDate | None = None
    version: int | None = None
    custom_fields: dict[str, Any] | None = _custom_patch("contact")


class ContactRead(BaseModel):
    """A contact as the caller's role may see it: a field its field permissions hide is left out,
    a masked one is masked (138****8000, z***@example.com; `POST /api/v1/field-reveals` shows
    one value in full). Rules: `GET /api/v1/roles/{role_id}/field-rules`."""

    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    customer_id: uuid.UUID
    name: str
    title: str | None
    phone: str | None
    phone_e164: str | None
    email: str | None
    is_primary: bool
    notes: str | None
    birthday: date | None
    version: int
    created_at: datetime
    updated_at: datetime
    custom_fields: dict[str, Any] = _custom_out("contact")
