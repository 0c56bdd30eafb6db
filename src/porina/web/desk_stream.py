"""``/web/desk/stream``: the desk's live pages (``static/desk-live.js``), over the session
cookie as ``/web/stream`` is (``web/stream.py`` says why no bearer token reaches JavaScript).

Only staff who work the brand's conversations, while the session acts as the brand, are let
on (404 for anyone else, 403 for an analyst: the desk pages' refusals), and the role is asked
again before every event: someone removed from the team hears nothing more and the stream
ends. ``?conversation=ID`` (one of the brand's, else 404) is the page's conversation.

Events (``data`` is JSON):

- ``desk.conversation`` ``{"conversation_id"}``: a conversation of the brand changed (an
  item, a note, a reply, assignment, status). Ids only: the page reads what changed through
  the desk pages themselves, which check access again, so no text travels on the stream --
  least of all a note's.
- ``desk.presence`` ``{"conversation_id", "line", "typing"}``, for the page's conversation
  only: who else of the team is on it in the reader's language ("Aino is viewing · Olli is
  typing a reply", empty when nobody) and the soft lock's warning for the reply form (empty
  when nobody types). Sent also when the stream opens, so a page (re)connecting is current.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import weakref
from collections.abc import AsyncIterator, Sequence
from dataclasses import dataclass, field
from typing import Any

from litestar import Request, get
from litestar.response import Stream

from porina.core.errors import NotFound
from porina.core.ids import parse_id
from porina.desk import access, fast_reads, presence, queries
from porina.desk.live import EVENT as CHANGED
from porina.desk.live import channel
from porina.desk.presence import Entry
from porina.storage.broker import Broker
from porina.storage.db import Database
from porina.streaming.hub import Arrival, Hub
from porina.web import desk_presence as words
from porina.web import i18n
from porina.web.common import Me, signed_in
from porina.web.runtime import services
from porina.web.stream import HEARTBEAT_SECONDS, sse

ENDED = ("", "ended")
"""What ``paint`` answers when the reader may no longer hear the desk: the stream ends."""
Painted = tuple[str, str]


@dataclass(eq=False)
class DeskReader:
    """One open desk page: the staff member, the brand, the page's conversation (if any)."""

    user_id: int
    brand_id: int
    locale: str
    conversation_id: int | None = None
    inbox: asyncio.Queue[dict[str, Any]] = field(default_factory=lambda: asyncio.Queue(500))

    def put(self, message: dict[str, Any]) -> None:
        if self.inbox.full():
            with contextlib.suppress(asyncio.QueueEmpty):
                self.inbox.get_nowait()
        self.inbox.put_nowait(message)


async def admit(db: Database, me: Me, conversation: str | None) -> DeskReader:
    """The reader of ``me``'s desk, or the desk pages' refusal (404: not acting as a brand
    one works, or not its conversation; 403: an analyst)."""
    if not me.actor.operated:
        raise NotFound()
    async with db.read() as session:
        staff = await access.worker(session, me.actor)
        wanted = None
        if conversation:
            wanted = parse_id(conversation)
            if wanted is None:
                raise NotFound()
            await queries.one(session, staff, wanted)
    return DeskReader(staff.user_id, staff.brand_id, i18n.current(), wanted)


async def _presence_json(db: Database, reader: DeskReader, found: Sequence[Entry]) -> str:
    others = [e for e in found if e.user_id != reader.user_id]
    async with db.read() as session:
        people = await presence.people(session, {e.user_id for e in others})
    i18n.activate(reader.locale)
    body = {
        "conversation_id": str(reader.conversation_id),
        "line": words.line(others, people),
        "typing": words.typing_warning(others, people),
    }
    return json.dumps(body, ensure_ascii=False)


async def current(db: Database, store: presence.PresenceStore, reader: DeskReader) -> Painted:
    """The page's conversation's presence now (sent when the stream opens)."""
    cid = reader.conversation_id or 0
    found = await presence.others(store, reader.brand_id, reader.user_id, cid)
    return presence.EVENT, await _presence_json(db, reader, found)


def _entries(message: dict[str, Any]) -> list[Entry]:
    return [Entry(uid, state, 0, 0) for uid, state, _since in presence.entries_of(message)]


async def paint(db: Database, reader: DeskReader, message: dict[str, Any]) -> Painted | None:
    """A broker message as this reader's event; None: not for this page; ``ENDED``: the
    reader no longer works the brand's desk."""
    event = message.get("event")
    if event not in {CHANGED, presence.EVENT}:
        return None
    cid = parse_id(str(message.get("conversation_id", "")))
    if cid is None:
        return None
    if event == presence.EVENT and cid != reader.conversation_id:
        return None
    role = await fast_reads.role(db, reader.brand_id, reader.user_id)
    if role not in access.WORKERS:
        return ENDED
    if event == CHANGED:
        return CHANGED, json.dumps({"conversation_id": str(cid)})
    return presence.EVENT, await _presence_json(db, reader, _entries(message))


class Desks:
    """The process's desk pages, by brand: one broker subscription per brand's channel."""

    def __init__(self, broker: Broker) -> None:
        self.hub = Hub(broker, self._arrived)

    async def _arrived(self, batch: list[Arrival]) -> None:
        for arrival in batch:
            for member in arrival.members:
                if isinstance(member, DeskReader):
                    member.put(arrival.message)

    def join(self, reader: DeskReader) -> None:
        self.hub.join(channel(reader.brand_id), reader)

    def leave(self, reader: DeskReader) -> None:
        self.hub.leave(channel(reader.brand_id), reader)


_desks: weakref.WeakKeyDictionary[Any, Desks] = weakref.WeakKeyDictionary()


def desks_for(broker: Broker) -> Desks:
    found = _desks.get(broker)
    if found is None:
        found = _desks[broker] = Desks(broker)
    return found


async def events(request: Request[Any, Any, Any], reader: DeskReader) -> AsyncIterator[bytes]:
    svc = services(request)
    desks = desks_for(svc.broker)
    desks.join(reader)
    await asyncio.sleep(0)  # let the subscription register before the page hears it is open
    try:
        yield b": connected\nretry: 3000\n\n"
        if reader.conversation_id is not None:
            yield sse(*await current(svc.db, svc.desk_presence, reader))
        while True:
            try:
                message = await asyncio.wait_for(reader.inbox.get(), HEARTBEAT_SECONDS)
            except TimeoutError:
                yield b":thump\n\n"
                continue
            painted = await paint(svc.db, reader, message)
            if painted == ENDED:
                return
            if painted is not None:
                yield sse(*painted)
    finally:
        desks.leave(reader)


@get("/web/desk/stream", name="web:desk-stream")
async def stream(request: Request[Any, Any, Any], conversation: str | None = None) -> Stream:
    me = await signed_in(request)
    reader = await admit(services(request).db, me, conversation)
    return Stream(
        events(request, reader),
        media_type="text/event-stream",
        headers={"Cache-Control": "no-cache", "X-Accel-Buffering": "no"},
    )


ROUTES = [stream]
