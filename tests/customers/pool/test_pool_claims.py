"""Claiming, assigning and releasing pool customers: scope, caps, concurrency, the timeline and
the audit trail; who sees the pool, and that pool customers do not leak through /customers."""

from __future__ import annotations

import asyncio
import uuid
from typing import Any

from crm.core.audit import AuditLog
from crm.core.events import OutboxEvent
from customers.pool.pool_helpers import activity, caps, pool_ids, release, stored
from platform_helpers import assert_problem, error_locs, rows


async def _pooled(factory: Any, owner: Any, **fields: Any) -> str:
    """A customer of ``owner``'s department, released by ``owner`` into the pool."""
    customer = await factory.customer(owner, **fields)
    await release(owner, customer["id"])
    return str(customer["id"])


async def _claim(api: Any, customer_id: str) -> Any:
    return await api.post(f"/api/v1/customer-pool/{customer_id}/claim")


async def test_who_sees_which_pool(
    admin: Any, factory: Any, sales_team: dict[str, Any], db: Any
) -> None:
    t = sales_team
    east = await _pooled(factory, t["sales_a"])
    west = await _pooled(factory, t["outsider"])
    company = await _pooled(factory, admin)  # the administrator has no department
    assert (await stored(db, east)).department_id == uuid.UUID(t["department"]["id"])
    assert (await stored(db, company)).department_id is None
    everything = {east, west, company}
    expected = {
        "sales_a": {east, company},  # their department's pool and the company-wide one
        "sales_b": {east, company},
        "outsider": {west, company},
        "manager": {east, company},  # the department tree
        "service": everything,  # read everything already (scope all), claim nothing
        "marketing": everything,
        "auditor": everything,
    }
    for label, want in expected.items():
        assert await pool_ids(t[label]) == want, label
    assert await pool_ids(admin) == everything
    # Filters.
    assert await pool_ids(admin, department_id=t["department"]["id"]) == {east}
    assert await pool_ids(admin, previous_owner_id=t["outsider"].user_id) == {west}


async def test_pool_customers_do_not_leak_through_the_customer_routes(
    admin: Any, factory: Any, sales_team: dict[str, Any]
) -> None:
    t = sales_team
    east = await _pooled(factory, t["sales_a"])
    # Salespeople (own scope) never see an ownerless customer; the department's manager does.
    for label in ("sales_a", "sales_b", "outsider"):
        api = t[label]
        assert (await api.get(f"/api/v1/customers/{east}")).status_code == 404, label
        listed = (await api.get("/api/v1/customers", params={"limit": 200})).json()["items"]
        assert east not in {c["id"] for c in listed}, label
        assert (await api.get(f"/api/v1/customers/{east}/timeline")).status_code == 404
    for api in (t["manager"], admin, t["auditor"]):
        assert (await api.get(f"/api/v1/customers/{east}")).status_code == 200


async def test_claim_takes_the_customer_with_timeline_and_audit(
    admin: Any, factory: Any, sales_team: dict[str, Any], db: Any
) -> None:
    t = sales_team
    a, b = t["sales_a"], t["sales_b"]
    cid = await _pooled(factory, a, level="A")
    r = await _claim(b, cid)
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["owner_id"] == b.user_id and body["department_id"] == t["department"]["id"]
    assert body["owner_assigned_at"] is not None and body["level"] == "A"
    assert (await b.get(f"/api/v1/customers/{cid}")).status_code == 200
    assert cid not in await pool_ids(a)
    # Owned now: b is told so (409); a, whose scope does not cover b's customers, gets the
    # 404 of a random id, as for a customer outside their pools: a 409 would tell that it
    # exists. The manager, whose scope covers it, learns it has an owner.
    assert_problem(await _claim(b, cid), 409)
    random_id = assert_problem(await _claim(a, str(uuid.uuid4())), 404)
    owned_by_b = assert_problem(await _claim(a, cid), 404)
    assert (owned_by_b["title"], owned_by_b["detail"]) == (random_id["title"], random_id["detail"])
    assert_problem(await _claim(t["manager"], cid), 409)
    other = await _pooled(factory, t["outsider"])
    assert_problem(await _claim(a, other), 404)
    # Without the permission: 403.
    assert_problem(await _claim(t["service"], other), 403)

    audits = await rows(db, AuditLog, AuditLog.object_id == uuid.UUID(cid), order_by=AuditLog.at)
    assert [e.action for e in audits] == ["create", "release_to_pool", "claim"]
    assert audits[-1].actor_id == uuid.UUID(b.user_id)
    assert audits[-1].changes["diff"]["owner_id"] == [None, b.user_id]
    timeline = (await b.get(f"/api/v1/customers/{cid}/timeline")).json()["items"]
    kinds = [item["kind"] for item in timeline]
    assert kinds[:2] == ["customer.claimed", "customer.released_to_pool"]
    assert timeline[0]["title"] == "Claimed from the customer pool"
    assert timeline[0]["actor"]["id"] == b.user_id
    assert timeline[1]["data"]["previous_owner_id"] == a.user_id


async def test_claims_stop_at_the_cap(
    admin: Any, factory: Any, sales_team: dict[str, Any], db: Any
) -> None:
    t = sales_team
    a = t["sales_a"]
    await factory.customer(a)  # already owns one
    first, second, third = [await _pooled(factory, t["sales_b"]) for _ in range(3)]
    await caps(admin, {"default": 2})
    assert (await _claim(a, first)).status_code == 200
    body = assert_problem(await _claim(a, second), 422)
    assert "cap is 2" in body["detail"]
    assert (await stored(db, second)).owner_id is None
    # A role cap overrides the default.
    await caps(admin, {"default": 2, "roles": [{"role_key": "sales", "max_customers": 3}]})
    assert (await _claim(a, second)).status_code == 200
    assert_problem(await _claim(a, third), 422)
    mine = (await a.get("/api/v1/customer-pool/caps")).json()["mine"]
    assert mine == {"cap": 3, "owned": 3}


async def test_assigning_an_owned_customer_outside_the_callers_scope_is_a_404(
    admin: Any, factory: Any, sales_team: dict[str, Any]
) -> None:
    """A pool keeper reaches their department's pool but sees only their own customers: a
    colleague's customer is a 404 to them, like a random id, not a 409 "someone owns it"."""
    t = sales_team
    r = await admin.post(
        "/api/v1/roles",
        json={
            "key": "pool_keeper",
            "name": "Pool keeper",
            "permissions": ["customers:read", "customers:assign"],
            "data_scopes": {"customers": "own"},
        },
    )
    assert r.status_code == 201, r.text
    keeper = await factory.user("pool_keeper", department_id=t["department"]["id"])
    owned_by_a = (await factory.customer(t["sales_a"]))["id"]
    pooled = await _pooled(factory, t["sales_b"])
    body = {"user_id": keeper.user_id}
    for customer_id in (owned_by_a, str(uuid.uuid4())):
        url = f"/api/v1/customer-pool/{customer_id}/assign"
        assert_problem(await keeper.post(url, json=body), 404)
    r = await keeper.post(f"/api/v1/customer-pool/{pooled}/assign", json=body)
    assert r.status_code == 200, r.text


async def test_concurrent_claims_of_one_customer_one_wins(
    factory: Any, sales_team: dict[str, Any], db: Any
) -> None:
    t = sales_team
    for _ in range(3):
        cid = await _pooled(factory, t["sales_a"])
        r1, r2 = await asyncio.gather(_claim(t["sales_b"], cid), _claim(t["manager"], cid))
        # The loser saw it pooled (409), or the winner had committed and it is now out of the
        # loser's scope (404: no existence oracle); one claim either way.
        statuses = sorted([r1.status_code, r2.status_code])
        assert statuses in ([200, 404], [200, 409]), (r1.text, r2.text)
        winner = t["sales_b"] if r1.status_code == 200 else t["manager"]
        assert str((await stored(db, cid)).owner_id) == winner.user_id
        claims = await rows(
            db, AuditLog, AuditLog.action == "claim", AuditLog.object_id == uuid.UUID(cid)
        )
        assert len(claims) == 1


async def test_concurrent_claims_by_one_user_respect_the_cap(
    admin: Any, factory: Any, sales_team: dict[str, Any], db: Any
) -> None:
    t = sales_team
    a = t["sales_a"]
    await caps(admin, {"default": 1})
    ids = [await _pooled(factory, t["sales_b"]) for _ in range(4)]
    results = await asyncio.gather(*(_claim(a, cid) for cid in ids))
    assert sorted(r.status_code for r in results) == [200, 422, 422, 422]
    assert (await a.get("/api/v1/customer-pool/caps")).json()["mine"]["owned"] == 1


async def test_assign_gives_a_pool_customer_to_a_user_in_scope(
    admin: Any, factory: Any, sales_team: dict[str, Any], db: Any
) -> None:
    t = sales_team
    manager, a, b = t["manager"], t["sales_a"], t["sales_b"]
    cid = await _pooled(factory, a)
    url = f"/api/v1/customer-pool/{cid}/assign"
    # Outside the manager's department tree: refused, the customer stays in the pool.
    body = assert_problem(await manager.post(url, json={"user_id": t["outsider"].user_id}), 422)
    assert ["body", "user_id"] in error_locs(body)
    assert (await stored(db, cid)).owner_id is None
    assert_problem(await manager.post(url, json={"user_id": str(uuid.uuid4())}), 422)
    assert_problem(await manager.post(url, json={}), 422)
    # Salespeople may not assign.
    assert_problem(await a.post(url, json={"user_id": b.user_id}), 403)
    # The target's cap counts.
    await caps(admin, {"default": 0})
    body = assert_problem(await manager.post(url, json={"user_id": b.user_id}), 422)
    assert ["body", "user_id"] in error_locs(body)
    await caps(admin, {"default": None})
    r = await manager.post(url, json={"user_id": b.user_id})
    assert r.status_code == 200, r.text
    assert r.json()["owner_id"] == b.user_id
    assert_problem(await manager.post(url, json={"user_id": a.user_id}), 409)
    # Out of the manager's pools: 404.
    west = await _pooled(factory, t["outsider"])
    assert_problem(
        await manager.post(f"/api/v1/customer-pool/{west}/assign", json={"user_id": b.user_id}),
        404,
    )
    # The administrator may assign anywhere.
    r = await admin.post(f"/api/v1/customer-pool/{west}/assign", json={"user_id": b.user_id})
    assert r.status_code == 200, r.text
    assert r.json()["department_id"] == t["department"]["id"]

    audit = (await rows(db, AuditLog, AuditLog.object_id == uuid.UUID(cid)))[-1]
    assert audit.action == "assign_from_pool" and audit.actor_id == uuid.UUID(manager.user_id)
    events = await rows(db, OutboxEvent, OutboxEvent.event_type == "customer.assigned_from_pool")
    assert {str(e.object_id) for e in events} == {cid, west}
    timeline = (await b.get(f"/api/v1/customers/{cid}/timeline")).json()["items"]
    assert timeline[0]["kind"] == "customer.assigned_from_pool"
    assert timeline[0]["data"]["owner_id"] == b.user_id


async def test_release_puts_a_customer_back_in_its_departments_pool(
    admin: Any, factory: Any, sales_team: dict[str, Any], db: Any
) -> None:
    t = sales_team
    a, b, manager = t["sales_a"], t["sales_b"], t["manager"]
    mine = (await factory.customer(a))["id"]
    theirs = (await factory.customer(a))["id"]
    # Someone else's customer outside one's scope: 404.
    assert_problem(await b.post(f"/api/v1/customers/{mine}/release-to-pool"), 404)
    # Marketing reads customers but may not write them.
    assert_problem(await t["marketing"].post(f"/api/v1/customers/{mine}/release-to-pool"), 403)
    released = await release(a, mine, reason="Not interested")
    assert released["owner_id"] is None
    assert released["department_id"] == t["department"]["id"]
    assert released["returned_to_pool_at"] is not None
    assert (await stored(db, mine)).previous_owner_id == uuid.UUID(a.user_id)
    assert mine in await pool_ids(b)
    # The owner no longer sees it; the manager sees it and cannot release it again.
    assert_problem(await a.post(f"/api/v1/customers/{mine}/release-to-pool"), 404)
    assert_problem(await manager.post(f"/api/v1/customers/{mine}/release-to-pool"), 409)
    # A manager releases a subordinate's customer.
    assert (await release(manager, theirs))["owner_id"] is None

    event = (await rows(db, OutboxEvent, OutboxEvent.event_type == "customer.released_to_pool"))[0]
    assert event.payload["reason"] == "Not interested"
    assert event.payload["previous_owner_id"] == a.user_id
    timeline = (await manager.get(f"/api/v1/customers/{mine}/timeline")).json()["items"]
    assert timeline[0]["kind"] == "customer.released_to_pool"
    assert timeline[0]["title"] == "Released to the customer pool"


async def test_activities_keep_the_last_follow_up(
    factory: Any, sales_team: dict[str, Any], db: Any
) -> None:
    a = sales_team["sales_a"]
    cid = (await factory.customer(a))["id"]
    assert (await stored(db, cid)).last_follow_up_at is None
    older = await activity(a, cid, days_ago=9)
    newer = await activity(a, cid, days_ago=2)
    customer = await stored(db, cid)
    assert customer.last_follow_up_at is not None
    assert customer.last_follow_up_at.isoformat()[:19] == newer["occurred_at"][:19]
    assert customer.version == 1  # bookkeeping, not an edit of the customer
    r = await a.get(f"/api/v1/customers/{cid}")
    assert r.json()["last_follow_up_at"][:19] == newer["occurred_at"][:19]
    # Deleting the newest moves it back; moving the older one forward moves it on.
    assert (await a.delete(f"/api/v1/activities/{newer['id']}")).status_code == 204
    assert (await stored(db, cid)).last_follow_up_at.isoformat()[:19] == older["occurred_at"][:19]  # type: ignore[union-attr]
    await a.delete(f"/api/v1/activities/{older['id']}")
    assert (await stored(db, cid)).last_follow_up_at is None


async def test_level_is_written_filtered_and_cleared_through_the_customer_api(
    factory: Any, sales_team: dict[str, Any]
) -> None:
    a = sales_team["sales_a"]
    gold = await factory.customer(a, level=" A ")
    assert gold["level"] == "A"
    plain = await factory.customer(a)
    assert plain["level"] is None
    r = await a.get("/api/v1/customers", params={"level": "A"})
    assert [c["id"] for c in r.json()["items"]] == [gold["id"]]
    r = await a.patch(f"/api/v1/customers/{gold['id']}", json={"level": None})
    assert r.status_code == 200 and r.json()["level"] is None
    body = assert_problem(
        await a.post("/api/v1/customers", json={"name": "X", "level": "x" * 21}), 422
    )
    assert ["body", "level"] in error_locs(body)
