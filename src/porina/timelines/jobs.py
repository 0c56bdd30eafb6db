"""Timeline jobs: fan-out of new statuses, removal on delete, edits, follow merges.

Every handler is idempotent: feed inserts skip what a feed already holds, removals of
absent rows do nothing, and streaming events are re-checked by the streaming endpoint.
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterable, Sequence
from typing import Any

from sqlalchemy import select

from porina.accounts.models import Follow
from porina.jobs.queue import handler
from porina.timelines import queries
from porina.timelines.feeds import Entry, FeedContext

CHUNK = 1000
WINDOW = 3
MERGE_LIMIT = 40
REBUILD_LIMIT = 400
TRIM_EVERY = 16


def entry_of(status_id: int, reblog_of_id: int | None, author_id: int) -> Entry:
    return Entry(status_id=status_id, target_id=reblog_of_id or status_id, author_id=author_id)


def public_channels(post: queries.Post) -> list[str]:
    """The public streams a status appears on (never reblogs, only public statuses)."""
    if post.audience.reblog_of_id is not None:
        return []
    return channels_of_public(post.audience.visibility, post.tags, local=post.local)


def channels_of_public(visibility: str, tags: Iterable[str], *, local: bool) -> list[str]:
    """The public streams of a status (not a reblog) with this visibility and these tags."""
    if visibility != "public":
        return []
    channels = ["public", "public:local" if local else "public:remote"]
    for tag in sorted({t.lower() for t in tags}):
        channels.append(f"hashtag:{tag}")
        if local:
            channels.append(f"hashtag:local:{tag}")
    return channels


async def _publish(svc: FeedContext, channels: Iterable[str], message: dict[str, Any]) -> None:
    await svc.broker.publish_many(list(dict.fromkeys(channels)), message)


async def _audience(svc: FeedContext, post: queries.Post) -> tuple[list[int], list[int]]:
    """Its recipients (every follower: a removal or edit reaches inactive ones too) and the
    lists its author is on, by prebuilt statements on the driver."""
    people = await queries.audience(svc.db, post.audience, active_since=None)
    return people, await queries.lists_of(svc.db, post.audience.author_id)


def _trim_sample(status_id: int, people: Sequence[int]) -> list[int]:
    if len(people) <= TRIM_EVERY * 4:
        return list(people)
    return [p for p in people if (p + status_id) % TRIM_EVERY == 0]


@handler("timelines.fanout")
async def fanout(svc: FeedContext, payload: dict[str, Any]) -> None:
    """Deliver a new status to its audience's home feeds and streams, a chunk at a time (up
    to ``WINDOW`` chunks at once: on PostgreSQL their inserts overlap). The status, its
    lists and its recipients are read by prebuilt statements on the driver
    (``queries.post_of``, ``lists_of``, ``audience``), the feeds written by prebuilt ones
    (``feeds_db``): a fan-out builds no statement and loads no ORM object. The public
    streams are not published here: they read no feed, so they hear a new status when it
    commits (``subscribers.publish_public``); a boost is on none."""
    found = await queries.post_of(svc.db, int(payload["status_id"]))
    if found is None or found.deleted or found.target_deleted:
        return
    post = found.audience
    entry = entry_of(post.status_id, post.reblog_of_id, post.author_id)
    message = {"event": "update", "status_id": str(post.status_id)}
    lists = await queries.lists_of(svc.db, post.author_id)
    since = queries.active_since(svc.settings)
    people = await queries.audience(svc.db, post, active_since=since)
    slots = asyncio.Semaphore(WINDOW)
    async with asyncio.TaskGroup() as group:
        for start in range(0, len(people), CHUNK):
            await slots.acquire()
            chunk = people[start : start + CHUNK]
            task = group.create_task(_deliver(svc, chunk, entry, message))
            task.add_done_callback(lambda _: slots.release())
    await svc.feeds.trim_after_fanout(_trim_sample(post.status_id, people))
    await _publish(svc, [f"list:{i}" for i in lists], message)


async def _deliver(
    svc: FeedContext, people: list[int], entry: Entry, message: dict[str, Any]
) -> None:
    """One chunk of a fan-out: into the feeds, then the ``update`` on each person's stream
    (so a client that reacts to the event finds the status in its timeline)."""
    await svc.feeds.add(people, entry)
    await svc.broker.publish_many([f"user:{p}" for p in people], message)


@handler("timelines.remove")
async def remove(svc: FeedContext, payload: dict[str, Any]) -> None:
    """A deleted status leaves its audience's feeds (the feeds that took it, less any whose
    owner has since left the audience: theirs hide it when read, as a deleted status) and
    their streams. A status that is gone entirely is looked for in every feed."""
    status_id = int(payload["status_id"])
    post = await queries.post_of(svc.db, status_id)
    people: list[int] = [int(payload["account_id"])]
    lists: list[int] = []
    if post is not None:
        people, lists = await _audience(svc, post)
    await svc.feeds.remove(people if post is not None else None, status_id)
    channels = [f"user:{p}" for p in people] + [f"list:{i}" for i in lists]
    if post is not None:
        channels += public_channels(post)
    await _publish(svc, channels, {"event": "delete", "status_id": str(status_id)})


@handler("timelines.updated")
async def updated(svc: FeedContext, payload: dict[str, Any]) -> None:
    post = await queries.post_of(svc.db, int(payload["status_id"]))
    if post is None or post.deleted:
        return
    people, lists = await _audience(svc, post)
    channels = [f"user:{p}" for p in people] + [f"list:{i}" for i in lists]
    message = {"event": "status.update", "status_id": str(post.audience.status_id)}
    await _publish(svc, [*channels, *public_channels(post)], message)


@handler("timelines.merge")
async def merge(svc: FeedContext, payload: dict[str, Any]) -> None:
    follower, author = int(payload["follower_id"]), int(payload["target_id"])
    async with svc.db.read() as session:
        follow = await session.scalar(
            select(Follow).where(Follow.account_id == follower, Follow.target_account_id == author)
        )
        if follow is None:
            return
        query = queries.by_author_select(follower, author, MERGE_LIMIT)
        rows = (await session.execute(query)).all()
    entries = [
        entry_of(sid, rid, aid) for sid, rid, aid in rows if rid is None or follow.show_reblogs
    ]
    await add_entries(svc, follower, entries)


@handler("timelines.unmerge")
async def unmerge(svc: FeedContext, payload: dict[str, Any]) -> None:
    await svc.feeds.remove_author(int(payload["follower_id"]), int(payload["target_id"]))


async def add_entries(svc: FeedContext, account_id: int, entries: Sequence[Entry]) -> None:
    await svc.feeds.add_entries(account_id, entries)
    await svc.feeds.trim(account_id)


async def trim(svc: FeedContext, account_ids: Sequence[int]) -> None:
    await svc.feeds.trim_many(account_ids)


async def rebuild_home(svc: FeedContext, account_id: int) -> bool:
    """Fill an empty home feed from followed accounts' recent statuses. True if it follows
    anyone (so a rebuild was worth trying)."""
    async with svc.db.read() as session:
        query = select(Follow.id).where(Follow.account_id == account_id).limit(1)
        follows = await session.scalar(query)
        if follows is None:
            return False
        limit = min(REBUILD_LIMIT, svc.settings.home_feed_size)
        rows = (await session.execute(queries.rebuild_select(account_id, limit))).all()
    await add_entries(svc, account_id, [entry_of(sid, rid, aid) for sid, rid, aid in rows])
    return True
