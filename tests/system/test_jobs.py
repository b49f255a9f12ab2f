"""Job records: created through crm.core.jobs, visible to their creator (and auditors) only."""

from __future__ import annotations

import uuid
from typing import Any

from crm.core import jobs, redis
from platform_helpers import assert_problem


async def _create_job(db: Any, created_by: str | None, **params: Any) -> uuid.UUID:
    async with db.sessionmaker() as session:
        job = await jobs.create_job(
            session,
            kind="customers.export",
            task="export_customers",
            created_by=uuid.UUID(created_by) if created_by else None,
            params=params,
        )
        await session.commit()
        await jobs.dispatch_pending(session)
        return job.id


async def test_the_creator_follows_a_job(factory: Any, db: Any) -> None:
    owner = await factory.user("sales")
    job_id = await _create_job(db, owner.user_id, fmt="csv")
    # Committed and enqueued under a fixed id, so a duplicate enqueue is a no-op.
    assert await redis.client().exists(f"arq:job:job:{job_id}") == 1

    r = await owner.get(f"/api/v1/jobs/{job_id}")
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["id"] == str(job_id)
    assert body["kind"] == "customers.export"
    assert (body["status"], body["progress"], body["done"], body["total"]) == ("queued", 0, 0, None)
    assert body["created_by"] == owner.user_id
    assert body["result"] is None and body["error"] is None and body["finished_at"] is None
    assert "params" not in body  # internal (holds the task name)

    async with db.sessionmaker() as session:
        job = await session.get(jobs.Job, job_id)
        assert job is not None
        jobs.mark_running(job, total=40)
        jobs.report_progress(job, 10)
        await session.commit()
    body = (await owner.get(f"/api/v1/jobs/{job_id}")).json()
    assert (body["status"], body["progress"], body["done"], body["total"]) == (
        "running",
        25,
        10,
        40,
    )
    assert body["started_at"] is not None

    async with db.sessionmaker() as session:
        job = await session.get(jobs.Job, job_id)
        assert job is not None
        jobs.mark_finished(job, result={"rows": 40})
        await session.commit()
    body = (await owner.get(f"/api/v1/jobs/{job_id}")).json()
    assert (body["status"], body["progress"], body["result"]) == ("succeeded", 100, {"rows": 40})
    assert body["finished_at"] is not None


async def test_a_failed_job_keeps_its_progress_and_error(factory: Any, db: Any) -> None:
    owner = await factory.user("sales")
    job_id = await _create_job(db, owner.user_id)
    async with db.sessionmaker() as session:
        job = await session.get(jobs.Job, job_id)
        assert job is not None
        jobs.mark_running(job, total=3)
        jobs.report_progress(job, 1)
        jobs.mark_finished(job, error="the file system is full")
        await session.commit()
    body = (await owner.get(f"/api/v1/jobs/{job_id}")).json()
    assert (body["status"], body["progress"], body["error"]) == (
        "failed",
        33,
        "the file system is full",
    )


async def test_others_cannot_see_a_job(factory: Any, anon: Any, admin: Any, db: Any) -> None:
    owner = await factory.user("sales")
    job_id = await _create_job(db, owner.user_id)
    for stranger in (await factory.user("sales"), await factory.user("manager")):
        body = assert_problem(await stranger.get(f"/api/v1/jobs/{job_id}"), 404)
        assert body["detail"] == "No such job."
    assert_problem(await anon.get(f"/api/v1/jobs/{job_id}"), 401)
    # Administrators and auditors may look.
    auditor = await factory.user("auditor")
    for reader in (admin, auditor):
        r = await reader.get(f"/api/v1/jobs/{job_id}")
        assert r.status_code == 200 and r.json()["id"] == str(job_id)
    # An unknown id looks exactly like someone else's job.
    missing = await owner.get(f"/api/v1/jobs/{uuid.uuid4()}")
    assert assert_problem(missing, 404)["detail"] == "No such job."


async def test_a_rolled_back_job_is_never_enqueued(factory: Any, db: Any) -> None:
    owner = await factory.user("sales")
    async with db.sessionmaker() as session:
        job = await jobs.create_job(
            session, kind="k", task="export_customers", created_by=uuid.UUID(owner.user_id)
        )
        job_id = job.id
        await session.rollback()
        jobs.discard_pending(session)
        await jobs.dispatch_pending(session)
    assert await redis.client().exists(f"arq:job:job:{job_id}") == 0
    assert_problem(await owner.get(f"/api/v1/jobs/{job_id}"), 404)
