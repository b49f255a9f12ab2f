"""A stage's gate guards every later stage: a move forward must meet the gate of the stage it
leaves and of every stage it jumps over (unless an administrator made that stage skippable);
moving backwards and giving a deal up are free; a lost deal reopened re-enters the line."""

from __future__ import annotations

from typing import Any

from conftest import Api, Factory
from crm.sales.models import DealStageChange
from platform_helpers import assert_problem, count
from sales.helpers import attach, deal, default_pipeline, meet_default_gate, move, stage

BOTH_DOCUMENTS = [
    ("needs_confirmed", "competitor_analysis"),
    ("needs_confirmed", "needs_document"),
]


def _missing(body: dict[str, Any]) -> list[tuple[str, str]]:
    return sorted((e["stage"], e.get("category") or e["field"]) for e in body["errors"])


async def _new_deal(api: Api, factory: Factory, **fields: Any) -> dict[str, Any]:
    customer = await factory.customer(api)
    return await deal(api, customer["id"], **fields)


async def test_jumping_over_the_gated_stage_is_refused_naming_it(factory: Factory, db: Any) -> None:
    sales = await factory.user("sales")
    created = await _new_deal(sales, factory)
    for target in ("proposal", "negotiation", "won"):
        body = assert_problem(await move(sales, created["id"], target), 422)
        assert _missing(body) == BOTH_DOCUMENTS, target
        assert "Needs confirmed" in body["detail"]
        assert all("moves past 'Needs confirmed'" in e["msg"] for e in body["errors"])
    fresh = (await sales.get(f"/api/v1/deals/{created['id']}")).json()
    assert (fresh["stage_id"], fresh["version"]) == (created["stage_id"], created["version"])
    assert await count(db, DealStageChange, DealStageChange.deal_id == created["id"]) == 1

    # Half of it: only what is left is named.
    assert (await attach(sales, "deal", created["id"], "needs_document")).status_code == 201
    body = assert_problem(await move(sales, created["id"], "won"), 422)
    assert _missing(body) == [("needs_confirmed", "competitor_analysis")]

    assert (await attach(sales, "deal", created["id"], "competitor_analysis")).status_code == 201
    r = await move(sales, created["id"], "won")
    assert r.status_code == 200, r.text
    assert r.json()["status"] == "won"


async def test_every_gate_on_the_way_is_checked_at_once(admin: Api, factory: Factory) -> None:
    r = await admin.post(
        "/api/v1/pipelines",
        json={
            "name": "Projects",
            "stages": [
                {"key": "lead", "name": "Lead", "probability": 10},
                {
                    "key": "scoped",
                    "name": "Scoped",
                    "probability": 30,
                    "gate": {"required_fields": ["expected_close_date"]},
                },
                {
                    "key": "designed",
                    "name": "Designed",
                    "probability": 60,
                    "gate": {"required_attachments": ["needs_document"]},
                },
                {"key": "won", "name": "Won", "probability": 100, "kind": "won"},
                {"key": "lost", "name": "Lost", "probability": 0, "kind": "lost"},
            ],
        },
    )
    assert r.status_code == 201, r.text
    created = await _new_deal(admin, factory, pipeline_id=r.json()["id"])

    body = assert_problem(await move(admin, created["id"], "won"), 422)
    assert _missing(body) == [("designed", "needs_document"), ("scoped", "expected_close_date")]
    assert "'Scoped'" in body["detail"] and "'Designed'" in body["detail"]
    # Up to a gated stage: only the gates before it.
    body = assert_problem(await move(admin, created["id"], "designed"), 422)
    assert _missing(body) == [("scoped", "expected_close_date")]
    r = await admin.patch(
        f"/api/v1/deals/{created['id']}", json={"expected_close_date": "2027-06-30"}
    )
    assert r.status_code == 200, r.text
    assert (await move(admin, created["id"], "designed")).status_code == 200


async def test_moving_backwards_is_free(factory: Factory) -> None:
    sales = await factory.user("sales")
    created = await _new_deal(sales, factory)
    await meet_default_gate(sales, created["id"])
    assert (await move(sales, created["id"], "negotiation")).status_code == 200
    documents = (
        await sales.get(
            "/api/v1/attachments", params={"object_type": "deal", "object_id": created["id"]}
        )
    ).json()["items"]
    for document in documents:
        assert (await sales.delete(f"/api/v1/attachments/{document['id']}")).status_code == 204

    # The gate is no longer met, but going back (out of the gated stage too) needs nothing...
    assert (await move(sales, created["id"], "needs_confirmed")).status_code == 200
    assert (await move(sales, created["id"], "initial_contact")).status_code == 200
    # ...while going forward again does.
    body = assert_problem(await move(sales, created["id"], "proposal"), 422)
    assert _missing(body) == BOTH_DOCUMENTS


async def test_losing_is_free_and_a_reopened_deal_meets_the_gates(factory: Factory) -> None:
    sales = await factory.user("sales")
    created = await _new_deal(sales, factory)
    r = await move(sales, created["id"], "lost", lost_reason="No budget")
    assert r.status_code == 200, r.text

    # Lost is no shortcut: won from there needs what the line before won needs.
    body = assert_problem(await move(sales, created["id"], "won"), 422)
    assert _missing(body) == BOTH_DOCUMENTS
    body = assert_problem(await move(sales, created["id"], "proposal"), 422)
    assert _missing(body) == BOTH_DOCUMENTS
    r = await move(sales, created["id"], "initial_contact")
    assert r.status_code == 200, r.text
    assert r.json()["status"] == "open"


async def test_an_administrator_makes_a_stage_skippable(admin: Api, factory: Factory) -> None:
    pipeline = await default_pipeline(admin)
    needs = stage(pipeline, "needs_confirmed")
    assert needs["skippable"] is False
    path = f"/api/v1/pipelines/{pipeline['id']}/stages/{needs['id']}"
    sales = await factory.user("sales")
    assert_problem(await sales.patch(path, json={"skippable": True}), 403)
    assert_problem(await admin.patch(path, json={"skippable": "sometimes"}), 422)

    r = await admin.patch(path, json={"skippable": True})
    assert r.status_code == 200, r.text
    assert r.json()["skippable"] is True
    assert stage(await default_pipeline(admin), "needs_confirmed")["skippable"] is True

    jumper = await _new_deal(sales, factory)
    r = await move(sales, jumper["id"], "won")
    assert r.status_code == 200, r.text

    # Leaving the skippable stage from within still needs its gate.
    inside = await _new_deal(sales, factory)
    assert (await move(sales, inside["id"], "needs_confirmed")).status_code == 200
    body = assert_problem(await move(sales, inside["id"], "proposal"), 422)
    assert _missing(body) == BOTH_DOCUMENTS
    assert all("leaves 'Needs confirmed'" in e["msg"] for e in body["errors"])

    r = await admin.patch(path, json={"skippable": False})
    assert r.status_code == 200 and r.json()["skippable"] is False
    assert_problem(await move(sales, (await _new_deal(sales, factory))["id"], "won"), 422)


async def test_a_stage_is_created_skippable(admin: Api) -> None:
    r = await admin.post(
        "/api/v1/pipelines",
        json={
            "name": "Quick",
            "stages": [
                {"key": "talk", "name": "Talk", "probability": 10},
                {
                    "key": "check",
                    "name": "Check",
                    "probability": 40,
                    "skippable": True,
                    "gate": {"required_attachments": ["needs_document"]},
                },
                {"key": "won", "name": "Won", "probability": 100, "kind": "won"},
                {"key": "lost", "name": "Lost", "probability": 0, "kind": "lost"},
            ],
        },
    )
    assert r.status_code == 201, r.text
    assert [s["skippable"] for s in r.json()["stages"]] == [False, True, False, False]


async def test_no_other_write_changes_the_stage(admin: Api, factory: Factory) -> None:
    """The move is the only way to another stage: a PATCH, a creation or a lead conversion
    cannot name one, and a converted lead's deal opens in the first stage, gates ahead."""
    pipeline = await default_pipeline(admin)
    won = stage(pipeline, "won")["id"]
    created = await _new_deal(admin, factory)
    r = await admin.patch(f"/api/v1/deals/{created['id']}", json={"stage_id": won})
    assert_problem(r, 422)
    customer = await factory.customer(admin)
    r = await admin.post(
        "/api/v1/deals",
        json={"name": "Straight to won", "customer_id": customer["id"], "stage_id": won},
    )
    assert_problem(r, 422)
    assert (await admin.get(f"/api/v1/deals/{created['id']}")).json()["status"] == "open"

    lead = await admin.post("/api/v1/leads", json={"company_name": "Converted Co"})
    assert lead.status_code == 201, lead.text
    convert = f"/api/v1/leads/{lead.json()['id']}/convert"
    r = await admin.post(convert, json={"deal": {"name": "Converted", "stage_id": won}})
    assert_problem(r, 422)
    r = await admin.post(convert, json={"deal": {"name": "Converted"}})
    assert r.status_code == 200, r.text
    converted = (await admin.get(f"/api/v1/deals/{r.json()['deal_id']}")).json()
    assert converted["stage_id"] == stage(pipeline, "initial_contact")["id"]
    body = assert_problem(await move(admin, converted["id"], "won"), 422)
    assert _missing(body) == BOTH_DOCUMENTS
