"""``/web/stream``: live updates for the signed-in browser, as server-rendered HTML.

Why not ``/api/v1/streaming/user`` with a token: the browser holds only the HttpOnly session
cookie, so a bearer token would have to be handed to JavaScript, where an injected script could
read it. Instead this endpoint authenticates with the session cookie (a same-origin GET that
changes nothing, so CSRF does not apply), subscribes to the same broker channel as the API
stream (``user:{account_id}``), re-checks visibility through the same queries, and sends HTML
fragments in the reader's language, so ``app.js`` only inserts them.

Events: ``update`` (a post for the home feed), ``delete`` (a post id), ``notification`` (the
notification's group), ``conversation`` (a direct-message conversation row).
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator
from typing import Any

from jinja2 import Environment
from litestar import Request, get
from litestar.response import Stream

from porina.core.ids import parse_id
from porina.messaging import queries as conversations
from porina.notifications import queries as notes
from porina.notifications.models import Notification
from porina.posts.queries import bundles_by_id
from porina.web import i18n
from porina.web.common import Me, signed_in
from porina.web.common import statuses as render_statuses
from porina.web.notifications import conversations_of, groups_of
from porina.web.runtime import services

HEARTBEAT_SECONDS = 25.0


class Painter:
    """Renders broker messages as HTML for one reader."""

    def __init__(self, request: Request[Any, Any, Any], me: Me, locale: str) -> None:
        self.request = request
        self.me = me
        self.locale = locale
        engine: Any = request.app.template_engine
        self.env: Environment = engine.engine

    def _html(self, template: str, **context: Any) -> str:
        i18n.activate(self.locale)
        page = self.env.get_template(template)
        return page.render(me=self.me, request=self.request, csrf_input="", **context)

    async def paint(self, message: dict[str, Any]) -> tuple[str, str] | None:
        event = message.get("event")
        if event == "delete":
            return "delete", str(message.get("status_id", ""))
        if event == "update":
            return await self._update(parse_id(message.get("status_id")))
        if event == "notification":
            return await self._notification(parse_id(message.get("notification_id")))
        if event == "conversation":
            return await self._conversation(parse_id(message.get("conversation_id")))
        return None

    async def _update(self, status_id: int | None) -> tuple[str, str] | None:
        if status_id is None:
            return None
        async with services(self.request).db.read() as session:
            items = await bundles_by_id(session, self.me.id, [status_id])
            shown = await render_statuses(self.request, session, self.me, items)
        if not shown:
            return None
        return "update", self._html("partials/status.html", s=shown[0])

    async def _notification(self, notification_id: int | None) -> tuple[str, str] | None:
        if notification_id is None:
            return None
        async with services(self.request).db.read() as session:
            found = await notes.notification(session, self.me.id, notification_id)
            if found is None:
                return None
            rows = list(
                await session.scalars(
                    notes.notifications_select(self.me.id)
                    .where(Notification.group_key == found.group_key)
                    .order_by(Notification.id.desc())
                    .limit(40)
                )
            )
            groups = await groups_of(self.request, session, self.me, rows)
        if not groups:
            return None
        return "notification", self._html("partials/notification.html", g=groups[0])

    async def _conversation(self, conversation_id: int | None) -> tuple[str, str] | None:
        if conversation_id is None:
            return None
        async with services(self.request).db.read() as session:
            row = await conversations.conversation(session, self.me.id, conversation_id)
            if row is None:
                return None
            items = await conversations_of(self.request, session, self.me, [row])
        return "conversation", self._html("partials/conversation.html", c=items[0])


def sse(event: str, data: str) -> bytes:
    lines = "".join(f"data: {line}\n" for line in data.splitlines() or [""])
    return f"event: {event}\n{lines}\n".encode()


async def events(request: Request[Any, Any, Any], me: Me) -> AsyncIterator[bytes]:
    painter = Painter(request, me, i18n.current())
    broker = services(request).broker
    inbox: asyncio.Queue[dict[str, Any]] = asyncio.Queue(500)

    async def pump() -> None:
        async for _channel, message in broker.subscribe([f"user:{me.id}"]):
            if inbox.full():
                with contextlib.suppress(asyncio.QueueEmpty):
                    inbox.get_nowait()
            inbox.put_nowait(message)

    task = asyncio.create_task(pump())
    await asyncio.sleep(0)
    try:
        yield b": connected\nretry: 3000\n\n"
        while True:
            try:
                message = await asyncio.wait_for(inbox.get(), HEARTBEAT_SECONDS)
            except TimeoutError:
                yield b":thump\n\n"
                continue
            painted = await painter.paint(message)
            if painted is not None:
                yield sse(*painted)
    finally:
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError, Exception):
            await task


@get("/web/stream", name="web:stream")
async def stream(request: Request[Any, Any, Any]) -> Stream:
    me = await signed_in(request)
    return Stream(
        events(request, me),
        media_type="text/event-stream",
        headers={"Cache-Control": "no-cache", "X-Accel-Buffering": "no"},
    )


ROUTES = [stream]
