"""Redis for tests: reachable at 127.0.0.1:6379 (PORINA_TEST_REDIS_URL), required in CI,
skipped with a clear message elsewhere. Each test gets its own key prefix and cleans up."""

from __future__ import annotations

import os
import socket
import uuid

import pytest
import redis.asyncio as aioredis

REDIS_URL = os.environ.get("PORINA_TEST_REDIS_URL", "redis://127.0.0.1:6379/0")
IN_CI = os.environ.get("CI", "").lower() == "true"


def redis_reachable(host: str = "127.0.0.1", port: int = 6379) -> bool:
    try:
        with socket.create_connection((host, port), timeout=0.5):
            return True
    except OSError:
        return False


def require_redis() -> None:
    """Skip (locally) or fail (in CI) when Redis is not running."""
    if redis_reachable():
        return
    if IN_CI:
        pytest.fail("Redis at 127.0.0.1:6379 is required in CI")
    pytest.skip("Redis not reachable at 127.0.0.1:6379; start it to run these tests")


def unique_prefix() -> str:
    return f"porina-test-{uuid.uuid4().hex[:10]}:"


async def delete_prefix(url: str, prefix: str) -> None:
    client = aioredis.from_url(url)
    try:
        keys = [k async for k in client.scan_iter(match=f"{prefix}*", count=1000)]
        if keys:
            await client.delete(*keys)
    finally:
        await client.aclose()
