"""From the broker's messages to the frames in each connection's outbox (``streaming.py``):
a batch of arrivals grouped by event and status, each status event read once for every
reader (``stream_render.py``), each frame encoded once."""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

import msgspec
from redis.exceptions import RedisError
from sqlalchemy.exc import SQLAlchemyError

from porina.api.mastodon import auth
from porina.api.mastodon.stream_render import Rendered, render_fast, render_many, render_status
from porina.api.porina import desk_render
from porina.api.porina.desk_render import DeskPresence
from porina.desk import presence as desk_presence
from porina.render.renderer import Renderer
from porina.storage import fastread
from porina.streaming.hub import Arrival

if TYPE_CHECKING:
    from porina.api.mastodon.streaming import Outbox, Stream

log = logging.getLogger(__name__)
STATUS_EVENTS = frozenset({"update", "status.update"})


def json_text(entity: Any) -> str:
    return msgspec.json.encode(entity).decode()


def payload_for(found: Rendered, stream: Stream, vid: int | None) -> str | None:
    """The status as ``vid`` reads it on ``stream`` (None: not sent there)."""
    if stream.only_media and not found.media:
        return None
    return found.payloads.get(vid)


async def desk_presence_payloads(
    session: Any, message: dict[str, Any], readers: Iterable[int | None]
) -> dict[int | None, str]:
    """A ``desk.presence`` message as each reader (a staff member's user id) sees it: the
    conversation and the other staff on it (``DeskPresence``), the staff members' accounts
    read once for every reader."""
    entries = desk_presence.entries_of(message)
    people = await desk_presence.people(session, {uid for uid, _, _ in entries})
    cid = str(message["conversation_id"])
    return {
        reader: json_text(
            DeskPresence(
                conversation_id=cid,
                viewers=desk_render.viewers([e for e in entries if e[0] != reader], people),
            )
        )
        for reader in readers
    }


class Listener:
    """One subscription of one connection: a member of the hub (hashed by identity)."""

    __slots__ = ("outbox", "stream")

    def __init__(self, outbox: Outbox, stream: Stream) -> None:
        self.outbox = outbox
        self.stream = stream


Key = tuple[str, str]
FAILED: Any = object()  # a status event whose reading failed (logged): nothing is sent for it


SLICE = 0.005
"""Seconds of a batch's frame-making between turns given to the event loop: a batch of
thousands of frames made in one go kept every request waiting as long (tens of
milliseconds per batch under 1,000 streams)."""


class Deliverer:
    """Turns a batch of broker messages into frames in the listeners' outboxes: each
    status event read and rendered once for all its readers, each frame encoded once.

    The batch's statuses are read together (``render_many`` on the fast reader's pool: a
    few statements for the whole batch, so a larger batch costs about as many round trips as
    a small one); what they leave for the complete way is read on one session after them,
    and the frames go into the outboxes in the order the events arrived."""

    def __init__(self, svc: auth.ApiRuntime) -> None:
        self.svc = svc
        self.renderer = Renderer(svc.settings)

    async def handle(self, batch: list[Arrival]) -> None:
        with fastread.lane("stream"):  # the hub's own connections: the API's stay free
            await self._handle(batch)

    async def _handle(self, batch: list[Arrival]) -> None:
        groups, messages = _grouped(batch)
        fast = await self._fast(groups, messages)
        frames = _Frames()
        turn = time.perf_counter()
        async with self.svc.db.read() as session:
            for key, listeners in groups.items():
                message = messages[key]
                await self._deliver(session, key[0], message, listeners, frames, fast=fast.get(key))
                if time.perf_counter() - turn > SLICE:
                    await asyncio.sleep(0)  # the loop's other tasks take their turn
                    turn = time.perf_counter()

    async def _fast(
        self, groups: dict[Key, list[Listener]], messages: dict[Key, dict[str, Any]]
    ) -> dict[Key, Any]:
        """``render_many``'s answer for each status event of the batch: every status of the
        batch in the same few statements, whatever their number."""
        wanted: dict[int, set[int | None]] = {}
        ids: dict[Key, int] = {}
        out: dict[Key, Any] = {}
        for key, listeners in groups.items():
            if key[0] not in STATUS_EVENTS:
                continue
            try:
                ids[key] = status_id = int(messages[key]["status_id"])
            except (KeyError, ValueError, TypeError):
                log.exception("streaming: no status in %s", messages[key])
                out[key] = FAILED
                continue
            wanted.setdefault(status_id, set()).update(one.outbox.vid for one in listeners)
        if not wanted:
            return out
        try:
            found = await render_many(self.svc, wanted)
        except (SQLAlchemyError, RedisError, OSError):
            log.exception("streaming: could not render %d status(es)", len(wanted))
            return dict.fromkeys(groups, FAILED)
        return {**out, **{key: found[status_id] for key, status_id in ids.items()}}

    async def _deliver(
        self,
        session: Any,
        event: str,
        message: dict[str, Any],
        listeners: list[Listener],
        frames: _Frames,
        *,
        fast: Any = None,
    ) -> None:
        try:
            if event in STATUS_EVENTS:
                if fast is FAILED:
                    return
                if fast is None or fast[1]:  # readers left for the complete way
                    viewers = {one.outbox.vid for one in listeners}
                    found = await self.complete(session, int(message["status_id"]), viewers, fast)
                else:
                    found = fast[0]
                for one in listeners:
                    frames.put(one, event, payload_for(found, one.stream, one.outbox.vid))
            elif event == "desk.presence":
                shown = await desk_presence_payloads(
                    session, message, {one.outbox.reader.uid for one in listeners}
                )
                for one in listeners:
                    frames.put(one, event, shown.get(one.outbox.reader.uid))
            elif event in {"delete", "filters_changed"}:
                body = "undefined" if event == "filters_changed" else str(message["status_id"])
                for one in listeners:
                    frames.put(one, event, body)
            else:
                for one in listeners:
                    own = await one.outbox.reader.personal(session, event, message)
                    frames.put(one, event, own)
        except (SQLAlchemyError, RedisError, OSError, KeyError, ValueError):
            # the database or broker failed, or the message lacks a valid status id
            log.exception("streaming: could not render %s", message)

    async def status_payloads(
        self, session: Any, status_id: int, viewers: set[int | None]
    ) -> Rendered:
        """The status for each of ``viewers``: page rows and the status cache
        (``render_fast``), the complete way for what they do not cover."""
        fast = await render_fast(self.svc, status_id, viewers)
        return await self.complete(session, status_id, viewers, fast)

    async def complete(
        self,
        session: Any,
        status_id: int,
        viewers: set[int | None],
        fast: tuple[Rendered, set[int]] | None,
    ) -> Rendered:
        """``render_fast``'s answer (``fast``) with the readers it left rendered the complete
        way (``render_status``): all of them when it returned None."""
        if fast is None:
            return await render_status(session, self.renderer, status_id, viewers)
        rendered, alone = fast
        if not alone:
            return rendered
        rest = await render_status(session, self.renderer, status_id, alone)
        return Rendered({**rendered.payloads, **rest.payloads}, rendered.media)


def _grouped(
    batch: list[Arrival],
) -> tuple[dict[Key, list[Listener]], dict[Key, dict[str, Any]]]:
    """The batch's listeners by (event, status) in arrival order (one rendering each, for
    every channel it came on), each key's message; keys nobody listens to for left out."""
    groups: dict[Key, list[Listener]] = {}
    messages: dict[Key, dict[str, Any]] = {}
    for arrival in batch:
        event = str(arrival.message.get("event", ""))
        key = (event, str(arrival.message.get("status_id") or id(arrival)))
        messages.setdefault(key, arrival.message)
        listeners = groups.setdefault(key, [])
        for member in arrival.members:
            if isinstance(member, Listener) and event in member.stream.events:
                listeners.append(member)
    return {key: found for key, found in groups.items() if found}, messages


class _Frames:
    """Frames encoded once per (stream name, event, payload) in a batch."""

    def __init__(self) -> None:
        self.sse: dict[tuple[str, str], bytes] = {}
        self.ws: dict[tuple[tuple[str, ...], str, str], str] = {}

    def put(self, listener: Listener, event: str, payload: str | None) -> None:
        if payload is None:
            return
        box = listener.outbox
        if box.sse:
            frame = self.sse.get((event, payload))
            if frame is None:
                frame = f"event: {event}\ndata: {payload}\n\n".encode()
                self.sse[(event, payload)] = frame
            box.offer(frame)
            return
        name = tuple(listener.stream.name)
        text = self.ws.get((name, event, payload))
        if text is None:
            body = {"stream": list(name), "event": event, "payload": payload}
            text = self.ws[(name, event, payload)] = msgspec.json.encode(body).decode()
        box.offer(text)
