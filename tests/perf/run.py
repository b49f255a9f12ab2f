"""`make bench`: GET /api/v1/customers at 1,000,000 customers, against the same SQL on raw asyncpg.

Seeds (once; reruns reuse it) a dedicated database ``crm_bench`` on the server of
CRM_BENCH_DATABASE_URL, else CRM_TEST_DATABASE_URL, else the embedded PostgreSQL under
var/bench/; Redis from CRM_BENCH_REDIS_URL / CRM_TEST_REDIS_URL, else the embedded Valkey.
Starts the real API (uvicorn, one process) on a free 127.0.0.1 port, logs in as a salesperson
(scope `own`) and a sales manager (scope `department_tree`), and for each scenario measures

  API  GET /api/v1/customers?limit=50&sort=-updated_at[&cursor=..|&q=..] over HTTP (a lean
       keep-alive client, load.LoadClient: httpx cost as much CPU as the API), and
  raw  the very SQL the service builds (captured from it), on a plain asyncpg pool, rows
       serialised to JSON with json.dumps, in this process,

each with a warm-up and then a fixed number of requests (2000) at a fixed concurrency (4), API
and raw alternating in rounds so that other work on the machine weighs on both alike. It prints
requests/s, p50/p99 and the API/raw ratio, and checks the targets: p99 < 50 ms, a deep cursor
page as fast as the first one (p50 within 1.5x), API >= 50 % of raw throughput. Then the
global search (GET /api/v1/search: a rare name fragment, two common ones, phone digits) for
both roles, latency only, against the same p99 target. Misses are
reported, not raised: the exit status is non-zero only when something is broken (a failed
request, an API answer that differs from the raw one). `--explain` adds the SQL and full plans.

`--masking` adds the salesperson once more with field rules on their role (phone and e-mail
masked, the address hidden: crm.core.field_access), so the cost of masking on the compiled list
path shows as its own row ("masking"); `--database` benches a copy of the data set.

  .venv/bin/python tests/perf/run.py [--rows N] [--requests N] [--concurrency N] [--rounds N]
                                     [--explain] [--reseed] [--masking] [--database NAME]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import sys
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "tests"))
sys.path.insert(0, str(Path(__file__).resolve().parent))

import asyncpg  # noqa: E402
import httpx  # noqa: E402
import load  # noqa: E402
import queries  # noqa: E402
import seed  # noqa: E402
import summary  # noqa: E402
from server import api_server  # noqa: E402

from crm.core.db import PLANNER_SETTINGS, to_plain_url  # noqa: E402
from crm.core.pagination import encode_cursor  # noqa: E402
from dbutil import recreate_database, with_database  # noqa: E402

DATABASE = "crm_bench"
VAR = ROOT / "var" / "bench"
P99_TARGET_MS = 50.0
DEEP_TARGET = 1.5  # deep-page p50 at most this many times the first page's
RATIO_TARGET = 0.5  # issue 15: every list-like endpoint at API/raw >= 0.5
NAME_QUERY = "星辰科技"  # a partial company name: ~0.2 % of all customers


# --- servers and data -------------------------------------------------------------------------


def resolve_servers(database: str = DATABASE) -> tuple[str, str]:
    """(database URL of ``database``, Redis URL) on the bench servers (see the module doc)."""
    from crm.core import embedded

    server_url = os.environ.get("CRM_BENCH_DATABASE_URL") or os.environ.get("CRM_TEST_DATABASE_URL")
    if server_url:
        db_url = with_database(server_url, database)
    else:
        db_url = embedded.start_postgres(VAR, database=database)
    redis_url = os.environ.get("CRM_BENCH_REDIS_URL") or os.environ.get("CRM_TEST_REDIS_URL")
    if not redis_url:
        redis_url = embedded.start_redis(VAR)
    return db_url, redis_url


def _connect_kwargs(db_url: str) -> tuple[str, dict[str, Any]]:
    """asyncpg wants a Unix-socket directory (the embedded server's) as ``host=``."""
    from sqlalchemy.engine import make_url

    parsed = make_url(db_url)
    host = parsed.query.get("host")
    plain = to_plain_url(parsed.set(query={}).render_as_string(hide_password=False))
    return plain, ({"host": host} if host else {})


async def _database_exists(db_url: str) -> bool:
    from sqlalchemy.engine import make_url

    plain, kw = _connect_kwargs(with_database(db_url, "postgres"))
    conn = await asyncpg.connect(plain, **kw)
    try:
        name = make_url(db_url).database
        return bool(await conn.fetchval("SELECT 1 FROM pg_database WHERE datname = $1", name))
    finally:
        await conn.close()


async def _marker(db_url: str) -> dict[str, str]:
    if not await _database_exists(db_url):
        return {}
    plain, kw = _connect_kwargs(db_url)
    conn = await asyncpg.connect(plain, **kw)
    try:
        return await seed.read_marker(conn)
    finally:
        await conn.close()


async def _seed(db_url: str, rows: int) -> None:
    plain, kw = _connect_kwargs(db_url)
    await seed.seed(db_url, plain, rows, connect_kwargs=kw)


async def _analyze_if_schema_changed(db_url: str, marker: dict[str, str]) -> None:
    """A new migration (an index, say) on the reused data set: refresh the statistics."""
    plain, kw = _connect_kwargs(db_url)
    conn = await asyncpg.connect(plain, **kw)
    try:
        head = await conn.fetchval("SELECT version_num FROM alembic_version")
        if marker.get("schema") != head:
            # A migration may have rewritten rows (a backfilled column): reclaim the dead ones
            # too, or every scan pays for them.
            print(f"Schema is now at {head}: VACUUM ANALYZE ...", flush=True)
            await conn.execute("VACUUM (ANALYZE)")
            await seed.write_marker(conn, {**marker, "schema": head})
    finally:
        await conn.close()


def prepare_database(db_url: str, rows: int, reseed: bool) -> str:
    from crm import migrate

    marker = asyncio.run(_marker(db_url))
    if reseed or marker.get("version") != seed.SEED_VERSION or marker.get("rows") != str(rows):
        database = db_url.rsplit("/", 1)[-1]
        print(f"Seeding {database} with {rows:,} customers (once; reruns reuse it) ...", flush=True)
        started = time.perf_counter()
        asyncio.run(recreate_database(db_url))
        migrate.upgrade(db_url)
        asyncio.run(_seed(db_url, rows))
        marker = asyncio.run(_marker(db_url))
        note = f"seeded in {time.perf_counter() - started:.0f} s"
    else:
        migrate.upgrade(db_url)
        note = "reused"
    asyncio.run(_analyze_if_schema_changed(db_url, marker))
    return note


# --- scenarios --------------------------------------------------------------------------------


@dataclass
class Scenario:
    name: str
    role: str
    params: dict[str, Any]  # the query string of the API request
    captured: queries.Captured
    api: load.Figures | None = None
    raw: load.Figures | None = None
    plan: list[str] = field(default_factory=list)
    plan_summary: str = ""


@dataclass(frozen=True)
class Role:
    name: str
    email: str
    deep_rows: int  # the deep page starts after this many rows
    masked: bool = False  # measured with MASKING_RULES on the user's role (--masking)


ROLES = [
    Role("sales", seed.SALES_EMAIL, deep_rows=99 * 50),  # page 100
    Role("manager", seed.MANAGER_EMAIL, deep_rows=20_000),
]
MASKING_ROLE = Role("masking", seed.SALES_EMAIL, deep_rows=99 * 50, masked=True)
# (field, access, masked) on customers for the built-in sales role while MASKING_ROLE runs.
MASKING_RULES = [
    ("phone", "read_only", True),
    ("email", "read_only", True),
    ("address", "hidden", False),
]
# The API caches principals this long at most (principal_cache_seconds, 2 s by default): after
# the rules change in the database, the next request sees them.
PRINCIPAL_CACHE_WAIT = 3.0


async def set_masking_rules(pool: asyncpg.Pool, on: bool) -> None:
    """Put MASKING_RULES on the sales role (or take them off), then let the API's principal
    cache expire."""
    await pool.execute(
        "DELETE FROM role_field_rules WHERE role_id = (SELECT id FROM roles WHERE key = 'sales')"
    )
    if on:
        await pool.executemany(
            "INSERT INTO role_field_rules (role_id, object_type, field, access, masked) "
            "SELECT id, 'customer', $1, $2, $3 FROM roles WHERE key = 'sales'",
            MASKING_RULES,
        )
    await asyncio.sleep(PRINCIPAL_CACHE_WAIT)


async def build_scenarios(pool: asyncpg.Pool, db_url: str, role: Role) -> list[Scenario]:
    user_id: uuid.UUID = await pool.fetchval("SELECT id FROM users WHERE email = $1", role.email)
    principal = await queries.load_principal(db_url, user_id)
    base = {"limit": "50", "sort": "-updated_at"}

    # Walk to the deep page in one go with the service's own query, then make its cursor.
    walk = await queries.capture_list_customers(principal, limit=role.deep_rows + 60)
    rows = await pool.fetch(walk.sql, *walk.params)
    depth = min(role.deep_rows, len(rows) - 60)  # a small data set: still a full page
    anchor = rows[depth - 1]
    cursor = encode_cursor("-updated_at", anchor["updated_at"], anchor["id"])
    # A phone number from deep in the list: 7 digits from the middle of its national number.
    phone = next(r["phone_e164"] for r in reversed(rows) if r["phone_e164"])
    digits = phone.removeprefix("+86")[2:9]
    # The fixed name fragment; a small data set may hold none in scope: then one of its own.
    name = NAME_QUERY
    if not any(NAME_QUERY in r["name"] for r in rows):
        name = next(r["name"][2:6] for r in reversed(rows) if r["name"].endswith("公司"))

    scenarios = [
        ("first page", {}),
        (f"deep page (after {depth:,})", {"cursor": cursor}),
        (f"q=phone {digits}", {"q": digits}),
        (f"q=name {name}", {"q": name}),
    ]
    result = []
    for name, extra in scenarios:
        captured = await queries.capture_list_customers(
            principal, cursor=extra.get("cursor"), q=extra.get("q")
        )
        result.append(Scenario(name, role.name, {**base, **extra}, captured))
    return result


async def check_same_answer(
    client: httpx.AsyncClient, token: str, pool: asyncpg.Pool, scenario: Scenario
) -> None:
    """The API and the raw query must return the same page (else the comparison is moot)."""
    response = await client.get(
        "/api/v1/customers", params=scenario.params, headers={"Authorization": f"Bearer {token}"}
    )
    if response.status_code != 200:
        raise load.RequestFailed(f"{scenario.name}: {response.status_code} {response.text[:300]}")
    body = response.json()
    rows = await pool.fetch(scenario.captured.sql, *scenario.captured.params)
    raw = json.loads(load.raw_page(rows, scenario.captured.limit))
    if [i["id"] for i in body["items"]] != [i["id"] for i in raw["items"]] or (
        body["next_cursor"] != raw["next_cursor"]
    ):
        raise load.RequestFailed(f"{scenario.role} / {scenario.name}: API and raw pages differ")
    if not body["items"]:
        raise load.RequestFailed(f"{scenario.role} / {scenario.name}: the page is empty")


async def explain(pool: asyncpg.Pool, scenario: Scenario) -> None:
    captured = scenario.captured
    (doc,) = json.loads(
        await pool.fetchval(
            "EXPLAIN (ANALYZE, BUFFERS, FORMAT JSON) " + captured.sql, *captured.params
        )
    )
    text_plan = await pool.fetch("EXPLAIN (ANALYZE, BUFFERS) " + captured.sql, *captured.params)
    scenario.plan = [r[0] for r in text_plan]
    nodes: list[str] = []

    def walk(node: dict[str, Any]) -> None:
        label = node["Node Type"]
        if node.get("Scan Direction") == "Backward":
            label += " Backward"
        if "Index Name" in node:
            label += f" ({node['Index Name']})"
        if label not in ("Limit", "Result"):
            nodes.append(label)
        for child in node.get("Plans", []):
            walk(child)

    walk(doc["Plan"])
    top = doc["Plan"]
    scenario.plan_summary = (
        f"{' > '.join(nodes)}; {doc['Execution Time']:.2f} ms, "
        f"buffers hit {top.get('Shared Hit Blocks', 0)} read {top.get('Shared Read Blocks', 0)}"
    )


# --- the run ----------------------------------------------------------------------------------


async def login(client: httpx.AsyncClient, email: str) -> str:
    response = await client.post(
        "/api/v1/auth/login", data={"username": email, "password": seed.PASSWORD}
    )
    if response.status_code != 200:
        raise load.RequestFailed(f"login {email}: {response.status_code} {response.text[:300]}")
    return str(response.json()["access_token"])


async def measure(args: argparse.Namespace, db_url: str, base_url: str) -> list[Scenario]:
    plain, kw = _connect_kwargs(db_url)
    # The raw side runs with the application's own connection settings: same planner.
    pool = await asyncpg.create_pool(
        plain,
        min_size=args.concurrency,
        max_size=args.concurrency,
        server_settings=PLANNER_SETTINGS,
        **kw,
    )
    limits = httpx.Limits(
        max_connections=args.concurrency, max_keepalive_connections=args.concurrency
    )
    client = httpx.AsyncClient(base_url=base_url, limits=limits, timeout=30, trust_env=False)
    lean = load.LoadClient(base_url)
    scenarios: list[Scenario] = []
    try:
        for role in [*ROLES, *([MASKING_ROLE] if args.masking else [])]:
            if role.masked:
                await set_masking_rules(pool, on=True)
            token = await login(client, role.email)
            for scenario in await build_scenarios(pool, db_url, role):
                await check_same_answer(client, token, pool, scenario)
                await explain(pool, scenario)
                c = scenario.captured
                scenario.api, scenario.raw = await load.compare(
                    load.api_operation(lean, token, scenario.params),
                    load.raw_operation(pool, c.sql, c.params, c.limit),
                    requests=args.requests,
                    concurrency=args.concurrency,
                    warmup=args.warmup,
                    time_limit=args.time_limit,
                    rounds=args.rounds,
                )
                print(
                    f"  {role.name:<8} {scenario.name:<28} api {scenario.api.rate:7.0f}/s"
                    f"  raw {scenario.raw.rate:7.0f}/s",
                    flush=True,
                )
                scenarios.append(scenario)
    finally:
        if args.masking:
            await set_masking_rules(pool, on=False)
        await client.aclose()
        await lean.aclose()
        await pool.close()
    return scenarios


@dataclass
class SearchScenario:
    role: str
    q: str
    hits: int = 0
    figures: load.Figures | None = None


SEARCH_QUERIES = (NAME_QUERY, "科技", "gmail")  # rare fragment, two common ones


async def measure_search(args: argparse.Namespace, base_url: str) -> list[SearchScenario]:
    """GET /api/v1/search (customers and contacts, ranked) for each role: latency only."""
    limits = httpx.Limits(
        max_connections=args.concurrency, max_keepalive_connections=args.concurrency
    )
    client = httpx.AsyncClient(base_url=base_url, limits=limits, timeout=30, trust_env=False)
    lean = load.LoadClient(base_url)
    results = []
    try:
        for role in ROLES:
            token = await login(client, role.email)
            for q in (*SEARCH_QUERIES, "1380013"):
                scenario = SearchScenario(role.name, q)
                params = {"q": q, "limit": "10"}
                r = await client.get(
                    "/api/v1/search", params=params, headers={"Authorization": f"Bearer {token}"}
                )
                if r.status_code != 200:
                    raise load.RequestFailed(f"search {q}: {r.status_code} {r.text[:300]}")
                scenario.hits = len(r.json()["items"])
                scenario.figures = await load.run_load(
                    load.api_operation(lean, token, params, "/api/v1/search"),
                    requests=max(200, args.requests // 4),
                    concurrency=args.concurrency,
                    warmup=args.warmup // 2,
                    time_limit=args.time_limit,
                )
                rate = scenario.figures.rate
                print(f"  {role.name:<8} search q={q:<12} {rate:7.0f}/s", flush=True)
                results.append(scenario)
    finally:
        await client.aclose()
        await lean.aclose()
    return results


def report_search(scenarios: list[SearchScenario]) -> None:
    print()
    print("GET /api/v1/search?q=..&limit=10 (customers + contacts, ranked), API only")
    header = f"{'q':<14} {'role':<8} {'hits':>4} {'req/s':>7} {'p50 ms':>7} {'p99 ms':>7}  target"
    print(header)
    print("-" * len(header))
    for s in scenarios:
        assert s.figures is not None
        f = s.figures
        print(
            f"{s.q:<14} {s.role:<8} {s.hits:>4} {f.rate:7.0f} {f.p50:7.1f} {f.p99:7.1f}  "
            f"p99<{P99_TARGET_MS:.0f}ms {_mark(f.p99 < P99_TARGET_MS)}"
        )
        summary.record(
            f"search {s.q} ({s.role})",
            ratio=None,
            p99=f.p99,
            ratio_target=None,
            p99_target=P99_TARGET_MS,
        )


def _mark(ok: bool) -> str:
    return "ok" if ok else "MISS"


def report(scenarios: list[Scenario], args: argparse.Namespace) -> None:
    header = (
        f"{'scenario':<28} {'role':<8} {'API req/s':>9} {'p50 ms':>7} {'p99 ms':>7} "
        f"{'raw req/s':>9} {'p50 ms':>7} {'p99 ms':>7} {'API/raw':>7}  targets"
    )
    print()
    print(
        f"GET /api/v1/customers?limit=50&sort=-updated_at — {args.requests} requests per cell "
        f"after {args.warmup} warm-up, concurrency {args.concurrency}, API and raw alternating "
        f"in {args.rounds} rounds"
    )
    print(header)
    print("-" * len(header))
    first_p50 = {s.role: s.api.p50 for s in scenarios if s.name == "first page" and s.api}
    for s in scenarios:
        assert s.api is not None and s.raw is not None
        ratio = s.api.rate / s.raw.rate if s.raw.rate else 0.0
        checks = [f"p99<{P99_TARGET_MS:.0f}ms {_mark(s.api.p99 < P99_TARGET_MS)}"]
        checks.append(f"ratio>={RATIO_TARGET:.2f} {_mark(ratio >= RATIO_TARGET)}")
        if s.name.startswith("deep"):
            factor = s.api.p50 / first_p50[s.role]
            checks.append(f"deep/first {factor:.2f}x {_mark(factor <= DEEP_TARGET)}")
        print(
            f"{s.name:<28} {s.role:<8} {s.api.rate:9.0f} {s.api.p50:7.1f} {s.api.p99:7.1f} "
            f"{s.raw.rate:9.0f} {s.raw.p50:7.1f} {s.raw.p99:7.1f} {ratio:7.2f}  "
            + ", ".join(checks)
        )
        summary.record(
            f"customers {s.name} ({s.role})",
            ratio=ratio,
            p99=s.api.p99,
            ratio_target=RATIO_TARGET,
            p99_target=P99_TARGET_MS,
        )
    print()
    print("Plans (EXPLAIN ANALYZE of the captured SQL, one run):")
    for s in scenarios:
        print(f"  {s.role:<8} {s.name:<28} {s.plan_summary}")
        if args.explain:
            print("      " + s.captured.literal().replace("\n", "\n      "))
            for line in s.plan:
                print("      " + line)
    misses = sum(
        1
        for s in scenarios
        if s.api
        and s.raw
        and (s.api.p99 >= P99_TARGET_MS or s.api.rate < RATIO_TARGET * s.raw.rate)
    )
    print()
    print(f"{len(scenarios)} scenarios, {misses} missing a p99 or ratio target (see above).")


def machine() -> str:
    """CPUs and load: other work on the machine weighs on the figures (more on the API's three
    busy processes, server, client and PostgreSQL, than on raw's two)."""
    one, five, _ = os.getloadavg()
    return f"{os.cpu_count()} CPUs, load average {one:.1f} (1 min), {five:.1f} (5 min)"


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, default=1_000_000, help="customers to seed")
    parser.add_argument("--requests", type=int, default=2000, help="timed requests per cell")
    parser.add_argument("--warmup", type=int, default=100, help="untimed requests first")
    parser.add_argument("--concurrency", type=int, default=4, help="requests in flight")
    parser.add_argument(
        "--time-limit", type=float, default=60, help="seconds at most per timed cell"
    )
    parser.add_argument(
        "--rounds", type=int, default=5, help="API and raw alternate in this many rounds"
    )
    parser.add_argument("--explain", action="store_true", help="print SQL and full plans")
    parser.add_argument("--reseed", action="store_true", help="seed again even if seeded")
    parser.add_argument(
        "--masking", action="store_true", help="also the salesperson with masked fields"
    )
    parser.add_argument("--database", default=DATABASE, help="the data set's database")
    parser.add_argument(
        "--startup-timeout", type=float, default=60, help="seconds the API may take to start"
    )
    return parser.parse_args()


def main() -> int:
    from crm.core import embedded

    args = parse_args()
    try:
        db_url, redis_url = resolve_servers(args.database)
        note = prepare_database(db_url, args.rows, args.reseed)
        print(f"Data set: {args.rows:,} customers in {args.database} ({note}).", flush=True)
        print(f"Machine: {machine()}", flush=True)
        with api_server(
            database_url=db_url,
            redis_url=redis_url,
            log_path=VAR / "api.log",
            timeout=args.startup_timeout,
        ) as base_url:
            print(f"API at {base_url} (uvicorn, 1 process). Measuring ...", flush=True)
            scenarios = asyncio.run(measure(args, db_url, base_url))
            searches = asyncio.run(measure_search(args, base_url))
        report(scenarios, args)
        report_search(searches)
        print(f"Machine afterwards: {machine()}")
        return 0
    except load.RequestFailed as exc:
        print(f"FAILED: {exc}", file=sys.stderr)
        return 1
    finally:
        embedded.stop_all()


if __name__ == "__main__":
    sys.exit(main())
