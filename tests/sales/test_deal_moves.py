"""Moving deals between stages: gates of the stage being left and of every stage jumped over,
skippable stages, lost reasons, status, history, events, and the stage triggers run by the
worker (legal review tasks, exactly once)."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from sqlalchemy import select

from conftest import Api, Factory
from crm.activities.models import Task
from crm.core import events
from crm.core.audit import AuditLog
from crm.core.events import OutboxEvent
from crm.sales import triggers  # importing it subscribes the stage triggers, as the worker does
from crm.sales.models import Deal, DealStageChange, DealTriggerRun
from customfields.helpers import define
from platform_helpers import assert_problem, count, rows
from sales.helpers import attach, deal, default_pipeline, meet_default_gate, move, stage


async def _at_needs_confirmed(api: Api, factory: Factory, **fields: Any) -> dict[str, Any]:
    customer = await factory.customer(api)
    created = await deal(api, customer["id"], **fields)
    r = await move(api, created["id"], "needs_confirmed")
    assert r.status_code == 200, r.text
    return dict(r.json())


async def test_gate_names_every_missing_item_and_writes_nothing(
    admin: Api, factory: Factory, db: Any
) -> None:
    sales = await factory.user("sales")
    pipeline = await default_pipeline(admin)
    await define(admin, "budget", "text", object_type="deal")
    # Require a field too, so one refusal names fields and attachments together.
    needs = stage(pipeline, "needs_confirmed")
    r = await admin.patch(
        f"/api/v1/pipelines/{pipeline['id']}/stages/{needs['id']}",
        json={
            "gate": {
                "required_fields": ["expected_close_date", "custom.budget"],
                "required_attachments": ["needs_document", "competitor_analysis"],
            }
        },
    )
    assert r.status_code == 200, r.text
    current = await _at_needs_confirmed(sales, factory)
    changes_before = await count(db, DealStageChange)
    events_before = await count(db, OutboxEvent)

    r = await move(sales, current["id"], "proposal")
    body = assert_problem(r, 422)
    missing = {(e["type"], e.get("field") or e.get("category")) for e in body["errors"]}
    assert missing == {
        ("missing_field", "expected_close_date"),
        ("missing_field", "custom.budget"),
        ("missing_attachment", "needs_document"),
        ("missing_attachment", "competitor_analysis"),
    }
    assert await count(db, DealStageChange) == changes_before
    assert await count(db, OutboxEvent) == events_before
    fresh = (await sales.get(f"/api/v1/deals/{current['id']}")).json()
    assert fresh["stage_id"] == needs["id"] and fresh["version"] == current["version"]

    # Half of it: still refused, naming only what is left.
    assert (await attach(sales, "deal", current["id"], "needs_document")).status_code == 201
    r = await sales.patch(
        f"/api/v1/deals/{current['id']}",
        json={"expected_close_date": "2027-03-31", "custom_fields": {"budget": "1M"}},
    )
    assert r.status_code == 200, r.text
    body = assert_problem(await move(sales, current["id"], "proposal"), 422)
    assert [(e["type"], e["category"]) for e in body["errors"]] == [
        ("missing_attachment", "competitor_analysis")
    ]
    # A deleted attachment does not count.
    other = await attach(sales, "deal", current["id"], "competitor_analysis")
    assert (await sales.delete(f"/api/v1/attachments/{other.json()['id']}")).status_code == 204
    assert_problem(await move(sales, current["id"], "proposal"), 422)

    assert (await attach(sales, "deal", current["id"], "competitor_analysis")).status_code == 201
    r = await move(sales, current["id"], "proposal")
    assert r.status_code == 200, r.text
    assert r.json()["stage_id"] == stage(pipeline, "proposal")["id"]


async def test_default_gate_needs_both_documents(admin: Api, factory: Factory) -> None:
    current = await _at_needs_confirmed(admin, factory)
    body = assert_problem(await move(admin, current["id"], "won"), 422)
    assert sorted(e["category"] for e in body["errors"]) == [
        "competitor_analysis",
        "needs_document",
    ]


async def test_lost_needs_a_reason_and_sets_status(admin: Api, factory: Factory, db: Any) -> None:
    customer = await factory.customer(admin)
    created = await deal(admin, customer["id"])
    body = assert_problem(await move(admin, created["id"], "lost"), 422)
    assert body["errors"][0]["loc"] == ["body", "lost_reason"]
    assert await count(db, DealStageChange, DealStageChange.deal_id == created["id"]) == 1

    r = await move(admin, created["id"], "lost", lost_reason="Went with a competitor")
    assert r.status_code == 200, r.text
    lost = r.json()
    assert lost["status"] == "lost" and lost["closed_at"] is not None
    assert lost["lost_reason"] == "Went with a competitor"
    [event] = await rows(db, OutboxEvent, OutboxEvent.event_type == "deal.lost")
    assert event.object_id is not None and str(event.object_id) == created["id"]

    # Reopening (backwards) clears the closing.
    r = await move(admin, created["id"], "initial_contact")
    assert r.status_code == 200, r.text
    assert r.json()["status"] == "open" and r.json()["closed_at"] is None
    assert r.json()["lost_reason"] is None


async def test_won_emits_events_and_audits(admin: Api, factory: Factory, db: Any) -> None:
    customer = await factory.customer(admin)
    created = await deal(admin, customer["id"], amount="1000.00")
    await meet_default_gate(admin, created["id"])
    r = await move(admin, created["id"], "won")
    assert r.status_code == 200, r.text
    assert r.json()["status"] == "won"
    [changed] = await rows(db, OutboxEvent, OutboxEvent.event_type == "deal.stage_changed")
    pipeline = await default_pipeline(admin)
    assert changed.payload["from_stage_key"] == "initial_contact"
    assert changed.payload["to_stage_key"] == "won"
    assert changed.payload["to_stage_id"] == stage(pipeline, "won")["id"]
    assert changed.payload["pipeline_id"] == pipeline["id"]
    assert await count(db, OutboxEvent, OutboxEvent.event_type == "deal.won") == 1
    assert await count(db, AuditLog, AuditLog.action == "move") == 1
    # The customer's timeline shows the stage change.
    r = await admin.get(f"/api/v1/customers/{customer['id']}/timeline")
    kinds = [item["kind"] for item in r.json()["items"]]
    assert "deal.stage_changed" in kinds and "deal.created" in kinds


async def test_move_refusals(admin: Api, factory: Factory) -> None:
    customer = await factory.customer(admin)
    created = await deal(admin, customer["id"])
    other = await admin.post(
        "/api/v1/pipelines",
        json={
            "name": "Renewals",
            "stages": [
                {"key": "open", "name": "Open", "probability": 50},
                {"key": "won", "name": "Won", "probability": 100, "kind": "won"},
                {"key": "lost", "name": "Lost", "probability": 0, "kind": "lost"},
            ],
        },
    )
    assert other.status_code == 201, other.text
    foreign = other.json()["stages"][0]["id"]
    r = await admin.post(f"/api/v1/deals/{created['id']}/move", json={"stage_id": foreign})
    assert assert_problem(r, 422)["errors"][0]["loc"] == ["body", "stage_id"]
    assert_problem(await move(admin, created["id"], "initial_contact"), 409)
    assert_problem(await move(admin, created["id"], "nowhere"), 422)
    r = await move(admin, created["id"], "proposal", version=created["version"] + 5)
    assert_problem(r, 412)


async def test_stage_history_durations(admin: Api, factory: Factory, db: Any) -> None:
    customer = await factory.customer(admin)
    created = await deal(admin, customer["id"])
    await meet_default_gate(admin, created["id"])
    assert (await move(admin, created["id"], "proposal")).status_code == 200
    # Pretend the deal sat in "proposal" for an hour.
    async with db.sessionmaker() as session:
        row = await session.get(Deal, created["id"])
        assert row is not None
        row.stage_entered_at = row.stage_entered_at - timedelta(hours=1)
        await session.commit()
    assert (await move(admin, created["id"], "negotiation")).status_code == 200
    assert (await move(admin, created["id"], "proposal")).status_code == 200

    r = await admin.get(f"/api/v1/deals/{created['id']}/stage-history")
    assert r.status_code == 200, r.text
    history = r.json()
    moves = [(c["from_stage_key"], c["to_stage_key"]) for c in history["changes"]]
    assert moves == [
        (None, "initial_contact"),
        ("initial_contact", "proposal"),
        ("proposal", "negotiation"),
        ("negotiation", "proposal"),
    ]
    assert history["changes"][2]["seconds_in_previous_stage"] >= 3600
    assert history["changes"][2]["seconds_in_previous_stage"] < 3700
    assert history["changes"][1]["changed_by_id"] == admin.user_id
    times = {t["stage_key"]: t["seconds"] for t in history["time_in_stages"]}
    assert times["proposal"] >= 3600
    assert set(times) == {"initial_contact", "proposal", "negotiation"}


async def test_legal_review_tasks_created_once_per_reviewer(
    admin: Api, factory: Factory, db: Any
) -> None:
    reviewer_role = await admin.post(
        "/api/v1/roles",
        json={
            "key": "legal",
            "name": "Legal",
            "permissions": ["contracts:read", "contracts:legal_review"],
            "data_scopes": {"contracts": "all"},
        },
    )
    assert reviewer_role.status_code == 201, reviewer_role.text
    lawyer_a = await factory.user("legal")
    lawyer_b = await factory.user("legal")
    inactive = await factory.user("legal")
    r = await admin.patch(f"/api/v1/users/{inactive.user_id}", json={"is_active": False})
    assert r.status_code == 200, r.text
    customer = await factory.customer(admin)
    created = await deal(admin, customer["id"], name="Big rollout")
    await meet_default_gate(admin, created["id"])
    assert (await move(admin, created["id"], "negotiation")).status_code == 200

    await events.drain(db.sessionmaker)
    tasks = await rows(db, Task, Task.title == "Legal review: Big rollout")
    assert sorted(str(t.assignee_id) for t in tasks) == sorted([lawyer_a.user_id, lawyer_b.user_id])
    assert all(str(t.related_id) == customer["id"] for t in tasks)
    # The admin holds every permission but is not a reviewer while real reviewers exist.
    assert admin.user_id not in {str(t.assignee_id) for t in tasks}

    # The worker handling the same event again creates nothing more.
    [event] = await rows(db, OutboxEvent, OutboxEvent.event_type == "deal.stage_changed")
    async with db.sessionmaker() as session:
        again = await session.get(OutboxEvent, event.id)
        assert again is not None
        await triggers.run_stage_triggers(session, again)
        await session.commit()
    assert await count(db, Task, Task.title == "Legal review: Big rollout") == 2
    legal_runs = DealTriggerRun.trigger_type == "legal_review_task"
    assert await count(db, DealTriggerRun, legal_runs) == 1

    # Entering the stage again is a new event: a new review.
    assert (await move(admin, created["id"], "proposal")).status_code == 200
    assert (await move(admin, created["id"], "negotiation")).status_code == 200
    await events.drain(db.sessionmaker)
    assert await count(db, Task, Task.title == "Legal review: Big rollout") == 4


async def test_legal_review_falls_back_to_admins(admin: Api, factory: Factory, db: Any) -> None:
    customer = await factory.customer(admin)
    created = await deal(admin, customer["id"], name="Small")
    await meet_default_gate(admin, created["id"])
    assert (await move(admin, created["id"], "negotiation")).status_code == 200
    await events.drain(db.sessionmaker)
    tasks = await rows(db, Task, Task.title == "Legal review: Small")
    assert [str(t.assignee_id) for t in tasks] == [admin.user_id]


async def test_unknown_trigger_type_is_a_no_op(admin: Api, factory: Factory, db: Any) -> None:
    pipeline = await default_pipeline(admin)
    proposal = stage(pipeline, "proposal")
    r = await admin.patch(
        f"/api/v1/pipelines/{pipeline['id']}/stages/{proposal['id']}",
        json={"triggers": [{"type": "send_fireworks", "colour": "red"}]},
    )
    assert r.status_code == 200, r.text
    assert r.json()["triggers"] == [{"type": "send_fireworks", "colour": "red"}]
    customer = await factory.customer(admin)
    created = await deal(admin, customer["id"])
    await meet_default_gate(admin, created["id"])
    assert (await move(admin, created["id"], "proposal")).status_code == 200
    await events.drain(db.sessionmaker)
    [event] = await rows(db, OutboxEvent, OutboxEvent.event_type == "deal.stage_changed")
    assert event.processed_at is not None and event.last_error is None
    assert await count(db, DealTriggerRun) == 0
    async with db.sessionmaker() as session:
        assert (await session.execute(select(Task))).first() is None
