"""Cross-process "what you cached is stale" notices, over Redis pub/sub.

Each API process and the worker keep short-lived caches (principals with their live login
sessions, custom-field configuration) and drop them when a transaction that changed their source
commits in that process. A change committed in *another* process reaches this one through here:
the committing process publishes the cache's topic right after its commit (and the request's
commit point waits for the publish, so the client's next request — to whichever process — finds
the cache already dropped), and every process's listener drops its own copy on receipt.

While a process is not subscribed (start-up, Redis down) it cannot hear notices, so its caches
must not serve anything: :func:`caches_may_serve` is False and callers read the database instead.
On every (re)subscription all caches are dropped, since notices may have been missed meanwhile.
A process without Redis configured at all (a CLI command, a one-process tool) has nobody to hear
from and may serve its caches as before.
"""

from __future__ import annotations

import asyncio
import contextlib
import uuid
from collections.abc import Callable

import structlog
from redis.exceptions import RedisError
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import Session

from crm.core import redis

log = structlog.get_logger(__name__)

CHANNEL_PREFIX = "crm:stale-caches"
PUBLISH_TIMEOUT_SECONDS = 1.0
_RETRY_SECONDS = (0.1, 0.5, 1.0, 2.0, 5.0)
_PENDING = "crm.broadcast.pending"  # session.info: publishes started by this session's commits
# Tells this process's own notices apart: it dropped its caches already, at its commit.
_PROCESS_ID = uuid.uuid4().hex

_handlers: dict[str, list[Callable[[], None]]] = {}
_subscribed = False
_listener: asyncio.Task[None] | None = None
_in_flight: set[asyncio.Task[None]] = set()


def channel() -> str:
    """The channel of this deployment: pub/sub spans a Redis server's databases, so two
    deployments sharing a server on different database numbers must not hear each other."""
    client = redis.client()
    return f"{CHANNEL_PREFIX}:{client.connection_pool.connection_kwargs.get('db', 0)}"


def on_stale(topic: str, drop: Callable[[], None]) -> None:
    """Call ``drop`` whenever another process announces that ``topic`` changed."""
    _handlers.setdefault(topic, []).append(drop)


def caches_may_serve() -> bool:
    """Whether a cache may answer from memory: this process hears every stale notice."""
    return _subscribed or redis.maybe_client() is None


def announce(session: Session, topic: str) -> None:
    """From an ``after_commit`` hook: tell the other processes that ``topic`` changed.

    The publish runs as a task (the hook is synchronous); :func:`flush` awaits it."""
    client = redis.maybe_client()
    if client is None:
        return
    try:
        loop = asyncio.get_running_loop()
    except RuntimeError:
        return
    task = loop.create_task(_publish(topic))
    _in_flight.add(task)
    task.add_done_callback(_in_flight.discard)
    session.info.setdefault(_PENDING, []).append(task)


async def flush(session: AsyncSession) -> None:
    """Wait until the notices of this session's commits are published (or failed)."""
    tasks = session.info.pop(_PENDING, None)
    if tasks:
        await asyncio.gather(*tasks, return_exceptions=True)


async def _publish(topic: str) -> None:
    client = redis.maybe_client()
    if client is None:
        return
    try:
        async with asyncio.timeout(PUBLISH_TIMEOUT_SECONDS):
            await client.publish(channel(), f"{_PROCESS_ID} {topic}")
    except (RedisError, OSError, TimeoutError) as exc:
        # The other processes fall back on their caches' TTL (and stop serving from them
        # while their own subscription is down).
        log.warning("stale_cache_notice_failed", topic=topic, error=str(exc))


def _drop(topics: list[str] | None = None) -> None:
    for topic in topics if topics is not None else list(_handlers):
        for drop in _handlers.get(topic, ()):
            drop()


def _receive(data: bytes | str) -> None:
    text = data.decode() if isinstance(data, bytes) else data
    sender, _, topic = text.partition(" ")
    if sender != _PROCESS_ID:
        _drop([topic])


async def _listen() -> None:
    global _subscribed
    attempt = 0
    while True:
        client = redis.maybe_client()
        if client is None:
            return
        pubsub = client.pubsub()
        try:
            await pubsub.subscribe(channel())
            _subscribed = True
            attempt = 0
            _drop()  # notices may have been missed while not subscribed
            async for message in pubsub.listen():
                if message.get("type") == "message":
                    _receive(message["data"])
        except (RedisError, OSError) as exc:
            log.warning("stale_cache_listener_lost", error=str(exc))
        finally:
            _subscribed = False
            with contextlib.suppress(RedisError, OSError):
                await pubsub.aclose()  # type: ignore[no-untyped-call]
        await asyncio.sleep(_RETRY_SECONDS[min(attempt, len(_RETRY_SECONDS) - 1)])
        attempt += 1


async def start_listening() -> None:
    """Start this process's listener (after ``redis.connect``); returns once subscribed, or
    after a short wait if Redis does not answer (the listener keeps retrying)."""
    global _listener
    if _listener is None or _listener.done():
        _listener = asyncio.create_task(_listen())
    for _ in range(50):
        if _subscribed:
            return
        await asyncio.sleep(0.01)


async def stop_listening() -> None:
    global _listener, _subscribed
    if _listener is not None:
        _listener.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await _listener
    _listener = None
    _subscribed = False
