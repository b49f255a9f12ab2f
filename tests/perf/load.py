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


class _ClosedWhileIdle(Exception):
    """The connection was closed before the request got an answer."""


class LoadClient:
    """A lean HTTP/1.1 keep-alive client for the timed GETs (httpx still logs in and checks
    answers).

    The load runs on the machine it measures. httpx spent about as much CPU per request as the
    API serving it (1.4 ms against 1.35 ms on a 2-core machine, a customer list page), CPU the
    raw side's in-process driver never pays, so it weighed on the API's figures as if it were
    the API's own cost. This client writes the request line and headers and reads the status,
    the headers and a Content-Length (or chunked) body: what any HTTP load tool does.
    """

    def __init__(self, base_url: str) -> None:
        url = httpx.URL(base_url)
        self.host = url.host
        self.port = url.port or 80
        self._idle: list[tuple[asyncio.StreamReader, asyncio.StreamWriter]] = []

    def request_bytes(self, path: str, params: dict[str, Any], headers: dict[str, str]) -> bytes:
        """A GET of ``path`` with ``params``, ready to send again and again."""
        target = str(httpx.URL(path, params=params))
        lines = [f"GET {target} HTTP/1.1", f"Host: {self.host}:{self.port}"]
        lines += [f"{name}: {value}" for name, value in headers.items()]
        return ("\r\n".join(lines) + "\r\n\r\n").encode()

    async def send(self, request: bytes) -> tuple[int, bytes]:
        """(status, body) of one request, on an idle connection or a new one."""
        while self._idle:
            reader, writer = self._idle.pop()
            try:
                return await self._exchange(reader, writer, request)
            except _ClosedWhileIdle:
                # The server closes keep-alive connections idle for a while (uvicorn: 5 s,
                # e.g. between scenarios): a GET is safe to send again on a new connection.
                writer.close()
        reader, writer = await asyncio.open_connection(self.host, self.port)
        try:
            return await self._exchange(reader, writer, request)
        except _ClosedWhileIdle as exc:
            writer.close()
            raise RequestFailed("the server closed a new connection without answering") from exc

    async def _exchange(
        self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter, request: bytes
    ) -> tuple[int, bytes]:
        try:
            writer.write(request)
            status_line = await reader.readline()
        except ConnectionError as exc:
            raise _ClosedWhileIdle from exc
        if not status_line:
            raise _ClosedWhileIdle
        status = int(status_line.split(b" ", 2)[1])
        length: int | None = None
        chunked, keep_alive = False, True
        while (line := await reader.readline()) not in (b"\r\n", b""):
            name, _, value = line.partition(b":")
            name = name.strip().lower()
            if name == b"content-length":
                length = int(value)
            elif name == b"transfer-encoding":
                chunked = b"chunked" in value.lower()
            elif name == b"connection":
                keep_alive = b"close" not in value.lower()
        body = await (self._chunks(reader) if chunked else reader.readexactly(length or 0))
        if keep_alive:
            self._idle.append((reader, writer))
        else:
            writer.close()
        return status, body

    @staticmethod
    async def _chunks(reader: asyncio.StreamReader) -> bytes:
        parts = []
        while size := int((await reader.readline()).split(b";")[0], 16):
            parts.append(await reader.readexactly(size))
            await reader.readline()  # the CRLF after the chunk
        await reader.readline()  # the CRLF after the last (empty) chunk
        return b"".join(parts)

    async def aclose(self) -> None:
        for _, writer in self._idle:
            writer.close()
        self._idle.clear()


def api_operation(
    client: LoadClient, token: str, params: dict[str, Any], path: str = "/api/v1/customers"
) -> Operation:
    request = client.request_bytes(path, params, {"Authorization": f"Bearer {token}"})

    async def op() -> None:
        status, body = await client.send(request)
        if status != 200:
            raise RequestFailed(f"GET {path} {params} → {status}: {body[:300]!r}")

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
