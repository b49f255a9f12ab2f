"""Request and response models of exports."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

ExportFormat = Literal["csv", "xlsx"]
HeaderStyle = Literal["labels", "keys"]
Language = Literal["en", "zh-CN"]


class ExportCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    object_type: str = Field(
        max_length=50, description="What to export; see GET /exports/object-types"
    )
    format: ExportFormat = "csv"
    filters: dict[str, Any] = Field(
        default_factory=dict,
        description="The object's list filters (its query parameters), `q` and `sort` included",
    )
    columns: list[str] | None = Field(
        default=None,
        min_length=1,
        max_length=200,
        description="Column keys in order; default: the object type's default columns",
    )
    header: HeaderStyle = Field(
        default="labels", description="Header row: human labels (in `language`) or column keys"
    )
    language: Language | None = Field(
        default=None, description="Language of the labels; default: from Accept-Language"
    )


class ExportColumnRead(BaseModel):
    key: str
    label: str
    default: bool


class ExportObjectType(BaseModel):
    object_type: str
    label: str
    sortable: list[str]
    columns: list[ExportColumnRead]
