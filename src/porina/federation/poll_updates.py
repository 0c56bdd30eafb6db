"""A local poll's new counts, sent to the servers that have it (Mastodon's
``DistributePollUpdateWorker``): an ``Update`` of the ``Question``.

A vote on a local poll (``PollVoted``, local or remote voter) queues, in its transaction and
only when another server is concerned (a remote follower of the poll's author or a remote
voter), one ``federation.poll_update`` job ``DELAY`` later, shared by every vote of that
poll in the meantime (its key). The job reads the counts as they are then and sends the
Question to the post's audience (``outbound.audience``) and to the remote voters' servers.
A poll whose totals are hidden is not sent until it has ended.

Its end is sent by itself, as Mastodon does: the poll's closing job (``posts.poll_expired``,
queued for its ``expires_at`` when it was written, durable) emits ``PollEnded``; in that
transaction, when another server is concerned, one ``federation.poll_update`` job is queued
(keyed by the poll and its end) that sends the final counts with ``closed``, hidden totals
included.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from sqlalchemy import exists, select

from porina.accounts.models import Account, Follow
from porina.core import events as ev
from porina.core.clock import iso, now
from porina.core.ids import parse_id
from porina.federation import documents as doc
from porina.federation.dispatch import FederationContext, base_url, queue_delivery
from porina.federation.notes import note_for
from porina.federation.outbound import Recipient, audience, inboxes
from porina.jobs.events import subscribe
from porina.jobs.queue import enqueue, handler
from porina.posts import polls
from porina.posts.models import Mention, Poll, PollVote, Status
from porina.storage.db import Tx

POLL_UPDATE = "federation.poll_update"
DELAY = timedelta(minutes=1)


def _local_poll(event: ev.PollVoted) -> bool:
    return event.poll_local


async def _concerned(tx: Tx, event: ev.PollVoted | ev.PollEnded) -> bool:
    """A remote follower of the poll's author, a remote account its post mentions, or a
    remote voter (one statement)."""
    follower = exists().where(
        Follow.target_account_id == event.poll_author_id,
        Account.id == Follow.account_id,
        Account.domain.is_not(None),
    )
    mentioned = exists().where(
        Mention.status_id == event.status_id,
        Account.id == Mention.account_id,
        Account.domain.is_not(None),
    )
    voter = exists().where(
        PollVote.poll_id == event.poll_id,
        Account.id == PollVote.account_id,
        Account.domain.is_not(None),
    )
    return bool(await tx.session.scalar(select(follower | mentioned | voter)))


@subscribe(ev.PollEnded)
async def poll_ended(tx: Tx, event: ev.PollEnded) -> None:
    """A local poll closed (only local polls have a closing job): its final counts, at once."""
    if not await _concerned(tx, event):
        return
    await enqueue(
        tx,
        POLL_UPDATE,
        {"status_id": str(event.status_id)},
        key=f"{POLL_UPDATE}:{event.poll_id}:ended:{event.ended_at}",
    )


@subscribe(ev.PollVoted, when=_local_poll)
async def poll_voted(tx: Tx, event: ev.PollVoted) -> None:
    if not await _concerned(tx, event):
        return
    moment = now()
    await enqueue(
        tx,
        POLL_UPDATE,
        {"status_id": str(event.status_id)},
        run_at=moment + DELAY,
        key=f"{POLL_UPDATE}:{event.poll_id}:{moment:%Y%m%d%H%M}",
    )


async def _voters(ctx: FederationContext, poll_id: int) -> list[Recipient]:
    async with ctx.db.read() as session:
        rows = await session.execute(
            select(Account.inbox_url, Account.shared_inbox_url)
            .join(PollVote, PollVote.account_id == Account.id)
            .where(
                PollVote.poll_id == poll_id,
                Account.domain.is_not(None),
                Account.inbox_url.is_not(None),
            )
            .distinct()
        )
        return [Recipient(str(r[0]), str(r[1]) if r[1] else None) for r in rows]


@handler(POLL_UPDATE)
async def poll_update(ctx: FederationContext, payload: dict[str, Any]) -> None:
    """Send the poll's counts as they are now."""
    status_id = parse_id(payload.get("status_id"))
    base = base_url(ctx)
    async with ctx.db.read() as session:
        status = await session.get(Status, status_id) if status_id else None
        poll = await session.get(Poll, status.poll_id) if status and status.poll_id else None
        author = await session.get(Account, status.account_id) if status else None
        if status is None or poll is None or author is None or not status.local:
            return
        if status.deleted_at is not None or (poll.hide_totals and not polls.is_expired(poll)):
            return
        targets = await audience(session, status)
        note = await note_for(session, status, author, base)
    voters = inboxes(status.visibility, [], await _voters(ctx, poll.id))
    activity = {**doc.update_activity(note), "id": f"{note['id']}#updates/poll/{iso(now())}"}
    async with ctx.db.transaction() as tx:
        for inbox in dict.fromkeys([*targets, *voters]):
            await queue_delivery(tx, author.id, inbox, activity)
