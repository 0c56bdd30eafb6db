"""``/web/stream``: live updates for the signed-in browser, as server-rendered HTML.

Why not ``/api/v1/streaming/user`` with a token: the browser holds only the HttpOnly session
cookie, so a bearer token would have to be handed to JavaScript, where an injected script could
read it. Instead this endpoint authenticates with the session cookie (a same-origin GET that
changes nothing, so CSRF does not apply), subscribes to the same broker channel as the API
stream (``user:{account_id}``), re-checks visibility through the same queries, and sends HTML
fragments in the reader's language, so ``app.js`` only inserts them.

Events: ``update`` (a post for the page's feed), ``mine`` (the reader's own post or boost, shown
at once), ``delete`` (a post id), ``notification`` (the notification's group), ``conversation``
(a direct-message conversation row), ``counts`` (JSON: the reply, boost and like counts of posts
on the page) and ``followers`` (JSON: the follower count of a profile on the page).

The page says what it shows in the query: ``timeline`` (``home``, ``local``, ``tag:NAME`` or
``list:ID``, one of the reader's own lists) picks the feed channel whose posts become ``update``;
``watch`` (post ids) and ``account`` (a profile id) pick the counters to keep live. Counts are
announced on the ``counts`` channel (``streaming/counts.py``) and coalesced per process: every
``COALESCE_SECONDS`` at most one message per reader, with the latest numbers of every post that
changed, and only for posts the reader may see now (the timelines' visibility rule, checked for
every reader in one statement).
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import weakref
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from typing import Any, cast

from jinja2 import Environment
from litestar import Request, get
from litestar.response import Stream
from sqlalchemy import select
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import aliased

from porina.accounts.models import Account
from porina.core.ids import parse_id
from porina.lists import queries as lists
from porina.messaging import queries as conversations
from porina.notifications import queries as notes
from porina.notifications.models import Notification
from porina.posts.models import Status
from porina.posts.queries import S, bundle_select, bundles
from porina.posts.visibility import visible_clause
from porina.storage.broker import Broker
from porina.storage.db import Database
from porina.streaming.counts import CHANNEL as COUNTS
from porina.streaming.hub import Arrival, Hub, hub_for
from porina.timelines.queries import not_muted
from porina.web import i18n
from porina.web.common import Me, signed_in
from porina.web.common import statuses as render_statuses
from porina.web.notifications import conversations_of, groups_of
from porina.web.runtime import services

log = logging.getLogger(__name__)

HEARTBEAT_SECONDS = 25.0
COALESCE_SECONDS = 1.5
MAX_WATCH = 200
Painted = tuple[str, str]


class Painter:
    """Renders broker messages as HTML for one reader."""

    def __init__(self, request: Request[Any, Any, Any], me: Me, locale: str) -> None:
        self.request = request
        self.me = me
        self.locale = locale
        engine: Any = request.app.template_engine
        self.env: Environment = engine.engine
        self.sent: list[int] = []  # ids of posts sent as updates, whose counts to keep live

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
        # the feeds' read-time rule: nothing from muted or blocked authors (local and tag
        # channels carry everyone's posts; the home channel is already filtered at fan-out)
        query = bundle_select(self.me.id).where(S.id == status_id, not_muted(self.me.id))
        async with services(self.request).db.read() as session:
            items = await bundles(session, query)
            shown = await render_statuses(self.request, session, self.me, items)
        if not shown:
            return None
        entry = shown[0]
        self.sent.append(int((entry.reblog or entry).id))
        name = "mine" if str(entry.account.id) == str(self.me.id) else "update"
        return name, self._html("partials/status.html", s=entry)

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


@dataclass(eq=False)
class Reader:
    """One open stream: who reads, in which language, and the counters its page shows."""

    me: Me
    locale: str
    statuses: set[int] = field(default_factory=set)
    accounts: set[int] = field(default_factory=set)
    inbox: asyncio.Queue[tuple[str | None, dict[str, Any]]] = field(
        default_factory=lambda: asyncio.Queue(500)
    )

    def put(self, channel: str | None, message: dict[str, Any]) -> None:
        if self.inbox.full():
            with contextlib.suppress(asyncio.QueueEmpty):
                self.inbox.get_nowait()
        self.inbox.put_nowait((channel, message))


def _counts_for(locale: str, row: Any) -> dict[str, Any]:
    i18n.activate(locale)
    return {
        "id": str(row.id),
        **{
            kind: {"text": i18n.fmt_compact(n), "label": i18n.fmt_number(n)}
            for kind, n in (
                ("replies", row.replies_count),
                ("reblog", row.reblogs_count),
                ("favourite", row.favourites_count),
            )
        },
    }


def _followers_for(locale: str, account_id: int, n: int) -> dict[str, str]:
    i18n.activate(locale)
    text = i18n.ngettext("%(num)s follower", "%(num)s followers", n) % {"num": n}
    return {"id": str(account_id), "text": text}


_V = aliased(Account, name="v")


class Counts:
    """The process's live counters: readers watching posts and profiles, and the changes
    announced on the ``counts`` channel, sent at most every ``COALESCE_SECONDS``."""

    def __init__(self, broker: Broker, db: Database) -> None:
        self.db = db
        self.hub = Hub(broker, self._arrived)
        self._statuses: set[int] = set()
        self._accounts: set[int] = set()
        self._gone: set[int] = set()  # deleted statuses, whose parents' reply counts changed
        self._flush: asyncio.Task[None] | None = None
        self.readers: dict[Reader, None] = {}

    def join(self, reader: Reader) -> None:
        if reader not in self.readers:
            self.readers[reader] = None
            self.hub.join(COUNTS, reader)

    def leave(self, reader: Reader) -> None:
        self.readers.pop(reader, None)
        self.hub.leave(COUNTS, reader)

    async def _arrived(self, batch: list[Arrival]) -> None:
        for arrival in batch:
            message = arrival.message
            if message.get("event") == "status" and (sid := parse_id(message.get("status_id"))):
                self._statuses.add(sid)
            elif message.get("event") == "account" and (aid := parse_id(message.get("account_id"))):
                self._accounts.add(aid)
            elif message.get("event") == "gone" and (gid := parse_id(message.get("status_id"))):
                self._gone.add(gid)
        if self._flush is None or self._flush.done():
            self._flush = asyncio.create_task(self._later())

    async def _later(self) -> None:
        while self._statuses or self._accounts or self._gone:
            await asyncio.sleep(COALESCE_SECONDS)
            statuses, self._statuses = self._statuses, set()
            accounts, self._accounts = self._accounts, set()
            gone, self._gone = self._gone, set()
            try:
                if gone and self.readers:
                    statuses |= await self._parents(gone)
                await self.send(statuses, accounts)
            except (SQLAlchemyError, OSError):  # a database failure: this round is lost, logged
                log.exception("web stream: could not send counts")

    async def _parents(self, gone: set[int]) -> set[int]:
        """The posts the deleted statuses ``gone`` replied to."""
        async with self.db.read() as session:
            found = await session.scalars(
                select(Status.in_reply_to_id).where(
                    Status.id.in_(gone), Status.in_reply_to_id.is_not(None)
                )
            )
            return {int(i) for i in found if i is not None}

    async def send(self, statuses: set[int], accounts: set[int]) -> None:
        """The latest counts of ``statuses`` and ``accounts`` to every reader showing them."""
        readers = list(self.readers)
        statuses &= {s for r in readers for s in r.statuses}
        accounts &= {a for r in readers for a in r.accounts}
        if statuses:
            await self._send_statuses(readers, statuses)
        if accounts:
            await self._send_accounts(readers, accounts)

    async def _send_statuses(self, readers: list[Reader], ids: set[int]) -> None:
        viewers = {r.me.account.id for r in readers if r.statuses & ids}
        async with self.db.read() as session:
            rows = {
                row.id: row
                for row in await session.execute(
                    select(
                        Status.id,
                        Status.replies_count,
                        Status.reblogs_count,
                        Status.favourites_count,
                    ).where(Status.id.in_(ids))
                )
            }
            seen = await session.execute(
                select(_V.id, Status.id)
                .select_from(_V)
                .join(Status, Status.id.in_(ids))
                .where(_V.id.in_(viewers))
                .where(visible_clause(Status, cast(Any, _V.id)))
            )
            allowed = {(int(v), int(s)) for v, s in seen}
        for reader in readers:
            mine = sorted(s for s in reader.statuses & ids if (reader.me.account.id, s) in allowed)
            if mine:
                body = [_counts_for(reader.locale, rows[s]) for s in mine if s in rows]
                reader.put(None, {"event": "counts", "data": json.dumps(body)})

    async def _send_accounts(self, readers: list[Reader], ids: set[int]) -> None:
        async with self.db.read() as session:
            found = await session.execute(
                select(Account.id, Account.followers_count).where(
                    Account.id.in_(ids), Account.suspended_at.is_(None)
                )
            )
            numbers = {int(a): int(n) for a, n in found}
        for reader in readers:
            for aid in sorted(reader.accounts & numbers.keys()):
                body = _followers_for(reader.locale, aid, numbers[aid])
                reader.put(None, {"event": "followers", "data": json.dumps(body)})


_counts: weakref.WeakKeyDictionary[Any, Counts] = weakref.WeakKeyDictionary()


def counts_for(broker: Broker, db: Database) -> Counts:
    found = _counts.get(broker)
    if found is None:
        found = _counts[broker] = Counts(broker, db)
    return found


def _ids(text: str | None, limit: int) -> set[int]:
    found = (parse_id(part) for part in (text or "").split(",")[:limit])
    return {i for i in found if i is not None}


async def feed_channel(request: Request[Any, Any, Any], me: Me, timeline: str | None) -> str | None:
    """The broker channel whose posts are this page's new posts (``None``: no feed)."""
    kind, _, arg = (timeline or "").partition(":")
    if kind == "home":
        return f"user:{me.account.id}"
    if kind == "local":
        return "public:local"
    if kind == "tag" and arg:
        return f"hashtag:{arg.lower()}"
    if kind == "list" and (list_id := parse_id(arg)) is not None:
        async with services(request).db.read() as session:
            own = await lists.own_list(session, me.account.id, list_id)
        return f"list:{list_id}" if own is not None else None
    return None


@dataclass(eq=False, frozen=True)
class Tap:
    """One open stream's place in the process's feed hub: its reader and the channels that
    are its page's feed and its home."""

    reader: Reader
    feed: str | None
    home: str


async def _hand_over(batch: list[Arrival]) -> None:
    """Each arrival to the readers of its channel whose page wants it."""
    for arrival in batch:
        for member in arrival.members:
            tap = cast(Tap, member)
            if _wanted(arrival.message, arrival.channel, tap.feed, tap.home):
                tap.reader.put(arrival.channel, arrival.message)


def feeds_for(broker: Broker) -> Hub:
    """The process's hub of the web streams' home and feed channels (one broker subscription
    for all of them, not one per open page)."""
    return hub_for(broker, lambda: _hand_over, kind="web")


def _wanted(message: dict[str, Any], channel: str | None, feed: str | None, home: str) -> bool:
    """Whether a broker message on ``channel`` is for this page."""
    if message.get("event") == "update":
        return channel == feed
    return channel == home or message.get("event") == "delete"


async def events(
    request: Request[Any, Any, Any],
    me: Me,
    watch: str | None,
    timeline: str | None,
    account: str | None,
) -> AsyncIterator[bytes]:
    painter = Painter(request, me, i18n.current())
    svc = services(request)
    broker = svc.broker
    reader = Reader(me, painter.locale, _ids(watch, MAX_WATCH), _ids(account, 1))
    home = f"user:{me.account.id}"
    feed = await feed_channel(request, me, timeline)
    channels = list(dict.fromkeys([home, *([feed] if feed else [])]))
    counts = counts_for(broker, svc.db)
    feeds = feeds_for(broker)
    tap = Tap(reader, feed, home)
    for name in channels:
        feeds.join(name, tap)
    counts.join(reader)
    await asyncio.sleep(0)
    try:
        yield b": connected\nretry: 3000\n\n"
        while True:
            try:
                _channel, message = await asyncio.wait_for(reader.inbox.get(), HEARTBEAT_SECONDS)
            except TimeoutError:
                yield b":thump\n\n"
                continue
            if _channel is None:
                yield sse(message["event"], message["data"])
                continue
            painted = await painter.paint(message)
            if painter.sent and len(reader.statuses) < MAX_WATCH * 2:
                reader.statuses.update(painter.sent)
            painter.sent.clear()
            if painted is not None:
                yield sse(*painted)
    finally:
        counts.leave(reader)
        for name in channels:
            feeds.leave(name, tap)


@get("/web/stream", name="web:stream")
async def stream(
    request: Request[Any, Any, Any],
    watch: str | None = None,
    timeline: str | None = None,
    account: str | None = None,
) -> Stream:
    me = await signed_in(request)
    return Stream(
        events(request, me, watch, timeline, account),
        media_type="text/event-stream",
        headers={"Cache-Control": "no-cache", "X-Accel-Buffering": "no"},
    )


ROUTES = [stream]
