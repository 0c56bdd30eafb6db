"""Streaming, as Mastodon serves it: Server-Sent Events under ``/api/v1/streaming/*`` and one
WebSocket at ``/api/v1/streaming``.

The broker carries ids only. The process listens to each channel once (``streaming/hub.py``)
however many streams are open on it, and renders what arrives once per batch for all their
readers (``stream_render.py``: who may see a status, mutes and blocks included, is one
statement for every reader; readers with nothing of their own on a status share one
rendering), so nothing reaches a stream whose reader may not see it and a post seen by a
thousand streams is read and rendered once, not a thousand times. Each connection has an
outbox of ready frames (bounded: a reader that falls far behind loses its oldest).

A connection watches its token (``auth.TokenCache.watch``): when the token is revoked (its
owner signed out of the app, or an operator was removed from a team account), the stream
stops at once: an SSE response ends, a WebSocket closes with 4001.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass
from typing import Any

import msgspec
from litestar import Request, WebSocket, get, websocket
from litestar.exceptions import WebSocketDisconnect
from litestar.response import Stream as StreamResponse
from sqlalchemy import select

from porina.accounts import scopes as scope_rules
from porina.accounts.tokens import digest
from porina.api.mastodon import auth
from porina.api.mastodon.conversations import render_conversations
from porina.api.mastodon.notifications import render_notifications
from porina.api.mastodon.stream_deliver import (
    STATUS_EVENTS,
    Deliverer,
    Listener,
    desk_presence_payloads,
    json_text,
    payload_for,
)
from porina.api.mastodon.stream_render import render_status
from porina.calls import live as calls_live
from porina.core.errors import BadRequest, NotFound, PorinaError, Unauthorized
from porina.core.ids import parse_id
from porina.desk import access as desk_access
from porina.lists.models import List
from porina.messaging.models import AccountConversation
from porina.notifications.models import Notification
from porina.notifications.notify import PORINA_ONLY
from porina.render.renderer import Renderer
from porina.streaming.hub import Hub, hub_for

log = logging.getLogger(__name__)
HEARTBEAT_SECONDS = 15.0
PUBLIC = {"public", "public:local", "public:remote", "hashtag", "hashtag:local"}
PRIVATE = {"user", "user:notification", "list", "direct", "desk"}
DESK_EVENTS = frozenset({"desk.conversation", "desk.presence"})
REVOKED: Any = object()  # put in an outbox when the token goes
OUTBOX = 1000
Unwatch = Callable[[], None]


@dataclass(frozen=True, slots=True)
class Stream:
    """One subscription: the broker channel, the name clients see, what passes."""

    name: list[str]
    channel: str
    events: frozenset[str]
    only_media: bool = False


def resolve_name(
    name: str, viewer: auth.Viewer | None, param: str | None, only_media: bool
) -> Stream:
    """The stream a client asked for; raises a PorinaError for what it may not have."""
    media = name.endswith(":media")
    base = name.removesuffix(":media")
    if base not in PUBLIC | PRIVATE:
        raise BadRequest("Unknown stream type")
    if base in PRIVATE and (viewer is None or viewer.account_id is None):
        raise Unauthorized("Missing access token")
    needed = "read:notifications" if base == "user:notification" else "read:statuses"
    if viewer is not None and not scope_rules.grants(viewer.scopes, needed):
        raise Unauthorized("Access token does not have the required scopes")
    vid = viewer.account_id if viewer is not None else None
    everything = frozenset({"update", "delete", "status.update"})
    if base in {"public", "public:local", "public:remote"}:
        return Stream([name], base, everything, media or only_media)
    if base.startswith("hashtag"):
        tag = (param or "").lstrip("#").strip().lower()
        if not tag:
            raise BadRequest("No tag for stream provided")
        channel = f"hashtag:local:{tag}" if base == "hashtag:local" else f"hashtag:{tag}"
        return Stream([base, tag], channel, everything)
    if base == "list":
        return Stream(["list", param or ""], f"list:{param}", everything)
    if base == "direct":
        return Stream(["direct"], f"direct:{vid}", frozenset({"conversation"}))
    if base == "desk":  # the brand the token acts as; check_list refuses non-staff
        return Stream(["desk"], f"desk:{vid}", DESK_EVENTS)
    if base == "user:notification":
        return Stream([base], f"user:{vid}", frozenset({"notification"}))
    user_events = set(everything) | {"filters_changed", calls_live.EVENT}
    if viewer is not None and scope_rules.grants(viewer.scopes, "read:notifications"):
        user_events.add("notification")
    return Stream(["user"], f"user:{vid}", frozenset(user_events))


async def check_list(svc: auth.ApiRuntime, viewer: auth.Viewer | None, stream: Stream) -> None:
    if stream.name[0] == "desk" and viewer is not None:
        async with svc.db.read() as session:  # 404 off the team, 403 for an analyst
            await desk_access.worker(session, auth.actor_of(viewer))
        return
    if stream.name[0] != "list":
        return
    lid = parse_id(stream.name[1])
    async with svc.db.read() as session:
        found = await session.get(List, lid) if lid is not None else None
    if found is None or viewer is None or found.account_id != viewer.account_id:
        raise NotFound("No list for stream provided")


class Reader:
    """Renders broker messages for one viewer (the hub's ``Deliverer`` does the same for
    every reader of a batch at once; the privacy checks read through this)."""

    def __init__(self, svc: auth.ApiRuntime, viewer: auth.Viewer | None) -> None:
        self.svc = svc
        self.vid = viewer.account_id if viewer is not None else None
        self.uid = viewer.user_id if viewer is not None else None
        """The person at the keyboard (staff acting as a brand): left out of presence."""
        self.renderer = Renderer(svc.settings)

    async def payload(self, stream: Stream, message: dict[str, Any]) -> tuple[str, str] | None:
        """``(event, payload)`` for this viewer, or None when it must not be sent."""
        event = str(message.get("event", ""))
        if event not in stream.events:
            return None
        try:
            body = await self._render(stream, event, message)
        except Exception:
            log.exception("streaming: could not render %s", message)
            return None
        return None if body is None else (event, body)

    async def _render(self, stream: Stream, event: str, message: dict[str, Any]) -> str | None:
        if event == "delete":
            return str(message.get("status_id", "")) or None
        if event == "filters_changed":
            return "undefined"
        async with self.svc.db.read() as session:
            if event in STATUS_EVENTS:
                found = await render_status(
                    session, self.renderer, int(message["status_id"]), [self.vid]
                )
                return payload_for(found, stream, self.vid)
            return await self.personal(session, event, message)

    async def personal(self, session: Any, event: str, message: dict[str, Any]) -> str | None:
        """A notification or a conversation, for this viewer only."""
        if event == "notification" and self.vid is not None:
            note = await session.scalar(
                select(Notification).where(
                    Notification.id == int(message["notification_id"]),
                    Notification.account_id == self.vid,
                )
            )
            if note is None or note.type in PORINA_ONLY:
                return None
            out = await render_notifications(self.renderer, session, self.vid, [note])
            return json_text(out[0]) if out else None
        if event == calls_live.EVENT:
            return calls_live.for_reader(message, self.uid)
        if event == "desk.presence":
            return (await desk_presence_payloads(session, message, [self.uid])).get(self.uid)
        if event in DESK_EVENTS:
            return json_text({"conversation_id": str(message["conversation_id"])})
        if event == "conversation" and self.vid is not None:
            row = await session.get(
                AccountConversation, (self.vid, int(message["conversation_id"]))
            )
            if row is None or row.hidden:
                return None
            convs = await render_conversations(self.renderer, session, self.vid, [row])
            return json_text(convs[0]) if convs else None
        return None


async def _viewer(conn: Any, name: str) -> auth.Viewer | None:
    token = auth.bearer(conn)
    if token is None:
        return None
    viewer = await auth.load_viewer(auth.services_of(conn), token)
    if viewer is None:
        raise Unauthorized("Invalid access token")
    return viewer


def _watch(conn: Any, revoked: Callable[[], None]) -> Unwatch:
    """Call ``revoked`` on this connection's loop when its token is revoked (the listener
    may run elsewhere: the invalidation listener's thread); returns the unwatch."""
    token = auth.bearer(conn)
    if token is None:
        return lambda: None
    loop = asyncio.get_running_loop()

    def on_revoked() -> None:
        loop.call_soon_threadsafe(revoked)

    return auth.services_of(conn).token_cache.watch(digest(token), on_revoked)


class Outbox:
    """One connection's frames, ready to send (SSE: bytes, WebSocket: text)."""

    def __init__(self, svc: auth.ApiRuntime, viewer: auth.Viewer | None, *, sse: bool) -> None:
        self.reader = Reader(svc, viewer)
        self.vid = self.reader.vid
        self.sse = sse
        self.frames: asyncio.Queue[Any] = asyncio.Queue(OUTBOX)

    def offer(self, frame: Any) -> None:
        """Queue ``frame``, dropping the oldest when the reader is that far behind."""
        if self.frames.full():
            with contextlib.suppress(asyncio.QueueEmpty):
                self.frames.get_nowait()
        self.frames.put_nowait(frame)

    async def next(self, wait: float | None = None) -> list[Any]:
        """Every frame waiting (at least one; an empty list when ``wait`` seconds passed)."""
        if self.frames.empty() and wait is None:
            first = await self.frames.get()  # no wait_for: a WebSocket wakes per frame
        elif self.frames.empty():
            try:
                first = await asyncio.wait_for(self.frames.get(), wait)
            except TimeoutError:
                return []
        else:
            first = self.frames.get_nowait()
        out = [first]
        while not self.frames.empty():
            out.append(self.frames.get_nowait())
        return out


def hub(svc: auth.ApiRuntime) -> Hub:
    """The process's streaming hub (one per broker)."""
    return hub_for(svc.broker, lambda: Deliverer(svc).handle)


# ---- Server-Sent Events -------------------------------------------------------------------

SSE_PATHS = {
    "user": "user",
    "user/notification": "user:notification",
    "public": "public",
    "public/local": "public:local",
    "public/remote": "public:remote",
    "public/media": "public:media",
    "public/local/media": "public:local:media",
    "public/remote/media": "public:remote:media",
    "hashtag": "hashtag",
    "hashtag/local": "hashtag:local",
    "list": "list",
    "direct": "direct",
    "desk": "desk",
}


@get("/api/v1/streaming/health", media_type="text/plain")
async def health() -> str:
    return "OK"


@get("/api/v1/streaming/{kind:path}")
async def sse(request: Request[Any, Any, Any], kind: str) -> StreamResponse:
    name = SSE_PATHS.get(kind.strip("/"))
    if name is None:
        raise NotFound()
    svc = auth.services_of(request)
    viewer = await _viewer(request, name)
    q = request.query_params
    param = q.get("list") if name == "list" else q.get("tag")
    only_media = (q.get("only_media") or "").lower() in {"1", "true"}
    stream = resolve_name(name, viewer, param, only_media)
    await check_list(svc, viewer, stream)
    return StreamResponse(
        _sse_events(svc, viewer, stream, request),
        media_type="text/event-stream",
        headers={"Cache-Control": "no-store", "X-Accel-Buffering": "no"},
    )


async def _sse_events(
    svc: auth.ApiRuntime, viewer: auth.Viewer | None, stream: Stream, conn: Any
) -> AsyncIterator[bytes]:
    outbox = Outbox(svc, viewer, sse=True)
    listener = Listener(outbox, stream)
    streams = hub(svc)
    streams.join(stream.channel, listener)
    unwatch = _watch(conn, lambda: outbox.offer(REVOKED))
    await asyncio.sleep(0)  # let the subscription register before the client hears ":)"
    try:
        yield b":)\n"
        while True:
            frames = await outbox.next(HEARTBEAT_SECONDS)
            if not frames:
                yield b":thump\n"
                continue
            if REVOKED in frames:
                return
            yield b"".join(frames)
    finally:
        unwatch()
        streams.leave(stream.channel, listener)


# ---- WebSocket ---------------------------------------------------------------------------


class Socket:
    """One WebSocket: many subscriptions, one sender."""

    def __init__(
        self, socket: WebSocket[Any, Any, Any], svc: auth.ApiRuntime, viewer: auth.Viewer | None
    ) -> None:
        self.socket = socket
        self.svc = svc
        self.viewer = viewer
        self.outbox = Outbox(svc, viewer, sse=False)
        self.hub = hub(svc)
        self.subs: dict[str, Listener] = {}
        self.gone = asyncio.Event()  # set when the token is revoked

    async def send(self, data: dict[str, Any]) -> None:
        await self.socket.send_text(msgspec.json.encode(data).decode())

    async def deliver(self) -> None:
        while True:
            for frame in await self.outbox.next():
                if frame is REVOKED:
                    return
                await self.socket.send_text(frame)

    async def command(self, raw: str) -> None:
        if self.gone.is_set():  # the token was revoked: nothing more for this socket
            return
        try:
            data = msgspec.json.decode(raw)
            if not isinstance(data, dict):
                raise BadRequest("Invalid message")
            kind = data.get("type")
            if kind not in {"subscribe", "unsubscribe"}:
                raise BadRequest("Unknown message type")
            name = str(data.get("stream", ""))
            param = data.get("list") if name == "list" else data.get("tag")
            stream = resolve_name(name, self.viewer, None if param is None else str(param), False)
            if kind == "subscribe":
                await check_list(self.svc, self.viewer, stream)
                self.subscribe(stream)
            else:
                self.unsubscribe(stream)
        except msgspec.DecodeError:
            await self.send({"error": "Invalid JSON", "status": 400})
        except PorinaError as exc:
            await self.send({"error": exc.message, "status": exc.status})

    def subscribe(self, stream: Stream) -> None:
        key = stream.channel + ("|media" if stream.only_media else "")
        if key not in self.subs:
            self.subs[key] = listener = Listener(self.outbox, stream)
            self.hub.join(stream.channel, listener)

    def unsubscribe(self, stream: Stream) -> None:
        key = stream.channel + ("|media" if stream.only_media else "")
        listener = self.subs.pop(key, None)
        if listener is not None:
            self.hub.leave(stream.channel, listener)

    def close(self) -> None:
        for listener in self.subs.values():
            self.hub.leave(listener.stream.channel, listener)
        self.subs.clear()

    def revoked(self) -> None:
        """The token was revoked: stop every subscription; ``ws`` closes the socket."""
        self.close()
        self.outbox.offer(REVOKED)
        self.gone.set()

    async def listen(self) -> None:
        """Run the client's commands (the ``stream`` query parameter first) until it leaves."""
        query = self.socket.query_params
        try:
            if query.get("stream"):
                payload: dict[str, Any] = {
                    "type": "subscribe",
                    "stream": query.get("stream"),
                    "tag": query.get("tag") or query.get("list"),
                    "list": query.get("list"),
                }
                await self.command(msgspec.json.encode(payload).decode())
            while True:
                await self.command(await self.socket.receive_text())
        except WebSocketDisconnect:
            pass


@websocket("/api/v1/streaming")
async def ws(socket: WebSocket[Any, Any, Any]) -> None:
    svc = auth.services_of(socket)
    try:
        viewer = await _viewer(socket, "")
    except PorinaError:
        await socket.close(code=4001, reason="Invalid access token")
        return
    protocol = socket.headers.get("sec-websocket-protocol")
    await socket.accept(subprotocols=protocol.split(",")[0].strip() if protocol else None)
    conn = Socket(socket, svc, viewer)
    tasks = [
        asyncio.create_task(conn.deliver()),
        listener := asyncio.create_task(conn.listen()),
        revoked := asyncio.create_task(conn.gone.wait()),
    ]
    unwatch = _watch(socket, conn.revoked)
    try:
        await asyncio.wait((listener, revoked), return_when=asyncio.FIRST_COMPLETED)
        if conn.gone.is_set():
            listener.cancel()
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await listener
            with contextlib.suppress(Exception):
                await socket.close(code=4001, reason="The access token was revoked")
        elif (error := listener.exception()) is not None:
            raise error
    finally:
        unwatch()
        conn.close()
        for task in tasks:
            task.cancel()
        for task in tasks:
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await task


ROUTES = [health, sse, ws]
