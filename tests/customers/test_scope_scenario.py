"""The reference data-scope scenario: two salespeople, their manager, an auditor."""

from __future__ import annotations

from typing import Any


async def test_salespeople_see_only_their_own_and_manager_sees_both(
    factory: Any, sales_team: dict[str, Any]
) -> None:
    a, b, manager, auditor = (sales_team[k] for k in ("sales_a", "sales_b", "manager", "auditor"))
    cust_a = await factory.customer(a, name="Alpha Trading", phone="13800138000")
    cust_b = await factory.customer(b, name="Beta Logistics", phone="13900139000")

    # Each salesperson lists only their own.
    names_a = [c["name"] for c in (await a.get("/api/v1/customers")).json()["items"]]
    assert names_a == ["Alpha Trading"]
    # The other's customer is absent from search and a 404 by id, on every path.
    assert (await a.get("/api/v1/customers", params={"q": "Beta"})).json()["items"] == []
    assert (await a.get("/api/v1/customers", params={"q": "139001"})).json()["items"] == []
    for method, path, kw in [
        ("GET", f"/api/v1/customers/{cust_b['id']}", {}),
        ("PATCH", f"/api/v1/customers/{cust_b['id']}", {"json": {"name": "Hijacked"}}),
        ("GET", f"/api/v1/customers/{cust_b['id']}/contacts", {}),
    ]:
        r = await a.request(method, path, **kw)
        assert r.status_code == 404, (method, path, r.text)
        assert r.headers["content-type"].startswith("application/problem+json")

    # The manager above both sees both.
    listed = (await manager.get("/api/v1/customers", params={"with_total": "true"})).json()
    assert {c["id"] for c in listed["items"]} == {cust_a["id"], cust_b["id"]}
    assert listed["total"] == 2

    # The auditor reads everything but cannot write.
    assert (await auditor.get(f"/api/v1/customers/{cust_b['id']}")).status_code == 200
    assert (await auditor.post("/api/v1/customers", json={"name": "Nope"})).status_code == 403
    r = await auditor.patch(f"/api/v1/customers/{cust_a['id']}", json={"name": "Nope"})
    assert r.status_code == 403
    # The write was refused: nothing changed.
    assert (await a.get(f"/api/v1/customers/{cust_a['id']}")).json()["name"] == "Alpha Trading"
