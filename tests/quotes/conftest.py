"""A priced catalogue and a deal of the first salesperson, for the quote tests."""

from __future__ import annotations

from typing import Any

import pytest

from quote_helpers import catalogue, make_deal


@pytest.fixture
async def shop(admin: Any, factory: Any, sales_team: dict[str, Any], db: Any) -> dict[str, Any]:
    prices = {"widget": "100.00", "gadget": "33.33", "tiny": "0.05", "half": "0.125"}
    cat = await catalogue(admin, prices)
    a = sales_team["sales_a"]
    customer = await factory.customer(a)
    deal_id = await make_deal(db, a, customer["id"])
    return {**cat, "customer": customer, "deal_id": deal_id, "team": sales_team}
