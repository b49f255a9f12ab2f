"""Contract templates: administrators write them, contract readers read them; a template that
does not parse is refused when saved."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from contract_helpers import template
from platform_helpers import assert_problem, error_locs


async def test_admin_writes_templates_and_salespeople_only_read_them(
    admin: Any, sales_team: dict[str, Any]
) -> None:
    sales = sales_team["sales_a"]
    made = await template(admin, name="Standard", product_line="software", min_amount="0")
    assert made["active"] is True and Decimal(made["min_amount"]) == 0

    r = await sales.get("/api/v1/contract-templates")
    assert r.status_code == 200
    assert [t["name"] for t in r.json()["items"]] == ["Standard"]
    assert (await sales.get(f"/api/v1/contract-templates/{made['id']}")).status_code == 200
    assert_problem(await sales.post("/api/v1/contract-templates", json={"name": "X"}), 403)
    assert_problem(
        await sales.patch(f"/api/v1/contract-templates/{made['id']}", json={"name": "Y"}), 403
    )
    assert_problem(await sales_team["service"].get("/api/v1/contract-templates"), 403)

    r = await admin.patch(
        f"/api/v1/contract-templates/{made['id']}",
        json={"active": False, "version": made["version"]},
    )
    assert r.status_code == 200 and r.json()["active"] is False
    stale = await admin.patch(
        f"/api/v1/contract-templates/{made['id']}",
        json={"name": "Old", "version": made["version"]},
    )
    assert_problem(stale, 412)
    r = await admin.get("/api/v1/contract-templates", params={"active": "true"})
    assert r.json()["items"] == []

    assert (await admin.delete(f"/api/v1/contract-templates/{made['id']}")).status_code == 204
    assert_problem(await admin.get(f"/api/v1/contract-templates/{made['id']}"), 404)


async def test_a_template_that_does_not_parse_or_has_an_upside_down_range_is_refused(
    admin: Any,
) -> None:
    r = await admin.post("/api/v1/contract-templates", json={"name": "Bad", "body": "{% if %}"})
    assert ["body", "body"] in error_locs(assert_problem(r, 422))
    r = await admin.post(
        "/api/v1/contract-templates",
        json={"name": "Range", "min_amount": "100", "max_amount": "10"},
    )
    assert_problem(r, 422)
    r = await admin.post("/api/v1/contract-templates", json={"name": "X", "colour": "red"})
    assert_problem(r, 422)
