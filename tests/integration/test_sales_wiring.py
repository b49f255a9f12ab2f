"""The plug-ins that tie the sales domains together (declared in their manifests, loaded by
crm/domains.py): the accepted quote becomes the won deal's contract lines with the same total, a
signed contract keeps its customer out of the pool, and contracts and leads take attachments."""

from __future__ import annotations

import uuid
from decimal import Decimal
from typing import Any

from contract_helpers import contract, drain, signed_contract, win
from crm.contracts.models import Contract
from crm.customers.pool import keepers
from crm.worker import WorkerSettings
from customers.pool.pool_helpers import age, policy, run_sweep, stored
from lead_helpers import lead as create_lead
from platform_helpers import rows
from quote_helpers import quote


async def test_the_won_deals_contract_adds_up_to_the_accepted_quote_with_its_discount_and_tax(
    shop: dict[str, Any], db: Any
) -> None:
    a = shop["team"]["sales_a"]
    products = shop["products"]
    created = await quote(
        a,
        shop["deal_id"],
        [
            {"product_id": products["widget"], "quantity": "3"},
            {"product_id": products["gadget"], "quantity": "7", "discount_percent": "5"},
            {"product_id": products["tiny"], "quantity": "1"},
        ],
        discount_percent="7",
        tax_rate_percent="13",
    )
    for action in ("submit", "send", "accept"):
        r = await a.post(f"/api/v1/quotes/{created['id']}/{action}")
        assert r.status_code == 200, r.text
    accepted = r.json()
    assert Decimal(accepted["discount_amount"]) > 0 and Decimal(accepted["tax_amount"]) > 0

    await win(db, uuid.UUID(shop["deal_id"]))
    await drain(db)

    [contract] = await rows(db, Contract, Contract.deal_id == uuid.UUID(shop["deal_id"]))
    assert contract.total == Decimal(accepted["total"])
    descriptions = [line["description"] for line in contract.lines]
    assert len(descriptions) == 4 and descriptions[-1].startswith("Tax 13%")
    assert Decimal(contract.lines[-1]["line_total"]) == Decimal(accepted["tax_amount"])
    net = sum(Decimal(line["line_total"]) for line in contract.lines[:-1])
    assert net == Decimal(accepted["subtotal"]) - Decimal(accepted["discount_amount"])
    # Quantities and unit prices are the quote's; the quote-level discount is in each line's
    # (0.05 less 7 % rounds back to 0.05: that line keeps no discount).
    assert [Decimal(line["quantity"]) for line in contract.lines[:3]] == [3, 7, 1]
    assert [Decimal(line["discount_percent"]) > 0 for line in contract.lines[:3]] == [
        True,
        True,
        False,
    ]
    assert Decimal(contract.lines[2]["line_total"]) == Decimal("0.05")


async def test_a_signed_contract_keeps_its_customer_out_of_the_pool(
    admin: Any, factory: Any, sales_team: dict[str, Any], db: Any
) -> None:
    a = sales_team["sales_a"]
    await policy(admin, days_without_deal=20)
    signed = (await factory.customer(a))["id"]
    draft_only = (await factory.customer(a))["id"]
    for cid in (signed, draft_only):
        await age(db, cid, assigned_days_ago=30)
    await signed_contract(a, signed, signer=sales_team["manager"])
    await contract(a, draft_only)  # a draft keeps nothing

    assert "signed_contract" in keepers.keeper_names()
    assert (await run_sweep(db)).returned == 1
    assert str((await stored(db, signed)).owner_id) == a.user_id
    assert (await stored(db, draft_only)).owner_id is None


async def test_contracts_and_leads_take_attachments_within_their_scope(
    factory: Any, sales_team: dict[str, Any]
) -> None:
    a, b = sales_team["sales_a"], sales_team["sales_b"]
    customer = await factory.customer(a)
    signed = await signed_contract(a, customer["id"], signer=sales_team["manager"])
    lead = await create_lead(a, person_name="Wang Fang", owner_id=a.user_id)
    for object_type, object_id in (("contract", signed["id"]), ("lead", lead["id"])):
        params = {"object_type": object_type, "object_id": object_id}
        r = await a.post(
            "/api/v1/attachments",
            params=params,
            data={"category": "scan"},
            files={"file": ("scan.pdf", b"%PDF-1.4\n%%EOF\n", "application/pdf")},
        )
        assert r.status_code == 201, r.text
        listed = await a.get("/api/v1/attachments", params=params)
        assert [x["id"] for x in listed.json()["items"]] == [r.json()["id"]]
        # Another salesperson does not see the record, nor its files.
        assert (await b.get("/api/v1/attachments", params=params)).status_code == 404


def test_the_worker_knows_every_plug_in() -> None:
    assert {"open_deal", "signed_contract"} <= set(keepers.keeper_names())
    assert WorkerSettings.functions  # importing the worker loaded every domain's plug-ins
