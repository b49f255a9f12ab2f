"""Stored matching names follow the key function: after an upgrade that changed
``company_name_key`` (version 2 took the region out of the key), the worker re-keys existing
customers in resumable batches, and they match new records again."""

from __future__ import annotations

import uuid
from typing import Any

import pytest
from arq.jobs import Job as ArqJob
from arq.jobs import JobStatus as ArqStatus
from sqlalchemy import select, text

from crm.core import redis
from crm.core.cleaning import NAME_KEY_VERSION, normalize_company_name
from crm.core.keyversions import KeyVersion
from crm.customers.dedupe import rekey, tasks
from crm.customers.models import Customer

CHECK = "/api/v1/customers/duplicates/check"
NAMES = [
    "深圳华强科技有限公司",
    "上海星辰科技股份有限公司",
    "北京蓝海贸易",
    "ACME Co., Ltd.",
    "杭州云图网络",
]
# What version 1 of the key stored: the region stayed in the key.
OLD_KEYS = ["深圳华强科技", "上海星辰科技", "北京蓝海贸易", "acme", "杭州云图网络"]


async def _as_upgraded(db: Any, ids: list[str]) -> None:
    """The state an upgrade leaves: rows keyed by version 1, the table saying so."""
    async with db.engine.begin() as conn:
        for customer_id, old in zip(ids, OLD_KEYS, strict=True):
            await conn.execute(
                text("UPDATE customers SET name_normalized = :k WHERE id = :id"),
                {"k": old, "id": uuid.UUID(customer_id)},
            )
        await conn.execute(
            text(
                "INSERT INTO key_versions (name, version, updated_at) VALUES (:n, 1, now()) "
                "ON CONFLICT (name) DO UPDATE SET version = 1, resume_after = NULL"
            ),
            {"n": rekey.KEY_NAME},
        )


async def _stored(db: Any) -> dict[str, tuple[str, str, int]]:
    async with db.sessionmaker() as session:
        rows = await session.execute(
            select(Customer.id, Customer.name, Customer.name_normalized, Customer.version)
        )
        return {str(r.id): (r.name, r.name_normalized, r.version) for r in rows}


async def _state(db: Any) -> KeyVersion:
    async with db.sessionmaker() as session:
        row = await session.get(KeyVersion, rekey.KEY_NAME)
        assert row is not None
        return row


async def _created(admin: Any) -> list[str]:
    ids = []
    for name in NAMES:
        r = await admin.post("/api/v1/customers", json={"name": name})
        assert r.status_code == 201, r.text
        ids.append(r.json()["id"])
    return ids


async def test_upgraded_names_are_rekeyed_and_match_again(
    admin: Any, db: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    ids = await _created(admin)
    await _as_upgraded(db, ids)
    before = await _stored(db)
    # Before: the bracketed-region spelling of 华强科技 does not find the old-keyed row.
    r = await admin.get(CHECK, params={"name": "华强科技（深圳）有限公司"})
    assert ids[0] not in [c["customer"]["id"] for c in r.json()["candidates"]]

    monkeypatch.setattr(rekey, "BATCH", 2)  # three batches over five customers
    assert await rekey.rekey_customer_names(db.sessionmaker) == 3

    after = await _stored(db)
    for customer_id, (name, key, version) in after.items():
        assert key == normalize_company_name(name)
        assert version == before[customer_id][2]  # derived, not an edit: ETags do not move
    state = await _state(db)
    assert (state.version, state.resume_after) == (NAME_KEY_VERSION, None)
    r = await admin.get(CHECK, params={"name": "华强科技（深圳）有限公司"})
    assert ids[0] in [c["customer"]["id"] for c in r.json()["candidates"]]


async def test_an_interrupted_rekey_resumes_after_its_last_batch(
    admin: Any, db: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    ids = await _created(admin)
    await _as_upgraded(db, ids)
    monkeypatch.setattr(rekey, "BATCH", 2)
    async with db.sessionmaker() as session:
        assert not await rekey.rekey_batch(session)
        await session.commit()
    state = await _state(db)
    first_two = sorted(uuid.UUID(i) for i in ids)[:2]
    assert (state.version, state.resume_after) == (1, first_two[1])
    stored = await _stored(db)
    rekeyed = {i for i, (name, key, _) in stored.items() if key == normalize_company_name(name)}
    # The first batch is done; 深圳华强科技 and 上海星辰科技 (old keys) wait unless in it.
    assert {str(i) for i in first_two} <= rekeyed

    assert await rekey.rekey_customer_names(db.sessionmaker) == 2
    assert (await _state(db)).version == NAME_KEY_VERSION


async def test_a_rename_during_the_rekey_keeps_its_own_key(
    admin: Any, db: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    ids = await _created(admin)
    await _as_upgraded(db, ids)
    read_batch = rekey._read_batch

    async def read_then_rename(session: Any, after: Any) -> Any:
        rows = await read_batch(session, after)
        # Committed between the batch's read and its write, as a concurrent PATCH would.
        async with db.engine.begin() as conn:
            await conn.execute(
                text("UPDATE customers SET name = :n, name_normalized = :k WHERE id = :id"),
                {"n": "广州新名字有限公司", "k": "新名字", "id": uuid.UUID(ids[0])},
            )
        return rows

    monkeypatch.setattr(rekey, "_read_batch", read_then_rename)
    async with db.sessionmaker() as session:
        assert await rekey.rekey_batch(session)
        await session.commit()
    stored = await _stored(db)
    assert stored[ids[0]][:2] == ("广州新名字有限公司", "新名字")  # not the old name's key
    for customer_id in ids[1:]:
        name, key, _ = stored[customer_id]
        assert key == normalize_company_name(name)


async def test_the_sweep_queues_one_rekey_only_while_behind(admin: Any, db: Any) -> None:
    ids = await _created(admin)
    await _as_upgraded(db, ids)
    assert await tasks.start_rekey_if_behind(db)
    assert await tasks.start_rekey_if_behind(db)  # same job id: arq keeps one
    job = ArqJob(tasks.REKEY_JOB_ID, redis.client())
    assert await job.status() == ArqStatus.queued
    queued = [j.job_id for j in await redis.client().queued_jobs()]
    assert queued.count(tasks.REKEY_JOB_ID) == 1
    await rekey.rekey_customer_names(db.sessionmaker)
    await redis.client().flushdb()
    assert not await tasks.start_rekey_if_behind(db)
