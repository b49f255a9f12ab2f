"""Request and response models of custom fields, tags and completeness rules."""

from __future__ import annotations

import re
import uuid
from datetime import datetime
from decimal import Decimal, InvalidOperation
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, field_validator

from crm.customfields.values import MAX_TEXT_LENGTH

FieldType = Literal[
    "text", "number", "decimal", "date", "select", "multi_select", "boolean", "user"
]
Key = Annotated[str, StringConstraints(pattern=r"^[a-z][a-z0-9_]{0,49}$")]
LabelText = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=100)]
TagName = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=50)]
Color = Annotated[str, StringConstraints(pattern=r"^#[0-9a-fA-F]{6}$")]
Description = Annotated[str, StringConstraints(strip_whitespace=True, max_length=500)]


class Label(BaseModel):
    model_config = ConfigDict(extra="forbid")

    en: LabelText | None = None
    zh: LabelText | None = None


class Option(BaseModel):
    model_config = ConfigDict(extra="forbid")

    value: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=100)]
    label: Label | None = None


class Validation(BaseModel):
    """Type-specific rules: ``min``/``max`` for number, decimal (as strings) and date (ISO);
    ``max_length`` and ``regex`` (a full match) for text; ``decimal_places`` for decimal."""

    model_config = ConfigDict(extra="forbid")

    min: int | str | None = None
    max: int | str | None = None
    max_length: int | None = Field(default=None, ge=1, le=MAX_TEXT_LENGTH)
    regex: Annotated[str, StringConstraints(max_length=500)] | None = None
    decimal_places: int | None = Field(default=None, ge=0, le=10)

    @field_validator("regex")
    @classmethod
    def _compiles(cls, value: str | None) -> str | None:
        if value:
            try:
                re.compile(value)
            except re.error as exc:
                raise ValueError(f"not a valid regular expression: {exc}") from exc
        return value or None


class _FieldWrite(BaseModel):
    model_config = ConfigDict(extra="forbid")


class CustomFieldCreate(_FieldWrite):
    object_type: Annotated[str, StringConstraints(max_length=50)] = Field(
        description="The object the field belongs to, e.g. customer or contact"
    )
    key: Key = Field(description="Slug, unique per object type, immutable; e.g. `budget_year`")
    label: Label
    field_type: FieldType
    options: list[Option] = Field(default_factory=list, max_length=200)
    required: bool = False
    validation: Validation = Field(default_factory=Validation)
    description: Description | None = None
    position: int | None = Field(default=None, ge=0, description="Default: after the last one")
    active: bool = True


class CustomFieldUpdate(_FieldWrite):
    """Everything but ``object_type``, ``key`` and ``field_type`` (refused: stored values would
    no longer fit). Options still used by stored values cannot be removed."""

    label: Label | None = None
    options: list[Option] | None = Field(default=None, max_length=200)
    required: bool | None = None
    validation: Validation | None = None
    description: Description | None = None
    position: int | None = Field(default=None, ge=0)
    active: bool | None = None
    version: int | None = Field(default=None, description="Expected current version (else 412)")


class CustomFieldRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    object_type: str
    key: str
    label: Label
    field_type: FieldType
    options: list[Option]
    required: bool
    validation: Validation
    description: str | None
    position: int
    active: bool
    version: int
    created_at: datetime
    updated_at: datetime


class CustomFieldReorder(BaseModel):
    model_config = ConfigDict(extra="forbid")

    object_type: Annotated[str, StringConstraints(max_length=50)]
    ids: list[uuid.UUID] = Field(
        min_length=1, max_length=500, description="Field ids in their new order"
    )


class TagCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    object_type: Annotated[str, StringConstraints(max_length=50)] = "customer"
    name: TagName
    color: Color = "#1677ff"
    description: Description | None = None


class TagUpdate(BaseModel):
    """Renaming a tag renames it on every record that carries it."""

    model_config = ConfigDict(extra="forbid")

    name: TagName | None = None
    color: Color | None = None
    description: Description | None = None
    version: int | None = None


class TagRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    object_type: str
    name: str
    color: str
    description: str | None
    version: int
    created_at: datetime
    updated_at: datetime


class CompletenessRuleItem(BaseModel):
    model_config = ConfigDict(extra="forbid")

    field: Annotated[str, StringConstraints(min_length=1, max_length=60)] = Field(
        description="A standard field name, or `cf.<key>` for a custom field"
    )
    weight: int = Field(default=1, ge=1, le=100)


class CompletenessRulesUpdate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    rules: list[CompletenessRuleItem] = Field(max_length=100)


class CompletenessRulesRead(BaseModel):
    object_type: str
    rules: list[CompletenessRuleItem]
    is_default: bool = Field(description="No rules configured yet: these are the defaults")
    standard_fields: list[str] = Field(description="Standard fields a rule may name")


def check_decimal(value: int | str | None) -> Decimal | None:
    if value is None:
        return None
    try:
        return Decimal(str(value))
    except InvalidOperation as exc:
        raise ValueError("not a decimal") from exc
