"""Closed-loop load: a fixed number of operations at a bounded concurrency, timed one by one."""

from __future__ import annotations

import asyncio
import json
import statistics
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

import asyncpg
import httpx

from crm.core.pagination import encode_cursor

Operation = Callable[[], Awaitable[None]]


@dataclass(frozen=True)
class Figures:
    requests: int
    seconds: float
    latencies_ms: list[float]

    def __add__(self, other: Figures) -> Figures:
        return Figures(
            self.requests + other.requests,
            self.seconds + other.seconds,
            self.latencies_ms + other.latencies_ms,
        )

    @property
    def rate(self) -> float:
        return self.requests / self.seconds if self.seconds else 0.0

    def percentile(self, p: float) -> float:
        ordered = sorted(self.latencies_ms)
        if not ordered:
            return float("nan")
        index = min(len(ordered) - 1, max(0, round(p / 100 * len(ordered)) - 1))
        return ordered[index]

    @property
    def p50(self) -> float:
        return statistics.median(self.latencies_ms) if self.latencies_ms else float("nan")

    @property
    def p99(self) -> float:
        return self.percentile(99)


async def run_load(
    operation: Operation, *, requests: int, concurrency: int, warmup: int, time_limit: float
) -> Figures:
    """Run ``operation`` ``warmup`` times untimed, then ``requests`` times with ``concurrency``
    workers; stops early (with what it has) once ``time_limit`` seconds have passed."""
    await _drive(operation, warmup, concurrency, None, time_limit)
    latencies: list[float] = []
    started = time.perf_counter()
    await _drive(operation, requests, concurrency, latencies, time_limit)
    return Figures(len(latencies), time.perf_counter() - started, latencies)


async def compare(
    first: Operation,
    second: Operation,
    *,
    requests: int,
    concurrency: int,
    warmup: int,
    time_limit: float,
    rounds: int,
) -> tuple[Figures, Figures]:
    """Measure two operations in alternating rounds, so that whatever else the machine is
    doing meanwhile weighs on both alike; each gets ``requests`` in all."""
    await _drive(first, warmup, concurrency, None, time_limit)
    await _drive(second, warmup, concurrency, None, time_limit)
    a = b = Figures(0, 0.0, [])
    for i in range(rounds):
        share = requests // rounds + (1 if i < requests % rounds else 0)
        limit = time_limit / rounds
        a += await run_load(
            first, requests=share, concurrency=concurrency, warmup=0, time_limit=limit
        )
        b += await run_load(
            second, requests=share, concurrency=concurrency, warmup=0, time_limit=limit
        )
    return a, b


async def _drive(
    operation: Operation,
    count: int,
    concurrency: int,
    latencies: list[float] | None,
    time_limit: float,
) -> None:
    remaining = count
    deadline = time.perf_counter() + time_limit

    async def worker() -> None:
        nonlocal remaining
        while remaining > 0 and time.perf_counter() < deadline:
            remaining -= 1
            t = time.perf_counter()
            await operation()
            if latencies is not None:
                latencies.append((time.perf_counter() - t) * 1000)

    await asyncio.gather(*(worker() for _ in range(concurrency)))


# --- the two sides ----------------------------------------------------------------------------


class RequestFailed(RuntimeError):
    pass


def api_operation(
    client: httpx.AsyncClient, token: str, params: dict[str, Any], path: str = "/api/v1/customers"
) -> Operation:
    headers = {"Authorization": f"Bearer {token}"}

    async def op() -> None:
        response = await client.get(path, params=params, headers=headers)
        if response.status_code != 200:
            raise RequestFailed(
                f"GET {path} {params} → {response.status_code}: {response.text[:300]}"
            )

    return op


def raw_page(rows: list[asyncpg.Record], limit: int) -> bytes:
    """What the raw side 'answers': the page envelope as JSON, rows serialised as dicts."""
    next_cursor = None
    if len(rows) > limit:
        rows = rows[:limit]
        next_cursor = encode_cursor("-updated_at", rows[-1]["updated_at"], rows[-1]["id"])
    body = {"items": [dict(r) for r in rows], "next_cursor": next_cursor, "total": None}
    return json.dumps(body, default=str, ensure_ascii=False).encode()


def raw_operation(pool: asyncpg.Pool, sql: str, params: tuple[Any, ...], limit: int) -> Operation:
    async def op() -> None:
        async with pool.acquire() as conn:
            rows = await conn.fetch(sql, *params)
        raw_page(rows, limit)

    return op
