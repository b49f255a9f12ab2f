"""`make bench`: a 1,000,000-row customer CSV imported end to end, against a raw COPY.

Builds two fresh databases on the bench server (CRM_BENCH_DATABASE_URL, else
CRM_TEST_DATABASE_URL, else the embedded PostgreSQL under var/bench/): ``crm_bench_import``
holds the organisation and 25,000 existing customers; ``crm_bench_import_raw`` the same
organisation, for the baseline. The file is realistic and messy: phone numbers in a dozen
spellings (fixed lines, +86 / 0086 prefixes, punctuation), a custom date field in the
spreadsheet forms (2024/3/5, 2024年3月5日, 20240305, Excel serial numbers), 5 % duplicates
(half repeat an earlier row of the file, half an existing customer) and 1 % invalid rows (no
name, a broken e-mail address, an impossible date).

  import  upload (HTTP multipart) → preview (worker job) → commit (worker job), timed from the
          first byte sent to the committed status, through the real API and `crm worker`;
  raw     the same rows already clean (what the import stores), COPY'd into the same table
          with asyncpg, in this process.

It prints rows/s of both, their ratio, the time of each phase, and the peak memory (VmHWM) of
the API and worker processes, and checks the targets: >= 50,000 rows/s end to end and peak
memory under 1.5 GB. Misses are reported, not raised; the exit status is non-zero only when the
import's outcome is wrong (counts that do not add up).

  .venv/bin/python tests/perf/bench_import.py [--rows N] [--existing N]
"""

from __future__ import annotations

import argparse
import asyncio
import csv
import functools
import io
import os
import random
import signal
import subprocess
import sys
import time
import uuid
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "tests"))
sys.path.insert(0, str(Path(__file__).resolve().parent))

import asyncpg  # noqa: E402
import httpx  # noqa: E402
import run  # noqa: E402
import seed  # noqa: E402
from server import api_server  # noqa: E402

from crm.core.db import to_plain_url  # noqa: E402
from dbutil import recreate_database, with_database  # noqa: E402

DATABASE = "crm_bench_import"
RAW_DATABASE = "crm_bench_import_raw"
VAR = ROOT / "var" / "bench"
RATE_TARGET = 50_000  # rows/s end to end
MEMORY_TARGET_MB = 1536
HEADER = ["客户名称", "电话", "邮箱", "地址", "行业", "来源", "标签", "签约日期"]
CUSTOM_KEY = "signed_on"
FILE_PREFIX = "195"  # the file's own numbers: not a prefix the existing customers use
_EXCEL_EPOCH = date(1899, 12, 30)


# --- the file -----------------------------------------------------------------------------------


def _phone_spelling(national: str, rng: random.Random) -> str:
    a, b, c = national[:3], national[3:7], national[7:]
    return rng.choice(
        (
            national,
            f"{a} {b} {c}",
            f"{a}-{b}-{c}",
            f"+86 {a} {b} {c}",
            f"+86-{national}",
            f"0086{national}",
            f"(+86) {a}-{b}-{c}",
            f"+86 {national}",
        )
    )


def _date_spelling(day: date, rng: random.Random) -> str:
    return rng.choice(
        (
            day.isoformat(),
            f"{day.year}/{day.month}/{day.day}",
            f"{day.year}年{day.month}月{day.day}日",
            day.strftime("%Y%m%d"),
            str((day - _EXCEL_EPOCH).days),
        )
    )


@dataclass
class Expected:
    rows: int = 0
    invalid: int = 0
    dup_in_file: int = 0
    dup_existing: int = 0
    clean: list[tuple[Any, ...]] = field(default_factory=list)  # the raw baseline's rows

    @property
    def new(self) -> int:
        return self.rows - self.invalid - self.dup_in_file - self.dup_existing


def generate(path: Path, rows: int, existing: list[tuple[str, str]], owner: seed.Owner) -> Expected:
    """Write the messy CSV; return what the import must make of it, and the clean rows."""
    from crm.core.cleaning import normalize_company_name

    normalized = functools.lru_cache(maxsize=200_000)(normalize_company_name)
    rng = random.Random(20261201)
    expected = Expected(rows=rows)
    written: list[str] = []  # national numbers of earlier rows, for in-file duplicates
    start = date(2015, 1, 1)
    with path.open("w", encoding="utf-8", newline="") as handle:
        out = csv.writer(handle)
        out.writerow(HEADER)
        for i in range(rows):
            _, base = seed._name(rng)
            name = f"{base}{i}"  # unique, so names alone make no duplicates
            # Unique by construction (7919 is prime to 10^8), and outside the existing
            # customers' prefixes, so only the planted duplicates repeat a number.
            national = f"{FILE_PREFIX}{(i * 7919) % 10**8:08d}"
            email = f"user{i}@{rng.choice(seed._DOMAINS)}" if rng.random() < 0.6 else ""
            province, city, district = rng.choice(seed._CITIES)
            street = f"{district}{rng.randint(1, 999)}号"
            industry, source = rng.choice(seed._INDUSTRIES), rng.choice(seed._SOURCES)
            tags = rng.sample(seed._TAGS, k=rng.choice((0, 1, 2)))
            signed = start + timedelta(days=rng.randrange(4000))
            pick = rng.random()
            bad = None
            duplicate = False
            if pick < 0.01:
                bad = ("name", "email", "date")[i % 3]
                expected.invalid += 1
            elif pick < 0.035 and written:
                national = rng.choice(written)  # repeats an earlier row of the file
                duplicate = True
                expected.dup_in_file += 1
            elif pick < 0.06 and existing:
                national = rng.choice(existing)[1].removeprefix("+86")  # an existing customer
                duplicate = True
                expected.dup_existing += 1
            else:
                written.append(national)
            phone = _phone_spelling(national, rng)
            address = f"{province}{city}{street}"
            out.writerow(
                [
                    "" if bad == "name" else name,
                    phone,
                    "broken@@address" if bad == "email" else email.upper() if i % 7 == 0 else email,
                    address,
                    industry,
                    source,
                    "\uff0c".join(tags),  # a full-width comma, as typed in Chinese
                    "2024/13/45" if bad == "date" else _date_spelling(signed, rng),
                ]
            )
            if bad is None and not duplicate:
                expected.clean.append(
                    (
                        uuid.uuid4(),
                        "company",
                        name,
                        phone,
                        f"+86{national}",
                        f"86{national}",  # the phone key (cleaning.phone_key)
                        email or None,
                        province,
                        city,
                        district,
                        address,
                        industry,
                        source,
                        tags,
                        normalized(name),
                        f'{{"{CUSTOM_KEY}": "{signed.isoformat()}"}}',
                        owner.user_id,
                        owner.department_id,
                    )
                )
    return expected


_CLEAN_COLUMNS = [
    "id",
    "kind",
    "name",
    "phone",
    "phone_e164",
    "phone_key",
    "email",
    "province",
    "city",
    "district",
    "address",
    "industry",
    "source",
    "tags",
    "name_normalized",
    "custom",
    "owner_id",
    "department_id",
]


# --- the databases ------------------------------------------------------------------------------


def _plain(db_url: str) -> str:
    from sqlalchemy.engine import make_url

    return to_plain_url(make_url(db_url).set(query={}).render_as_string(hide_password=False))


async def prepare(db_url: str, existing_rows: int) -> tuple[seed.Owner, list[tuple[str, str]]]:
    """A fresh, migrated database with the organisation, the custom date field and
    ``existing_rows`` customers; (the importing director, the existing (name, e164) pairs)."""
    from crm import migrate

    await recreate_database(db_url)
    await asyncio.to_thread(migrate.upgrade, db_url)
    owners = await seed.create_organisation(db_url)
    conn = await asyncpg.connect(_plain(db_url))
    try:
        await conn.execute(
            "INSERT INTO custom_fields (id, object_type, key, label, field_type, options, "
            "required, validation, position, active, created_at, updated_at) VALUES "
            "($1, 'customer', $2, $3, 'date', '[]', false, '{}', 0, true, now(), now())",
            uuid.uuid4(),
            CUSTOM_KEY,
            '{"en": "Signed on", "zh": "签约日期"}',
        )
        rows = list(seed.customer_rows(existing_rows, owners, seed=7))
        await conn.copy_records_to_table("customers", records=rows, columns=seed._COLUMNS)
        await conn.execute("VACUUM ANALYZE")
        pairs = [(r[2], r[4]) for r in rows if r[4] and r[-2] is None]  # live ones with phones
    finally:
        await conn.close()
    director = owners[0]
    return director, pairs


async def raw_copy(db_url: str, clean: list[tuple[Any, ...]], owner: seed.Owner) -> float:
    """Seconds to COPY the clean rows into customers (server-side CSV parsing)."""
    buffer = io.StringIO()
    out = csv.writer(buffer)
    for row in clean:
        values = list(row)
        values[12] = "{" + ",".join(f'"{t}"' for t in values[12]) + "}"
        out.writerow(["" if v is None else v for v in values])
    data = buffer.getvalue().encode()
    conn = await asyncpg.connect(_plain(db_url))
    try:
        started = time.perf_counter()
        await conn.copy_to_table(
            "customers", source=io.BytesIO(data), columns=_CLEAN_COLUMNS, format="csv"
        )
        return time.perf_counter() - started
    finally:
        await conn.close()


# --- the import over HTTP -----------------------------------------------------------------------


def _peak_mb(pid: int) -> float:
    """Peak resident memory (VmHWM) of a process and its children... of the process, in MB."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def start_worker(db_url: str, redis_url: str, log: Path) -> subprocess.Popen[bytes]:
    env = os.environ.copy()
    env.update(
        CRM_DATABASE_URL=db_url,
        CRM_REDIS_URL=redis_url,
        CRM_SECRET_KEY="bench-secret-key-not-for-production",
        CRM_LOG_JSON="1",
    )
    return subprocess.Popen(
        [sys.executable, "-m", "crm.cli", "worker"],
        env=env,
        stdout=log.open("wb"),
        stderr=subprocess.STDOUT,
    )


async def _login(client: httpx.AsyncClient) -> None:
    r = await client.post(
        "/api/v1/auth/login", data={"username": seed.DIRECTOR_EMAIL, "password": seed.PASSWORD}
    )
    r.raise_for_status()
    client.headers["Authorization"] = f"Bearer {r.json()['access_token']}"


async def _wait(client: httpx.AsyncClient, url: str, statuses: set[str]) -> dict[str, Any]:
    while True:
        r = await client.get(url)
        if r.status_code == 401:  # a 1M-row import outlives an access token: sign in again
            await _login(client)
            continue
        r.raise_for_status()
        body = dict(r.json())
        if body["status"] in statuses:
            return body
        await asyncio.sleep(0.5)


async def run_import(base_url: str, path: Path) -> tuple[dict[str, Any], dict[str, float]]:
    phases: dict[str, float] = {}
    async with httpx.AsyncClient(base_url=base_url, timeout=600, trust_env=False) as client:
        await _login(client)
        started = time.perf_counter()
        with path.open("rb") as handle:
            r = await client.post(
                "/api/v1/imports",
                files={"file": (path.name, handle, "text/csv")},
                data={"object_type": "customers"},
            )
        r.raise_for_status()
        item = r.json()
        phases["upload"] = time.perf_counter() - started
        mark = time.perf_counter()
        url = f"/api/v1/imports/{item['id']}"
        r = await client.post(f"{url}/preview", json={"mapping": item["suggested_mapping"]})
        r.raise_for_status()
        previewed = await _wait(client, url, {"previewed", "failed"})
        phases["preview"] = time.perf_counter() - mark
        if previewed["status"] != "previewed":
            raise RuntimeError(f"the preview failed: {previewed['error']}")
        mark = time.perf_counter()
        await _login(client)
        r = await client.post(f"{url}/commit", json={"on_duplicate": "skip"})
        r.raise_for_status()
        done = await _wait(client, url, {"committed", "failed", "cancelled"})
        phases["commit"] = time.perf_counter() - mark
        phases["total"] = time.perf_counter() - started
        return done, phases


# --- the report ---------------------------------------------------------------------------------


def report(
    expected: Expected,
    done: dict[str, Any],
    phases: dict[str, float],
    raw_seconds: float,
    memory: dict[str, float],
) -> int:
    rows = expected.rows
    rate = rows / phases["total"]
    raw_rate = len(expected.clean) / raw_seconds
    print()
    print(
        f"Import of {rows:,} rows ({expected.invalid:,} invalid, {expected.dup_in_file:,} "
        f"repeating the file, {expected.dup_existing:,} repeating existing customers)"
    )
    for phase in ("upload", "preview", "commit", "total"):
        print(f"  {phase:<8} {phases[phase]:8.1f} s")
    print(f"  import   {rate:10,.0f} rows/s end to end (target >= {RATE_TARGET:,})")
    print(
        f"  raw COPY {raw_rate:10,.0f} rows/s ({len(expected.clean):,} clean rows, "
        f"{raw_seconds:.1f} s)"
    )
    print(f"  ratio    {rate / raw_rate:10.2f} (import / raw COPY)")
    for name, mb in memory.items():
        verdict = "OK" if mb < MEMORY_TARGET_MB else "MISS"
        print(f"  peak memory {name:<7} {mb:8.0f} MB (target < {MEMORY_TARGET_MB} MB) {verdict}")
    print(f"  rate target: {'OK' if rate >= RATE_TARGET else 'MISS'}")
    result = done.get("result") or {}
    print(
        f"  result: {result.get('created')} created, {result.get('skipped')} skipped, "
        f"{result.get('rejected')} rejected, {len(result.get('batches', []))} batches"
    )
    wrong = []
    if done["status"] != "committed":
        wrong.append(f"status {done['status']}: {done.get('error')}")
    if result.get("created") != expected.new:
        wrong.append(f"created {result.get('created')}, expected {expected.new}")
    if result.get("rejected") != expected.invalid:
        wrong.append(f"rejected {result.get('rejected')}, expected {expected.invalid}")
    for problem in wrong:
        print(f"  WRONG: {problem}")
    return 1 if wrong else 0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--existing", type=int, default=25_000)
    args = parser.parse_args()
    db_url, redis_url = run.resolve_servers(DATABASE)
    raw_url = with_database(db_url, RAW_DATABASE)
    print(f"Preparing {DATABASE} and {RAW_DATABASE} ...", flush=True)
    director, existing = asyncio.run(prepare(db_url, args.existing))
    raw_director, _ = asyncio.run(prepare(raw_url, args.existing))
    VAR.mkdir(parents=True, exist_ok=True)
    path = VAR / "import.csv"
    print(f"Writing {args.rows:,} rows to {path} ...", flush=True)
    expected = generate(path, args.rows, existing, raw_director)
    print(f"  {path.stat().st_size / 1e6:.0f} MB", flush=True)
    print("Raw COPY of the clean rows ...", flush=True)
    raw_seconds = asyncio.run(raw_copy(raw_url, expected.clean, raw_director))
    worker = start_worker(db_url, redis_url, VAR / "import-worker.log")
    try:
        with api_server(
            database_url=db_url, redis_url=redis_url, log_path=VAR / "import-api.log"
        ) as base_url:
            print("Importing over the API ...", flush=True)
            done, phases = asyncio.run(run_import(base_url, path))
            api_pid = _api_pid(base_url)
            memory = {"worker": _peak_mb(worker.pid)}
            if api_pid:
                memory["api"] = _peak_mb(api_pid)
    finally:
        worker.send_signal(signal.SIGINT)
        try:
            worker.wait(timeout=30)
        except subprocess.TimeoutExpired:
            worker.kill()
    del director
    return report(expected, done, phases, raw_seconds, memory)


def _api_pid(base_url: str) -> int | None:
    """The pid of the uvicorn process listening on the API's port."""
    port = base_url.rsplit(":", 1)[1]
    out = subprocess.run(["ss", "-ltnpH", f"sport = :{port}"], capture_output=True, text=True)
    for part in out.stdout.split("pid=")[1:]:
        return int(part.split(",")[0])
    return None


if __name__ == "__main__":
    sys.exit(main())
