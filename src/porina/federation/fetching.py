"""Fetching on demand (issue 20): what an incoming activity names and this server lacks is
fetched through the guarded outbound client, signed by the instance actor
(``instance_actor.signed_get``), before the activity is handled, so the handler finds it
stored:

- a reply's parent (and its parent, up to ``MAX_DEPTH`` posts up the thread);
- an account a ``Mention`` names;
- the Note an ``Announce`` boosts.

Each incoming activity has a ``Budget``: at most ``MAX_FETCHES`` fetches and ``SECONDS`` in
all, so a peer cannot make the inbox walk an endless thread. A fetched object must be on the
origin that answered it (FEP-fe34): its ``id`` on the scheme, host and port the final answer
came from (when not, it is fetched once more by its own ``id``, which must then agree), and a
Note's ``attributedTo`` on the Note's origin. Nothing is fetched from a suspended domain.
What cannot be fetched is left out: the activity is still handled (a reply without its
parent, a mention of nobody known here, a boost of nothing is dropped).

``resolve_url`` is the same fetch for search (``resolve=true``): a status or account by its
``id`` or a web page whose ``<link rel="alternate" type="application/activity+json">`` names
it.
"""

from __future__ import annotations

import asyncio
import logging
import time
from dataclasses import dataclass, field
from html.parser import HTMLParser
from typing import Any

from sqlalchemy import select

from porina.accounts.models import Account
from porina.core.errors import Forbidden, NotFound, PorinaError
from porina.federation import domains, notes
from porina.federation.documents import ACTOR_TYPES
from porina.federation.group_inbox import relayed
from porina.federation.instance_actor import signed_get
from porina.federation.remote import (
    AP_ACCEPT,
    actor_columns,
    known_actor,
    origin,
    store_actor,
)
from porina.http.client import OutboundClient, OutboundResponse
from porina.http.errors import OutboundError
from porina.settings import Settings
from porina.storage.db import Database

log = logging.getLogger(__name__)
MAX_DEPTH = 5
"""Posts fetched up a thread from one incoming reply."""
MAX_FETCHES = 10
SECONDS = 20.0
NOTE_TYPES = frozenset({"Note"})
MAX_TAGS = 100
AP_TYPES = ("application/activity+json", "application/ld+json")


def _kind(doc: dict[str, Any]) -> str:
    """The object's ``type`` when it is one name (a list, as some peers send, is none)."""
    kind = doc.get("type")
    return kind if isinstance(kind, str) else ""


class BudgetSpent(NotFound):
    """This activity has made all the fetches it may."""


@dataclass
class Budget:
    """Fetches left and the moment they must all be done by."""

    fetches: int = MAX_FETCHES
    deadline: float = field(default_factory=lambda: time.monotonic() + SECONDS)

    def take(self) -> float:
        """One fetch: the seconds it may take; ``BudgetSpent`` when none is left."""
        left = self.deadline - time.monotonic()
        if self.fetches <= 0 or left <= 0:
            raise BudgetSpent("Fetch budget spent", code="fetch_budget")
        self.fetches -= 1
        return left


@dataclass
class Fetcher:
    """What a fetch needs, and the budget of the activity it serves."""

    db: Database
    client: OutboundClient
    settings: Settings
    budget: Budget = field(default_factory=Budget)
    seen: set[str] = field(default_factory=set)

    @property
    def base(self) -> str:
        return self.settings.base_url.rstrip("/")

    def is_local(self, url: str) -> bool:
        return url == self.base or url.startswith(f"{self.base}/")


async def _get(f: Fetcher, url: str) -> OutboundResponse:
    """One GET through the guarded client, signed by the instance actor, within the budget;
    nothing from a suspended domain."""
    async with f.db.read() as session:
        if await domains.suspended(session, domains.domain_of(url)):
            raise NotFound(f"{url} is on a suspended domain")
    seconds = f.budget.take()
    try:
        async with asyncio.timeout(seconds):
            return await signed_get(f.db, f.client, url, headers={"Accept": AP_ACCEPT})
    except (OutboundError, TimeoutError) as exc:
        raise NotFound(f"Could not fetch {url}: {exc!r}") from None


def _document(response: OutboundResponse) -> dict[str, Any]:
    try:
        body = response.json() if response.ok else None
    except OutboundError:
        body = None
    if not isinstance(body, dict):
        raise NotFound(f"{response.url} did not answer an ActivityStreams object")
    return body


class _Alternate(HTMLParser):
    """The first ``<link rel="alternate" type="application/activity+json" href>``."""

    def __init__(self) -> None:
        super().__init__()
        self.href: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = dict(attrs)
        kind = (found.get("type") or "").split(";")[0].strip().lower()
        rels = (found.get("rel") or "").lower().split()
        if self.href is None and tag == "link" and "alternate" in rels and kind in AP_TYPES:
            self.href = found.get("href")


def alternate_of(page: str) -> str | None:
    parser = _Alternate()
    parser.feed(page[:200_000])
    return parser.href


async def fetch_object(f: Fetcher, url: str, *, web_page: bool = False) -> dict[str, Any]:
    """The object at ``url``, on the origin that answered it (FEP-fe34). With ``web_page``
    an HTML answer's ActivityStreams alternate is fetched instead (once)."""
    response = await _get(f, url)
    kind = response.headers.get("content-type", "").split(";")[0].strip().lower()
    if web_page and kind == "text/html":
        href = alternate_of(response.text)
        if not href or not href.startswith(("https://", "http://")):
            raise NotFound(f"{url} names no ActivityStreams document")
        response = await _get(f, href)
    doc = _document(response)
    object_id = doc.get("id")
    if isinstance(object_id, str) and _same_origin(object_id, response.url):
        return doc
    if not isinstance(object_id, str) or object_id in (url, response.url):
        raise Forbidden("The object is not on the origin that served it", code="origin_mismatch")
    again = await _get(f, object_id)
    doc = _document(again)
    if doc.get("id") != object_id or not _same_origin(object_id, again.url):
        raise Forbidden("The object is not on the origin that served it", code="origin_mismatch")
    return doc


def _same_origin(one: str, other: str) -> bool:
    try:
        return origin(one) == origin(other)
    except PorinaError:
        return False


async def actor(f: Fetcher, uri: str) -> Account:
    """The remote account at ``uri``: stored, or fetched within the budget (with the same
    checks as ``remote.resolve_actor``)."""
    known = await known_actor(f.db, uri)
    if known is not None:
        return known
    response = await _get(f, uri)
    columns = actor_columns(_document(response), response.url)
    async with f.db.transaction() as tx:
        return await store_actor(tx, columns)


async def stored_status(f: Fetcher, uri: str) -> int | None:
    async with f.db.read() as session:
        found = await notes.find_status(session, f.base, uri)
    return found.id if found is not None else None


async def note(f: Fetcher, uri: str, depth: int) -> int | None:
    """The id of the status for the Note at ``uri``: stored, or fetched with its author and
    (``depth`` posts up) what it answers; None for a local URL that names nothing."""
    found = await stored_status(f, uri)
    if found is not None or f.is_local(uri) or uri in f.seen:
        return found
    f.seen.add(uri)
    return await store_note(f, await fetch_object(f, uri), depth)


async def store_note(f: Fetcher, doc: dict[str, Any], depth: int) -> int | None:
    """Store a fetched Note (its parent first, ``depth`` posts up, and its author)."""
    uri, author_uri = doc.get("id"), doc.get("attributedTo")
    if _kind(doc) not in NOTE_TYPES or not isinstance(uri, str):
        return None
    if not isinstance(author_uri, str) or not _same_origin(author_uri, uri):
        raise Forbidden("A note must be on its author's origin", code="origin_mismatch")
    await _parent(f, doc, depth)
    await mentioned(f, doc)
    author = await actor(f, author_uri)
    async with f.db.transaction() as tx:
        status = await notes.receive_note(tx, author, doc)
        if status is not None:
            return status.id
    return await stored_status(f, uri)


async def _parent(f: Fetcher, doc: dict[str, Any], depth: int) -> None:
    parent = doc.get("inReplyTo")
    parent = parent.get("id") if isinstance(parent, dict) else parent
    if not isinstance(parent, str) or depth <= 0:
        return
    try:
        await note(f, parent, depth - 1)
    except PorinaError as exc:  # the reply is kept without its parent
        log.info("parent %s not fetched: %s", parent, exc)


async def mentioned(f: Fetcher, doc: dict[str, Any]) -> None:
    """Fetch the remote accounts the Note's ``Mention`` tags name that are not known here."""
    tag = doc.get("tag")
    tags: list[Any] = tag if isinstance(tag, list) else []
    hrefs = [
        t["href"]
        for t in tags[:MAX_TAGS]
        if isinstance(t, dict) and t.get("type") == "Mention" and isinstance(t.get("href"), str)
    ]
    for href in dict.fromkeys(hrefs):
        if f.is_local(href):
            continue
        try:
            await actor(f, href)
        except BudgetSpent:
            return
        except PorinaError as exc:
            log.info("mentioned %s not fetched: %s", href, exc)


async def before_receive(f: Fetcher, activity: dict[str, Any]) -> None:
    """Fetch what ``activity`` names that is not here, before its handler runs; what
    cannot be fetched is left out, the activity is handled all the same."""
    kind, obj = activity.get("type"), activity.get("object")
    try:
        if kind == "Create" and isinstance(obj, dict) and _kind(obj) in NOTE_TYPES:
            await _parent(f, obj, MAX_DEPTH)
            await mentioned(f, obj)
        elif kind == "Announce" and (inner := relayed(activity)) is not None:
            await _relayed(f, inner)
        elif kind == "Announce":
            uri = obj.get("id") if isinstance(obj, dict) else obj
            if isinstance(uri, str):
                await note(f, uri, MAX_DEPTH - 1)
    except PorinaError as exc:
        log.info("%s %s: fetching what it names failed: %s", kind, activity.get("id"), exc)


async def _relayed(f: Fetcher, inner: dict[str, Any]) -> None:
    """A group's Announce of an embedded activity (``group_inbox``): its actor (on the
    group's origin, else it is not taken), and what the activity itself names."""
    who = inner.get("actor")
    if isinstance(who, str) and not f.is_local(who):
        await actor(f, who)
    await before_receive(f, inner)


async def stored(f: Fetcher, url: str) -> Account | int | None:
    """What ``url`` names among what is stored: a status (its id) or an account, by its
    ActivityPub id (a local status also by its URL here)."""
    found = await stored_status(f, url)
    if found is not None:
        return found
    async with f.db.read() as session:
        account: Account | None = await session.scalar(select(Account).where(Account.uri == url))
    return account


async def resolve_url(f: Fetcher, url: str) -> Account | int | None:
    """What ``url`` names for search (``resolve=true``): what is stored, else fetched: a
    Note is stored with its thread, an actor as a remote account."""
    known = await stored(f, url)
    if known is not None or f.is_local(url):
        return known
    doc = await fetch_object(f, url, web_page=True)
    if _kind(doc) in ACTOR_TYPES and isinstance(doc.get("id"), str):
        async with f.db.transaction() as tx:
            return await store_actor(tx, actor_columns(doc, doc["id"]))
    if _kind(doc) in NOTE_TYPES and isinstance(doc.get("id"), str):
        found = await stored_status(f, doc["id"])
        return found if found is not None else await store_note(f, doc, MAX_DEPTH)
    return None
