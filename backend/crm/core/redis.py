"""The process's Redis connection (job broker, throttling counters)."""

from __future__ import annotations

from arq import create_pool
from arq.connections import ArqRedis, RedisSettings

_client: ArqRedis | None = None


async def connect(url: str) -> ArqRedis:
    global _client
    if _client is None:
        _client = await create_pool(RedisSettings.from_dsn(url))
    return _client


async def close() -> None:
    global _client
    if _client is not None:
        await _client.aclose()
        _client = None


def client() -> ArqRedis:
    if _client is None:
        raise RuntimeError("Redis is not connected; call crm.core.redis.connect() at start-up")
    return _client


def maybe_client() -> ArqRedis | None:
    return _client
