"""deal_stage_totals, the kanban's maintained per-stage counts and amounts, stays exactly what
summing the open, live deals gives, whatever writes the deals: create, edit, move, reassign,
delete, restore, won, lost, bulk SQL and concurrent writers."""

from __future__ import annotations

import asyncio
import uuid
from decimal import Decimal
from typing import Any

import asyncpg
from sqlalchemy import text

from conftest import Api, Factory
from crm.core.db import to_plain_url
from sales.helpers import deal, default_pipeline, meet_default_gate, move

KEY = "pipeline_id, stage_id, owner_id, department_id, currency"


async def _maintained(db: Any) -> dict[tuple[Any, ...], tuple[int, Decimal]]:
    async with db.engine.connect() as conn:
        rows = await conn.execute(
            text(
                f"SELECT {KEY}, deals, amount FROM deal_stage_totals "
                "WHERE deals <> 0 OR amount <> 0"
            )
        )
        return {tuple(r[:5]): (r[5], r[6]) for r in rows}


async def _summed(db: Any) -> dict[tuple[Any, ...], tuple[int, Decimal]]:
    async with db.engine.connect() as conn:
        rows = await conn.execute(
            text(
                f"SELECT {KEY}, count(*), sum(amount) FROM deals "
                f"WHERE status = 'open' AND deleted_at IS NULL GROUP BY {KEY}"
            )
        )
        return {tuple(r[:5]): (r[5], r[6]) for r in rows}


async def assert_exact(db: Any) -> dict[tuple[Any, ...], tuple[int, Decimal]]:
    maintained = await _maintained(db)
    assert maintained == await _summed(db)
    return maintained


async def _open_count(db: Any) -> int:
    return sum(count for count, _ in (await _maintained(db)).values())


async def test_totals_follow_every_deal_write(
    admin: Api, factory: Factory, sales_team: dict[str, Any], db: Any
) -> None:
    a: Api = sales_team["sales_a"]
    outsider: Api = sales_team["outsider"]
    customer = await factory.customer(a)
    first = await deal(a, customer["id"], amount="100.10")
    second = await deal(a, customer["id"], amount="50.00", currency="USD")
    third = await deal(a, customer["id"], amount="7.25")
    assert await _open_count(db) == 3
    await assert_exact(db)

    # An edit of the amount; an edit of something else (nets to no change).
    path = f"/api/v1/deals/{first['id']}"
    assert (await a.patch(path, json={"amount": "200.20"})).status_code == 200
    assert (await a.patch(path, json={"name": "Renamed"})).status_code == 200
    totals = await assert_exact(db)
    assert sorted(amount for _, amount in totals.values()) == [Decimal("50.00"), Decimal("207.45")]

    # A move to another open stage, then won and lost: closed deals leave the totals.
    await meet_default_gate(a, first["id"])
    assert (await move(a, first["id"], "proposal")).status_code == 200
    await assert_exact(db)
    await meet_default_gate(a, second["id"])
    assert (await move(a, second["id"], "won")).status_code == 200
    r = await move(a, third["id"], "lost", lost_reason="Budget")
    assert r.status_code == 200, r.text
    assert await _open_count(db) == 1
    await assert_exact(db)

    # Reassigned to a salesperson of another department: owner (and department) move.
    r = await admin.patch(path, json={"owner_id": outsider.user_id})
    assert r.status_code == 200, r.text
    await assert_exact(db)
    assert {key[2] for key in (await _maintained(db))} == {uuid.UUID(outsider.user_id)}

    # Deleted (soft), then restored from the recycle bin.
    assert (await admin.delete(path)).status_code == 204
    assert await _open_count(db) == 0
    await assert_exact(db)
    r = await admin.post(f"/api/v1/recycle-bin/deal/{first['id']}/restore")
    assert r.status_code in (200, 204), r.text
    assert await _open_count(db) == 1
    await assert_exact(db)


async def test_totals_follow_bulk_sql_and_hard_deletes(
    admin: Api, factory: Factory, sales_team: dict[str, Any], db: Any
) -> None:
    a: Api = sales_team["sales_a"]
    customer = await factory.customer(a)
    for amount in ("1.00", "2.00", "3.00", "4.00"):
        await deal(a, customer["id"], amount=amount)
    async with db.engine.begin() as conn:
        # One statement over many rows (a bulk reassign, an import's update) ...
        await conn.execute(text("UPDATE deals SET owner_id = NULL, amount = amount * 2"))
    await assert_exact(db)
    async with db.engine.begin() as conn:
        # ... a rolled-back write leaves no trace ...
        await conn.execute(text("UPDATE deals SET currency = 'EUR'"))
        await conn.rollback()
    await assert_exact(db)
    async with db.engine.begin() as conn:
        # ... and a hard delete (a purged recycle bin) takes its deals away.
        await conn.execute(text("DELETE FROM deal_stage_changes"))
        await conn.execute(text("DELETE FROM deals WHERE amount > 4"))
    assert await _open_count(db) == 2
    await assert_exact(db)
    async with db.engine.begin() as conn:
        # TRUNCATE fires no DELETE trigger: its own empties the totals.
        await conn.execute(text("TRUNCATE deals CASCADE"))
    assert await _maintained(db) == {}


async def test_the_board_reads_the_totals(
    admin: Api, factory: Factory, sales_team: dict[str, Any]
) -> None:
    """The board's headers are the maintained rows summed over the scope: a key whose deals
    have all left shows no totals, as before (count 0, no currency line)."""
    a: Api = sales_team["sales_a"]
    manager: Api = sales_team["manager"]
    pipeline = await default_pipeline(admin)
    customer = await factory.customer(a)
    gone = await deal(a, customer["id"], amount="5.00", currency="USD")
    await deal(a, customer["id"], amount="6.00")
    assert (await admin.delete(f"/api/v1/deals/{gone['id']}")).status_code == 204
    board = (await manager.get(f"/api/v1/pipelines/{pipeline['id']}/kanban")).json()
    first = board["columns"][0]
    assert (first["count"], first["totals"]) == (1, [{"currency": "CNY", "amount": "6.00"}])
    assert all(c["count"] == 0 and c["totals"] == [] for c in board["columns"][1:])


async def test_concurrent_writers_keep_the_totals_exact(
    admin: Api, factory: Factory, sales_team: dict[str, Any], db: Any
) -> None:
    """Many transactions moving deals of the same owner between the same stages at once, in
    opposite directions: they share the totals' rows, all commit (sorted upserts: no deadlock)
    and the totals end exact."""
    a: Api = sales_team["sales_a"]
    pipeline = await default_pipeline(admin)
    stages = [s["id"] for s in pipeline["stages"] if s["kind"] == "open"][:2]
    customer = await factory.customer(a)
    deals = [await deal(a, customer["id"], amount=f"{i}.50") for i in range(1, 13)]
    ids = [d["id"] for d in deals]
    url = to_plain_url(db.engine.url.render_as_string(hide_password=False))
    connections = [await asyncpg.connect(url) for _ in range(6)]

    async def worker(conn: asyncpg.Connection, n: int) -> None:
        for round_ in range(10):
            # Alternate directions so two transactions want the same two rows in turn.
            source, target = stages if (n + round_) % 2 else stages[::-1]
            async with conn.transaction():
                for deal_id in ids[n::6]:
                    await conn.execute(
                        "UPDATE deals SET stage_id = $1, amount = amount + 1 "
                        "WHERE id = $2 AND stage_id = $3",
                        uuid.UUID(target),
                        uuid.UUID(deal_id),
                        uuid.UUID(source),
                    )
                    await asyncio.sleep(0)

    try:
        await asyncio.gather(*(worker(c, n) for n, c in enumerate(connections)))
    finally:
        for conn in connections:
            await conn.close()
    totals = await assert_exact(db)
    assert sum(count for count, _ in totals.values()) == 12

    # And through the API: concurrent edits of amounts.
    results = await asyncio.gather(
        *(a.patch(f"/api/v1/deals/{d}", json={"amount": "1.00"}) for d in ids)
    )
    assert all(r.status_code == 200 for r in results), [r.text for r in results]
    totals = await assert_exact(db)
    assert sum(amount for _, amount in totals.values()) == Decimal("12.00")
