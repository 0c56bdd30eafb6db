"""The scale feed store: home feeds as Redis sorted sets, as Mastodon keeps them.

Each feed is two sorted sets, both scored by the entry's status id:

- ``{prefix}feed:{account}``: members ``"{status_id:020d}:{target_id}:{author_id}"``, the
  entries. The zero-padded id makes ties (see below) sort by id, and the rest lets a removal
  or an unfollow find what to drop without asking the database.
- ``{prefix}feed:{account}:t``: members ``target_id``, the posts the feed shows. ``ZADD NX`` on
  it is the de-duplication of reblogs (and of retried fan-out jobs): an entry goes into a feed
  only when its target was not already there.

Each change to one feed is one Lua script, so it is atomic; fan-out sends one ``EVALSHA`` per
chunk of 1,000 followers (the script builds their feeds' keys and loops over them, so all
feeds live on one Redis, not a Redis Cluster), and the script caps each feed at
``home_feed_size`` with
``ZREMRANGEBYRANK``, so fan-out needs no separate trim.

Scores are doubles, and snowflake ids (about 2^57) are larger than a double holds exactly, so
up to 16 neighbouring ids can share a score. Order stays exact (equal scores sort by member,
and members start with the zero-padded id), and pages are exact too: a page asks Redis for a
few more entries than it needs and filters the bounds on the integer ids in Python.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import redis.asyncio as aioredis

from porina.storage.db import Database
from porina.storage.redis_mux import MultiplexedRedis
from porina.timelines.feeds import Entry, PageBounds
from porina.timelines.page import PageRow, for_ids

CHUNK = 1000
SLACK = 32  # more than the ids that can share one double score

# KEYS: feed, targets; ARGV: score, member, target, capacity
_ADD = """
if redis.call('ZADD', KEYS[2], 'NX', ARGV[1], ARGV[3]) == 0 then return 0 end
redis.call('ZADD', KEYS[1], ARGV[1], ARGV[2])
local over = redis.call('ZCARD', KEYS[1]) - tonumber(ARGV[4])
if over > 0 then
  redis.call('ZREMRANGEBYRANK', KEYS[1], 0, over - 1)
  redis.call('ZREMRANGEBYRANK', KEYS[2], 0, over - 1)
end
return 1
"""

# ARGV: score, member, target, capacity, key prefix, account id, account id, ...
# The same as _ADD for a chunk of feeds in one call, the keys built in the script from the
# account ids: fan-out to 100,000 followers is 100 calls of 1,000 short arguments, not
# 100,000 commands (or 200,000 key names) for the client to pack and Redis to parse.
_ADD_MANY = """
local taken = 0
for i = 6, #ARGV do
  local feed = ARGV[5] .. ARGV[i]
  if redis.call('ZADD', feed .. ':t', 'NX', ARGV[1], ARGV[3]) == 1 then
    redis.call('ZADD', feed, ARGV[1], ARGV[2])
    local over = redis.call('ZCARD', feed) - tonumber(ARGV[4])
    if over > 0 then
      redis.call('ZREMRANGEBYRANK', feed, 0, over - 1)
      redis.call('ZREMRANGEBYRANK', feed .. ':t', 0, over - 1)
    end
    taken = taken + 1
  end
end
return taken
"""

# KEYS: feed, targets; ARGV: score, padded status id
_REMOVE = """
local removed = 0
for _, m in ipairs(redis.call('ZRANGEBYSCORE', KEYS[1], ARGV[1], ARGV[1])) do
  if string.sub(m, 1, 20) == ARGV[2] then
    local target = string.match(m, '^%d+:(%d+):')
    redis.call('ZREM', KEYS[1], m)
    redis.call('ZREM', KEYS[2], target)
    removed = removed + 1
  end
end
return removed
"""

# KEYS: feed, targets; ARGV: author id
_REMOVE_AUTHOR = """
local removed = 0
for _, m in ipairs(redis.call('ZRANGE', KEYS[1], 0, -1)) do
  local target, author = string.match(m, '^%d+:(%d+):(%d+)$')
  if author == ARGV[1] then
    redis.call('ZREM', KEYS[1], m)
    redis.call('ZREM', KEYS[2], target)
    removed = removed + 1
  end
end
return removed
"""


def _member(entry: Entry) -> str:
    return f"{entry.status_id:020d}:{entry.target_id}:{entry.author_id}"


def _status_id(member: Any) -> int:
    return int(member[:20])


class RedisFeedStore:
    """``FeedStore`` on Redis sorted sets (``settings.feed_store == "redis"``)."""

    def __init__(
        self, redis: aioredis.Redis, reads: MultiplexedRedis, size: int, prefix: str = "porina:"
    ) -> None:
        self.redis = redis
        self.reads = reads
        """The page read, on the shared connection every request pipelines into."""
        self.capacity = size
        self.prefix = prefix
        self._add = redis.register_script(_ADD)
        self._add_many = redis.register_script(_ADD_MANY)
        self._remove = redis.register_script(_REMOVE)
        self._remove_author = redis.register_script(_REMOVE_AUTHOR)

    @classmethod
    def from_url(cls, url: str, size: int, prefix: str = "porina:") -> RedisFeedStore:
        return cls(aioredis.from_url(url), MultiplexedRedis(url), size, prefix)

    def key(self, account_id: int) -> str:
        return f"{self.prefix}feed:{account_id}"

    def _keys(self, account_id: int) -> list[str]:
        feed = self.key(account_id)
        return [feed, feed + ":t"]

    async def add(self, account_ids: Sequence[int], entry: Entry) -> int:
        ids = list(dict.fromkeys(account_ids))
        prefix = f"{self.prefix}feed:"
        head: list[str | int] = [entry.status_id, _member(entry), entry.target_id, self.capacity]
        taken = 0
        for start in range(0, len(ids), CHUNK):
            args: list[str | int] = [*head, prefix, *ids[start : start + CHUNK]]
            taken += int(await self._add_many(keys=[], args=args))
        return taken

    async def remove(self, account_ids: Sequence[int] | None, status_id: int) -> None:
        args: list[str | int] = [status_id, f"{status_id:020d}"]
        if account_ids is not None:
            await self._each(list(account_ids), self._remove, args)
            return
        # Every feed: rare (a deleted status), so a scan of the feed keys is acceptable.
        batch: list[int] = []
        async for key in self.redis.scan_iter(match=f"{self.prefix}feed:*", count=1000):
            name = key.decode() if isinstance(key, bytes) else str(key)
            tail = name[len(self.prefix) + 5 :]
            if tail.isdigit():
                batch.append(int(tail))
            if len(batch) >= CHUNK:
                await self._each(batch, self._remove, args)
                batch = []
        await self._each(batch, self._remove, args)

    async def _each(self, account_ids: list[int], script: Any, args: list[str | int]) -> None:
        for start in range(0, len(account_ids), CHUNK):
            async with self.redis.pipeline(transaction=False) as pipe:
                for account_id in account_ids[start : start + CHUNK]:
                    await script(keys=self._keys(account_id), args=args, client=pipe)
                await pipe.execute()

    async def remove_author(self, account_id: int, author_id: int) -> None:
        await self._remove_author(keys=self._keys(account_id), args=[author_id])

    async def page(
        self,
        account_id: int,
        *,
        max_id: int | None,
        since_id: int | None,
        min_id: int | None,
        limit: int,
    ) -> list[int]:
        key = self.key(account_id)
        high = str(max_id) if max_id is not None else "+inf"
        # Entries sharing the bound's score come first in the reply, where the bound cuts
        # them off: only then does the reply need SLACK more (a first page needs none).
        if min_id is not None:
            low = str(max(min_id, since_id or 0))
            raw = await self.reads.call("ZRANGEBYSCORE", key, low, high, "LIMIT", 0, limit + SLACK)
            ids = [i for i in map(_status_id, raw) if _within(i, max_id, min_id)]
            return list(reversed(ids[:limit]))
        low = str(since_id) if since_id is not None else "-inf"
        fetch = limit + SLACK if max_id is not None else limit
        raw = await self.reads.call("ZREVRANGEBYSCORE", key, high, low, "LIMIT", 0, fetch)
        return [i for i in map(_status_id, raw) if _within(i, max_id, since_id)][:limit]

    async def size(self, account_id: int) -> int:
        return int(await self.redis.zcard(self.key(account_id)))

    async def trim(self, account_id: int) -> None:
        async with self.redis.pipeline(transaction=True) as pipe:
            for key in self._keys(account_id):
                pipe.zremrangebyrank(key, 0, -(self.capacity + 1))
            await pipe.execute()

    async def drop_many(self, account_ids: Sequence[int]) -> None:
        ids = list(account_ids)
        for start in range(0, len(ids), CHUNK):
            keys = [key for a in ids[start : start + CHUNK] for key in self._keys(a)]
            if keys:
                await self.redis.unlink(*keys)

    async def add_entries(self, account_id: int, entries: Sequence[Entry]) -> int:
        taken = 0
        for entry in entries:
            taken += await self.add([account_id], entry)
        return taken

    async def trim_many(self, account_ids: Sequence[int]) -> None:
        for account_id in account_ids:
            await self.trim(account_id)

    async def trim_after_fanout(self, account_ids: Sequence[int]) -> None:
        """Nothing to do: ``add`` caps each feed as it inserts."""

    async def page_rows(
        self, db: Database, viewer_id: int, bounds: PageBounds
    ) -> tuple[list[PageRow], list[int]]:
        ids = await self.page(
            viewer_id,
            max_id=bounds.max_id,
            since_id=bounds.since_id,
            min_id=bounds.min_id,
            limit=bounds.fetch,
        )
        if not ids:
            return [], []
        found = await for_ids(db, viewer_id, ids)
        return (list(reversed(found)) if bounds.upwards else found), ids

    async def close(self) -> None:
        await self.reads.close()
        await self.redis.aclose()


def _within(status_id: int, below: int | None, above: int | None) -> bool:
    return (below is None or status_id < below) and (above is None or status_id > above)
