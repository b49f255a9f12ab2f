"""An export holds exactly the rows of the caller's list: their data scope, filters and order."""

from __future__ import annotations

from typing import Any

from export_helpers import export, exported_ids, read
from platform_helpers import assert_problem


async def _grant_export(admin: Any, user: Any) -> None:
    """Give a salesperson the export right through a custom role (sales has none built in)."""
    r = await admin.post(
        "/api/v1/roles",
        json={
            "key": "sales_exporter",
            "name": "Sales with export",
            "permissions": ["customers:read", "customers:export", "contacts:read"],
            "data_scopes": {"customers": "own"},
        },
    )
    assert r.status_code == 201, r.text
    r = await admin.patch(
        f"/api/v1/users/{user.user_id}", json={"role_keys": ["sales", "sales_exporter"]}
    )
    assert r.status_code == 200, r.text


async def _seed(factory: Any, team: dict[str, Any], admin: Any) -> dict[str, set[str]]:
    owned: dict[str, set[str]] = {}
    for label in ("sales_a", "sales_b", "outsider", "manager"):
        ids = set()
        for i in range(2):
            customer = await factory.customer(
                admin, name=f"Scope {label} {i}", owner_id=team[label].user_id, tags=["t"]
            )
            ids.add(customer["id"])
        owned[label] = ids
    owned["admin"] = {(await factory.customer(admin, name="Scope admin"))["id"]}
    return owned


async def test_each_role_exports_exactly_its_scope(
    admin: Any, factory: Any, sales_team: dict[str, Any], db: Any
) -> None:
    owned = await _seed(factory, sales_team, admin)
    everything = set().union(*owned.values())
    sales_a = sales_team["sales_a"]
    await _grant_export(admin, sales_a)

    # A salesperson with the export right: only their own customers, in CSV and XLSX.
    assert set(await exported_ids(sales_a, db)) == owned["sales_a"]
    _, response = await export(sales_a, db, format="xlsx", columns=["id", "owner"], header="keys")
    frame = read(response, "xlsx")
    assert set(frame["id"].to_list()) == owned["sales_a"]
    assert set(frame["owner"].to_list()) == {sales_a.info["full_name"]}
    # Their contacts too: only those of their own customers.
    for label, ids in owned.items():
        for customer_id in ids:
            r = await admin.post(
                "/api/v1/contacts", json={"customer_id": customer_id, "name": f"C {label}"}
            )
            assert r.status_code == 201
    _, response = await export(sales_a, db, "contacts", columns=["customer_id"], header="keys")
    assert set(read(response)["customer_id"].to_list()) == owned["sales_a"]

    # The manager: the department tree (both salespeople and their own), not the outsider.
    manager_sees = owned["sales_a"] | owned["sales_b"] | owned["manager"]
    assert set(await exported_ids(sales_team["manager"], db)) == manager_sees
    # Marketing and the administrator: everything.
    assert set(await exported_ids(sales_team["marketing"], db)) == everything
    assert set(await exported_ids(admin, db)) == everything
    # A filter naming someone outside the scope yields nothing, as the list does.
    outsider_id = sales_team["outsider"].user_id
    assert await exported_ids(sales_team["manager"], db, filters={"owner_id": outsider_id}) == []


async def test_roles_without_the_export_right_are_refused(
    sales_team: dict[str, Any], db: Any
) -> None:
    for label in ("sales_a", "outsider", "service", "auditor"):
        for object_type in ("customers", "contacts"):
            r = await sales_team[label].post("/api/v1/exports", json={"object_type": object_type})
            body = assert_problem(r, 403)
            assert "customers:export" in body["detail"], body


async def test_filters_search_and_sort_match_the_list_endpoint(
    admin: Any, factory: Any, sales_team: dict[str, Any], db: Any
) -> None:
    manager = sales_team["manager"]
    names = ["Beta 华东", "alpha 华东", "Gamma", "Delta 华东", "epsilon"]
    for i, name in enumerate(names):
        await factory.customer(
            admin,
            name=name,
            owner_id=sales_team["sales_a" if i % 2 else "sales_b"].user_id,
            tags=["vip"] if i < 3 else [],
            industry="零售" if i != 1 else "制造",
            phone=f"138 0013 {8000 + i}",
        )
    await factory.customer(admin, name="Outsider 华东", owner_id=sales_team["outsider"].user_id)

    queries: list[dict[str, Any]] = [
        {},
        {"q": "华东"},
        {"q": "0138-0013-8002"},
        {"tag": "vip"},
        {"industry": "零售", "sort": "name"},
        {"sort": "-name"},
        {"sort": "created_at", "owner_id": sales_team["sales_a"].user_id},
        {"q": "  ", "kind": "company", "sort": "-created_at"},
    ]
    for query in queries:
        listed = await manager.get("/api/v1/customers", params={**query, "limit": 200})
        assert listed.status_code == 200, listed.text
        expected = [c["id"] for c in listed.json()["items"]]
        assert await exported_ids(manager, db, filters=query) == expected, query


async def test_batches_cover_every_row_once(
    admin: Any, factory: Any, db: Any, monkeypatch: Any
) -> None:
    from crm.settings import get_settings

    monkeypatch.setattr(get_settings(), "export_batch_size", 2)
    ids = [(await factory.customer(admin, name=f"Batch {i}"))["id"] for i in range(5)]
    exported = await exported_ids(admin, db, filters={"sort": "name"})
    assert exported == ids  # Batch 0..4 sorted by name, no row lost or repeated
