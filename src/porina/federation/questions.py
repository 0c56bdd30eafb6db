"""Polls both ways, as Mastodon federates them.

- A local status with a poll goes out as a ``Question`` (``question_fields``): the options
  as ``oneOf`` (``anyOf`` when several may be chosen), each a ``Note`` with its ``name`` and
  ``replies.totalItems`` (its votes; left out while the poll runs with its totals hidden),
  ``endTime``, ``closed`` once it has ended, and ``votersCount``.
- An incoming ``Question`` becomes the poll of the status stored for it
  (``attach_received``); an ``Update`` of it refreshes the counts (``refresh``).
- A local person's vote on a remote poll goes to the poll's author alone, one ``Create`` of
  a ``Note`` per choice whose ``name`` is the option and ``inReplyTo`` the ``Question``
  (``poll_voted``).
- Such a vote from a remote person on a local poll is counted (``receive_vote``) by the same
  rules as a local vote: only by someone who may see the poll, not its author, while it is
  open, one choice per voter (one per option when several may be chosen).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import delete, select
from sqlalchemy.ext.asyncio import AsyncSession

from porina.accounts.models import Account
from porina.core import events as ev
from porina.core.actor import Actor
from porina.core.clock import iso, now
from porina.core.ids import new_id
from porina.federation import documents as doc
from porina.federation.dispatch import FederationContext, base_url, queue_delivery
from porina.jobs.events import emit, subscribe
from porina.posts import polls
from porina.posts.editing import ReceivedEdit
from porina.posts.errors import PollNotFound
from porina.posts.models import Poll, PollVote, Status
from porina.storage.db import Tx

MAX_OPTIONS = 20
MAX_TITLE = 200


def _option(title: str, count: int | None) -> dict[str, Any]:
    option: dict[str, Any] = {"type": "Note", "name": title}
    if count is not None:
        option["replies"] = {"type": "Collection", "totalItems": count}
    return option


def question_fields(poll: Poll) -> dict[str, Any]:
    """What turns a local status's Note into its Question. A running poll whose totals are
    hidden carries no option's count (as Mastodon's, whose counts are then null), in its
    Create, its edits' Updates and its fetched document alike; once it has ended, they show."""
    shown = not poll.hide_totals or polls.is_expired(poll)
    options = [
        _option(title, count if shown else None)
        for title, count in zip(poll.options, poll.votes, strict=False)
    ]
    fields: dict[str, Any] = {
        "type": "Question",
        "anyOf" if poll.multiple else "oneOf": options,
        "votersCount": poll.voters_count,
    }
    if poll.expires_at is not None:
        fields["endTime"] = iso(poll.expires_at)
    if polls.is_expired(poll):
        fields["closed"] = iso(poll.closed_at or poll.expires_at)
    return fields


async def fields_for(session: AsyncSession, status: Status) -> dict[str, Any]:
    """The Question's fields for a status with a poll; nothing for one without."""
    if status.poll_id is None:
        return {}
    poll = await session.get(Poll, status.poll_id)
    return question_fields(poll) if poll is not None else {}


@dataclass(frozen=True, slots=True)
class Received:
    """A remote poll as its Question describes it."""

    options: list[str]
    votes: list[int]
    multiple: bool
    voters_count: int
    expires_at: datetime | None
    closed_at: datetime | None


def _moment(value: Any) -> datetime | None:
    if not isinstance(value, str):
        return None
    try:
        parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None
    return parsed if parsed.tzinfo is not None else None


def received(question: dict[str, Any]) -> Received | None:
    """The poll of a Question, or None when it has no usable options."""
    multiple = isinstance(question.get("anyOf"), list)
    items = question.get("anyOf") if multiple else question.get("oneOf")
    if not isinstance(items, list):
        return None
    options: list[str] = []
    votes: list[int] = []
    for item in items[:MAX_OPTIONS]:
        name = item.get("name") if isinstance(item, dict) else None
        if not isinstance(name, str) or not name.strip() or name in options:
            continue
        replies = item.get("replies")
        total = replies.get("totalItems") if isinstance(replies, dict) else 0
        options.append(name[:MAX_TITLE])
        votes.append(total if isinstance(total, int) and total >= 0 else 0)
    if len(options) < polls.MIN_OPTIONS:
        return None
    voters = question.get("votersCount")
    closed = question.get("closed")
    ended = _moment(closed) or (now() if closed is True else None)
    return Received(
        options=options,
        votes=votes,
        multiple=multiple,
        voters_count=voters if isinstance(voters, int) and voters >= 0 else max(votes),
        expires_at=_moment(question.get("endTime")) or ended,
        closed_at=ended,
    )


async def attach_received(tx: Tx, status: Status, question: dict[str, Any]) -> None:
    """Give a status stored from a Question its poll (no closing job: its server closes it)."""
    if question.get("type") != "Question":
        return
    state = received(question)
    if state is None:
        return
    poll = Poll(
        id=new_id(),
        status_id=status.id,
        account_id=status.account_id,
        options=state.options,
        votes=state.votes,
        multiple=state.multiple,
        hide_totals=False,
        votes_count=sum(state.votes),
        voters_count=state.voters_count,
        expires_at=state.expires_at,
        closed_at=state.closed_at,
        created_at=now(),
    )
    tx.session.add(poll)
    await tx.session.flush()
    status.poll_id = poll.id


async def refresh(tx: Tx, sender: Account, question: dict[str, Any], text: ReceivedEdit) -> bool:
    """An Update of the sender's own Question: its counts (and options, when they changed:
    the votes counted here are then cleared, as an edit of a local poll does). True when
    nothing but the poll changed (no edit to record), as Mastodon tells them apart."""
    state = received(question)
    if state is None:
        return False
    found = (
        await tx.session.execute(
            select(Status, Poll)
            .join(Poll, Poll.status_id == Status.id)
            .where(
                Status.uri == question.get("id"),
                Status.account_id == sender.id,
                Status.local.is_(False),
                Status.deleted_at.is_(None),
            )
        )
    ).one_or_none()
    if found is None:
        return False
    status, poll = found
    same = list(poll.options) == state.options
    if not same:
        await tx.session.execute(delete(PollVote).where(PollVote.poll_id == poll.id))
        poll.options = state.options
        poll.multiple = state.multiple
    poll.votes = state.votes
    poll.votes_count = sum(state.votes)
    poll.voters_count = state.voters_count
    poll.expires_at = state.expires_at
    poll.closed_at = state.closed_at
    await tx.session.flush()
    return same and (status.content, status.spoiler_text) == (text.content, text.spoiler_text)


def looks_like_vote(note: dict[str, Any]) -> bool:
    return (
        note.get("type") == "Note"
        and isinstance(note.get("name"), str)
        and isinstance(note.get("inReplyTo"), str)
    )


async def receive_vote(tx: Tx, sender: Account, note: dict[str, Any], poll_status: Status) -> bool:
    """Count a remote vote (a Note named as one of the options, answering the poll's status)
    on a local poll. True when ``note`` is a vote (counted or not), False when it is not one
    (an ordinary reply to a post with a poll)."""
    poll = await tx.session.get(Poll, poll_status.poll_id) if poll_status.poll_id else None
    name = note.get("name")
    if poll is None or not poll_status.local or name not in poll.options:
        return False
    try:  # the poll's row locked (PostgreSQL), as a local vote does
        poll = await polls.visible_poll(tx, sender.id, poll.id, lock=True)
    except PollNotFound:
        return True  # the sender may not see it
    if polls.is_expired(poll) or poll.account_id == sender.id:
        return True
    choice = list(poll.options).index(name)
    earlier = list(
        await tx.session.scalars(
            select(PollVote.choice).where(
                PollVote.poll_id == poll.id, PollVote.account_id == sender.id
            )
        )
    )
    if choice in earlier or (earlier and not poll.multiple):
        return True
    await _count(tx, sender, poll, choice, first=not earlier)
    return True


async def _count(tx: Tx, sender: Account, poll: Poll, choice: int, *, first: bool) -> None:
    tx.session.add(PollVote(poll_id=poll.id, account_id=sender.id, choice=choice, created_at=now()))
    counts = list(poll.votes)
    counts[choice] += 1
    poll.votes = counts
    poll.votes_count += 1
    poll.voters_count += 1 if first else 0
    await tx.session.flush()
    voted = ev.PollVoted(
        actor=Actor(account_id=sender.id),
        poll_id=poll.id,
        status_id=poll.status_id,
        poll_author_id=poll.account_id,
        voter_id=sender.id,
        choices=(choice,),
    )
    await emit(tx, voted)


def vote_activity(
    actor: str, question: str, author: str, *, poll_id: int, title: str, choice: int
) -> dict[str, Any]:
    """Mastodon's shape of one choice of a vote: a Create of a named Note, to the author."""
    vote = {
        "id": f"{actor}#votes/{poll_id}/{choice}",
        "type": "Note",
        "name": title,
        "attributedTo": actor,
        "inReplyTo": question,
        "to": [author],
    }
    return {
        "@context": doc.CONTEXT,
        "id": f"{vote['id']}/activity",
        "type": "Create",
        "actor": actor,
        "to": [author],
        "object": vote,
    }


def _remote_poll(event: ev.PollVoted) -> bool:
    return not event.poll_local


@subscribe(ev.PollVoted, job="federation.on_poll_voted", when=_remote_poll)
async def poll_voted(ctx: FederationContext, event: ev.PollVoted) -> None:
    """A local person voted on a remote poll: each choice to the poll's author's inbox."""
    async with ctx.db.read() as session:
        voter = await session.get(Account, event.voter_id)
        poll = await session.get(Poll, event.poll_id)
        status = await session.get(Status, event.status_id)
        author = await session.get(Account, event.poll_author_id)
    if voter is None or voter.domain is not None or poll is None or status is None:
        return
    if author is None or author.domain is None or not author.inbox_url or not status.uri:
        return
    actor = doc.actor_url(base_url(ctx), voter.username)
    async with ctx.db.transaction() as tx:
        for choice in event.choices:
            if 0 <= choice < len(poll.options):
                title = poll.options[choice]
                activity = vote_activity(
                    actor, status.uri, str(author.uri), poll_id=poll.id, title=title, choice=choice
                )
                await queue_delivery(tx, voter.id, author.inbox_url, activity)
