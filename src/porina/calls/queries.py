"""Call history: the calls between two accounts, and those of a desk conversation (for the
brand's staff). A call still marked ringing after its ringing time reads as missed (the
timeout job may not have run yet)."""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from porina.accounts.models import Follow
from porina.calls.actions import mutual, staff_of
from porina.calls.errors import CallNotFound
from porina.calls.models import Call
from porina.core.actor import Actor
from porina.core.clock import now
from porina.desk.models import DeskConversation

LIMIT = 20


@dataclass(frozen=True, slots=True)
class Entry:
    """One call as the reader's side sees it: ``outgoing`` when the reader's side placed it."""

    id: int
    outgoing: bool
    state: str
    video: bool
    created_at: datetime
    seconds: int | None
    """How long an accepted call lasted (None: never accepted, or still going)."""


def _entry(call: Call, side: int, ring: timedelta) -> Entry:
    state = call.state
    if state == "ringing" and now() >= call.created_at + ring:
        state = "missed"
    seconds = None
    if call.answered_at is not None and call.ended_at is not None:
        seconds = int((call.ended_at - call.answered_at).total_seconds())
    return Entry(
        call.id, call.caller_account_id == side, state, call.video, call.created_at, seconds
    )


async def between(
    session: AsyncSession, account_id: int, peer_id: int, ring_seconds: int
) -> list[Entry]:
    """The latest calls between ``account_id`` and ``peer_id``, newest first."""
    rows = await session.scalars(
        select(Call)
        .where(
            or_(
                (Call.caller_account_id == account_id) & (Call.callee_account_id == peer_id),
                (Call.caller_account_id == peer_id) & (Call.callee_account_id == account_id),
            )
        )
        .order_by(Call.created_at.desc(), Call.id.desc())
        .limit(LIMIT)
    )
    ring = timedelta(seconds=ring_seconds)
    return [_entry(call, account_id, ring) for call in rows]


async def of_conversation(
    session: AsyncSession, actor: Actor, conversation_id: int, ring_seconds: int
) -> list[Entry]:
    """The calls of one of the brand's desk conversations, for its staff (else 404)."""
    found = await session.get(DeskConversation, conversation_id)
    if found is None or not await staff_of(session, actor, found.brand_account_id):
        raise CallNotFound()
    rows = await session.scalars(
        select(Call)
        .where(Call.desk_conversation_id == conversation_id)
        .order_by(Call.created_at.desc(), Call.id.desc())
        .limit(LIMIT)
    )
    ring = timedelta(seconds=ring_seconds)
    return [_entry(call, found.brand_account_id, ring) for call in rows]


async def callable_peers(
    session: AsyncSession, account_id: int, peer_ids: Collection[int]
) -> set[int]:
    """Which of ``peer_ids`` ``account_id`` may call: those who follow it and whom it follows
    (one query, for a page of conversations)."""
    peers = set(peer_ids) - {account_id}
    if not peers:
        return set()
    rows = await session.execute(
        select(Follow.account_id, Follow.target_account_id).where(
            ((Follow.account_id == account_id) & Follow.target_account_id.in_(peers))
            | (Follow.account_id.in_(peers) & (Follow.target_account_id == account_id))
        )
    )
    followed: set[int] = set()
    following: set[int] = set()
    for follower, target in rows:
        (followed if follower == account_id else following).add(
            target if follower == account_id else follower
        )
    return followed & following


__all__ = ["Entry", "between", "callable_peers", "mutual", "of_conversation"]
