"""Document lines (contracts and orders): computed server-side in Decimal, stored as JSON with
decimal strings; and the hook through which the quotes domain supplies a won deal's lines."""

from __future__ import annotations

import uuid
from collections.abc import Awaitable, Callable, Sequence
from decimal import ROUND_HALF_UP, Decimal
from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field, StringConstraints
from sqlalchemy.ext.asyncio import AsyncSession

CENT = Decimal("0.01")
Amount = Annotated[Decimal, Field(ge=0, max_digits=16, decimal_places=2)]


class LineIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    product_id: uuid.UUID | None = None
    description: Annotated[
        str, StringConstraints(strip_whitespace=True, min_length=1, max_length=500)
    ]
    quantity: Annotated[Decimal, Field(gt=0, max_digits=14, decimal_places=4)]
    unit_price: Amount
    discount_percent: Annotated[Decimal, Field(ge=0, le=100, decimal_places=2)] = Decimal("0")


class LineRead(BaseModel):
    product_id: uuid.UUID | None = None
    description: str
    quantity: Decimal
    unit_price: Decimal
    discount_percent: Decimal
    line_total: Decimal


def money(value: Decimal) -> Decimal:
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


def line_total(line: LineIn) -> Decimal:
    return money(line.quantity * line.unit_price * (Decimal(100) - line.discount_percent) / 100)


def priced_lines(lines: Sequence[LineIn]) -> tuple[list[dict[str, Any]], Decimal]:
    """The lines as stored (decimal strings, each with its total) and the document's total."""
    stored = []
    total = Decimal("0")
    for line in lines:
        amount = line_total(line)
        total += amount
        stored.append(
            {
                "product_id": str(line.product_id) if line.product_id else None,
                "description": line.description,
                "quantity": str(line.quantity),
                "unit_price": str(money(line.unit_price)),
                "discount_percent": str(line.discount_percent),
                "line_total": str(amount),
            }
        )
    return stored, money(total)


def restate(stored: Sequence[dict[str, Any]]) -> list[LineIn]:
    """Stored lines back as input lines (copying a contract's lines onto an order)."""
    return [
        LineIn(
            product_id=line.get("product_id"),
            description=line["description"],
            quantity=Decimal(str(line["quantity"])),
            unit_price=Decimal(str(line["unit_price"])),
            discount_percent=Decimal(str(line.get("discount_percent") or "0")),
        )
        for line in stored
    ]


# --- the won deal's lines -----------------------------------------------------------------------

# (session, deal_id) -> [{product_id?, description, quantity, unit_price, discount_percent,
# line_total}], e.g. the accepted quote's lines; empty when the deal has none.
LinesProvider = Callable[[AsyncSession, uuid.UUID], Awaitable[list[dict[str, Any]]]]
_providers: list[LinesProvider] = []


def register_contract_lines_provider(provider: LinesProvider) -> None:
    """Let a domain above contracts (quotes) supply a won deal's lines for its draft contract.
    Providers are asked in registration order; the first non-empty answer wins."""
    _providers.append(provider)


async def deal_lines(session: AsyncSession, deal_id: uuid.UUID) -> list[LineIn]:
    for provider in _providers:
        found = await provider(session, deal_id)
        if found:
            # Built on the server (not user input): a folded quote discount may have more
            # decimals than the API accepts from people.
            return [
                LineIn.model_construct(
                    product_id=line.get("product_id"),
                    description=line["description"],
                    quantity=Decimal(str(line["quantity"])),
                    unit_price=Decimal(str(line["unit_price"])),
                    discount_percent=Decimal(str(line.get("discount_percent") or "0")),
                )
                for line in found
            ]
    return []
