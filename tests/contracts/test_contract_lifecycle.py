"""Contracts through the API: numbers, rendered terms, totals, the status machine, renewal,
soft delete, the customer's timeline, and the data scope on every route."""

from __future__ import annotations

import asyncio
import re
from datetime import date, timedelta
from typing import Any

from contract_helpers import contract, lines, move, signed_contract, template
from crm.core.db import utcnow
from platform_helpers import assert_problem, error_locs


async def test_a_contract_gets_a_number_parties_rendered_terms_and_a_total(
    factory: Any, admin: Any, sales_team: dict[str, Any]
) -> None:
    sales = sales_team["sales_a"]
    customer = await factory.customer(sales, name="<b>Acme</b> & Co")
    tpl = await template(
        admin,
        body="{{ company.name }} / {{ customer.name }}: {% for l in lines %}"
        "{{ l.description }}={{ l.line_total }};{% endfor %} total {{ contract.total }}",
    )
    made = await contract(
        sales,
        customer["id"],
        template_id=tpl["id"],
        lines=lines(("Licence", "2", "500.00", "10"), ("Support", "1.5", "99.99")),
    )
    year = utcnow().year
    assert re.fullmatch(rf"HT-{year}-\d{{6}}", made["number"])
    assert made["status"] == "draft" and made["owner_id"] == sales.user_id
    # 2 x 500 less 10% = 900.00; 1.5 x 99.99 = 149.985 -> 149.99 (half up)
    assert [line["line_total"] for line in made["lines"]] == ["900.00", "149.99"]
    assert made["total"] == "1049.99"
    assert made["parties"]["customer"]["name"] == "<b>Acme</b> & Co"
    # Autoescaped: customer data cannot inject markup into the terms.
    assert made["terms"] == (
        "Our Company / &lt;b&gt;Acme&lt;/b&gt; &amp; Co: Licence=900.00;Support=149.99; "
        "total 1049.99"
    )
    # Editing the draft's lines re-renders the terms from its template.
    r = await sales.patch(
        f"/api/v1/contracts/{made['id']}", json={"lines": lines(("Licence", "1", "10.00"))}
    )
    assert r.status_code == 200, r.text
    assert r.json()["terms"].endswith("Licence=10.00; total 10.00")
    second = await contract(sales, customer["id"])
    assert int(second["number"][-6:]) == int(made["number"][-6:]) + 1


async def test_the_sandbox_keeps_templates_away_from_python_internals(
    factory: Any, admin: Any, sales_team: dict[str, Any]
) -> None:
    sales = sales_team["sales_a"]
    customer = await factory.customer(sales)
    tpl = await template(admin, body="{{ lines.__class__.__mro__[1].__subclasses__() }}")
    r = await sales.post(
        "/api/v1/contracts", json={"customer_id": customer["id"], "template_id": tpl["id"]}
    )
    assert ["body", "template_id"] in error_locs(assert_problem(r, 422))


async def test_numbers_stay_unique_and_gapless_under_concurrent_creation(
    factory: Any, sales_team: dict[str, Any]
) -> None:
    sales = sales_team["sales_a"]
    customer = await factory.customer(sales)
    made = await asyncio.gather(*(contract(sales, customer["id"]) for _ in range(8)))
    numbers = sorted(int(c["number"][-6:]) for c in made)
    assert numbers == list(range(1, 9))


async def test_statuses_move_only_along_the_allowed_paths(
    factory: Any, admin: Any, sales_team: dict[str, Any]
) -> None:
    sales, manager = sales_team["sales_a"], sales_team["manager"]
    customer = await factory.customer(sales)
    made = await contract(sales, customer["id"])
    path = f"/api/v1/contracts/{made['id']}"

    body = assert_problem(await manager.post(f"{path}/transition", json={"status": "signed"}), 409)
    assert body["allowed"] == ["in_review"] and "in_review" in body["detail"]
    await move(sales, made["id"], "in_review")
    back = await move(sales, made["id"], "draft")
    assert back["status"] == "draft"
    await move(sales, made["id"], "in_review")
    signed = await move(manager, made["id"], "signed")
    assert signed["status"] == "signed" and signed["signed_at"] is not None

    assert_problem(await sales.patch(path, json={"title": "Changed"}), 409)
    body = assert_problem(await sales.post(f"{path}/transition", json={"status": "draft"}), 409)
    assert body["allowed"] == ["expired", "terminated"]
    assert_problem(await admin.delete(path), 409)
    terminated = await move(sales, made["id"], "terminated")
    assert terminated["status"] == "terminated"
    body = assert_problem(await manager.post(f"{path}/transition", json={"status": "signed"}), 409)
    assert body["allowed"] == []


async def test_signing_needs_contracts_sign_which_salespeople_do_not_have(
    factory: Any, admin: Any, sales_team: dict[str, Any], db: Any
) -> None:
    sales, manager = sales_team["sales_a"], sales_team["manager"]
    customer = await factory.customer(sales)
    made = await contract(sales, customer["id"])
    await move(sales, made["id"], "in_review")
    path = f"/api/v1/contracts/{made['id']}"

    body = assert_problem(await sales.post(f"{path}/transition", json={"status": "signed"}), 403)
    assert "contracts:sign" in body["detail"]
    still = await sales.get(path)
    assert still.json()["status"] == "in_review" and still.json()["signed_at"] is None
    assert "contracts:sign" not in (await sales.get("/api/v1/auth/me")).json()["permissions"]
    # The salesperson still drafts and submits; their manager signs.
    signed = await move(manager, made["id"], "signed")
    assert signed["status"] == "signed" and signed["signed_at"] is not None

    # A custom role that writes contracts signs only once contracts:sign is granted to it.
    r = await admin.post(
        "/api/v1/roles",
        json={
            "key": "contract_clerk",
            "name": "Contract clerk",
            "permissions": ["customers:read", "contracts:read", "contracts:write"],
            "data_scopes": {"customers": "all", "contracts": "all"},
        },
    )
    assert r.status_code == 201, r.text
    clerk = await factory.user("contract_clerk")
    other = await contract(sales, customer["id"])
    await move(sales, other["id"], "in_review")
    transition = f"/api/v1/contracts/{other['id']}/transition"
    assert_problem(await clerk.post(transition, json={"status": "signed"}), 403)
    role = r.json()
    r = await admin.patch(
        f"/api/v1/roles/{role['id']}",
        json={"permissions": [*role["permissions"], "contracts:sign"], "version": role["version"]},
    )
    assert r.status_code == 200, r.text
    assert (await move(clerk, other["id"], "signed"))["status"] == "signed"


async def test_a_contract_without_dates_cannot_be_signed(
    factory: Any, sales_team: dict[str, Any]
) -> None:
    manager = sales_team["manager"]
    sales = sales_team["sales_a"]
    customer = await factory.customer(sales)
    made = await contract(sales, customer["id"], start_date=None, end_date=None)
    await move(sales, made["id"], "in_review")
    r = await manager.post(f"/api/v1/contracts/{made['id']}/transition", json={"status": "signed"})
    assert_problem(r, 422)


async def test_a_draft_is_edited_with_its_version_and_its_total_follows_the_lines(
    factory: Any, sales_team: dict[str, Any]
) -> None:
    sales = sales_team["sales_a"]
    customer = await factory.customer(sales)
    made = await contract(sales, customer["id"])
    path = f"/api/v1/contracts/{made['id']}"
    r = await sales.patch(
        path, json={"lines": lines(("One", "1", "10.50"))}, headers={"If-Match": '"1"'}
    )
    assert r.status_code == 200, r.text
    assert r.json()["total"] == "10.50" and r.json()["version"] == 2
    assert_problem(await sales.patch(path, json={"title": "X"}, headers={"If-Match": '"1"'}), 412)
    bad = await sales.patch(path, json={"end_date": "2000-01-01"})
    assert_problem(bad, 422)


async def test_renewal_creates_the_next_contract_linked_to_the_previous_one(
    factory: Any, admin: Any, sales_team: dict[str, Any]
) -> None:
    sales = sales_team["sales_a"]
    customer = await factory.customer(sales)
    start = date(2026, 1, 1)
    draft = await contract(sales, customer["id"])
    assert_problem(await sales.post(f"/api/v1/contracts/{draft['id']}/renew", json={}), 409)

    signed = await signed_contract(
        sales,
        customer["id"],
        signer=sales_team["manager"],
        start_date=start.isoformat(),
        end_date=(start + timedelta(days=364)).isoformat(),
    )
    r = await sales.post(f"/api/v1/contracts/{signed['id']}/renew", json={})
    assert r.status_code == 201, r.text
    renewal = r.json()
    assert renewal["renewed_from_id"] == signed["id"]
    assert renewal["status"] == "draft" and renewal["number"] != signed["number"]
    assert renewal["start_date"] == "2027-01-01" and renewal["end_date"] == "2027-12-31"
    assert renewal["lines"] == signed["lines"] and renewal["total"] == signed["total"]
    assert_problem(await sales.post(f"/api/v1/contracts/{signed['id']}/renew", json={}), 409)


async def test_contract_events_show_on_the_customers_timeline(
    factory: Any, sales_team: dict[str, Any]
) -> None:
    sales = sales_team["sales_a"]
    customer = await factory.customer(sales)
    await signed_contract(sales, customer["id"], signer=sales_team["manager"])
    r = await sales.get(f"/api/v1/customers/{customer['id']}/timeline")
    kinds = [item["kind"] for item in r.json()["items"]]
    assert "contract.created" in kinds and "contract.signed" in kinds
    titles = {item["kind"]: item["title"] for item in r.json()["items"]}
    assert titles["contract.signed"] == "Contract signed"


async def test_deleted_contracts_go_to_the_recycle_bin(
    factory: Any, admin: Any, sales_team: dict[str, Any]
) -> None:
    sales, manager = sales_team["sales_a"], sales_team["manager"]
    customer = await factory.customer(sales)
    made = await contract(sales, customer["id"])
    # Deleting a contract is an administrator's (the catalogue grants contracts:delete to none
    # of the selling roles).
    assert_problem(await sales.delete(f"/api/v1/contracts/{made['id']}"), 403)
    assert_problem(await manager.delete(f"/api/v1/contracts/{made['id']}"), 403)
    assert (await admin.delete(f"/api/v1/contracts/{made['id']}")).status_code == 204
    assert_problem(await sales.get(f"/api/v1/contracts/{made['id']}"), 404)
    r = await admin.get("/api/v1/recycle-bin")
    assert made["id"] in [e["object_id"] for e in r.json()["items"]]


async def test_every_route_hides_contracts_outside_the_callers_scope(
    factory: Any, sales_team: dict[str, Any]
) -> None:
    a, b = sales_team["sales_a"], sales_team["sales_b"]
    manager, outsider = sales_team["manager"], sales_team["outsider"]
    customer = await factory.customer(a)
    made = await contract(a, customer["id"])
    signed = await signed_contract(a, customer["id"], signer=manager)
    path = f"/api/v1/contracts/{made['id']}"
    for caller in (b, outsider):
        assert_problem(await caller.get(path), 404)
        assert_problem(await caller.patch(path, json={"title": "Mine"}), 404)
        assert_problem(await caller.post(f"{path}/transition", json={"status": "in_review"}), 404)
        assert_problem(await caller.post(f"/api/v1/contracts/{signed['id']}/renew", json={}), 404)
        assert_problem(await caller.post(f"/api/v1/contracts/{signed['id']}/orders", json={}), 404)
        r = await caller.get("/api/v1/contracts")
        assert r.json()["items"] == []
        # Nor can they file a contract under someone else's customer.
        r = await caller.post("/api/v1/contracts", json={"customer_id": customer["id"]})
        assert ["body", "customer_id"] in error_locs(assert_problem(r, 422))
    assert_problem(await outsider.delete(path), 403)
    assert (await manager.get(path)).status_code == 200
    listed = await manager.get("/api/v1/contracts", params={"customer_id": customer["id"]})
    assert {c["id"] for c in listed.json()["items"]} == {made["id"], signed["id"]}
    assert {c["customer_name"] for c in listed.json()["items"]} == {customer["name"]}
    only_signed = await a.get("/api/v1/contracts", params={"status": "signed"})
    assert [c["id"] for c in only_signed.json()["items"]] == [signed["id"]]
