"""Quote arithmetic, in Decimal, rounded ROUND_HALF_UP to cents at fixed points.

- line total     = round(quantity x unit price x (1 - line discount %), 2)
- list total     = sum of round(quantity x list unit price, 2)
- subtotal       = sum of line totals
- discount       = round(subtotal x quote discount %, 2)
- tax            = round((subtotal - discount) x tax rate %, 2)
- total          = subtotal - discount + tax
- effective discount % = (list total - (subtotal - discount)) / list total x 100, unrounded
  for the approval threshold (15 % exactly is not above 15 %), shown to 4 places.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

CENT = Decimal("0.01")
HUNDRED = Decimal("100")
ZERO = Decimal("0")


def money(value: Decimal) -> Decimal:
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


@dataclass(frozen=True)
class LineInput:
    quantity: Decimal
    list_unit_price: Decimal
    unit_price: Decimal
    discount_percent: Decimal


@dataclass(frozen=True)
class Totals:
    line_totals: tuple[Decimal, ...]
    list_total: Decimal
    subtotal: Decimal
    discount_amount: Decimal
    tax_amount: Decimal
    total: Decimal
    effective_discount_percent: Decimal  # exact


def line_total(line: LineInput) -> Decimal:
    return money(line.quantity * line.unit_price * (HUNDRED - line.discount_percent) / HUNDRED)


def compute(
    lines: Sequence[LineInput], *, discount_percent: Decimal, tax_rate_percent: Decimal
) -> Totals:
    totals = tuple(line_total(line) for line in lines)
    list_total = sum((money(line.quantity * line.list_unit_price) for line in lines), ZERO)
    subtotal = sum(totals, ZERO)
    discount = money(subtotal * discount_percent / HUNDRED)
    net = subtotal - discount
    tax = money(net * tax_rate_percent / HUNDRED)
    effective = (list_total - net) * HUNDRED / list_total if list_total > 0 else ZERO
    return Totals(
        line_totals=totals,
        list_total=list_total,
        subtotal=subtotal,
        discount_amount=discount,
        tax_amount=tax,
        total=net + tax,
        effective_discount_percent=effective,
    )
