"""Calls in the web app (``static/calls.js``, docs/calls.md): the same actions as the API's
``/api/porina/v1/calls``, over the session cookie (and the CSRF header) rather than a bearer
token, which never reaches JavaScript (``web/stream.py`` says why).

- ``POST /web/calls`` ``{account_id | desk_conversation_id, video}`` → ``{id, state, video,
  ice_servers}``; ``POST /web/calls/:id/signal`` ``{type, data}`` → ``{id, state}``; errors
  are Mastodon's JSON (``{"error": ...}``) with the API's statuses.
- ``GET /web/calls/stream``: the reader's ``porina.call`` events (Server-Sent Events), the
  same payloads the API's user stream carries; a brand's staff member acting as the brand
  hears the brand's rings and the calls they placed or took.
- ``GET /web/calls/history?account=ID`` (calls with a mutual follower) or
  ``?desk_conversation=ID`` (a desk conversation's calls, for the brand's staff): an HTML list.
"""

from __future__ import annotations

import asyncio
import contextlib
import weakref
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from typing import Any

import msgspec
from litestar import Request, get, post
from litestar.response import Stream, Template
from sqlalchemy.ext.asyncio import AsyncSession

from porina.calls import actions, ice, queries
from porina.calls import live as calls_live
from porina.calls.errors import CallNotFound, InvalidCall
from porina.core.actor import Actor
from porina.core.ids import parse_id
from porina.desk.web_queries import Entry
from porina.storage.broker import Broker
from porina.streaming.hub import Arrival, Hub
from porina.web import i18n
from porina.web.common import Me, render, signed_in
from porina.web.runtime import services
from porina.web.stream import HEARTBEAT_SECONDS, sse


async def _json(request: Request[Any, Any, Any]) -> dict[str, Any]:
    try:
        body = msgspec.json.decode(await request.body())
    except msgspec.DecodeError as exc:
        raise InvalidCall("Validation failed: the body is not JSON") from exc
    if not isinstance(body, dict):
        raise InvalidCall("Validation failed: the body must be an object")
    return body


def _id(value: Any) -> int | None:
    if value is None or value == "":
        return None
    found = parse_id(value if isinstance(value, str | int) else None)
    if found is None:
        raise CallNotFound()
    return found


@post("/web/calls", name="web:call-start", status_code=200)
async def start(request: Request[Any, Any, Any]) -> dict[str, Any]:
    me = await signed_in(request)
    body = await _json(request)
    svc = services(request)
    async with svc.db.transaction() as tx:
        call = await actions.start(
            tx,
            me.actor,
            account_id=_id(body.get("account_id")),
            desk_conversation_id=_id(body.get("desk_conversation_id")),
            video=body.get("video", True) is not False,
        )
    return {
        "id": str(call.id),
        "state": call.state,
        "video": call.video,
        "ice_servers": ice.servers(svc.settings, me.id),
    }


@post("/web/calls/{call_id:str}/signal", name="web:call-signal", status_code=200)
async def signal(request: Request[Any, Any, Any], call_id: str) -> dict[str, Any]:
    me = await signed_in(request)
    body = await _json(request)
    async with services(request).db.transaction() as tx:
        call = await actions.signal(tx, me.actor, call_id, body.get("type"), body.get("data"))
    return {"id": str(call.id), "state": call.state}


@get("/web/calls/history", name="web:call-history")
async def history(
    request: Request[Any, Any, Any],
    account: str | None = None,
    desk_conversation: str | None = None,
) -> Template:
    """The calls with a mutual follower, or of a desk conversation (its brand's staff)."""
    me = await signed_in(request)
    svc = services(request)
    seconds = svc.settings.call_ring_seconds
    async with svc.db.read() as session:
        if desk_conversation is not None:
            cid = _id(desk_conversation)
            if cid is None:
                raise CallNotFound()
            found = await queries.of_conversation(session, me.actor, cid, seconds)
        else:
            peer = _id(account)
            found = [] if peer is None else await queries.between(session, me.id, peer, seconds)
    return render(request, "partials/call_history.html", me=me, calls=found)


# ---- the stream ---------------------------------------------------------------------------


@dataclass(eq=False)
class CallReader:
    """One open page: its person (for a brand's staff, the staff member) and its inbox."""

    user_id: int
    inbox: asyncio.Queue[str] = field(default_factory=lambda: asyncio.Queue(500))

    def put(self, message: dict[str, Any]) -> None:
        body = calls_live.for_reader(message, self.user_id)
        if body is None:
            return
        if self.inbox.full():
            with contextlib.suppress(asyncio.QueueEmpty):
                self.inbox.get_nowait()
        self.inbox.put_nowait(body)


class Lines:
    """The process's call pages, one broker subscription per account's channel."""

    def __init__(self, broker: Broker) -> None:
        self.hub = Hub(broker, self._arrived)

    async def _arrived(self, batch: list[Arrival]) -> None:
        for arrival in batch:
            for member in arrival.members:
                if isinstance(member, CallReader):
                    member.put(arrival.message)


_lines: weakref.WeakKeyDictionary[Any, Lines] = weakref.WeakKeyDictionary()


def lines_for(broker: Broker) -> Lines:
    found = _lines.get(broker)
    if found is None:
        found = _lines[broker] = Lines(broker)
    return found


async def _events(request: Request[Any, Any, Any], me: Me) -> AsyncIterator[bytes]:
    lines = lines_for(services(request).broker)
    reader, channel = CallReader(me.user.id), f"user:{me.id}"
    lines.hub.join(channel, reader)
    await asyncio.sleep(0)  # let the subscription register before the page hears it is open
    try:
        yield b": connected\nretry: 3000\n\n"
        while True:
            try:
                body = await asyncio.wait_for(reader.inbox.get(), HEARTBEAT_SECONDS)
            except TimeoutError:
                yield b":thump\n\n"
                continue
            yield sse(calls_live.EVENT, body)
    finally:
        lines.hub.leave(channel, reader)


@get("/web/calls/stream", name="web:call-stream")
async def stream(request: Request[Any, Any, Any]) -> Stream:
    me = await signed_in(request)
    return Stream(
        _events(request, me),
        media_type="text/event-stream",
        headers={"Cache-Control": "no-cache", "X-Accel-Buffering": "no"},
    )


ROUTES = [start, signal, history, stream]


# ---- calls as items of a desk conversation -------------------------------------------------


def _call_text(entry: queries.Entry) -> str:
    kind = i18n._("Video call") if entry.video else i18n._("Voice call")
    state = {
        "accepted": i18n._("In progress"),
        "ringing": i18n._("Ringing"),
        "declined": i18n._("Declined"),
        "missed": i18n._("Missed call"),
    }.get(entry.state, i18n._("Ended"))
    if entry.seconds is not None:
        state += f" ({entry.seconds // 60}:{entry.seconds % 60:02d})"
    return f"{kind} · {state}"


async def with_desk_calls(
    session: AsyncSession, actor: Actor, conversation_id: int, entries: list[Entry], seconds: int
) -> list[Entry]:
    """The conversation's items with its calls among them (kind ``call``), oldest first."""
    calls = await queries.of_conversation(session, actor, conversation_id, seconds)
    shown = [
        Entry(
            id=call.id,
            kind="call",
            text=_call_text(call),
            author=i18n._("Outgoing") if call.outgoing else i18n._("Incoming"),
            staff=None,
            sentiment=None,
            created_at=call.created_at,
            conversation_id=conversation_id,
        )
        for call in calls
    ]
    return sorted([*entries, *shown], key=lambda entry: entry.created_at)
