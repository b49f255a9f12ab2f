"""Precision and recall of duplicate detection on a labelled set (tests/dedupe_eval.py), for
its three paths, each through its real code: the duplicate scan (its grouping), the import
preview (an upload matched within the file and against existing customers, through the API
and the worker's preview task) and the per-record duplicate check (the API).

Targets: pair precision >= 0.98 and recall >= 0.95 per path, on two seeds. `make bench` prints
the same figures (tests/perf/bench_dedupe_quality.py runs this file with -s).
"""

from __future__ import annotations

import uuid
from collections import defaultdict
from typing import Any

import pytest
from sqlalchemy import select

import dedupe_eval
from crm.core.cleaning import normalize_email, phone_key
from crm.customers.dedupe.scan import ScanRow, find_groups
from crm.customers.models import Customer
from dedupe_eval import Quality, Row, pairs_of_clusters, quality, true_pairs
from import_helpers import csv_bytes, import_file, preview, upload

SEEDS = (11, 12)
ENTITIES = 300  # about 550 records per seed: every path runs in seconds
CHECK = "/api/v1/customers/duplicates/check"
HEADER = ["客户名称", "类型", "电话", "邮箱", "地址", "备注"]
FIRST_DATA_ROW = 2  # the spreadsheet row number of the first record under the header


def _meets_targets(path: str, seed: int, measured: Quality) -> None:
    print(f"seed {seed}  {path:<24} {measured}")
    assert measured.precision >= 0.98, (path, seed, str(measured))
    assert measured.recall >= 0.95, (path, seed, str(measured))


def scan_quality(rows: list[Row]) -> Quality:
    ids = [uuid.uuid4() for _ in rows]
    index = {id_: i for i, id_ in enumerate(ids)}
    scan_rows = [
        ScanRow(ids[i], r.kind, r.name, phone_key(r.phone), normalize_email(r.email), r.address)
        for i, r in enumerate(rows)
    ]
    groups = find_groups(scan_rows)
    found = pairs_of_clusters([index[m] for m in group.member_ids] for group in groups)
    return quality(found, true_pairs(rows))


@pytest.mark.parametrize("seed", SEEDS)
def test_scan(seed: int) -> None:
    _meets_targets("scan", seed, scan_quality(dedupe_eval.generate(seed, ENTITIES * 3)))


# --- the import preview and the per-record check: existing customers, then new records -------


def _csv(rows: list[Row], numbers: list[int]) -> bytes:
    """The records as an import file; each carries its number in the notes, so the
    customers it becomes can be told apart."""
    kinds = {"company": "公司", "person": "个人"}
    lines = [
        [rows[n].name, kinds[rows[n].kind], rows[n].phone, rows[n].email, rows[n].address, n]
        for n in numbers
    ]
    return csv_bytes([HEADER, *lines])


async def _existing(api: Any, db: Any, rows: list[Row], numbers: list[int]) -> dict[str, int]:
    """Import the records as they are (duplicates among them too): customer id -> record."""
    await import_file(
        api, db, _csv(rows, numbers), on_duplicate="create", on_file_duplicate="create"
    )
    async with db.sessionmaker() as session:
        found = await session.execute(select(Customer.id, Customer.notes))
        return {str(customer_id): int(notes) for customer_id, notes in found.all()}


async def _flagged_rows(api: Any, item: dict[str, Any]) -> list[dict[str, Any]]:
    flagged: list[dict[str, Any]] = []
    params: dict[str, Any] = {"status": "duplicate", "limit": 200}
    while True:
        r = await api.get(f"/api/v1/imports/{item['id']}/rows", params=params)
        assert r.status_code == 200, r.text
        page = r.json()
        flagged += page["items"]
        if not page["next_cursor"]:
            return flagged
        params["cursor"] = page["next_cursor"]


def _split(rows: list[Row]) -> tuple[list[int], list[int]]:
    """Half the records exist already (every other one), the rest come in."""
    existing = list(range(0, len(rows), 2))
    return existing, list(range(1, len(rows), 2))


async def import_qualities(
    api: Any, db: Any, rows: list[Row], customers: dict[str, int], incoming: list[int]
) -> tuple[Quality, Quality]:
    """(within the file, against existing customers) of a preview of the ``incoming`` rows."""
    item = await preview(api, db, await upload(api, _csv(rows, incoming)))
    assert item["status"] == "previewed", item
    record_of_row = {FIRST_DATA_ROW + i: n for i, n in enumerate(incoming)}
    groups: dict[int, set[int]] = defaultdict(set)
    linked: set[tuple[int, int]] = set()
    for flagged in await _flagged_rows(api, item):
        record = record_of_row[flagged["row"]]
        if flagged["duplicate_of_row"] is not None:
            first = record_of_row[flagged["duplicate_of_row"]]
            groups[first].update((first, record))
        if flagged["match_id"] is not None:
            linked.add((record, customers[flagged["match_id"]]))
    in_file = quality(pairs_of_clusters(groups.values()), true_pairs(rows, incoming))
    # Against existing customers a row names one record: right when it is the same entity,
    # and every row whose entity exists should name one.
    entities_existing = {rows[n].entity for n in customers.values()}
    should = {n for n in incoming if rows[n].entity in entities_existing}
    right = {n for n, match in linked if rows[n].entity == rows[match].entity}
    precision = len(right) / len(linked) if linked else 1.0
    recall = len(right) / len(should) if should else 1.0
    return in_file, Quality(precision, recall, len(should), len(linked))


async def check_quality(
    api: Any, rows: list[Row], customers: dict[str, int], incoming: list[int]
) -> Quality:
    """Each incoming record checked as the customer form checks it (name, phone, e-mail):
    the candidates it is shown, against every existing customer of its entity."""
    by_entity: dict[int, list[int]] = defaultdict(list)
    for n in customers.values():
        by_entity[rows[n].entity].append(n)
    shown: set[tuple[int, int]] = set()
    truth: set[tuple[int, int]] = set()
    for n in incoming:
        row = rows[n]
        typed = {"name": row.name.strip(), "phone": row.phone, "email": row.email}
        r = await api.get(CHECK, params={k: v for k, v in typed.items() if v})
        assert r.status_code == 200, r.text
        shown |= {(n, customers[c["customer"]["id"]]) for c in r.json()["candidates"]}
        truth |= {(n, other) for other in by_entity[row.entity]}
    return quality(shown, truth)


@pytest.mark.parametrize("seed", SEEDS)
async def test_import_preview_and_duplicate_check(seed: int, admin: Any, db: Any) -> None:
    rows = dedupe_eval.generate(seed, ENTITIES)
    existing, incoming = _split(rows)
    customers = await _existing(admin, db, rows, existing)
    assert len(customers) == len(existing)
    in_file, against_existing = await import_qualities(admin, db, rows, customers, incoming)
    _meets_targets("import: within the file", seed, in_file)
    _meets_targets("import: existing records", seed, against_existing)
    _meets_targets("duplicate check", seed, await check_quality(admin, rows, customers, incoming))


def test_the_generator_is_seeded_and_labelled() -> None:
    first, again = dedupe_eval.generate(3, 200), dedupe_eval.generate(3, 200)
    assert first == again
    assert len({row.entity for row in first}) == 200
    assert len(true_pairs(first)) > 50  # duplicates to find
