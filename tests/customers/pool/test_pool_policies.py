"""Pool policies and ownership caps: validation, uniqueness, versions, who may change them."""

from __future__ import annotations

from typing import Any

from crm.core.audit import AuditLog
from customers.pool.pool_helpers import caps, policy
from platform_helpers import assert_problem, error_locs, rows

POLICIES = "/api/v1/customer-pool/policies"


async def test_policies_are_validated(admin: Any) -> None:
    cases = [
        ({"days_without_follow_up": 0}, ["body", "days_without_follow_up"]),
        ({"days_without_deal": 5000}, ["body", "days_without_deal"]),
        ({"days_without_follow_up": 30, "warn_days_before": -1}, ["body", "warn_days_before"]),
        ({"days_without_follow_up": 30, "colour": "red"}, ["body", "colour"]),
        ({"level": "", "days_without_follow_up": 30}, ["body", "level"]),
        ({"level": "x" * 21, "days_without_follow_up": 30}, ["body", "level"]),
    ]
    for body, loc in cases:
        body = assert_problem(await admin.post(POLICIES, json=body), 422)
        assert loc in error_locs(body), body
    # An enabled policy needs a rule, and the warning must come before the return.
    assert_problem(await admin.post(POLICIES, json={"enabled": True}), 422)
    r = await admin.post(POLICIES, json={"days_without_follow_up": 10, "warn_days_before": 10})
    assert "fewer" in assert_problem(r, 422)["detail"] + str(r.json()["errors"])
    # A disabled policy without rules is fine: it exempts its level.
    created = await policy(admin, level="VIP", enabled=False)
    assert created["days_without_follow_up"] is None and created["enabled"] is False


async def test_one_policy_per_level_and_one_default(admin: Any) -> None:
    default = await policy(admin, days_without_follow_up=30, warn_days_before=3)
    assert default["level"] is None
    await policy(admin, level="A", days_without_follow_up=60, days_without_deal=90)
    assert_problem(await admin.post(POLICIES, json={"days_without_follow_up": 5}), 409)
    assert_problem(
        await admin.post(POLICIES, json={"level": "A", "days_without_follow_up": 5}), 409
    )
    r = await admin.get(POLICIES)
    assert r.status_code == 200
    assert sorted(str(p["level"]) for p in r.json()["items"]) == ["A", "None"]


async def test_policy_update_checks_version_and_rules_and_is_audited(
    admin: Any, sales_team: dict[str, Any]
) -> None:
    created = await policy(admin, days_without_follow_up=30, warn_days_before=3)
    url = f"{POLICIES}/{created['id']}"
    assert_problem(await admin.patch(url, json={"warn_days_before": 40}), 422)
    assert_problem(await admin.patch(url, json={"days_without_follow_up": None}), 422)
    assert_problem(await admin.patch(url, json={"enabled": None}), 422)
    r = await admin.patch(url, json={"days_without_follow_up": 45, "version": 1})
    assert r.status_code == 200, r.text
    assert r.json()["days_without_follow_up"] == 45 and r.json()["version"] == 2
    assert_problem(await admin.patch(url, json={"warn_days_before": 1, "version": 1}), 412)
    # Salespeople read the rules that apply to them but cannot change them.
    sales = sales_team["sales_a"]
    assert (await sales.get(url)).status_code == 200
    assert_problem(await sales.patch(url, json={"warn_days_before": 1}), 403)
    assert_problem(await sales.delete(url), 403)
    assert (await admin.delete(url)).status_code == 204
    assert_problem(await admin.get(url), 404)


async def test_policy_writes_leave_audit_entries(admin: Any, db: Any) -> None:
    created = await policy(admin, days_without_follow_up=30)
    await admin.patch(f"{POLICIES}/{created['id']}", json={"warn_days_before": 2})
    await admin.delete(f"{POLICIES}/{created['id']}")
    entries = await rows(
        db, AuditLog, AuditLog.object_type == "customer_pool_policy", order_by=AuditLog.at
    )
    assert [e.action for e in entries] == ["create", "update", "delete"]
    assert entries[1].changes["diff"]["warn_days_before"] == [0, 2]


async def test_caps_are_replaced_whole_and_validated(
    admin: Any, sales_team: dict[str, Any], db: Any
) -> None:
    sales = sales_team["sales_a"]
    r = await sales.get("/api/v1/customer-pool/caps")
    assert r.status_code == 200
    assert r.json() == {"default": None, "roles": [], "mine": {"cap": None, "owned": 0}}
    body = assert_problem(
        await admin.request(
            "PUT",
            "/api/v1/customer-pool/caps",
            json={"default": 5, "roles": [{"role_key": "nobody", "max_customers": 3}]},
        ),
        422,
    )
    assert ["body", "roles", 0, "role_key"] in error_locs(body)
    assert_problem(
        await admin.request("PUT", "/api/v1/customer-pool/caps", json={"default": -1}), 422
    )
    saved = await caps(admin, {"default": 5, "roles": [{"role_key": "sales", "max_customers": 3}]})
    assert saved["default"] == 5 and saved["roles"] == [{"role_key": "sales", "max_customers": 3}]
    mine = (await sales.get("/api/v1/customer-pool/caps")).json()["mine"]
    assert mine == {"cap": 3, "owned": 0}
    manager_mine = (await sales_team["manager"].get("/api/v1/customer-pool/caps")).json()["mine"]
    assert manager_mine["cap"] == 5  # no role cap for managers: the default
    assert_problem(
        await sales.request("PUT", "/api/v1/customer-pool/caps", json={"default": 1}), 403
    )
    cleared = await caps(admin, {"default": None})
    assert cleared["default"] is None and cleared["roles"] == []
    entries = await rows(db, AuditLog, AuditLog.object_type == "customer_ownership_caps")
    assert len(entries) == 2
