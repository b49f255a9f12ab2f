"""Assignment rules: management, each matcher, each target, round-robin fairness under
concurrency, least-loaded counting deals and leads, and the pool as the fallback."""

from __future__ import annotations

import asyncio
import uuid
from collections import Counter
from typing import Any

import pytest

from crm.core import events
from crm.leads.assignment import assign_pool_leads, current_loads
from crm.sales import service as sales_service
from lead_helpers import drain, lead, owners, rule
from platform_helpers import assert_problem, error_locs


async def test_rules_crud_order_and_validation(admin: Any, sales_team: dict[str, Any]) -> None:
    manager, a, b = sales_team["manager"], sales_team["sales_a"], sales_team["sales_b"]
    first = await rule(manager, target_kind="user", target_user_id=a.user_id, grade="A")
    second = await rule(manager, target_kind="round_robin", team_user_ids=[a.user_id, b.user_id])
    assert (first["position"], second["position"]) == (0, 1)
    r = await manager.get("/api/v1/lead-assignment-rules")
    assert [x["id"] for x in r.json()] == [first["id"], second["id"]]
    r = await manager.post(
        "/api/v1/lead-assignment-rules/reorder", json={"rule_ids": [second["id"], first["id"]]}
    )
    assert r.status_code == 200, r.text
    assert [(x["id"], x["position"]) for x in r.json()] == [(second["id"], 0), (first["id"], 1)]
    assert_problem(
        await manager.post(
            "/api/v1/lead-assignment-rules/reorder", json={"rule_ids": [first["id"]]}
        ),
        422,
    )
    r = await manager.patch(
        f"/api/v1/lead-assignment-rules/{first['id']}", json={"grade": "B", "version": 2}
    )  # version 2: the reorder moved it
    assert r.status_code == 200, r.text
    assert r.json()["grade"] == "B"
    assert_problem(
        await manager.patch(
            f"/api/v1/lead-assignment-rules/{first['id']}", json={"grade": "C", "version": 1}
        ),
        412,
    )
    bad = [
        ({"target_kind": "user"}, "target_user_id"),
        ({"target_kind": "round_robin"}, "team_user_ids"),
        ({"target_kind": "user", "target_user_id": str(uuid.uuid4())}, "target_user_id"),
        (
            {"target_kind": "least_loaded", "team_department_id": str(uuid.uuid4())},
            "team_department_id",
        ),
        ({"target_kind": "magic"}, "target_kind"),
        ({"target_kind": "user", "target_user_id": a.user_id, "grade": "Q"}, "grade"),
    ]
    for body, field in bad:
        problem = assert_problem(
            await manager.post("/api/v1/lead-assignment-rules", json={"name": "x", **body}), 422
        )
        assert ["body", field] in error_locs(problem), (body, problem)
    r = await manager.delete(f"/api/v1/lead-assignment-rules/{first['id']}")
    assert r.status_code == 204
    assert_problem(await manager.delete(f"/api/v1/lead-assignment-rules/{first['id']}"), 404)
    # Salespeople see how leads are routed but change nothing (no leads:assign).
    assert (await a.get("/api/v1/lead-assignment-rules")).status_code == 200
    assert_problem(
        await a.post(
            "/api/v1/lead-assignment-rules",
            json={"name": "Mine", "target_kind": "user", "target_user_id": a.user_id},
        ),
        403,
    )
    assert_problem(await a.delete(f"/api/v1/lead-assignment-rules/{second['id']}"), 403)
    assert_problem(await sales_team["service"].get("/api/v1/lead-assignment-rules"), 403)


async def test_each_matcher_and_the_pool_fallback(db: Any, sales_team: dict[str, Any]) -> None:
    manager, marketing = sales_team["manager"], sales_team["marketing"]
    a, b, outsider = sales_team["sales_a"], sales_team["sales_b"], sales_team["outsider"]
    await rule(
        manager, target_kind="user", target_user_id=a.user_id, province="上海市", city="上海市"
    )
    await rule(manager, target_kind="user", target_user_id=b.user_id, product_line="ERP")
    await rule(manager, target_kind="user", target_user_id=outsider.user_id, source="web")
    await rule(manager, target_kind="user", target_user_id=manager.user_id, grade="A")
    cases = {
        (await lead(marketing, province="上海市", city="上海市", grade="A"))["id"]: a.user_id,
        # Province matches but not the city: the next rules are tried.
        (await lead(marketing, province="上海市", city="浦东", product_line="erp"))[
            "id"
        ]: b.user_id,
        (await lead(marketing, source="web"))["id"]: outsider.user_id,
        (await lead(marketing, grade="A", source="mail"))["id"]: manager.user_id,
        (await lead(marketing, grade="B"))["id"]: None,  # no rule: stays in the pool
    }
    await drain(db)
    assert await owners(db, list(cases)) == cases
    r = await marketing.get("/api/v1/leads/pool")
    assert [x["id"] for x in r.json()["items"]] == [k for k, v in cases.items() if v is None]
    # The new owner sees it, with the rule in its history and a notification.
    [assigned] = [k for k, v in cases.items() if v == a.user_id]
    history = (await a.get(f"/api/v1/leads/{assigned}/assignments")).json()["items"]
    assert [(h["kind"], h["to_user_id"], h["by_user_id"]) for h in history] == [
        ("rule", a.user_id, None)
    ]
    assert history[0]["rule_id"] and "Assignment rule" in history[0]["reason"]
    notes = (await a.get("/api/v1/notifications")).json()["items"]
    assert [n["object_id"] for n in notes if n["kind"] == "lead_assigned"] == [assigned]
    lead_a = (await a.get(f"/api/v1/leads/{assigned}")).json()
    assert lead_a["department_id"] == sales_team["department"]["id"]
    assert lead_a["version"] == 2


async def test_inactive_rules_and_leads_with_an_owner_are_left_alone(
    db: Any, sales_team: dict[str, Any]
) -> None:
    manager, a, b = sales_team["manager"], sales_team["sales_a"], sales_team["sales_b"]
    await rule(manager, target_kind="user", target_user_id=a.user_id, active=False)
    await rule(manager, target_kind="user", target_user_id=b.user_id, source="fair")
    pooled = await lead(sales_team["marketing"], source="web")
    kept = await lead(manager, owner_id=a.user_id, source="fair")
    await drain(db)
    assert await owners(db, [pooled["id"], kept["id"]]) == {
        pooled["id"]: None,
        kept["id"]: a.user_id,
    }


async def test_department_team_round_robin_skips_inactive_members(
    db: Any, admin: Any, factory: Any, sales_team: dict[str, Any]
) -> None:
    dept = await factory.department("Inside sales")
    members = [await factory.user("sales", department_id=dept["id"]) for _ in range(3)]
    r = await admin.patch(f"/api/v1/users/{members[2].user_id}", json={"is_active": False})
    assert r.status_code == 200, r.text
    await rule(sales_team["manager"], target_kind="round_robin", team_department_id=dept["id"])
    ids = [(await lead(sales_team["marketing"]))["id"] for _ in range(6)]
    await drain(db)
    got = Counter((await owners(db, ids)).values())
    assert got == {members[0].user_id: 3, members[1].user_id: 3}


async def test_round_robin_is_exactly_even_under_concurrent_arrivals_and_drains(
    db: Any, sales_team: dict[str, Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    team = [sales_team[k] for k in ("sales_a", "sales_b", "manager")]
    await rule(
        sales_team["manager"], target_kind="round_robin", team_user_ids=[u.user_id for u in team]
    )
    marketing = sales_team["marketing"]
    # 60 leads arriving at once through the API, then four workers draining at once in
    # small batches, so the batches interleave on the rule's turn counter.
    created = await asyncio.gather(*(lead(marketing) for _ in range(60)))
    monkeypatch.setattr(events, "BATCH_SIZE", 7)
    await asyncio.gather(*(drain(db) for _ in range(4)))
    got = Counter((await owners(db, [c["id"] for c in created])).values())
    assert got == {u.user_id: 20 for u in team}


async def test_round_robin_turns_are_never_shared_by_concurrent_evaluations(
    db: Any, sales_team: dict[str, Any]
) -> None:
    team = [sales_team[k] for k in ("sales_a", "sales_b", "outsider")]
    await rule(
        sales_team["manager"], target_kind="round_robin", team_user_ids=[u.user_id for u in team]
    )
    created = [await lead(sales_team["marketing"]) for _ in range(30)]
    # Evaluate directly (not through the outbox): three sessions, ten leads each, at once.
    ids = [uuid.UUID(c["id"]) for c in created]

    async def evaluate(part: list[uuid.UUID]) -> int:
        async with db.sessionmaker() as session:
            assigned = await assign_pool_leads(session, part)
            await session.commit()
            return assigned

    done = await asyncio.gather(*(evaluate(ids[i::3]) for i in range(3)))
    assert sum(done) == 30
    got = Counter((await owners(db, [c["id"] for c in created])).values())
    assert got == {u.user_id: 10 for u in team}
    await drain(db)  # the events find the leads owned already: nothing changes
    assert Counter((await owners(db, [c["id"] for c in created])).values()) == got


async def test_least_loaded_counts_recent_open_deals_and_open_leads(
    db: Any, factory: Any, sales_team: dict[str, Any]
) -> None:
    a, b, c = sales_team["sales_a"], sales_team["sales_b"], sales_team["outsider"]
    manager = sales_team["manager"]
    customer = await factory.customer(manager, owner_id=a.user_id)
    async with db.sessionmaker() as session:
        for owner in (a, a, a, b):  # a: 3 open deals, b: 1
            await sales_service.open_deal(
                session,
                name="Deal",
                customer_id=uuid.UUID(customer["id"]),
                owner_id=uuid.UUID(owner.user_id),
                department_id=None,
                actor_id=None,
            )
        await session.commit()
    # c: 2 open leads, plus an unqualified one that does not count.
    marketing = sales_team["marketing"]  # all leads in scope: may give them to anyone
    await lead(marketing, owner_id=c.user_id)
    await lead(marketing, owner_id=c.user_id)
    await lead(marketing, owner_id=c.user_id, status="unqualified")
    async with db.sessionmaker() as session:
        loads = await current_loads(session, [uuid.UUID(u.user_id) for u in (a, b, c)])
    assert loads == {uuid.UUID(a.user_id): 3, uuid.UUID(b.user_id): 1, uuid.UUID(c.user_id): 2}

    await rule(manager, target_kind="least_loaded", team_user_ids=[a.user_id, b.user_id, c.user_id])
    first = await lead(sales_team["marketing"])
    await drain(db)
    assert (await owners(db, [first["id"]]))[first["id"]] == b.user_id  # 1 < 2 < 3
    # Four more in one batch (loads a 3, b 2, c 2): each pick counts the ones before it, so
    # b and c get one each before a gets any, and the loads end balanced.
    more = [(await lead(sales_team["marketing"]))["id"] for _ in range(4)]
    await drain(db)
    got = Counter((await owners(db, more)).values())
    assert got[b.user_id] >= 1 and got[c.user_id] >= 1 and got[a.user_id] <= 1, got
    async with db.sessionmaker() as session:
        loads = await current_loads(session, [uuid.UUID(u.user_id) for u in (a, b, c)])
    assert sorted(loads.values()) == [3, 4, 4]  # 3 + 1 + 2 + 5 new, as even as can be
