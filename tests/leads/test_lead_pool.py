"""The pool: who sees it, claiming (also concurrently), manual assignment by managers, the
assignment history and the new owner's notification."""

from __future__ import annotations

import asyncio
import uuid
from typing import Any

from lead_helpers import lead
from platform_helpers import assert_problem


async def _notes(api: Any) -> list[dict[str, Any]]:
    r = await api.get("/api/v1/notifications")
    assert r.status_code == 200, r.text
    return [n for n in r.json()["items"] if n["kind"] == "lead_assigned"]


async def test_everyone_with_leads_read_sees_the_pool_but_not_in_their_scoped_list(
    sales_team: dict[str, Any],
) -> None:
    a, manager = sales_team["sales_a"], sales_team["manager"]
    pooled = await lead(sales_team["marketing"], company_name="Pooled Co")
    owned = await lead(a, owner_id=a.user_id)
    for api in (a, sales_team["outsider"], manager, sales_team["auditor"]):
        r = await api.get("/api/v1/leads/pool")
        assert r.status_code == 200, r.text
        assert [x["id"] for x in r.json()["items"]] == [pooled["id"]]
        assert (await api.get(f"/api/v1/leads/{pooled['id']}")).status_code == 200
    # The scoped list holds only the caller's scope: pool leads have no owner or department.
    r = await a.get("/api/v1/leads")
    assert [x["id"] for x in r.json()["items"]] == [owned["id"]]
    r = await manager.get("/api/v1/leads")
    assert [x["id"] for x in r.json()["items"]] == [owned["id"]]
    assert_problem(await sales_team["service"].get("/api/v1/leads/pool"), 403)
    # Writing a pool lead needs it in scope: a salesperson claims it first.
    assert_problem(await a.patch(f"/api/v1/leads/{pooled['id']}", json={"notes": "x"}), 404)


async def test_claim_takes_a_pool_lead_records_it_and_refuses_owned_leads(
    sales_team: dict[str, Any],
) -> None:
    a, b = sales_team["sales_a"], sales_team["sales_b"]
    pooled = await lead(sales_team["marketing"])
    r = await a.post(f"/api/v1/leads/{pooled['id']}/claim")
    assert r.status_code == 200, r.text
    assert r.json()["owner_id"] == a.user_id
    assert r.json()["department_id"] == sales_team["department"]["id"]
    assert r.json()["assigned_at"] is not None
    assert (await a.get(f"/api/v1/leads/{pooled['id']}")).status_code == 200
    assert_problem(await a.post(f"/api/v1/leads/{pooled['id']}/claim"), 409)
    # b no longer sees it (owned by a): the 404 of a random id, though it was in the pool once.
    random_id = assert_problem(await b.post(f"/api/v1/leads/{uuid.uuid4()}/claim"), 404)
    taken = assert_problem(await b.post(f"/api/v1/leads/{pooled['id']}/claim"), 404)
    assert (taken["title"], taken["detail"]) == (random_id["title"], random_id["detail"])
    # A lead never in the pool stays absent for those outside its scope.
    owned = await lead(a, owner_id=a.user_id)
    assert_problem(await b.post(f"/api/v1/leads/{owned['id']}/claim"), 404)
    history = (await a.get(f"/api/v1/leads/{pooled['id']}/assignments")).json()["items"]
    assert [(h["kind"], h["from_user_id"], h["to_user_id"], h["by_user_id"]) for h in history] == [
        ("claim", None, a.user_id, a.user_id)
    ]
    assert await _notes(a) == []  # taking it oneself notifies nobody
    assert_problem(await sales_team["auditor"].post(f"/api/v1/leads/{pooled['id']}/claim"), 403)


async def test_two_salespeople_claiming_at_once_one_wins_the_other_is_refused(
    sales_team: dict[str, Any],
) -> None:
    """The loser gets 409 if it saw the lead still in the pool (and waited on the winner's
    lock), or 404 if the winner had already committed: the lead is then someone else's, and
    out of scope is 404 (no existence oracle). Either way exactly one claim lands."""
    a, b = sales_team["sales_a"], sales_team["sales_b"]
    for _ in range(3):
        pooled = await lead(sales_team["marketing"])
        ra, rb = await asyncio.gather(
            a.post(f"/api/v1/leads/{pooled['id']}/claim"),
            b.post(f"/api/v1/leads/{pooled['id']}/claim"),
        )
        statuses = sorted([ra.status_code, rb.status_code])
        assert statuses in ([200, 404], [200, 409]), (ra.text, rb.text)
        winner = a if ra.status_code == 200 else b
        r = await winner.get(f"/api/v1/leads/{pooled['id']}/assignments")
        assert [h["to_user_id"] for h in r.json()["items"]] == [winner.user_id]


async def test_manager_assigns_within_scope_with_history_and_notification(
    sales_team: dict[str, Any],
) -> None:
    a, b, manager = sales_team["sales_a"], sales_team["sales_b"], sales_team["manager"]
    item = await lead(a, owner_id=a.user_id, company_name="Handover Co")
    r = await manager.post(
        f"/api/v1/leads/{item['id']}/assign", json={"user_id": b.user_id, "reason": "Holiday"}
    )
    assert r.status_code == 200, r.text
    assert r.json()["owner_id"] == b.user_id
    assert_problem(await a.get(f"/api/v1/leads/{item['id']}"), 404)
    assert (await b.get(f"/api/v1/leads/{item['id']}")).status_code == 200
    history = (await manager.get(f"/api/v1/leads/{item['id']}/assignments")).json()["items"]
    assert [
        (h["kind"], h["from_user_id"], h["to_user_id"], h["by_user_id"], h["reason"])
        for h in history
    ][-1] == ("assign", a.user_id, b.user_id, manager.user_id, "Holiday")
    [note] = await _notes(b)
    assert note["object_type"] == "lead" and note["object_id"] == item["id"]
    assert "Handover Co" in note["title"]
    # Again to the same owner: nothing to do.
    assert_problem(
        await manager.post(f"/api/v1/leads/{item['id']}/assign", json={"user_id": b.user_id}),
        409,
    )


async def test_assign_is_refused_outside_the_managers_scope(sales_team: dict[str, Any]) -> None:
    a, manager, outsider = sales_team["sales_a"], sales_team["manager"], sales_team["outsider"]
    item = await lead(a, owner_id=a.user_id)
    problem = assert_problem(
        await manager.post(
            f"/api/v1/leads/{item['id']}/assign", json={"user_id": outsider.user_id}
        ),
        422,
    )
    assert ["body", "user_id"] in [e["loc"] for e in problem["errors"]]
    theirs = await lead(outsider, owner_id=outsider.user_id)
    assert_problem(
        await manager.post(f"/api/v1/leads/{theirs['id']}/assign", json={"user_id": a.user_id}),
        404,
    )
    assert_problem(
        await a.post(f"/api/v1/leads/{item['id']}/assign", json={"user_id": a.user_id}), 403
    )
    r = await manager.get(f"/api/v1/leads/{item['id']}")
    assert r.json()["owner_id"] == a.user_id  # unchanged
    assert await _notes(outsider) == []


async def test_manager_assigns_from_the_pool(sales_team: dict[str, Any]) -> None:
    manager, b = sales_team["manager"], sales_team["sales_b"]
    pooled = await lead(sales_team["marketing"])
    r = await manager.post(f"/api/v1/leads/{pooled['id']}/assign", json={"user_id": b.user_id})
    assert r.status_code == 200, r.text
    r = await b.get("/api/v1/leads")
    assert [x["id"] for x in r.json()["items"]] == [pooled["id"]]
    assert len(await _notes(b)) == 1
    r = await manager.get("/api/v1/leads/pool")
    assert r.json()["items"] == []
