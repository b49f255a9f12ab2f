"""Kanban at 100,000 open deals: GET /api/v1/pipelines/{id}/kanban, p50/p99 per role.

Seeds (once; reruns with the same size reuse it) a dedicated database ``crm_bench_kanban`` on
run.py's servers: the bench organisation (seed.py: 200 users in a department tree), the
default pipeline, customers and N deals bulk-loaded with COPY, spread over the pipeline's four
open stages (a few won and lost besides), each owned by its customer's owner. Starts the real
API (uvicorn, one process), signs in as a sales manager (scope `department_tree`, a quarter of
the deals) and a salesperson (scope `own`), and measures the board (20 cards per column) and
the next page of one column, alternating in rounds with the baseline: the service's own two
statements (crm.sales.board.totals_statement / cards_statement, with the caller's scope) on a
plain asyncpg pool, answered as JSON. Prints both and the API/raw throughput ratio. Targets:
p99 < 100 ms, API/raw >= 0.5. Misses are reported, not raised.

  .venv/bin/python tests/perf/bench_kanban.py [--deals N] [--requests N] [--concurrency N]
                                              [--rounds N] [--reseed]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import random
import sys
import time
import uuid
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "tests"))
sys.path.insert(0, str(Path(__file__).resolve().parent))

import asyncpg  # noqa: E402
import httpx  # noqa: E402
import load  # noqa: E402
import queries  # noqa: E402
import run  # noqa: E402
import seed  # noqa: E402
import summary  # noqa: E402
from server import api_server  # noqa: E402

from crm.core.db import PLANNER_SETTINGS  # noqa: E402
from crm.core.pagination import encode_cursor  # noqa: E402
from dbutil import recreate_database  # noqa: E402

DATABASE = "crm_bench_kanban"
SEED_VERSION = "kanban-1"
P99_TARGET_MS = 100.0
RATIO_TARGET = 0.5  # API/raw throughput (issue 15)
CARDS = 20
_DEAL_COLUMNS = [
    "id", "name", "customer_id", "pipeline_id", "stage_id", "status", "amount", "currency",
    "expected_close_date", "owner_id", "department_id", "stage_entered_at", "closed_at",
    "created_at", "updated_at", "version", "custom", "lost_reason",
]  # fmt: skip


# --- data -------------------------------------------------------------------------------------


async def _default_pipeline(db_url: str) -> None:
    from crm.core.db import Database
    from crm.sales.defaults import ensure_default_pipeline

    db = Database(db_url)
    try:
        async with db.sessionmaker() as session:
            await ensure_default_pipeline(session)
            await session.commit()
    finally:
        await db.dispose()


def deal_rows(
    count: int,
    customers: list[asyncpg.Record],
    stages: list[asyncpg.Record],
    pipeline_id: uuid.UUID,
) -> list[tuple[Any, ...]]:
    from crm.core.ids import new_id

    rng = random.Random(20261201)
    open_stages = [s for s in stages if s["kind"] == "open"]
    closed = {s["kind"]: s for s in stages if s["kind"] != "open"}
    rows = []
    extra = count // 20  # closed deals besides: the board must skip them
    for i in range(count + extra):
        customer = customers[rng.randrange(len(customers))]
        if i < count:
            stage, status = rng.choice(open_stages), "open"
        else:
            stage = closed[rng.choice(("won", "lost"))]
            status = stage["kind"]
        created = seed.EPOCH - timedelta(seconds=rng.random() * 365 * 24 * 3600)
        updated = created + timedelta(seconds=rng.random() * (seed.EPOCH - created).total_seconds())
        rows.append(
            (
                new_id(),
                f"Deal {i:06d}",
                customer["id"],
                pipeline_id,
                stage["id"],
                status,
                Decimal(rng.randrange(1_000, 5_000_000)) / 100,
                "CNY" if rng.random() < 0.9 else "USD",
                date(2027, 1, 1) + timedelta(days=rng.randrange(365)),
                customer["owner_id"],
                customer["department_id"],
                updated,
                updated if status != "open" else None,
                created,
                updated,
                1,
                "{}",
                "price" if status == "lost" else None,
            )
        )
    return rows


async def _load(db_url: str, deals: int) -> None:
    print("Creating the organisation (200 users) and the default pipeline ...", flush=True)
    owners = await seed.create_organisation(db_url)
    await _default_pipeline(db_url)
    plain, kw = run._connect_kwargs(db_url)
    conn = await asyncpg.connect(plain, **kw)
    try:
        await seed.load_customers(conn, owners, max(1_000, deals // 10))
        customers = await conn.fetch(
            "SELECT id, owner_id, department_id FROM customers WHERE deleted_at IS NULL"
        )
        pipeline_id = await conn.fetchval("SELECT id FROM pipelines WHERE is_default")
        stages = await conn.fetch(
            "SELECT id, kind FROM pipeline_stages WHERE pipeline_id = $1 ORDER BY position",
            pipeline_id,
        )
        started = time.perf_counter()
        rows = deal_rows(deals, customers, stages, pipeline_id)
        for offset in range(0, len(rows), seed.COPY_CHUNK):
            await conn.copy_records_to_table(
                "deals", records=rows[offset : offset + seed.COPY_CHUNK], columns=_DEAL_COLUMNS
            )
        print(f"  copied {len(rows):,} deals ({time.perf_counter() - started:.1f} s)", flush=True)
        print("VACUUM ANALYZE ...", flush=True)
        await conn.execute("VACUUM ANALYZE")
        head = await conn.fetchval("SELECT version_num FROM alembic_version")
        await seed.write_marker(conn, {"version": SEED_VERSION, "rows": str(deals), "schema": head})
    finally:
        await conn.close()


def prepare_database(db_url: str, deals: int, reseed: bool) -> str:
    from crm import migrate

    marker = asyncio.run(run._marker(db_url))
    if reseed or marker.get("version") != SEED_VERSION or marker.get("rows") != str(deals):
        print(f"Seeding {DATABASE} with {deals:,} open deals (once) ...", flush=True)
        started = time.perf_counter()
        asyncio.run(recreate_database(db_url))
        migrate.upgrade(db_url)
        asyncio.run(_load(db_url, deals))
        return f"seeded in {time.perf_counter() - started:.0f} s"
    migrate.upgrade(db_url)
    return "reused"


# --- measuring --------------------------------------------------------------------------------


@dataclass
class Cell:
    role: str
    scenario: str
    on_board: int
    api: load.Figures
    raw: load.Figures


@dataclass(frozen=True)
class RawBoard:
    """The board's two statements exactly as the service builds them (crm.sales.board), with
    the caller's scope, compiled for asyncpg: the baseline the API is compared with."""

    totals: tuple[str, tuple[Any, ...]]
    cards: tuple[str, tuple[Any, ...]]
    limit: int

    async def answer(self, conn: asyncpg.Connection) -> dict[str, Any]:
        totals = await conn.fetch(self.totals[0], *self.totals[1])
        cards = await conn.fetch(self.cards[0], *self.cards[1])
        columns: dict[Any, dict[str, Any]] = {}
        for row in totals:
            column = columns.setdefault(row[0], {"count": 0, "totals": [], "cards": []})
            column["count"] += row[2]
            column["totals"].append({"currency": row[1], "amount": row[3]})
        for card in cards:
            columns.setdefault(card["stage_id"], {"count": 0, "totals": [], "cards": []})
            columns[card["stage_id"]]["cards"].append(dict(card))
        for column in columns.values():
            rows = column["cards"]
            column["cards"] = rows[: self.limit]
            column["next_cursor"] = (
                encode_cursor(
                    "-updated_at", rows[self.limit - 1]["updated_at"], rows[self.limit - 1]["id"]
                )
                if len(rows) > self.limit
                else None
            )
        return {"columns": [{"stage_id": str(k), **v} for k, v in columns.items()]}


def raw_board(
    principal: Any, pipeline_id: Any, columns: list[dict[str, Any]], params: dict[str, Any]
) -> RawBoard:
    from crm.sales import board

    stage_ids = [
        uuid.UUID(c["stage"]["id"])
        for c in columns
        if c["count"] and (params.get("stage_id") in (None, c["stage"]["id"]))
    ]
    stage = params.get("stage_id")
    cards = board.cards_statement(
        principal, pipeline_id, stage_ids, limit=CARDS, cursor=params.get("cursor")
    )
    return RawBoard(
        totals=queries.compile_statement(
            board.totals_statement(principal, pipeline_id, uuid.UUID(stage) if stage else None)
        ),
        cards=queries.compile_statement(cards),
        limit=CARDS,
    )


def raw_operation(pool: asyncpg.Pool, raw: RawBoard) -> Any:
    async def op() -> None:
        async with pool.acquire() as conn:
            json.dumps(await raw.answer(conn), default=str, ensure_ascii=False).encode()

    return op


async def check_same_cards(
    client: httpx.AsyncClient,
    token: str,
    path: str,
    params: dict[str, Any],
    pool: Any,
    raw: RawBoard,
) -> None:
    """The API and the raw statements must show the same cards (else the comparison is moot)."""
    response = await client.get(path, params=params, headers={"Authorization": f"Bearer {token}"})
    api_cards = [card["id"] for c in response.json()["columns"] for card in c["cards"]]
    async with pool.acquire() as conn:
        answer = await raw.answer(conn)
    raw_cards = [str(card["id"]) for c in answer["columns"] for card in c["cards"]]
    if sorted(api_cards) != sorted(raw_cards):
        raise load.RequestFailed(f"kanban {params}: API and raw cards differ")


async def measure(args: argparse.Namespace, db_url: str, base_url: str) -> list[Cell]:
    plain, kw = run._connect_kwargs(db_url)
    # The raw side runs with the application's own connection settings: same planner.
    pool = await asyncpg.create_pool(
        plain,
        min_size=args.concurrency,
        max_size=args.concurrency,
        server_settings=PLANNER_SETTINGS,
        **kw,
    )
    pipeline_id = await pool.fetchval("SELECT id FROM pipelines WHERE is_default")
    path = f"/api/v1/pipelines/{pipeline_id}/kanban"
    limits = httpx.Limits(max_connections=args.concurrency)
    client = httpx.AsyncClient(base_url=base_url, limits=limits, timeout=30, trust_env=False)
    lean = load.LoadClient(base_url)
    cells: list[Cell] = []
    try:
        for role in run.ROLES:
            token = await run.login(client, role.email)
            user_id = await pool.fetchval("SELECT id FROM users WHERE email = $1", role.email)
            principal = await queries.load_principal(db_url, user_id)
            first = await client.get(
                path, params={"limit": CARDS}, headers={"Authorization": f"Bearer {token}"}
            )
            if first.status_code != 200:
                raise load.RequestFailed(f"kanban as {role.name}: {first.status_code}")
            columns = first.json()["columns"]
            on_board = sum(c["count"] for c in columns)
            scenarios: dict[str, dict[str, Any]] = {"board": {"limit": CARDS}}
            paged = next((c for c in columns if c["next_cursor"]), None)
            if paged is not None:
                scenarios["column page 2"] = {
                    "limit": CARDS,
                    "stage_id": paged["stage"]["id"],
                    "cursor": paged["next_cursor"],
                }
            for name, params in scenarios.items():
                raw = raw_board(principal, pipeline_id, columns, params)
                await check_same_cards(client, token, path, params, pool, raw)
                api, baseline = await load.compare(
                    load.api_operation(lean, token, params, path),
                    raw_operation(pool, raw),
                    requests=args.requests,
                    concurrency=args.concurrency,
                    warmup=args.warmup,
                    time_limit=args.time_limit,
                    rounds=args.rounds,
                )
                print(
                    f"  {role.name:<8} {name:<14} {on_board:>7,} deals  API {api.rate:6.0f}/s "
                    f"p50 {api.p50:5.1f} p99 {api.p99:5.1f} ms  raw {baseline.rate:6.0f}/s "
                    f"p99 {baseline.p99:5.1f} ms",
                    flush=True,
                )
                cells.append(Cell(role.name, name, on_board, api, baseline))
    finally:
        await client.aclose()
        await lean.aclose()
        await pool.close()
    return cells


def report(cells: list[Cell], args: argparse.Namespace) -> None:
    print()
    print(
        f"GET /api/v1/pipelines/{{id}}/kanban — {args.deals:,} open deals, {args.requests} "
        f"requests per side after {args.warmup} warm-up, concurrency {args.concurrency}, API and "
        f"raw (the service's two statements on plain asyncpg, JSON-encoded) alternating in "
        f"{args.rounds} rounds"
    )
    header = (
        f"{'role':<8} {'scenario':<14} {'on board':>9} {'req/s':>7} {'p50 ms':>7} {'p99 ms':>7} "
        f"{'raw/s':>7} {'raw p99':>7} {'API/raw':>7}"
    )
    print(header + "  target")
    print("-" * (len(header) + 20))
    misses = 0
    for c in cells:
        ratio = c.api.rate / c.raw.rate if c.raw.rate else 0.0
        ok = c.api.p99 < P99_TARGET_MS and ratio >= RATIO_TARGET
        misses += not ok
        print(
            f"{c.role:<8} {c.scenario:<14} {c.on_board:>9,} {c.api.rate:7.0f} {c.api.p50:7.1f} "
            f"{c.api.p99:7.1f} {c.raw.rate:7.0f} {c.raw.p99:7.1f} {ratio:7.2f}  "
            f"p99<{P99_TARGET_MS:.0f}ms, API/raw>={RATIO_TARGET} {'ok' if ok else 'MISS'}"
        )
        summary.record(
            f"kanban {c.scenario} ({c.role}, {args.deals // 1000}k open deals)",
            ratio=ratio,
            p99=c.api.p99,
            ratio_target=RATIO_TARGET,
            p99_target=P99_TARGET_MS,
        )
    print()
    print(f"{len(cells)} cells, {misses} missing a target.")


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--deals", type=int, default=100_000, help="open deals to seed")
    parser.add_argument("--requests", type=int, default=1000, help="timed requests per cell")
    parser.add_argument("--warmup", type=int, default=100, help="untimed requests first")
    parser.add_argument("--concurrency", type=int, default=4, help="requests in flight")
    parser.add_argument("--time-limit", type=float, default=60, help="seconds at most per cell")
    parser.add_argument(
        "--rounds", type=int, default=5, help="API and raw alternate in this many rounds"
    )
    parser.add_argument("--reseed", action="store_true", help="seed again even if seeded")
    return parser.parse_args()


def main() -> int:
    from crm.core import embedded

    args = parse_args()
    run.DATABASE = DATABASE  # resolve_servers() names the database after it
    try:
        db_url, redis_url = run.resolve_servers(DATABASE)
        note = prepare_database(db_url, args.deals, args.reseed)
        print(f"Data set: {args.deals:,} open deals in {DATABASE} ({note}).", flush=True)
        print(f"Machine: {run.machine()}", flush=True)
        with api_server(
            database_url=db_url, redis_url=redis_url, log_path=run.VAR / "api-kanban.log"
        ) as base_url:
            print(f"API at {base_url} (uvicorn, 1 process). Measuring ...", flush=True)
            results = asyncio.run(measure(args, db_url, base_url))
        report(results, args)
        return 0
    except load.RequestFailed as exc:
        print(f"FAILED: {exc}", file=sys.stderr)
        return 1
    finally:
        embedded.stop_all()


if __name__ == "__main__":
    sys.exit(main())
