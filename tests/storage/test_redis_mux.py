"""The multiplexed Redis connection (the home page's feed read): every caller gets its own
reply, whatever the others do, and a broken connection heals on the next command."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

import pytest
import redis.asyncio as aioredis
from redis.exceptions import ResponseError
from redis.exceptions import TimeoutError as RedisTimeoutError

from porina.storage.redis_mux import MultiplexedRedis

from ..redis_support import IN_CI, REDIS_URL, delete_prefix, require_redis, unique_prefix


@pytest.fixture
async def redis() -> AsyncIterator[tuple[aioredis.Redis, str]]:
    require_redis()
    prefix = unique_prefix()
    client = aioredis.from_url(REDIS_URL)
    try:
        yield client, prefix
    finally:
        await delete_prefix(REDIS_URL, prefix)
        await client.aclose()


@pytest.fixture
async def mux() -> AsyncIterator[MultiplexedRedis]:
    require_redis()
    shared = MultiplexedRedis(REDIS_URL)
    try:
        yield shared
    finally:
        await shared.close()


async def test_concurrent_callers_each_get_their_own_reply(
    redis: tuple[aioredis.Redis, str], mux: MultiplexedRedis
) -> None:
    client, prefix = redis
    await client.mset({f"{prefix}{i}": f"value-{i}" for i in range(300)})
    replies = await asyncio.gather(*(mux.call("GET", f"{prefix}{i}") for i in range(300)))
    assert replies == [f"value-{i}".encode() for i in range(300)]


async def test_a_reply_error_is_raised_to_its_caller_only(
    redis: tuple[aioredis.Redis, str], mux: MultiplexedRedis
) -> None:
    client, prefix = redis
    await client.set(f"{prefix}text", "not a sorted set")
    await client.zadd(f"{prefix}feed", {"a": 1, "b": 2})
    replies: list[object] = await asyncio.gather(
        mux.call("ZREVRANGEBYSCORE", f"{prefix}text", "+inf", "-inf"),
        mux.call("ZREVRANGEBYSCORE", f"{prefix}feed", "+inf", "-inf"),
        return_exceptions=True,
    )
    wrong, right = replies
    assert isinstance(wrong, ResponseError) and "WRONGTYPE" in str(wrong)
    assert right == [b"b", b"a"]


async def test_a_caller_that_gives_up_does_not_shift_the_replies(
    redis: tuple[aioredis.Redis, str], mux: MultiplexedRedis
) -> None:
    client, prefix = redis
    await client.mset({f"{prefix}first": "1", f"{prefix}second": "2"})
    await mux.call("PING")
    abandoned = asyncio.create_task(mux.call("GET", f"{prefix}first"))
    await asyncio.sleep(0)  # sent, not yet answered
    abandoned.cancel()
    assert await mux.call("GET", f"{prefix}second") == b"2"
    assert abandoned.cancelled()


async def test_a_connection_the_server_closed_is_replaced(
    redis: tuple[aioredis.Redis, str], mux: MultiplexedRedis
) -> None:
    client, prefix = redis
    await client.set(f"{prefix}k", "still here")
    first = await mux.call("CLIENT", "ID")
    assert await client.client_kill_filter(_id=str(first)) == 1
    assert await mux.call("GET", f"{prefix}k") == b"still here"
    assert await mux.call("CLIENT", "ID") != first


async def test_an_unanswered_command_times_out_and_the_next_one_works(
    redis: tuple[aioredis.Redis, str],
) -> None:
    client, prefix = redis
    await client.set(f"{prefix}k", "v")
    mux = MultiplexedRedis(REDIS_URL, timeout=0.2)
    try:
        with pytest.raises(RedisTimeoutError):
            await mux.call("BLPOP", f"{prefix}empty-list", 2)  # blocks past the timeout
        assert await mux.call("GET", f"{prefix}k") == b"v"
    finally:
        await mux.close()


async def test_the_database_in_the_url_is_selected(redis: tuple[aioredis.Redis, str]) -> None:
    _, prefix = redis
    other_url = REDIS_URL.rsplit("/", 1)[0] + "/5"
    other = aioredis.from_url(other_url)
    mux = MultiplexedRedis(other_url)
    try:
        await other.set(f"{prefix}k", "in db 5")
        assert await mux.call("GET", f"{prefix}k") == b"in db 5"
    finally:
        await other.delete(f"{prefix}k")
        await other.aclose()
        await mux.close()


async def test_a_refused_password_is_the_callers_error_every_time(
    redis: tuple[aioredis.Redis, str],
) -> None:
    if await redis[0].config_get("requirepass") not in ({}, {"requirepass": ""}):
        message = "this Redis has a password; the test needs one without"
        if IN_CI:
            pytest.fail(message)
        pytest.skip(message)
    host = REDIS_URL.split("://", 1)[1]
    mux = MultiplexedRedis(f"redis://:wrong@{host}")
    try:
        for _ in range(2):  # the failed handshake's connection is not reused
            with pytest.raises(ResponseError, match="AUTH"):
                await mux.call("PING")
    finally:
        await mux.close()
