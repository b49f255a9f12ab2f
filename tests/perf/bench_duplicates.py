"""Duplicate check at 1,000,000 customers: GET /api/v1/customers/duplicates/check, p50/p99.

Reuses `run.py`'s data set (database ``crm_bench``, seeded once by seed.py; ``--database`` names
another one) and its servers. Starts the real API (uvicorn, one process), signs in as a sales
manager (scope `department_tree`) and a salesperson (scope `own`), and sends checks built from
customers sampled out of the data set, as the customer form sends them while someone types:

  name      the company name of an existing customer with its legal form changed and typed
            full-width here and there (exact on name_normalized),
  similar   that name with a word added ("...发展有限公司"): no exact match, so the trigram
            index looks for similar names,
  phone     an existing number in another format (exact on phone_key),
  email     an existing address in upper case (exact on email),
  all       name + phone + e-mail of one customer,
  new       a name, number and address nobody has (the common case: no candidates).

Each scenario runs a warm-up, then a fixed number of requests at a fixed concurrency, and is
checked against the target p99 < 30 ms. Misses are reported, not raised. `--explain` prints the
plan of one check per scenario (EXPLAIN ANALYZE of the service's own statement).

  .venv/bin/python tests/perf/bench_duplicates.py [--rows N] [--requests N] [--concurrency N]
                                                  [--database NAME] [--explain]
"""

from __future__ import annotations

import argparse
import asyncio
import itertools
import random
import re
import sys
import uuid
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
from server import api_server  # noqa: E402

P99_TARGET_MS = 30.0
SAMPLE = 400  # customers the checks are built from
# Another legal form for the same company (first match wins, so the longer forms come first).
_SUFFIXES = {
    "股份有限公司": "有限公司",
    "集团有限公司": "有限公司",
    "有限责任公司": "股份有限公司",
    "有限公司": "股份有限公司",
    "Co., Ltd.": "Inc.",
    "Inc.": "LLC",
    "Ltd.": "Co., Ltd.",
}
_LEGAL_FORM = re.compile(r"((股份|集团|)有限(责任)?公司|Co\., Ltd\.|Inc\.|Ltd\.|LLC|Group)$")
_FULL_WIDTH = str.maketrans({chr(c): chr(c + 0xFEE0) for c in range(0x21, 0x7F)})


def _variant_name(name: str, rng: random.Random) -> str:
    for suffix, other in _SUFFIXES.items():
        if name.endswith(suffix):
            name = name[: -len(suffix)] + other
            break
    return name.translate(_FULL_WIDTH) if rng.random() < 0.3 else name


def _similar_name(name: str) -> str:
    """The same company with a word added before its legal form: no exact match, a trigram one."""
    return _LEGAL_FORM.sub(lambda m: "发展" + m.group(0), name, count=1)


def _variant_phone(e164: str) -> str:
    national = e164.removeprefix("+86")
    return f"+86 {national[:3]}-{national[3:7]}-{national[7:]}"


async def sample_payloads(
    pool: asyncpg.Pool, owner_ids: list[uuid.UUID]
) -> dict[str, list[dict[str, Any]]]:
    """Check bodies per scenario, from customers of the given owners (so hits are in scope)."""
    rows = await pool.fetch(
        """SELECT name, kind, phone_e164, email FROM customers
            WHERE deleted_at IS NULL AND owner_id = ANY($1) AND kind = 'company'
              AND phone_e164 IS NOT NULL AND email IS NOT NULL
            ORDER BY id LIMIT $2""",
        owner_ids,
        SAMPLE,
    )
    rng = random.Random(7)
    payloads: dict[str, list[dict[str, Any]]] = {
        "name": [],
        "similar": [],
        "phone": [],
        "email": [],
        "all": [],
        "new": [],
    }
    for row in rows:
        name = _variant_name(row["name"], rng)
        payloads["name"].append({"name": name})
        payloads["similar"].append({"name": _similar_name(row["name"])})
        payloads["phone"].append({"phone": _variant_phone(row["phone_e164"])})
        payloads["email"].append({"email": row["email"].upper()})
        payloads["all"].append(
            {"name": name, "phone": _variant_phone(row["phone_e164"]), "email": row["email"]}
        )
        payloads["new"].append(
            {
                "name": f"Zyx{uuid.uuid4().hex[:10]} Quantum Widgets Ltd.",
                "phone": f"+86 199 {rng.randrange(10**8):08d}",
                "email": f"nobody.{uuid.uuid4().hex[:8]}@nowhere.example",
            }
        )
    return payloads


def check_operation(client: load.LoadClient, token: str, bodies: list[dict[str, Any]]) -> Any:
    headers = {"Authorization": f"Bearer {token}"}
    path = "/api/v1/customers/duplicates/check"
    cycle = itertools.cycle([(body, client.request_bytes(path, body, headers)) for body in bodies])

    async def op() -> None:
        body, request = next(cycle)
        status, answer = await client.send(request)
        if status != 200:
            raise load.RequestFailed(f"check {body} → {status}: {answer[:300]!r}")

    return op


async def explain(pool: asyncpg.Pool, db_url: str, user_id: uuid.UUID, body: dict[str, Any]) -> str:
    """EXPLAIN ANALYZE of the statement the service runs for ``body``, with its parameters."""
    from crm.customers.dedupe import service
    from crm.customers.dedupe.schemas import DuplicateCheck

    principal = await queries.load_principal(db_url, user_id)
    check = service.check_query(principal, DuplicateCheck(**body), queries.DIALECT)
    assert check is not None
    query, parameters = check
    async with pool.acquire() as conn:
        plan = await conn.fetch(
            f"EXPLAIN (ANALYZE, BUFFERS) {query.sql}", *query.arguments(parameters)
        )
    return "\n".join(r[0] for r in plan)


async def measure(
    args: argparse.Namespace, db_url: str, base_url: str
) -> list[tuple[str, str, load.Figures]]:
    plain, kw = run._connect_kwargs(db_url)
    pool = await asyncpg.create_pool(plain, min_size=1, max_size=2, **kw)
    limits = httpx.Limits(max_connections=args.concurrency)
    client = httpx.AsyncClient(base_url=base_url, limits=limits, timeout=30, trust_env=False)
    lean = load.LoadClient(base_url)
    results: list[tuple[str, str, load.Figures]] = []
    try:
        for role in run.ROLES:
            user_id = await pool.fetchval("SELECT id FROM users WHERE email = $1", role.email)
            # The manager's own customers are few: sample from the whole department tree.
            owners = await pool.fetch(
                """SELECT id FROM users WHERE id = $1 OR department_id IN (
                       SELECT department_id FROM users WHERE manager_id = $1)""",
                user_id,
            )
            payloads = await sample_payloads(pool, [r["id"] for r in owners])
            token = await run.login(client, role.email)
            for scenario, bodies in payloads.items():
                if not bodies:
                    continue
                figures = await load.run_load(
                    check_operation(lean, token, bodies),
                    requests=args.requests,
                    concurrency=args.concurrency,
                    warmup=args.warmup,
                    time_limit=args.time_limit,
                )
                print(
                    f"  {role.name:<8} {scenario:<6} {figures.rate:6.0f}/s  "
                    f"p50 {figures.p50:5.1f} ms  p99 {figures.p99:5.1f} ms",
                    flush=True,
                )
                results.append((role.name, scenario, figures))
                if args.explain:
                    print(
                        "    "
                        + (await explain(pool, db_url, user_id, bodies[0])).replace("\n", "\n    ")
                    )
    finally:
        await client.aclose()
        await lean.aclose()
        await pool.close()
    return results


def report(results: list[tuple[str, str, load.Figures]], args: argparse.Namespace) -> None:
    print()
    print(
        f"GET /api/v1/customers/duplicates/check — {args.requests} requests per cell after "
        f"{args.warmup} warm-up, concurrency {args.concurrency}"
    )
    header = f"{'role':<8} {'scenario':<8} {'req/s':>7} {'p50 ms':>7} {'p99 ms':>7}  target"
    print(header)
    print("-" * len(header))
    misses = 0
    for role, scenario, f in results:
        ok = f.p99 < P99_TARGET_MS
        misses += not ok
        print(
            f"{role:<8} {scenario:<8} {f.rate:7.0f} {f.p50:7.1f} {f.p99:7.1f}  "
            f"p99<{P99_TARGET_MS:.0f}ms {'ok' if ok else 'MISS'}"
        )
    print()
    print(f"{len(results)} cells, {misses} missing the p99 target.")


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, default=1_000_000, help="customers to seed")
    parser.add_argument("--requests", type=int, default=1000, help="timed requests per cell")
    parser.add_argument("--warmup", type=int, default=100, help="untimed requests first")
    parser.add_argument("--concurrency", type=int, default=4, help="requests in flight")
    parser.add_argument("--time-limit", type=float, default=60, help="seconds at most per cell")
    parser.add_argument("--database", default=run.DATABASE, help="the data set's database")
    parser.add_argument("--explain", action="store_true", help="print one plan per cell")
    parser.add_argument("--reseed", action="store_true", help="seed again even if seeded")
    return parser.parse_args()


def main() -> int:
    from crm.core import embedded

    args = parse_args()
    run.DATABASE = args.database  # resolve_servers() names the database after it
    try:
        db_url, redis_url = run.resolve_servers()
        note = run.prepare_database(db_url, args.rows, args.reseed)
        print(f"Data set: {args.rows:,} customers in {args.database} ({note}).", flush=True)
        print(f"Machine: {run.machine()}", flush=True)
        with api_server(
            database_url=db_url, redis_url=redis_url, log_path=run.VAR / "api-duplicates.log"
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
