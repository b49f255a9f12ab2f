"""Printable HTML of a quote (jinja2, autoescaped: names and notes are user input).

No PDF: the pure-Python PDF libraries either need native libraries (WeasyPrint: Pango) or
lay out HTML poorly; the page is styled for print, so "Print to PDF" in the browser makes the
PDF.
"""

from __future__ import annotations

from decimal import Decimal
from functools import cache
from typing import Any

from jinja2 import Environment, PackageLoader, StrictUndefined, select_autoescape
from sqlalchemy.ext.asyncio import AsyncSession

from crm.customers.models import Customer
from crm.quotes.models import Quote, QuoteLine
from crm.sales.models import Deal
from crm.settings import get_settings


def _quantity(value: Decimal) -> str:
    """3.500 -> "3.5", 10.000 -> "10" (Decimal.normalize would print 1E+1)."""
    text = format(value, "f")
    return text.rstrip("0").rstrip(".") if "." in text else text


@cache
def _environment() -> Environment:
    env = Environment(
        loader=PackageLoader("crm.quotes", "templates"),
        autoescape=select_autoescape(default=True, default_for_string=True),
        undefined=StrictUndefined,
    )
    env.filters["quantity"] = _quantity
    return env


async def render_html(session: AsyncSession, quote: Quote, lines: list[QuoteLine]) -> str:
    deal = await session.get(Deal, quote.deal_id)
    customer = await session.get(Customer, deal.customer_id) if deal else None
    context: dict[str, Any] = {
        "company": get_settings().company_name,
        "quote": quote,
        "deal": deal,
        "customer": customer,
        "lines": lines,
    }
    return _environment().get_template("quote.html").render(**context)
