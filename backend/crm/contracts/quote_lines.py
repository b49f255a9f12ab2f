"""The accepted quote's lines become a won deal's draft contract lines (contracts.lines hook;
here, above quotes on the ladder, so contracts reads quotes and not the reverse).

A contract's lines carry per-line discounts only, so the quote-level discount is folded into
each line's discount, and the tax becomes a line of its own. Folding is done so the contract's
total is exactly the quote's: the cents per-line rounding moves go onto the largest line."""

from __future__ import annotations

import uuid
from decimal import Decimal
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from crm.contracts.lines import register_contract_lines_provider
from crm.quotes import service
from crm.quotes.pricing import HUNDRED, money

# Precision of a folded discount: fine enough that re-computing a line's total from it gives
# back exactly the cents intended, for any realistic line amount.
_DISCOUNT_PLACES = Decimal("1e-10")


def _discount_for(gross: Decimal, wanted_total: Decimal) -> Decimal:
    """The discount percent that turns ``gross`` into ``wanted_total``."""
    if gross == 0:
        return Decimal("0")
    return (HUNDRED - wanted_total * HUNDRED / gross).quantize(_DISCOUNT_PLACES)


def _line(line: service.AcceptedLine, total: Decimal) -> dict[str, Any]:
    gross = line.quantity * line.unit_price
    return {
        "product_id": str(line.product_id),
        "description": line.description,
        "quantity": line.quantity,
        "unit_price": line.unit_price,
        "discount_percent": _discount_for(gross, total),
        "line_total": total,
    }


async def accepted_quote_contract_lines(
    session: AsyncSession, deal_id: uuid.UUID
) -> list[dict[str, Any]]:
    quote = await service.accepted_quote(session, deal_id)
    if quote is None:
        return []
    lines = await service.accepted_quote_lines(session, deal_id)
    if not lines:
        return []
    factor = (HUNDRED - quote.discount_percent) / HUNDRED
    totals = [money(line.line_total * factor) for line in lines]
    # Per-line rounding may miss the quote's net amount by a few cents: the largest line
    # absorbs the difference, so the contract adds up to the quote.
    net = quote.subtotal - quote.discount_amount
    largest = max(range(len(lines)), key=lambda i: totals[i])
    totals[largest] += net - sum(totals, Decimal("0"))
    result = [_line(line, total) for line, total in zip(lines, totals, strict=True)]
    if quote.tax_amount:
        result.append(
            {
                "product_id": None,
                "description": f"Tax {quote.tax_rate_percent.normalize()}% (quote {quote.number})",
                "quantity": Decimal("1"),
                "unit_price": quote.tax_amount,
                "discount_percent": Decimal("0"),
                "line_total": quote.tax_amount,
            }
        )
    return result


register_contract_lines_provider(accepted_quote_contract_lines)
