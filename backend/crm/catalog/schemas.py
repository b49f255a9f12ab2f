"""Request and response models of products, price books and price lookups."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from decimal import Decimal
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, model_validator

from crm.core.dates import StrictDate
from crm.core.formulas import NoFormula

Sku = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=64)]
Name = Annotated[
    str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200), NoFormula
]
Short = Annotated[
    str, StringConstraints(strip_whitespace=True, min_length=1, max_length=100), NoFormula
]
Unit = Annotated[
    str, StringConstraints(strip_whitespace=True, min_length=1, max_length=20), NoFormula
]
Group = Annotated[
    str, StringConstraints(strip_whitespace=True, min_length=1, max_length=50), NoFormula
]
Currency = Annotated[
    str, StringConstraints(strip_whitespace=True, to_upper=True, pattern=r"^[A-Za-z]{3}$")
]
Text = Annotated[str, StringConstraints(max_length=10_000), NoFormula]
# Up to 14 integer digits and 4 decimals: what Numeric(18, 4) stores.
UnitPrice = Annotated[Decimal, Field(ge=0, max_digits=18, decimal_places=4)]
Version = Annotated[int | None, Field(default=None, description="Expected current version")]


class _Write(BaseModel):
    model_config = ConfigDict(extra="forbid")


class _Read(BaseModel):
    model_config = ConfigDict(from_attributes=True)


class ProductCreate(_Write):
    sku: Sku
    name: Name
    product_line: Short | None = None
    unit: Unit = "pcs"
    active: bool = True
    description: Text | None = None


class ProductUpdate(_Write):
    sku: Sku | None = None
    name: Name | None = None
    product_line: Short | None = None
    unit: Unit | None = None
    active: bool | None = None
    description: Text | None = None
    version: Version = None


class ProductRead(_Read):
    id: uuid.UUID
    sku: str
    name: str
    product_line: str | None
    unit: str
    active: bool
    description: str | None
    version: int
    created_at: datetime
    updated_at: datetime


class _Range(_Write):
    @model_validator(mode="after")
    def _ordered(self) -> _Range:
        start = getattr(self, "effective_from", None)
        end = getattr(self, "effective_to", None)
        if start is not None and end is not None and end < start:
            raise ValueError("effective_to is before effective_from")
        return self


class PriceBookCreate(_Range):
    name: Name
    currency: Currency
    customer_group: Group | None = Field(default=None, description="None: every customer")
    effective_from: StrictDate
    effective_to: StrictDate | None = Field(default=None, description="Inclusive; None: open-ended")
    active: bool = True


class PriceBookUpdate(_Range):
    name: Name | None = None
    customer_group: Group | None = None
    effective_from: StrictDate | None = None
    effective_to: StrictDate | None = None
    active: bool | None = None
    version: Version = None


class PriceBookRead(_Read):
    id: uuid.UUID
    name: str
    currency: str
    customer_group: str | None
    effective_from: date
    effective_to: date | None
    active: bool
    version: int
    created_at: datetime
    updated_at: datetime


class PriceBookEntryWrite(_Write):
    unit_price: UnitPrice


class PriceBookEntryRead(_Read):
    id: uuid.UUID
    price_book_id: uuid.UUID
    product_id: uuid.UUID
    unit_price: Decimal
    version: int
    updated_at: datetime


class PriceQuote(BaseModel):
    """A product's list price for a currency, customer group and date."""

    product_id: uuid.UUID
    currency: str
    customer_group: str | None
    on: date
    unit_price: Decimal
    price_book_id: uuid.UUID
    price_book_name: str
