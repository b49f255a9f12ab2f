"""Quote totals: computed on the server in Decimal, ROUND_HALF_UP to cents."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from crm.quotes import pricing
from platform_helpers import assert_problem, error_locs
from quote_helpers import quote


async def test_totals_are_exact_with_half_up_rounding(shop: dict[str, Any]) -> None:
    a, p = shop["team"]["sales_a"], shop["products"]
    created = await quote(
        a,
        shop["deal_id"],
        [
            # 3 x 33.33 = 99.99, less 10 % = 89.991 -> 89.99
            {"product_id": p["gadget"], "quantity": "3", "discount_percent": "10"},
            {"product_id": p["widget"], "quantity": "1"},
            # 0.5 x 0.05 = 0.025 -> 0.03 (half up; banker's rounding would give 0.02)
            {"product_id": p["tiny"], "quantity": "0.5"},
        ],
        discount_percent="5",
        tax_rate_percent="13",
    )
    assert [line["line_total"] for line in created["lines"]] == ["89.99", "100.00", "0.03"]
    assert created["list_total"] == "200.02"
    assert created["subtotal"] == "190.02"
    assert created["discount_amount"] == "9.50"  # 9.501
    assert created["tax_amount"] == "23.47"  # 180.52 x 13 % = 23.4676
    assert created["total"] == "203.99"
    # (200.02 - 180.52) / 200.02 = 9.7490 %
    assert created["effective_discount_percent"] == "9.7490"
    assert created["currency"] == "CNY" and created["status"] == "draft"
    assert created["lines"][0]["description"] == "gadget"
    assert created["number"].startswith("Q") and created["revision"] == 1


async def test_half_cent_amounts_round_up_at_every_step(shop: dict[str, Any]) -> None:
    a, p = shop["team"]["sales_a"], shop["products"]
    created = await quote(
        a,
        shop["deal_id"],
        # 1 x 0.125 = 0.125 -> 0.13; 7 x 0.125 = 0.875 -> 0.88
        [{"product_id": p["half"], "quantity": "1"}, {"product_id": p["half"], "quantity": "7"}],
        discount_percent="50",  # 1.01 / 2 = 0.505 -> 0.51
        tax_rate_percent="10",  # 0.50 x 10 % = 0.05
    )
    assert [line["line_total"] for line in created["lines"]] == ["0.13", "0.88"]
    assert (created["subtotal"], created["discount_amount"]) == ("1.01", "0.51")
    assert (created["tax_amount"], created["total"]) == ("0.05", "0.55")


def test_pricing_matches_hand_computed_values() -> None:
    totals = pricing.compute(
        [
            pricing.LineInput(
                quantity=Decimal("2.5"),
                list_unit_price=Decimal("19.99"),
                unit_price=Decimal("19.99"),
                discount_percent=Decimal("0"),
            )
        ],
        discount_percent=Decimal("0"),
        tax_rate_percent=Decimal("6"),
    )
    assert totals.line_totals == (Decimal("49.98"),)  # 49.975 -> 49.98
    assert totals.tax_amount == Decimal("3.00")  # 2.9988
    assert totals.total == Decimal("52.98")
    assert totals.effective_discount_percent == 0
    empty = pricing.compute([], discount_percent=Decimal("10"), tax_rate_percent=Decimal("10"))
    assert (empty.total, empty.effective_discount_percent) == (0, 0)


async def test_invalid_lines_are_refused_with_the_line_named(
    admin: Any, shop: dict[str, Any]
) -> None:
    a, p = shop["team"]["sales_a"], shop["products"]
    cases = [
        ([{"product_id": p["widget"], "quantity": "0"}], ["body", "lines", "0", "quantity"]),
        (
            [{"product_id": p["widget"], "quantity": "1", "discount_percent": "100.5"}],
            ["body", "lines", "0", "discount_percent"],
        ),
        (
            [
                {"product_id": p["widget"], "quantity": "1"},
                {"product_id": shop["deal_id"], "quantity": "1"},
            ],
            ["body", "lines", "1", "product_id"],
        ),
    ]
    for lines, loc in cases:
        r = await a.post("/api/v1/quotes", json={"deal_id": shop["deal_id"], "lines": lines})
        assert loc in error_locs(assert_problem(r, 422)), (lines, r.text)
    # A product without a price in the deal's currency, and a book in another currency.
    r = await admin.post("/api/v1/products", json={"sku": "NOPRICE", "name": "Unpriced"})
    unpriced = r.json()["id"]
    r = await a.post(
        "/api/v1/quotes",
        json={"deal_id": shop["deal_id"], "lines": [{"product_id": unpriced, "quantity": "1"}]},
    )
    assert ["body", "lines", "0", "product_id"] in error_locs(assert_problem(r, 422))
    usd = await admin.post(
        "/api/v1/price-books",
        json={"name": "USD", "currency": "USD", "effective_from": "2020-01-01"},
    )
    r = await a.post(
        "/api/v1/quotes", json={"deal_id": shop["deal_id"], "price_book_id": usd.json()["id"]}
    )
    assert ["body", "price_book_id"] in error_locs(assert_problem(r, 422))
