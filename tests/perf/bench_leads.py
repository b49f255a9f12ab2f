"""`make bench`: lead assignment through the worker, with rules and load balancing on.

Builds a fresh database ``crm_bench_leads`` on the bench server (CRM_BENCH_DATABASE_URL, else
CRM_TEST_DATABASE_URL, else the embedded PostgreSQL under var/bench/) with the bench
organisation (200 users in a department tree, seed.py), 2,000 open deals spread over the
salespeople (their sales load), and five assignment rules:

  1  province 广东省              -> round-robin over a department's salespeople
  2  product line ERP             -> least-loaded among 40 salespeople (deals + open leads)
  3  grade A                      -> round-robin over an explicit list of 12 users
  4  source web                   -> one user
  5  source 展会, product line CRM -> least-loaded over a department
  (about 10 % of the leads match nothing and stay in the pool)

Then N pool leads (default 20,000) are COPY'd in with their ``lead.created`` outbox events, as
an import writes them, and the worker's outbox drain (``crm.core.events.drain``, the function
the ``drain_outbox`` job runs; ``--drains`` of them at once, as several worker jobs would) runs
until every event is delivered. It prints leads/s, checks the target (>= 500 leads/s) and
checks the outcome: every lead a rule matches has an owner and a history row, the others are
in the pool, and each round-robin rule spread its leads evenly (counts within one). Misses of
the target are reported, not raised; a wrong outcome exits non-zero.

  .venv/bin/python tests/perf/bench_leads.py [--leads N] [--drains N]
"""

from __future__ import annotations

import argparse
import asyncio
import random
import sys
import time
import uuid
from collections import Counter
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "tests"))
sys.path.insert(0, str(Path(__file__).resolve().parent))

import asyncpg  # noqa: E402
import run  # noqa: E402
import seed  # noqa: E402

from crm.core.db import to_plain_url  # noqa: E402
from dbutil import recreate_database  # noqa: E402

DATABASE = "crm_bench_leads"
RATE_TARGET = 500  # leads/s through the worker
DEALS = 2_000
PROVINCES = ["广东省", "上海市", "浙江省", "江苏省", "北京市", "四川省"]
PRODUCT_LINES = ["ERP", "CRM", "MES", "BI"]
SOURCES = ["web", "展会", "电话", "转介绍", "广告"]
GRADES = ["A", "B", "C", None]


def _plain(db_url: str) -> str:
    from sqlalchemy.engine import make_url

    return to_plain_url(make_url(db_url).set(query={}).render_as_string(hide_password=False))


async def prepare(db_url: str) -> list[seed.Owner]:
    """A fresh, migrated database with the organisation, the default pipeline, open deals
    and the rules."""
    from crm import migrate
    from crm.core.db import Database
    from crm.sales.defaults import ensure_default_pipeline

    await recreate_database(db_url)
    await asyncio.to_thread(migrate.upgrade, db_url)
    owners = await seed.create_organisation(db_url)
    db = Database(db_url)
    try:
        async with db.sessionmaker() as session:
            await ensure_default_pipeline(session)
            await session.commit()
    finally:
        await db.dispose()
    sales = [o for o in owners if o.weight == 1.0]
    conn = await asyncpg.connect(_plain(db_url))
    try:
        rows = list(seed.customer_rows(500, owners, seed=11))
        await conn.copy_records_to_table("customers", records=rows, columns=seed._COLUMNS)
        # Open deals, most of them recent: uneven loads for least-loaded to balance.
        await conn.execute(
            "INSERT INTO deals (id, name, customer_id, pipeline_id, stage_id, status, amount, "
            "currency, owner_id, department_id, stage_entered_at, created_at, updated_at, "
            "version, custom) "
            "SELECT gen_random_uuid(), 'Deal ' || g, c.id, p.id, s.id, 'open', 1000, 'CNY', "
            "o.owner_id, o.department_id, now(), now() - (g % 45) * interval '1 day', now(), 1, "
            "'{}' FROM generate_series(1, $1) g "
            "JOIN LATERAL (SELECT id FROM customers ORDER BY id LIMIT 1 OFFSET g % 500) c ON true "
            "JOIN unnest($2::uuid[], $3::uuid[]) WITH ORDINALITY o(owner_id, department_id, n) "
            "ON o.n = 1 + (g * 7919) % array_length($2::uuid[], 1) "
            "CROSS JOIN (SELECT id FROM pipelines WHERE is_default LIMIT 1) p "
            "JOIN LATERAL (SELECT id FROM pipeline_stages WHERE pipeline_id = p.id "
            "AND kind = 'open' ORDER BY position LIMIT 1) s ON true",
            DEALS,
            [o.user_id for o in sales],
            [o.department_id for o in sales],
        )
        departments = Counter(o.department_id for o in sales)
        busiest = [d for d, _ in departments.most_common(2)]
        rules = [
            ("Guangdong", {"province": "广东省"}, "round_robin", None, busiest[0], []),
            ("ERP", {"product_line": "ERP"}, "least_loaded", None, None, sales[:40]),
            ("Hot", {"grade": "A"}, "round_robin", None, None, sales[40:52]),
            ("Web", {"source": "web"}, "user", sales[60], None, []),
            ("Expo CRM", {"source": "展会", "product_line": "CRM"}, "least_loaded", None,
             busiest[1], []),
        ]  # fmt: skip
        for position, (name, conditions, kind, user, department, team) in enumerate(rules):
            await conn.execute(
                "INSERT INTO lead_assignment_rules (id, name, position, active, province, "
                "product_line, source, grade, target_kind, target_user_id, team_department_id, "
                "team_user_ids, rr_position, created_at, updated_at, version) VALUES "
                "($1, $2, $3, true, $4, $5, $6, $7, $8, $9, $10, $11, 0, now(), now(), 1)",
                uuid.uuid4(),
                name,
                position,
                conditions.get("province"),
                conditions.get("product_line"),
                conditions.get("source"),
                conditions.get("grade"),
                kind,
                user.user_id if user else None,
                department,
                [o.user_id for o in team],
            )
        await conn.execute("VACUUM ANALYZE")
    finally:
        await conn.close()
    return owners


def lead_rows(count: int) -> list[tuple[Any, ...]]:
    rng = random.Random(3)
    rows = []
    for i in range(count):
        national = f"13{rng.randrange(10**9):09d}"
        rows.append(
            (
                uuid.uuid4(),
                f"联系人{i}",
                f"线索公司{i}有限公司",
                national,
                f"+86{national}",
                rng.choice(SOURCES),
                rng.choice(PROVINCES),
                rng.choice(PRODUCT_LINES),
                rng.choice(GRADES),
                rng.randrange(101),
            )
        )
    return rows


async def load_leads(db_url: str, count: int) -> None:
    """The pool leads and their lead.created events, as an import writes them."""
    conn = await asyncpg.connect(_plain(db_url))
    try:
        await conn.copy_records_to_table(
            "leads",
            records=lead_rows(count),
            columns=[
                "id", "person_name", "company_name", "phone", "phone_e164", "source",
                "province", "product_line", "grade", "score",
            ],
        )  # fmt: skip
        await conn.execute(
            "INSERT INTO outbox_events (id, event_type, object_type, object_id, payload, "
            "created_at, attempts) SELECT id, 'lead.created', 'lead', id, "
            '\'{"source": "bench"}\', now(), 0 FROM leads ORDER BY id'
        )
        await conn.execute("ANALYZE leads; ANALYZE outbox_events")
    finally:
        await conn.close()


async def assign(db_url: str, drains: int) -> float:
    """Seconds for ``drains`` concurrent outbox drains to deliver every pending event."""
    from crm.core import events
    from crm.core.db import Database
    from crm.leads import assignment  # noqa: F401  (the worker's handler)

    db = Database(db_url, pool_size=max(4, drains))
    try:
        started = time.perf_counter()
        while True:
            done = await asyncio.gather(*(events.drain(db.sessionmaker) for _ in range(drains)))
            if sum(done) == 0:
                return time.perf_counter() - started
    finally:
        await db.dispose()


async def check(db_url: str, count: int) -> list[str]:
    """What is wrong with the outcome (empty when all is right)."""
    conn = await asyncpg.connect(_plain(db_url))
    problems = []
    try:
        pending = await conn.fetchval(
            "SELECT count(*) FROM outbox_events WHERE processed_at IS NULL"
        )
        if pending:
            problems.append(f"{pending} events still pending")
        rows = await conn.fetch(
            "SELECT l.owner_id, a.rule_id, r.target_kind FROM leads l "
            "LEFT JOIN lead_assignments a ON a.lead_id = l.id "
            "LEFT JOIN lead_assignment_rules r ON r.id = a.rule_id"
        )
        if len(rows) != count:
            problems.append(f"{len(rows)} lead rows (history rows doubled?), not {count}")
        if any((r["owner_id"] is None) != (r["rule_id"] is None) for r in rows):
            problems.append("owners and assignment history disagree")
        per_rule: dict[Any, Counter[Any]] = {}
        for r in rows:
            if r["target_kind"] == "round_robin":
                per_rule.setdefault(r["rule_id"], Counter())[r["owner_id"]] += 1
        for rule_id, counts in per_rule.items():
            if max(counts.values()) - min(counts.values()) > 1:
                problems.append(f"round-robin rule {rule_id} is uneven: {sorted(counts.values())}")
        pooled = sum(1 for r in rows if r["owner_id"] is None)
        print(f"  assigned {count - pooled:,}, left in the pool {pooled:,}")
    finally:
        await conn.close()
    return problems


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--leads", type=int, default=20_000)
    parser.add_argument("--drains", type=int, default=1)
    args = parser.parse_args()
    db_url, _ = run.resolve_servers(DATABASE)
    print(f"Preparing {DATABASE} ...", flush=True)
    asyncio.run(prepare(db_url))
    print(f"Loading {args.leads:,} pool leads and their events ...", flush=True)
    asyncio.run(load_leads(db_url, args.leads))
    print(f"Draining with {args.drains} concurrent drain(s) ...", flush=True)
    seconds = asyncio.run(assign(db_url, args.drains))
    rate = args.leads / seconds
    print(f"  {seconds:.2f} s, {rate:,.0f} leads/s (target >= {RATE_TARGET})")
    print("  target met" if rate >= RATE_TARGET else "  TARGET MISSED")
    problems = asyncio.run(check(db_url, args.leads))
    for problem in problems:
        print(f"  WRONG: {problem}")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
