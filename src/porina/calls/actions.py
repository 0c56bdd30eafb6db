"""Placing a call and relaying its signals: the calls' only writers.

Who may call whom: two accounts that follow each other (a block ends the follows, so it ends
this too), or the two sides of a desk conversation: the brand's staff (owner, manager, agent)
and the customer. A brand's side is the brand's account; the staff member who placed or
answered the call is kept in ``caller_user_id``/``callee_user_id`` for the brand's side only:
everything the customer receives names the brand (``Peer``).

States: ``ringing`` → ``accepted`` (the callee's answer), ``declined`` (the callee's decline),
``missed`` (the caller hung up while it rang, or it rang ``call_ring_seconds``: the callee
gets a ``porina.missed_call`` notification), ``ended`` (either side hung up an accepted call).
Signals reach the other side as ``porina.call`` streaming events on ``user:{account id}``
after the transaction commits (``calls.live``); a refused signal writes and sends nothing.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from porina.accounts.models import Account, Follow
from porina.accounts.operators import role_of
from porina.calls import ice, live
from porina.calls.errors import CallNotFound, InvalidCall, NotMutual
from porina.calls.events import CallStarted, CallStateChanged
from porina.calls.models import OPEN_STATES, Call
from porina.core.actor import Actor
from porina.core.clock import now
from porina.core.i18n import N_
from porina.core.ids import new_id, parse_id
from porina.desk.access import WORKERS
from porina.desk.models import DeskConversation
from porina.jobs.events import emit
from porina.jobs.queue import enqueue
from porina.notifications.notify import notify
from porina.storage.db import Tx

SIGNALS = ("offer", "answer", "candidate", "decline", "hangup")
CLOSED = {
    "declined": N_("Validation failed: the call was declined"),
    "missed": N_("Validation failed: the call was missed"),
    "ended": N_("Validation failed: the call has ended"),
}
"""The refusal of a signal to a call that is over, by its state (one sentence each, translated)."""
CALLEE_ONLY = {
    "answer": N_("Validation failed: only the callee can answer"),
    "decline": N_("Validation failed: only the callee can decline"),
}
MAX_SDP = 100_000
MAX_CANDIDATE = 2_000
TIMEOUT_JOB = "calls.ring_timeout"


@dataclass(frozen=True, slots=True)
class Side:
    """Which side of ``call`` the actor is on."""

    call: Call
    caller: bool


async def mutual(session: AsyncSession, a: int, b: int) -> bool:
    rows = await session.scalars(
        select(Follow.account_id).where(
            ((Follow.account_id == a) & (Follow.target_account_id == b))
            | ((Follow.account_id == b) & (Follow.target_account_id == a))
        )
    )
    return len(set(rows)) == 2


async def staff_of(session: AsyncSession, actor: Actor, brand_id: int) -> bool:
    """Whether the actor works ``brand_id``'s conversations (acting as the brand)."""
    if actor.account_id != brand_id or actor.user_id is None:
        return False
    return str(await role_of(session, brand_id, actor.user_id)) in WORKERS


async def _with_account(tx: Tx, actor: Actor, account_id: int | None) -> Call:
    if account_id is None or await tx.session.get(Account, account_id) is None:
        raise CallNotFound()
    if account_id == actor.account_id:
        raise InvalidCall("Validation failed: you cannot call yourself")
    if not await mutual(tx.session, actor.account_id, account_id):
        raise NotMutual()
    operated = actor.user_id if actor.operated else None
    # a customer calling a brand they have a desk conversation with rings its desk
    desk = await tx.session.scalar(
        select(DeskConversation.id).where(
            (
                (DeskConversation.brand_account_id == account_id)
                & (DeskConversation.contact_account_id == actor.account_id)
            )
            | (
                (DeskConversation.brand_account_id == actor.account_id)
                & (DeskConversation.contact_account_id == account_id)
            )
        )
    )
    return _new(actor.account_id, account_id, caller_user_id=operated, conversation_id=desk)


async def _with_desk(tx: Tx, actor: Actor, conversation_id: int | None) -> Call:
    found = await tx.session.get(DeskConversation, conversation_id) if conversation_id else None
    if found is None:
        raise CallNotFound()
    if await staff_of(tx.session, actor, found.brand_account_id):
        return _new(
            found.brand_account_id,
            found.contact_account_id,
            caller_user_id=actor.user_id,
            conversation_id=found.id,
        )
    if actor.account_id == found.contact_account_id:
        return _new(found.contact_account_id, found.brand_account_id, conversation_id=found.id)
    raise CallNotFound()


def _new(
    caller: int,
    callee: int,
    *,
    caller_user_id: int | None = None,
    conversation_id: int | None = None,
) -> Call:
    return Call(
        id=new_id(),
        caller_account_id=caller,
        callee_account_id=callee,
        caller_user_id=caller_user_id,
        desk_conversation_id=conversation_id,
        video=True,
        state="ringing",
        created_at=now(),
    )


async def start(
    tx: Tx,
    actor: Actor,
    *,
    account_id: int | None = None,
    desk_conversation_id: int | None = None,
    video: bool = True,
) -> Call:
    """Ring ``account_id`` (a mutual follow) or the other side of a desk conversation."""
    if (account_id is None) == (desk_conversation_id is None):
        raise InvalidCall("Validation failed: give account_id or desk_conversation_id")
    if desk_conversation_id is not None:
        call = await _with_desk(tx, actor, desk_conversation_id)
    else:
        call = await _with_account(tx, actor, account_id)
    call.video = video
    tx.session.add(call)
    await tx.session.flush()
    ring = timedelta(seconds=tx.settings.call_ring_seconds)
    await enqueue(tx, TIMEOUT_JOB, {"call_id": str(call.id)}, run_at=call.created_at + ring)
    await emit(
        tx,
        CallStarted(
            actor=actor,
            call_id=call.id,
            caller_account_id=call.caller_account_id,
            callee_account_id=call.callee_account_id,
            desk_conversation_id=call.desk_conversation_id,
        ),
    )
    servers = ice.servers(tx.settings, call.callee_account_id)  # the callee's own credentials
    await live.send(tx, call, to_caller=False, kind="ring", data={"ice_servers": servers})
    return call


async def side_of(session: AsyncSession, actor: Actor, call_id: int | None) -> Side:
    """The actor's side of the call; 404 for a call that is not theirs."""
    call = await session.get(Call, call_id) if call_id is not None else None
    if call is None:
        raise CallNotFound()
    if actor.account_id == call.caller_account_id and _same_person(actor, call.caller_user_id):
        return Side(call, caller=True)
    if actor.account_id == call.callee_account_id and _same_person(actor, call.callee_user_id):
        if await _to_brand(session, call) and not await staff_of(
            session, actor, call.callee_account_id
        ):
            raise CallNotFound()  # a customer's call to the brand: its staff only
        return Side(call, caller=False)
    raise CallNotFound()


async def _to_brand(session: AsyncSession, call: Call) -> bool:
    """Whether the call is a customer's to the brand of its desk conversation."""
    if call.desk_conversation_id is None:
        return False
    found = await session.get(DeskConversation, call.desk_conversation_id)
    return found is not None and found.brand_account_id == call.callee_account_id


def _same_person(actor: Actor, user_id: int | None) -> bool:
    """The brand's side of a call is its staff member's alone, once one placed or took it."""
    return user_id is None or actor.user_id == user_id


def _checked_kind(kind: object) -> str:
    if not isinstance(kind, str) or kind not in SIGNALS:
        raise InvalidCall(
            "Validation failed: type must be offer, answer, candidate, decline or hangup"
        )
    return kind


def _checked_data(kind: str, data: Any) -> dict[str, Any] | None:
    if kind in ("decline", "hangup"):
        if data is not None and not isinstance(data, Mapping):
            raise InvalidCall("Validation failed: data must be an object")
        return None
    if not isinstance(data, Mapping):
        raise InvalidCall("Validation failed: data must be an object")
    if kind in ("offer", "answer"):
        sdp = data.get("sdp")
        if not isinstance(sdp, str) or not sdp.strip() or len(sdp) > MAX_SDP:
            raise InvalidCall("Validation failed: data.sdp must be a session description")
        return {"type": kind, "sdp": sdp}
    return _candidate(data)


def _candidate(data: Mapping[str, Any]) -> dict[str, Any]:
    text, mid, index = data.get("candidate"), data.get("sdpMid"), data.get("sdpMLineIndex")
    if not isinstance(text, str) or len(text) > MAX_CANDIDATE:
        raise InvalidCall("Validation failed: data.candidate must be an ICE candidate")
    if mid is not None and (not isinstance(mid, str) or len(mid) > 64):
        raise InvalidCall("Validation failed: data.sdpMid must be a string")
    if index is not None and (isinstance(index, bool) or not isinstance(index, int)):
        raise InvalidCall("Validation failed: data.sdpMLineIndex must be a number")
    if index is not None and not 0 <= index < 1024:
        raise InvalidCall("Validation failed: data.sdpMLineIndex is out of range")
    return {"candidate": text, "sdpMid": mid, "sdpMLineIndex": index}


def _allowed(side: Side, kind: str) -> None:
    state = side.call.state
    if state not in OPEN_STATES:
        raise InvalidCall(CLOSED[state])
    if kind in ("answer", "decline") and side.caller:
        raise InvalidCall(CALLEE_ONLY[kind])
    if kind == "decline" and state != "ringing":
        raise InvalidCall("Validation failed: only a ringing call can be declined")
    if kind == "offer" and state == "ringing" and not side.caller:
        raise InvalidCall("Validation failed: the callee answers a ringing call")


async def signal(tx: Tx, actor: Actor, call_id: str | int | None, kind: object, data: Any) -> Call:
    """Relay one signal to the other side, moving the call on where it does: ``call_id`` and
    ``kind`` as the client sent them (422 for a kind that is not a signal, 404 for an id that
    is not one of the actor's calls)."""
    kind = _checked_kind(kind)
    payload = _checked_data(kind, data)
    side = await side_of(tx.session, actor, parse_id(call_id))
    await expire(tx, side.call)
    if kind == "candidate" and side.call.state not in OPEN_STATES:
        return side.call  # trickle ICE: a candidate sent as the call ended is dropped, not an error
    _allowed(side, kind)
    call = side.call
    if kind == "answer" and call.state == "ringing":
        call.callee_user_id = actor.user_id if actor.operated else None
        await _move(tx, actor, call, "accepted")
    elif kind == "decline":
        await _move(tx, actor, call, "declined")
    elif kind == "hangup":
        await _move(tx, actor, call, _hung_up(call, side.caller))
    await live.send(tx, call, to_caller=not side.caller, kind=kind, data=payload)
    if kind == "answer" and call.desk_conversation_id is not None:
        await live.taken(tx, call)
    return call


def _hung_up(call: Call, caller: bool) -> str:
    """A hang-up while it rings: the caller gave up (missed) or the callee refused (declined)."""
    if call.state != "ringing":
        return "ended"
    return "missed" if caller else "declined"


async def _move(tx: Tx, actor: Actor | None, call: Call, state: str) -> None:
    previous, call.state = call.state, state
    moment = now()
    if state == "accepted":
        call.answered_at = moment
    else:
        call.ended_at = moment
    await tx.session.flush()
    await emit(tx, CallStateChanged(actor=actor, call_id=call.id, state=state, previous=previous))
    if state == "missed":
        await notify(
            tx,
            call.callee_account_id,
            call.caller_account_id,
            "porina.missed_call",
            dedupe=f"porina.missed_call:{call.id}",
        )


async def expire(tx: Tx, call: Call) -> bool:
    """Mark a call that rang too long missed (and tell both sides); True if it did."""
    ring = timedelta(seconds=tx.settings.call_ring_seconds)
    if call.state != "ringing" or now() < call.created_at + ring:
        return False
    await _move(tx, None, call, "missed")
    await live.send(tx, call, to_caller=False, kind="missed", data=None)
    await live.send(tx, call, to_caller=True, kind="missed", data=None)
    return True
