"""The base of every list's filters model.

A list route takes its filters as one model, ``filters: Annotated[<Thing>Filters, Query()]``
(custom-field filters, ``cf.*``, through :data:`crm.customfields.query.CustomFilterParams`),
and hands the model to the one statement builder of its object, which its export and bulk
actions share, so that they all hold the same rows.
"""

from __future__ import annotations

from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, field_validator

SearchText = Annotated[str, StringConstraints(strip_whitespace=True, max_length=200)]


class ListFilters(BaseModel):
    # A list route reads the model from the whole query string, which also carries the paging
    # parameters and the cf.* filters: those are left to their own dependencies. (An export's
    # body refuses unknown filters itself; see exports.service.validate_filters.)
    model_config = ConfigDict(extra="ignore")

    q: SearchText | None = Field(default=None, description="Search text, as the list's `q`")

    @field_validator("q")
    @classmethod
    def _blank_q(cls, value: str | None) -> str | None:
        return value or None
