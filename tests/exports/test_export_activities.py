"""Activities export through the same registry: the caller's list, nothing more."""

from __future__ import annotations

from typing import Any

from export_helpers import export, exported_ids, read
from platform_helpers import assert_problem


async def _activity(api: Any, customer_id: str, subject: str, **fields: Any) -> str:
    body = {"customer_id": customer_id, "kind": "call", "subject": subject, **fields}
    r = await api.post("/api/v1/activities", json=body)
    assert r.status_code == 201, r.text
    return str(r.json()["id"])


async def test_manager_exports_the_activities_of_the_team_only(
    admin: Any, factory: Any, db: Any, sales_team: dict[str, Any]
) -> None:
    a, b, outsider = sales_team["sales_a"], sales_team["sales_b"], sales_team["outsider"]
    manager = sales_team["manager"]
    mine = await factory.customer(a, name="Alpha 客户")
    theirs = await factory.customer(b, name="Beta")
    far = await factory.customer(outsider, name="Far away")
    first = await _activity(
        a,
        mine["id"],
        '首次电话, "quoted"',
        outcome="interested",
        occurred_at="2026-11-01T09:00:00Z",
    )
    second = await _activity(b, theirs["id"], "Demo", occurred_at="2026-11-02T09:00:00Z")
    await _activity(outsider, far["id"], "Not for the manager")

    listed = (await manager.get("/api/v1/activities", params={"limit": 200})).json()["items"]
    assert {i["id"] for i in listed} == {first, second}
    assert await exported_ids(manager, db, object_type="activities") == [second, first]

    _, response = await export(
        manager,
        db,
        object_type="activities",
        columns=["subject", "outcome", "customer"],
        filters={"q": "电话"},
    )
    assert read(response).rows() == [('首次电话, "quoted"', "interested", "Alpha 客户")]


async def test_exporting_activities_needs_the_export_right(sales_team: dict[str, Any]) -> None:
    r = await sales_team["sales_a"].post(
        "/api/v1/exports", json={"object_type": "activities", "format": "csv"}
    )
    assert_problem(r, 403)
