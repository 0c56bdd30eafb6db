"""Polls: validating a new poll, attaching it to a status, voting, and closing.

Counts live on the poll row (``votes`` per option, ``votes_count``, ``voters_count``) so a
status renders without counting vote rows. A vote locks the poll row (PostgreSQL) so two
voters at once both count.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import delete, select

from porina.core.actor import Actor
from porina.core.clock import iso, now
from porina.core.events import PollVoted
from porina.core.ids import new_id
from porina.jobs import queue
from porina.jobs.events import emit
from porina.posts.errors import InvalidPoll, InvalidVote, PollNotFound
from porina.posts.models import Poll, PollVote, Status
from porina.posts.visibility import is_visible
from porina.storage.db import Tx

MIN_OPTIONS = 2
MAX_OPTIONS = 4
MAX_OPTION_CHARS = 50
MIN_EXPIRES_IN = 300
MAX_EXPIRES_IN = 2_629_746
POLL_EXPIRED = "posts.poll_expired"


@dataclass(frozen=True, slots=True)
class PollSpec:
    options: list[str]
    expires_in: int
    multiple: bool = False
    hide_totals: bool = False

    def check(self) -> None:
        if not MIN_OPTIONS <= len(self.options) <= MAX_OPTIONS:
            raise InvalidPoll(
                f"Validation failed: Poll must have between {MIN_OPTIONS} and {MAX_OPTIONS} options"
            )
        for option in self.options:
            if not option.strip():
                raise InvalidPoll("Validation failed: Poll options cannot be blank")
            if len(option) > MAX_OPTION_CHARS:
                raise InvalidPoll(
                    f"Validation failed: Poll options cannot be longer than "
                    f"{MAX_OPTION_CHARS} characters"
                )
        if len({o.strip() for o in self.options}) != len(self.options):
            raise InvalidPoll("Validation failed: Poll options must be unique")
        if not MIN_EXPIRES_IN <= self.expires_in <= MAX_EXPIRES_IN:
            raise InvalidPoll(
                f"Validation failed: Poll expires_in must be between {MIN_EXPIRES_IN} and "
                f"{MAX_EXPIRES_IN} seconds"
            )

    def as_params(self) -> dict[str, Any]:
        return {
            "options": list(self.options),
            "expires_in": self.expires_in,
            "multiple": self.multiple,
            "hide_totals": self.hide_totals,
        }

    @classmethod
    def from_params(cls, data: dict[str, Any]) -> PollSpec:
        return cls(
            options=[str(o) for o in data.get("options", [])],
            expires_in=int(data.get("expires_in", 0)),
            multiple=bool(data.get("multiple", False)),
            hide_totals=bool(data.get("hide_totals", False)),
        )


async def _schedule_expiry(tx: Tx, poll: Poll) -> None:
    if poll.expires_at is None:
        return
    await queue.enqueue(
        tx,
        POLL_EXPIRED,
        {"poll_id": str(poll.id)},
        run_at=poll.expires_at,
        key=f"poll_expired:{poll.id}:{iso(poll.expires_at)}",
    )


async def attach(tx: Tx, status: Status, spec: PollSpec) -> Poll:
    """Create ``spec`` as the poll of ``status`` and schedule its closing."""
    moment = now()
    poll = Poll(
        id=new_id(),
        status_id=status.id,
        account_id=status.account_id,
        options=list(spec.options),
        votes=[0] * len(spec.options),
        multiple=spec.multiple,
        hide_totals=spec.hide_totals,
        votes_count=0,
        voters_count=0,
        expires_at=moment + timedelta(seconds=spec.expires_in),
        created_at=moment,
    )
    tx.session.add(poll)
    await tx.session.flush()
    status.poll_id = poll.id
    await _schedule_expiry(tx, poll)
    return poll


def _same(poll: Poll, spec: PollSpec) -> bool:
    return (
        list(poll.options) == list(spec.options)
        and poll.multiple == spec.multiple
        and poll.hide_totals == spec.hide_totals
    )


async def replace(tx: Tx, status: Status, spec: PollSpec | None) -> bool:
    """The poll of an edited status: unchanged, reset (votes cleared), added or removed.
    Returns whether it changed."""
    poll = await tx.session.scalar(select(Poll).where(Poll.status_id == status.id))
    if spec is None:
        if poll is None:
            return False
        await tx.session.delete(poll)
        status.poll_id = None
        return True
    if poll is None:
        await attach(tx, status, spec)
        return True
    if _same(poll, spec):
        return False
    await tx.session.execute(delete(PollVote).where(PollVote.poll_id == poll.id))
    poll.options = list(spec.options)
    poll.votes = [0] * len(spec.options)
    poll.votes_count = 0
    poll.voters_count = 0
    poll.multiple = spec.multiple
    poll.hide_totals = spec.hide_totals
    poll.closed_at = None
    poll.expires_at = now() + timedelta(seconds=spec.expires_in)
    await _schedule_expiry(tx, poll)
    return True


def is_expired(poll: Poll, moment: datetime | None = None) -> bool:
    moment = moment or now()
    return poll.closed_at is not None or (poll.expires_at is not None and poll.expires_at <= moment)


async def visible_poll(tx: Tx, viewer_id: int | None, poll_id: int, *, lock: bool = False) -> Poll:
    """The poll, if its status is visible to ``viewer_id``; else PollNotFound."""
    query = select(Poll).where(Poll.id == poll_id)
    if lock and not tx.db.is_sqlite:
        query = query.with_for_update()
    poll = await tx.session.scalar(query)
    if poll is None:
        raise PollNotFound()
    status = await tx.session.get(Status, poll.status_id)
    if status is None or not await is_visible(tx.session, viewer_id, status):
        raise PollNotFound()
    return poll


async def vote(tx: Tx, actor: Actor, poll_id: int, choices: list[int]) -> Poll:
    """Record ``actor``'s choices; refuses own polls, ended polls, second votes and
    choices the poll does not have."""
    poll = await visible_poll(tx, actor.account_id, poll_id, lock=True)
    if poll.account_id == actor.account_id:
        raise InvalidVote("Validation failed: You cannot vote in your own poll")
    if is_expired(poll):
        raise InvalidVote("Validation failed: The poll has already ended")
    wanted = list(dict.fromkeys(choices))
    if not wanted:
        raise InvalidVote("Validation failed: Choices can't be blank")
    if any(c < 0 or c >= len(poll.options) for c in wanted):
        raise InvalidVote("Validation failed: Choice is not a valid option")
    if len(wanted) > 1 and not poll.multiple:
        raise InvalidVote("Validation failed: This poll accepts only one choice")
    voted = await tx.session.scalar(
        select(PollVote.choice).where(
            PollVote.poll_id == poll.id, PollVote.account_id == actor.account_id
        )
    )
    if voted is not None:
        raise InvalidVote("Validation failed: You have already voted on this poll")
    moment = now()
    for choice in wanted:
        tx.session.add(
            PollVote(poll_id=poll.id, account_id=actor.account_id, choice=choice, created_at=moment)
        )
    counts = list(poll.votes)
    for choice in wanted:
        counts[choice] += 1
    poll.votes = counts
    poll.votes_count += len(wanted)
    poll.voters_count += 1
    await tx.session.flush()
    voted_event = PollVoted(
        actor=actor,
        poll_id=poll.id,
        status_id=poll.status_id,
        poll_author_id=poll.account_id,
        voter_id=actor.account_id,
        choices=tuple(wanted),
        poll_local=await _written_here(tx, poll),
    )
    await emit(tx, voted_event)
    return poll


async def _written_here(tx: Tx, poll: Poll) -> bool:
    status = await tx.session.get(Status, poll.status_id)  # loaded by visible_poll
    return status is None or status.local


async def voter_ids(tx: Tx, poll_id: int) -> list[int]:
    rows = await tx.session.scalars(
        select(PollVote.account_id).where(PollVote.poll_id == poll_id).distinct()
    )
    return list(rows)
