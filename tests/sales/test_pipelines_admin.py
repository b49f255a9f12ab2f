"""Pipelines administration: admin:settings writes, everyone with deals:read reads; the rules
on stages (one won, one lost, unique keys, gate fields), one default pipeline, and refusals for
stages and pipelines that hold deals."""

from __future__ import annotations

from typing import Any

from conftest import Api, Factory
from platform_helpers import assert_problem
from sales.helpers import deal, default_pipeline, stage

STAGES = [
    {"key": "qualify", "name": "Qualify", "probability": 20},
    {"key": "won", "name": "Won", "probability": 100, "kind": "won"},
    {"key": "lost", "name": "Lost", "probability": 0, "kind": "lost"},
]


async def _create(admin: Api, **fields: Any) -> Any:
    return await admin.post(
        "/api/v1/pipelines", json={"name": "Partners", "stages": STAGES, **fields}
    )


async def test_default_pipeline_exists_with_gates_and_triggers(admin: Api) -> None:
    pipeline = await default_pipeline(admin)
    assert [s["key"] for s in pipeline["stages"]] == [
        "initial_contact",
        "needs_confirmed",
        "proposal",
        "negotiation",
        "won",
        "lost",
    ]
    assert stage(pipeline, "needs_confirmed")["gate"]["required_attachments"] == [
        "needs_document",
        "competitor_analysis",
    ]
    assert {t["type"] for t in stage(pipeline, "negotiation")["triggers"]} == {
        "recommend_contract_template",
        "legal_review_task",
    }


async def test_stage_set_validation(admin: Api) -> None:
    cases = [
        [STAGES[0], STAGES[1], {**STAGES[1], "key": "won2"}, STAGES[2]],  # two won
        [STAGES[0], STAGES[1], {**STAGES[0], "kind": "open"}],  # no lost (and dup key)
        [STAGES[0], {**STAGES[0], "kind": "won"}, STAGES[2]],  # duplicate key
        [{**STAGES[1]}, {**STAGES[2]}, {**STAGES[1], "key": "x", "kind": "won"}],  # no open
        [{**STAGES[0], "probability": 101}, STAGES[1], STAGES[2]],
        [{**STAGES[0], "key": "Bad Key"}, STAGES[1], STAGES[2]],
        [{**STAGES[0], "gate": {"required_fields": ["stage_id"]}}, STAGES[1], STAGES[2]],
        [{**STAGES[0], "gate": {"required_attachments": ["Not a category"]}}, *STAGES[1:]],
    ]
    for stages in cases:
        r = await admin.post("/api/v1/pipelines", json={"name": "Bad", "stages": stages})
        assert_problem(r, 422)
    r = await admin.get("/api/v1/pipelines")
    assert [p["name"] for p in r.json()] == ["Sales"]


async def test_one_default_pipeline(admin: Api) -> None:
    old = await default_pipeline(admin)
    r = await _create(admin, is_default=True)
    assert r.status_code == 201, r.text
    new = r.json()
    assert new["is_default"] is True
    r = await admin.get("/api/v1/pipelines")
    assert [p["id"] for p in r.json() if p["is_default"]] == [new["id"]]
    # Un-defaulting the only default, or deactivating or deleting it, is refused.
    path = f"/api/v1/pipelines/{new['id']}"
    assert_problem(await admin.patch(path, json={"is_default": False}), 422)
    assert_problem(await admin.patch(path, json={"active": False}), 422)
    assert_problem(await admin.delete(path), 409)
    r = await admin.patch(f"/api/v1/pipelines/{old['id']}", json={"is_default": True})
    assert r.status_code == 200, r.text
    assert (await admin.delete(path)).status_code == 204


async def test_stage_editing_rules(admin: Api, factory: Factory) -> None:
    r = await _create(admin)
    pipeline = r.json()
    base = f"/api/v1/pipelines/{pipeline['id']}/stages"
    r = await admin.post(
        base, params={"position": 1}, json={"key": "lead", "name": "Lead", "probability": 5}
    )
    assert r.status_code == 201, r.text
    lead = r.json()
    assert lead["position"] == 1
    r = await admin.get(f"/api/v1/pipelines/{pipeline['id']}")
    assert [(s["key"], s["position"]) for s in r.json()["stages"]] == [
        ("lead", 1),
        ("qualify", 2),
        ("won", 3),
        ("lost", 4),
    ]
    # A second won stage, a duplicate key: refused.
    r = await admin.post(
        base, json={"key": "won_too", "name": "W", "probability": 100, "kind": "won"}
    )
    assert_problem(r, 422)
    r = await admin.post(base, json={"key": "lead", "name": "Again", "probability": 5})
    assert_problem(r, 422)
    # Reorder.
    r = await admin.patch(f"{base}/{lead['id']}", json={"position": 2, "probability": 7})
    assert r.status_code == 200 and r.json()["position"] == 2 and r.json()["probability"] == 7
    # A stage with a deal keeps its kind and cannot be deleted; the won/lost ones stay.
    customer = await factory.customer(admin)
    await deal(admin, customer["id"], pipeline_id=pipeline["id"])  # starts in "qualify"
    qualify = stage(pipeline, "qualify")
    assert_problem(await admin.patch(f"{base}/{qualify['id']}", json={"kind": "won"}), 409)
    assert_problem(await admin.delete(f"{base}/{qualify['id']}"), 409)
    assert_problem(await admin.delete(f"{base}/{stage(pipeline, 'won')['id']}"), 422)
    assert (await admin.delete(f"{base}/{lead['id']}")).status_code == 204
    # A pipeline with deals cannot be deleted, only deactivated.
    assert_problem(await admin.delete(f"/api/v1/pipelines/{pipeline['id']}"), 409)
    r = await admin.patch(f"/api/v1/pipelines/{pipeline['id']}", json={"active": False})
    assert r.status_code == 200 and r.json()["active"] is False
    assert [p["name"] for p in (await admin.get("/api/v1/pipelines")).json()] == ["Sales"]
    r = await admin.get("/api/v1/pipelines", params={"include_inactive": True})
    assert sorted(p["name"] for p in r.json()) == ["Partners", "Sales"]


async def test_only_admins_write_and_deal_readers_read(
    admin: Api, sales_team: dict[str, Any]
) -> None:
    manager: Api = sales_team["manager"]
    assert_problem(await _create(manager), 403)
    assert (await manager.get("/api/v1/pipelines")).status_code == 200
    assert (await sales_team["sales_a"].get("/api/v1/pipelines")).status_code == 200
    assert_problem(await sales_team["service"].get("/api/v1/pipelines"), 403)
