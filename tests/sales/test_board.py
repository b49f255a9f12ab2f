"""The kanban (per-stage counts, totals per currency and cards, scoped, paged per column) and
the forecast (amount x stage probability, exact decimals, per month and owner or department)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from conftest import Api, Factory
from platform_helpers import assert_problem
from sales.helpers import deal, default_pipeline, meet_default_gate, move, stage


def _column(board: dict[str, Any], key: str) -> dict[str, Any]:
    return next(c for c in board["columns"] if c["stage"]["key"] == key)


async def test_kanban_totals_scope_and_paging(
    admin: Api, factory: Factory, sales_team: dict[str, Any]
) -> None:
    a: Api = sales_team["sales_a"]
    b: Api = sales_team["sales_b"]
    manager: Api = sales_team["manager"]
    pipeline = await default_pipeline(admin)
    customer_a = await factory.customer(a)
    customer_b = await factory.customer(b)
    for amount in ("100.10", "200.20", "300.30"):
        await deal(a, customer_a["id"], amount=amount)
    await deal(a, customer_a["id"], amount="50.00", currency="USD")
    await deal(b, customer_b["id"], amount="1000.00")
    moved = await deal(b, customer_b["id"], amount="7.00")
    await meet_default_gate(b, moved["id"])
    assert (await move(b, moved["id"], "proposal")).status_code == 200
    won = await deal(a, customer_a["id"], amount="9999.00")
    await meet_default_gate(a, won["id"])
    assert (await move(a, won["id"], "won")).status_code == 200  # closed: not on the board

    path = f"/api/v1/pipelines/{pipeline['id']}/kanban"
    board = (await manager.get(path, params={"limit": 2})).json()
    assert [c["stage"]["key"] for c in board["columns"]] == [
        "initial_contact",
        "needs_confirmed",
        "proposal",
        "negotiation",
    ]
    first = _column(board, "initial_contact")
    assert first["count"] == 5
    assert {t["currency"]: t["amount"] for t in first["totals"]} == {
        "CNY": "1600.60",
        "USD": "50.00",
    }
    assert len(first["cards"]) == 2 and first["next_cursor"]
    # Each card names its customer (no lookup per card for the SPA).
    names = {customer_a["id"]: customer_a["name"], customer_b["id"]: customer_b["name"]}
    assert all(c["customer_name"] == names[c["customer_id"]] for c in first["cards"])
    assert _column(board, "proposal")["count"] == 1
    assert _column(board, "needs_confirmed") == {
        **_column(board, "needs_confirmed"),
        "count": 0,
        "totals": [],
        "cards": [],
    }

    # The next pages of one column, until exhausted, without repeats.
    seen = [c["id"] for c in first["cards"]]
    cursor = first["next_cursor"]
    while cursor:
        r = await manager.get(
            path, params={"limit": 2, "stage_id": first["stage"]["id"], "cursor": cursor}
        )
        assert r.status_code == 200, r.text
        [column] = r.json()["columns"]
        # The column's own count and totals (computed for that stage alone).
        assert (column["count"], column["totals"]) == (first["count"], first["totals"])
        seen += [c["id"] for c in column["cards"]]
        cursor = column["next_cursor"]
    assert len(seen) == len(set(seen)) == 5

    # A salesperson sees only their own deals on the board.
    mine = _column((await a.get(path)).json(), "initial_contact")
    assert mine["count"] == 4
    assert {t["currency"]: t["amount"] for t in mine["totals"]} == {
        "CNY": "600.60",
        "USD": "50.00",
    }
    assert _column((await sales_team["outsider"].get(path)).json(), "initial_contact")["count"] == 0
    assert_problem(await manager.get(path, params={"cursor": first["next_cursor"]}), 400)


async def test_forecast_weighted_exact(
    admin: Api, factory: Factory, sales_team: dict[str, Any]
) -> None:
    a: Api = sales_team["sales_a"]
    b: Api = sales_team["sales_b"]
    manager: Api = sales_team["manager"]
    pipeline = await default_pipeline(admin)
    customer_a = await factory.customer(a)
    customer_b = await factory.customer(b)
    # initial_contact 10 %, proposal 50 %, negotiation 75 %.
    await deal(a, customer_a["id"], amount="333.33", expected_close_date="2027-01-05")
    p = await deal(a, customer_a["id"], amount="0.01", expected_close_date="2027-01-31")
    await meet_default_gate(a, p["id"])
    assert (await move(a, p["id"], "proposal")).status_code == 200
    n = await deal(b, customer_b["id"], amount="1000.01", expected_close_date="2027-02-01")
    await meet_default_gate(b, n["id"])
    assert (await move(b, n["id"], "negotiation")).status_code == 200
    await deal(b, customer_b["id"], amount="5.00", expected_close_date="2028-01-01")
    await deal(b, customer_b["id"], amount="5.00")  # no close date: not forecast

    r = await manager.get(
        "/api/v1/deals/forecast",
        params={"pipeline_id": pipeline["id"], "from": "2027-01-01", "to": "2027-12-31"},
    )
    assert r.status_code == 200, r.text
    rows = {(row["month"], row["group_id"]): row for row in r.json()["rows"]}
    january = rows[("2027-01", a.user_id)]
    assert january["deals"] == 2
    assert Decimal(january["amount"]) == Decimal("333.34")
    # 333.33 x 10 % + 0.01 x 50 % = 33.333 + 0.005 = 33.338, no rounding on the way.
    assert Decimal(january["weighted"]) == Decimal("33.338")
    assert Decimal(rows[("2027-02", b.user_id)]["weighted"]) == Decimal("750.0075")
    assert len(rows) == 2

    by_team = await manager.get(
        "/api/v1/deals/forecast", params={"group_by": "department", "to": "2027-12-31"}
    )
    team_rows = by_team.json()["rows"]
    assert {row["group_id"] for row in team_rows} == {sales_team["department"]["id"]}
    assert sum(Decimal(row["weighted"]) for row in team_rows) == Decimal("783.3455")

    mine = (await a.get("/api/v1/deals/forecast")).json()["rows"]
    assert {row["group_id"] for row in mine} == {a.user_id}
    assert_problem(await sales_team["service"].get("/api/v1/deals/forecast"), 403)
    assert_problem(await manager.get("/api/v1/deals/forecast", params={"group_by": "x"}), 422)
    assert stage(pipeline, "proposal")["probability"] == 50
