"""Timeline jobs: fan-out of new statuses, removal on delete, edits, follow merges.

Every handler is idempotent: feed inserts skip what a feed already holds, removals of
absent rows do nothing, and streaming events are re-checked by the streaming endpoint.
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterable, Sequence
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from porina.accounts.models import Account, Follow
from porina.jobs.queue import handler
from porina.posts.models import Status
from porina.timelines import queries
from porina.timelines.feeds import Entry, FeedContext

CHUNK = 1000
WINDOW = 3
MERGE_LIMIT = 40
REBUILD_LIMIT = 400
TRIM_EVERY = 16


def entry_of(status_id: int, reblog_of_id: int | None, author_id: int) -> Entry:
    return Entry(status_id=status_id, target_id=reblog_of_id or status_id, author_id=author_id)


async def _load(svc: FeedContext, status_id: int) -> tuple[Status | None, Status | None, bool]:
    """The status, the reblogged status, and whether the author is local."""
    async with svc.db.read() as session:
        status, target = await _statuses(session, status_id)
        if status is None:
            return None, None, False
        domain = await session.scalar(select(Account.domain).where(Account.id == status.account_id))
        return status, target, domain is None


async def _statuses(session: AsyncSession, status_id: int) -> tuple[Status | None, Status | None]:
    """The status and the status it reblogs."""
    status = await session.get(Status, status_id)
    if status is None or not status.reblog_of_id:
        return status, None
    return status, await session.get(Status, status.reblog_of_id)


def public_channels(status: Status, local: bool) -> list[str]:
    """The public streams a status appears on (never reblogs, only public statuses)."""
    if status.reblog_of_id is not None:
        return []
    return channels_of_public(status.visibility, status.tags or [], local=local)


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


async def _audience(
    svc: FeedContext, status: Status, target: Status | None
) -> tuple[list[int], list[int]]:
    async with svc.db.read() as session:
        people = await queries.recipients(session, status, target)
        lists = await queries.lists_with(session, status.account_id)
    return people, lists


def _trim_sample(status_id: int, people: Sequence[int]) -> list[int]:
    if len(people) <= TRIM_EVERY * 4:
        return list(people)
    return [p for p in people if (p + status_id) % TRIM_EVERY == 0]


@handler("timelines.fanout")
async def fanout(svc: FeedContext, payload: dict[str, Any]) -> None:
    """Deliver a new status to its audience's home feeds and streams, a chunk at a time: the
    database reads the next chunk of recipients while earlier chunks go into feeds (up to
    ``WINDOW`` chunks at once), so a 100,000-follower post costs about the longer of the two,
    not their sum. The public streams are not published here: they read no feed, so they
    hear a new status when it commits (``subscribers.publish_public``); a boost is on none."""
    async with svc.db.read() as session:
        status, target = await _statuses(session, int(payload["status_id"]))
    if status is None or status.deleted_at is not None:
        return
    if target is not None and target.deleted_at is not None:
        return
    entry = entry_of(status.id, status.reblog_of_id, status.account_id)
    message = {"event": "update", "status_id": str(status.id)}
    people: list[int] = []
    slots = asyncio.Semaphore(WINDOW)
    async with svc.db.read() as session, asyncio.TaskGroup() as group:
        lists = await queries.lists_with(session, status.account_id)
        since = queries.active_since(svc.settings)
        chunks = queries.recipients_in_chunks(session, status, target, CHUNK, active_since=since)
        async for chunk in chunks:
            people.extend(chunk)
            await slots.acquire()
            task = group.create_task(_deliver(svc, chunk, entry, message))
            task.add_done_callback(lambda _: slots.release())
    await svc.feeds.trim_after_fanout(_trim_sample(status.id, people))
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
    status, target, local = await _load(svc, status_id)
    people: list[int] = [int(payload["account_id"])]
    lists: list[int] = []
    if status is not None:
        people, lists = await _audience(svc, status, target)
    await svc.feeds.remove(people if status is not None else None, status_id)
    channels = [f"user:{p}" for p in people] + [f"list:{i}" for i in lists]
    if status is not None:
        channels += public_channels(status, local)
    await _publish(svc, channels, {"event": "delete", "status_id": str(status_id)})


@handler("timelines.updated")
async def updated(svc: FeedContext, payload: dict[str, Any]) -> None:
    status, target, local = await _load(svc, int(payload["status_id"]))
    if status is None or status.deleted_at is not None:
        return
    people, lists = await _audience(svc, status, target)
    channels = [f"user:{p}" for p in people] + [f"list:{i}" for i in lists]
    message = {"event": "status.update", "status_id": str(status.id)}
    await _publish(svc, [*channels, *public_channels(status, local)], message)


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
