"""Every list-like endpoint against its own SQL on raw asyncpg: contacts, leads, deals, quotes,
contracts, orders, tasks and the kanban board, for a salesperson and a sales manager.

Data: bench_kanban's database ``crm_bench_kanban`` (the bench organisation, customers and
100,000 open deals; seeded by it if missing), plus N rows each of contacts, leads, quotes,
contracts, orders and tasks, bulk-loaded with COPY (:func:`load_lists`, once; reruns reuse
them), owned like their customer (or deal).

The baseline is the SQL the API itself runs: each request is made once in this process
against the real app with the statements it sends recorded (SQLAlchemy's and the compiled
fast path's, crm.core.compiled), from a warm request, so the principal and configuration
caches are what a busy server has; the raw side sends those statements on a plain asyncpg
pool and JSON-encodes their rows. API (the real server, uvicorn, one process, over HTTP) and
raw alternate in rounds. Prints req/s, p50/p99 and API/raw per cell; target API/raw >= 0.5
(and p99 < 100 ms for the kanban). Misses are reported, not raised; cells go to `make bench`'s
summary (tests/perf/summary.py).

  .venv/bin/python tests/perf/bench_lists.py [--rows N] [--requests N] [--concurrency N]
                                             [--rounds N] [--only NAME,...]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import random
import sys
import time
from collections.abc import Iterator
from contextlib import asynccontextmanager, contextmanager
from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "tests"))
sys.path.insert(0, str(Path(__file__).resolve().parent))

import asyncpg  # noqa: E402
import bench_kanban  # noqa: E402
import httpx  # noqa: E402
import load  # noqa: E402
import run  # noqa: E402
import seed  # noqa: E402
import summary  # noqa: E402
from server import SECRET_KEY, api_server  # noqa: E402

from crm.core.db import PLANNER_SETTINGS  # noqa: E402

LISTS_VERSION = "lists-1"
RATIO_TARGET = 0.5
KANBAN_P99_TARGET_MS = 100.0
PAGE = 50
# (cell name, path, query) — the kanban's path is filled in with the default pipeline.
ENDPOINTS = [
    ("contacts", "/api/v1/contacts", {"limit": PAGE}),
    ("leads", "/api/v1/leads", {"limit": PAGE}),
    ("deals", "/api/v1/deals", {"limit": PAGE}),
    ("quotes", "/api/v1/quotes", {"limit": PAGE}),
    ("contracts", "/api/v1/contracts", {"limit": PAGE}),
    ("orders", "/api/v1/orders", {"limit": PAGE}),
    ("tasks", "/api/v1/tasks", {"limit": PAGE}),
    ("kanban", "/api/v1/pipelines/{pipeline}/kanban", {"limit": 20}),
]


# --- data -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Parents:
    customers: list[asyncpg.Record]  # id, owner_id, department_id
    deals: list[asyncpg.Record]  # id, customer_id, owner_id, department_id
    contracts: list[asyncpg.Record]


def _stamp(rng: random.Random) -> Any:
    return seed.EPOCH - timedelta(seconds=rng.random() * 365 * 24 * 3600)


def _rows(table: str, count: int, parents: Parents) -> Iterator[dict[str, Any]]:
    """Plausible rows of ``table`` (the columns a list shows and every NOT NULL one)."""
    from crm.core.ids import new_id

    rng = random.Random(f"{table}-20261207")
    for i in range(count):
        customer = parents.customers[rng.randrange(len(parents.customers))]
        created = _stamp(rng)
        base = {"id": new_id(), "created_at": created, "updated_at": created, "version": 1}
        owned = {"owner_id": customer["owner_id"], "department_id": customer["department_id"]}
        amount = Decimal(rng.randrange(1_000, 5_000_000)) / 100
        if table == "contacts":
            yield {**base, "customer_id": customer["id"], "name": f"联系人 {i:06d}",
                   "is_primary": i % 3 == 0, "custom": "{}"}  # fmt: skip
        elif table == "leads":
            yield {**base, **owned, "person_name": f"Lead {i:06d}", "company_name": f"公司 {i}",
                   "status": "new", "source": "web_form", "custom": "{}"}  # fmt: skip
        elif table == "quotes":
            deal = parents.deals[rng.randrange(len(parents.deals))]
            yield {**base, "deal_id": deal["id"], "number": f"Q-{i:07d}", "revision": 1,
                   "status": "draft", "currency": "CNY", "discount_percent": 0,
                   "tax_rate_percent": 0, "list_total": amount, "subtotal": amount,
                   "discount_amount": 0, "tax_amount": 0, "total": amount,
                   "effective_discount_percent": 0}  # fmt: skip
        elif table == "contracts":
            yield {**base, **owned, "customer_id": customer["id"], "number": f"C-{i:07d}",
                   "title": f"合同 {i:06d}", "parties": "{}", "terms": "", "currency": "CNY",
                   "lines": "[]", "total": amount, "status": "draft"}  # fmt: skip
        elif table == "orders":
            yield {**base, **owned, "customer_id": customer["id"], "number": f"O-{i:07d}",
                   "currency": "CNY", "fx_rate": 1, "lines": "[]", "total": amount,
                   "status": "pending_payment"}  # fmt: skip
        elif table == "tasks":
            yield {**base, "title": f"Task {i:06d}", "assignee_id": customer["owner_id"],
                   "department_id": customer["department_id"], "created_by": customer["owner_id"],
                   "due_at": created + timedelta(days=7), "priority": "normal",
                   "status": "open", "related_type": "customer",
                   "related_id": customer["id"]}  # fmt: skip


async def _copy(conn: asyncpg.Connection, table: str, rows: Iterator[dict[str, Any]]) -> int:
    """COPY the rows in chunks; the columns the table lacks (a schema that moved on) are
    dropped, so that the seeder keeps working."""
    present = {
        r["column_name"]
        for r in await conn.fetch(
            "SELECT column_name FROM information_schema.columns WHERE table_name = $1", table
        )
    }
    copied = 0
    while True:
        chunk = [row for _, row in zip(range(seed.COPY_CHUNK), rows, strict=False)]
        if not chunk:
            return copied
        columns = [c for c in chunk[0] if c in present]
        await conn.copy_records_to_table(
            table, records=[tuple(r[c] for c in columns) for r in chunk], columns=columns
        )
        copied += len(chunk)


async def load_lists(db_url: str, rows: int) -> str:
    plain, kw = run._connect_kwargs(db_url)
    conn = await asyncpg.connect(plain, **kw)
    try:
        marker = await seed.read_marker(conn)
        if marker.get("lists") == f"{LISTS_VERSION}:{rows}":
            return "reused"
        started = time.perf_counter()
        # DELETE, not TRUNCATE ... CASCADE: deals refer to contacts, and would go with them.
        for table in ("tasks", "orders", "contracts", "quotes", "leads", "contacts"):
            await conn.execute(f"DELETE FROM {table}")
        customers = await conn.fetch(
            "SELECT id, owner_id, department_id FROM customers WHERE deleted_at IS NULL"
        )
        deals = await conn.fetch("SELECT id FROM deals WHERE deleted_at IS NULL LIMIT $1", rows)
        parents = Parents(list(customers), list(deals), [])
        for table in ("contacts", "leads", "quotes", "contracts", "orders", "tasks"):
            t = time.perf_counter()
            copied = await _copy(conn, table, _rows(table, rows, parents))
            print(f"  copied {copied:,} {table} ({time.perf_counter() - t:.1f} s)", flush=True)
        await conn.execute("VACUUM ANALYZE")
        await seed.write_marker(conn, {**marker, "lists": f"{LISTS_VERSION}:{rows}"})
        return f"seeded in {time.perf_counter() - started:.0f} s"
    finally:
        await conn.close()


# --- the SQL a request runs -------------------------------------------------------------------


@contextmanager
def recording(engine: Any) -> Iterator[list[tuple[str, tuple[Any, ...]]]]:
    """Every statement the app sends while inside: SQLAlchemy's (as handed to the driver)
    and the compiled fast path's (crm.core.compiled, straight on the driver)."""
    from sqlalchemy import event

    from crm.core import compiled

    calls: list[tuple[str, tuple[Any, ...]]] = []
    original = compiled.CompiledQuery.fetch

    async def fetch(self: Any, session: Any, values: Any) -> Any:
        calls.append((self.sql, tuple(self.arguments(values))))
        return await original(self, session, values)

    def before(_c: Any, _cur: Any, statement: str, parameters: Any, *_: Any) -> None:
        calls.append((statement, tuple(parameters or ())))

    compiled.CompiledQuery.fetch = fetch  # type: ignore[method-assign]
    event.listen(engine.sync_engine, "before_cursor_execute", before)
    try:
        yield calls
    finally:
        compiled.CompiledQuery.fetch = original  # type: ignore[method-assign]
        event.remove(engine.sync_engine, "before_cursor_execute", before)


@asynccontextmanager
async def in_process_app(db_url: str, redis_url: str) -> Any:
    import os

    os.environ["CRM_DATABASE_URL"] = db_url
    os.environ["CRM_REDIS_URL"] = redis_url
    os.environ["CRM_SECRET_KEY"] = SECRET_KEY  # the tokens the server signed
    os.environ["CRM_LOG_LEVEL"] = "WARNING"
    from crm.app import create_app
    from crm.settings import get_settings

    get_settings.cache_clear()
    app = create_app()
    async with app.router.lifespan_context(app):
        yield app


async def capture(
    app: Any, token: str, path: str, params: dict[str, Any]
) -> tuple[list[tuple[str, tuple[Any, ...]]], Any]:
    """(the statements of a warm request, its JSON answer)."""
    transport = httpx.ASGITransport(app=app, client=("127.0.0.1", 50000))
    headers = {"Authorization": f"Bearer {token}"}
    async with httpx.AsyncClient(transport=transport, base_url="http://bench") as client:
        for _ in range(2):  # the first fills the caches
            with recording(app.state.db.engine) as calls:
                response = await client.get(path, params=params, headers=headers)
        if response.status_code != 200:
            raise load.RequestFailed(f"GET {path}: {response.status_code} {response.text[:300]}")
    return calls, response.json()


def raw_operation(pool: asyncpg.Pool, calls: list[tuple[str, tuple[Any, ...]]]) -> Any:
    async def op() -> None:
        async with pool.acquire() as conn:
            answers = [[dict(r) for r in await conn.fetch(sql, *args)] for sql, args in calls]
        json.dumps(answers, default=str, ensure_ascii=False).encode()

    return op


def _ids(body: Any) -> list[str]:
    if "items" in body:
        return [item["id"] for item in body["items"]]
    return [card["id"] for column in body["columns"] for card in column["cards"]]


async def check_same_rows(
    pool: asyncpg.Pool, calls: list[tuple[str, tuple[Any, ...]]], body: Any, name: str
) -> None:
    """The raw statements must return the rows the API answered with (else the comparison
    is moot), and the page must not be empty."""
    ids = _ids(body)
    if not ids:
        raise load.RequestFailed(f"{name}: the API answered an empty page")
    seen: set[str] = set()
    async with pool.acquire() as conn:
        for sql, args in calls:
            for row in await conn.fetch(sql, *args):
                if "id" in row.keys():  # noqa: SIM118 (a Record's `in` looks at its values)
                    seen.add(str(row["id"]))
    if not set(ids) <= seen:
        raise load.RequestFailed(f"{name}: the raw statements miss rows the API answered")


# --- measuring --------------------------------------------------------------------------------


@dataclass
class Cell:
    name: str
    role: str
    statements: int
    api: load.Figures
    raw: load.Figures

    @property
    def ratio(self) -> float:
        return self.api.rate / self.raw.rate if self.raw.rate else 0.0


async def measure(
    args: argparse.Namespace, db_url: str, redis_url: str, base_url: str
) -> list[Cell]:
    plain, kw = run._connect_kwargs(db_url)
    pool = await asyncpg.create_pool(
        plain,
        min_size=args.concurrency,
        max_size=args.concurrency,
        server_settings=PLANNER_SETTINGS,
        **kw,
    )
    pipeline_id = await pool.fetchval("SELECT id FROM pipelines WHERE is_default")
    client = httpx.AsyncClient(base_url=base_url, timeout=30, trust_env=False)
    lean = load.LoadClient(base_url)
    cells = []
    try:
        async with in_process_app(db_url, redis_url) as app:
            for role in run.ROLES:
                token = await run.login(client, role.email)
                for name, template, params in ENDPOINTS:
                    if args.only and name not in args.only:
                        continue
                    path = template.format(pipeline=pipeline_id)
                    calls, body = await capture(app, token, path, params)
                    await check_same_rows(pool, calls, body, f"{role.name} {name}")
                    api, raw = await load.compare(
                        load.api_operation(lean, token, params, path),
                        raw_operation(pool, calls),
                        requests=args.requests,
                        concurrency=args.concurrency,
                        warmup=args.warmup,
                        time_limit=args.time_limit,
                        rounds=args.rounds,
                    )
                    cell = Cell(name, role.name, len(calls), api, raw)
                    print(
                        f"  {role.name:<8} {name:<10} {len(calls)} stmt  API {api.rate:6.0f}/s "
                        f"p99 {api.p99:6.1f} ms  raw {raw.rate:6.0f}/s p99 {raw.p99:6.1f} ms  "
                        f"API/raw {cell.ratio:4.2f}",
                        flush=True,
                    )
                    cells.append(cell)
    finally:
        await client.aclose()
        await lean.aclose()
        await pool.close()
    return cells


def report(cells: list[Cell], args: argparse.Namespace) -> None:
    print()
    print(
        f"List endpoints (GET, limit={PAGE}; kanban 20 cards per column) — {args.requests} "
        f"requests per side after {args.warmup} warm-up, concurrency {args.concurrency}, API and "
        f"raw (the request's own statements on plain asyncpg, JSON-encoded) alternating in "
        f"{args.rounds} rounds"
    )
    header = (
        f"{'endpoint':<10} {'role':<8} {'stmts':>5} {'req/s':>7} {'p50 ms':>7} {'p99 ms':>7} "
        f"{'raw/s':>7} {'raw p99':>7} {'API/raw':>7}  target"
    )
    print(header)
    print("-" * (len(header) + 24))
    for c in cells:
        p99_target = KANBAN_P99_TARGET_MS if c.name == "kanban" else None
        ok = c.ratio >= RATIO_TARGET and (p99_target is None or c.api.p99 < p99_target)
        target = f"API/raw>={RATIO_TARGET}" + (f", p99<{p99_target:.0f}ms" if p99_target else "")
        print(
            f"{c.name:<10} {c.role:<8} {c.statements:>5} {c.api.rate:7.0f} {c.api.p50:7.1f} "
            f"{c.api.p99:7.1f} {c.raw.rate:7.0f} {c.raw.p99:7.1f} {c.ratio:7.2f}  "
            f"{target} {'ok' if ok else 'MISS'}"
        )
        summary.record(
            f"{c.name} ({c.role})",
            ratio=c.ratio,
            p99=c.api.p99,
            ratio_target=RATIO_TARGET,
            p99_target=p99_target,
        )


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--deals", type=int, default=100_000, help="open deals (bench_kanban)")
    parser.add_argument("--rows", type=int, default=50_000, help="rows of each other list")
    parser.add_argument("--requests", type=int, default=500, help="timed requests per cell")
    parser.add_argument("--warmup", type=int, default=50, help="untimed requests first")
    parser.add_argument("--concurrency", type=int, default=4, help="requests in flight")
    parser.add_argument("--time-limit", type=float, default=30, help="seconds at most per cell")
    parser.add_argument("--rounds", type=int, default=5, help="API and raw alternate rounds")
    parser.add_argument("--only", type=lambda s: s.split(","), default=None, help="cells")
    return parser.parse_args()


def main() -> int:
    from crm.core import embedded

    args = parse_args()
    run.DATABASE = bench_kanban.DATABASE
    try:
        db_url, redis_url = run.resolve_servers(bench_kanban.DATABASE)
        note = bench_kanban.prepare_database(db_url, args.deals, reseed=False)
        lists = asyncio.run(load_lists(db_url, args.rows))
        print(
            f"Data set: {bench_kanban.DATABASE}, {args.deals:,} open deals ({note}), "
            f"{args.rows:,} of each other list ({lists}).",
            flush=True,
        )
        print(f"Machine: {run.machine()}", flush=True)
        with api_server(
            database_url=db_url, redis_url=redis_url, log_path=run.VAR / "api-lists.log"
        ) as base_url:
            print(f"API at {base_url} (uvicorn, 1 process). Measuring ...", flush=True)
            cells = asyncio.run(measure(args, db_url, redis_url, base_url))
        report(cells, args)
        print(f"Machine afterwards: {run.machine()}")
        return 0
    except load.RequestFailed as exc:
        print(f"FAILED: {exc}", file=sys.stderr)
        return 1
    finally:
        embedded.stop_all()


if __name__ == "__main__":
    sys.exit(main())
