"""A remote actor's featured (pinned) posts, so they show pinned on its profile here.

When a remote actor is fetched (``remote.resolve_actor``: first seen, or stale), a
``federation.fetch_featured`` job is queued (``queue_fetch``) that reads its ``featured``
collection through the guarded outbound client: the items inline, or its ``first`` page.
Each item (embedded, or fetched by its id) must be a Note or Question on the actor's origin
attributed to the actor; public and unlisted ones are stored as any delivered Note is
(``notes.receive_note``) and become the account's pins, replacing those it had (as
Mastodon's ``FetchFeaturedCollectionService``). At most ``MAX_ITEMS`` are read.

The local side, ``/users/{name}/collections/featured``, is served by
``api/activitypub/actors.py``: the pinned public posts only.

Changes one at a time, as Mastodon sends them:

- Incoming ``Add`` / ``Remove`` (``on_add``, ``on_remove``): the object a Note id on the
  sender's origin, the target the sender's featured collection. A ``federation.featured_change``
  job checks the target (the usual ``{actor}/collections/featured``, else the one the actor's
  document names, fetched), then ``Add`` pins the Note (stored first, fetched when new; the
  sender's own, public or unlisted, at most ``MAX_ITEMS`` pins) and ``Remove`` unpins it.
- Outgoing: a local account pinning or unpinning a public or unlisted post
  (``StatusPinned``/``StatusUnpinned``) sends ``Add``/``Remove`` to the post's audience (its
  followers' servers, and those of the accounts it mentions); no job when none is remote.
"""

from __future__ import annotations

import hashlib
import logging
from typing import Any

from sqlalchemy import Select, delete, func, select

from porina.accounts.models import Account
from porina.core import events as ev
from porina.core.clock import now
from porina.core.errors import PorinaError
from porina.core.ids import new_id, parse_id
from porina.federation import documents as doc
from porina.federation import notes, outbound, reach, remote
from porina.federation.dispatch import FederationContext, base_url, queue_delivery
from porina.jobs.events import subscribe
from porina.jobs.queue import enqueue, handler
from porina.posts.models import Status, StatusPin
from porina.storage.db import Tx

log = logging.getLogger(__name__)
FETCH_FEATURED = "federation.fetch_featured"
FEATURED_CHANGE = "federation.featured_change"
LISTED = ("public", "unlisted")
MAX_ITEMS = 5
"""Mastodon shows at most five pinned posts, and pins at most five here."""
NOTE_TYPES = ("Note", "Question")


async def queue_fetch(tx: Tx, account: Account, url: Any) -> None:
    """Read ``account``'s featured collection after commit (none when it names none, or one
    off the actor's origin)."""
    if not isinstance(url, str) or not account.uri:
        return
    try:
        if remote.origin(url) != remote.origin(account.uri):
            return
    except PorinaError:
        return
    payload = {"account_id": str(account.id), "url": url}
    key = f"{FETCH_FEATURED}:{account.id}:{now():%Y%m%d%H}"
    await enqueue(tx, FETCH_FEATURED, payload, key=key)


def _listed(body: dict[str, Any]) -> list[Any] | None:
    items = body.get("orderedItems", body.get("items"))
    return items[:MAX_ITEMS] if isinstance(items, list) else None


async def _items(ctx: FederationContext, url: str) -> list[Any]:
    """The collection's items: inline, or on its first page (one more fetch)."""
    body = await remote.fetch_json(ctx.outbound, url, db=ctx.db)
    items = _listed(body)
    if items is not None:
        return items
    first = body.get("first")
    if isinstance(first, dict):
        return _listed(first) or []
    if isinstance(first, str) and remote.origin(first) == remote.origin(url):
        return _listed(await remote.fetch_json(ctx.outbound, first, db=ctx.db)) or []
    return []


async def _note(ctx: FederationContext, owner: str, item: Any) -> dict[str, Any] | None:
    """An item as its Note, when it is the owner's (fetched when only its id is given)."""
    if isinstance(item, str) and remote.origin(item) == remote.origin(owner):
        item = await remote.fetch_json(ctx.outbound, item, db=ctx.db)
    if not isinstance(item, dict) or item.get("type") not in NOTE_TYPES:
        return None
    uri = item.get("id")
    if not isinstance(uri, str) or remote.origin(uri) != remote.origin(owner):
        return None
    return item if item.get("attributedTo") == owner else None


async def _fetched(ctx: FederationContext, owner: str, url: str) -> list[dict[str, Any]]:
    found: list[dict[str, Any]] = []
    for item in await _items(ctx, url):
        try:
            note = await _note(ctx, owner, item)
        except PorinaError as exc:
            log.info("featured item of %s not read: %s", owner, exc.message)
            continue
        if note is not None:
            found.append(note)
    return found


@handler(FETCH_FEATURED)
async def fetch_featured(ctx: FederationContext, payload: dict[str, Any]) -> None:
    account_id = parse_id(payload.get("account_id"))
    async with ctx.db.read() as session:
        owner = await session.get(Account, account_id) if account_id else None
    if owner is None or owner.domain is None or not owner.uri:
        return
    try:
        found = await _fetched(ctx, owner.uri, str(payload.get("url")))
    except PorinaError as exc:
        log.info("featured collection of %s not read: %s", owner.uri, exc.message)
        return
    async with ctx.db.transaction() as tx:
        await pin_received(tx, owner, found)


async def pin_received(tx: Tx, owner: Account, found: list[dict[str, Any]]) -> None:
    """Make the public and unlisted posts of ``found`` (stored first when new) the owner's
    pins, in place of those it had."""
    pinned: list[int] = []
    for note in found:
        await notes.receive_note(tx, owner, note)
        status_id = await tx.session.scalar(_listed_own(owner, note["id"]))
        if status_id is not None and status_id not in pinned:
            pinned.append(status_id)
    await tx.session.execute(delete(StatusPin).where(StatusPin.account_id == owner.id))
    moment = now()
    for status_id in pinned:
        tx.session.add(StatusPin(account_id=owner.id, status_id=status_id, created_at=moment))
    await tx.session.flush()


def _listed_own(owner: Account, uri: Any) -> Select[int]:
    """The id of the owner's live public or unlisted status stored for ``uri``."""
    return select(Status.id).where(
        Status.uri == uri,
        Status.account_id == owner.id,
        Status.visibility.in_(LISTED),
        Status.deleted_at.is_(None),
    )


def _on_origin(value: Any, owner: str) -> bool:
    try:
        return isinstance(value, str) and remote.origin(value) == remote.origin(owner)
    except PorinaError:
        return False


async def _queue_change(tx: Tx, sender: Account, activity: dict[str, Any], *, add: bool) -> None:
    """An ``Add``/``Remove`` naming a Note and a collection on the sender's origin: checked
    and applied by a job after commit (the target's check and a new Note need a fetch)."""
    obj, target = activity.get("object"), activity.get("target")
    if isinstance(obj, dict) and obj.get("type") not in NOTE_TYPES:
        return  # a featured hashtag's Add, say
    uri = obj.get("id") if isinstance(obj, dict) else obj
    if isinstance(target, dict):
        target = target.get("id")
    if not sender.uri or not _on_origin(uri, sender.uri) or not _on_origin(target, sender.uri):
        return
    payload = {"account_id": str(sender.id), "object": uri, "target": target, "add": add}
    known = activity.get("id")  # one job per activity (a key holds 128 characters at most)
    key = hashlib.sha256(known.encode()).hexdigest()[:40] if isinstance(known, str) else None
    await enqueue(tx, FEATURED_CHANGE, payload, key=f"{FEATURED_CHANGE}:{key}" if key else None)


async def on_add(tx: Tx, sender: Account, activity: dict[str, Any], base: str) -> None:
    await _queue_change(tx, sender, activity, add=True)


async def on_remove(tx: Tx, sender: Account, activity: dict[str, Any], base: str) -> None:
    await _queue_change(tx, sender, activity, add=False)


async def _is_featured(ctx: FederationContext, owner: str, target: str) -> bool:
    """Whether ``target`` is the owner's featured collection (its document read only when
    the target is not where Mastodon and Porina put it)."""
    if target == f"{owner}/collections/featured":
        return True
    return (await remote.fetch_json(ctx.outbound, owner, db=ctx.db)).get("featured") == target


async def _new_note(ctx: FederationContext, owner: Account, uri: str) -> dict[str, Any] | None:
    """The Note to pin when it is not stored yet (fetched), else None."""
    async with ctx.db.read() as session:
        known = await session.scalar(select(Status.id).where(Status.uri == uri))
    return None if known is not None else await _note(ctx, str(owner.uri), uri)


@handler(FEATURED_CHANGE)
async def featured_change(ctx: FederationContext, payload: dict[str, Any]) -> None:
    account_id = parse_id(payload.get("account_id"))
    async with ctx.db.read() as session:
        owner = await session.get(Account, account_id) if account_id else None
    uri, target, add = payload.get("object"), payload.get("target"), payload.get("add") is True
    if owner is None or owner.domain is None or not owner.uri or not isinstance(uri, str):
        return
    try:
        if not await _is_featured(ctx, owner.uri, str(target)):
            return
        note = await _new_note(ctx, owner, uri) if add else None
    except PorinaError as exc:
        log.info("featured change of %s not applied: %s", owner.uri, exc.message)
        return
    async with ctx.db.transaction() as tx:
        if add:
            await _pin_one(tx, owner, uri, note)
        else:
            await _unpin_one(tx, owner, uri)


async def _pin_one(tx: Tx, owner: Account, uri: str, note: dict[str, Any] | None) -> None:
    if note is not None:
        await notes.receive_note(tx, owner, note)
    status_id = await tx.session.scalar(_listed_own(owner, uri))
    if status_id is None or await tx.session.get(StatusPin, (owner.id, status_id)) is not None:
        return
    count = select(func.count()).where(StatusPin.account_id == owner.id)
    if (await tx.session.scalar(count) or 0) >= MAX_ITEMS:
        return
    tx.session.add(StatusPin(account_id=owner.id, status_id=status_id, created_at=now()))
    await tx.session.flush()


async def _unpin_one(tx: Tx, owner: Account, uri: str) -> None:
    own = select(Status.id).where(Status.uri == uri, Status.account_id == owner.id)
    await tx.session.execute(
        delete(StatusPin).where(StatusPin.account_id == owner.id, StatusPin.status_id.in_(own))
    )


def change_activity(kind: str, actor: str, uri: str) -> dict[str, Any]:
    """Mastodon's ``Add``/``Remove`` of a post to/from the actor's featured collection."""
    return {
        "@context": doc.CONTEXT,
        "id": f"{actor}#featured/{kind.lower()}/{new_id()}",
        "type": kind,
        "actor": actor,
        "object": uri,
        "target": f"{actor}/collections/featured",
    }


async def _pin_reaches(tx: Tx, event: ev.StatusPinned | ev.StatusUnpinned) -> bool:
    """A local public or unlisted post (read already, by the pin) another server has."""
    status = await tx.session.get(Status, event.status_id)
    if status is None or not status.local or status.visibility not in LISTED:
        return False
    return await reach.post_reaches(tx, status.account_id, status.id)


async def _send_change(ctx: FederationContext, status_id: int, kind: str) -> None:
    base = base_url(ctx)
    async with ctx.db.read() as session:
        status = await session.get(Status, status_id)
        author = await session.get(Account, status.account_id) if status else None
        if status is None or author is None or author.domain is not None:
            return
        if not status.local or status.visibility not in LISTED or status.deleted_at:
            return
        targets = await outbound.audience(session, status)  # by module: a cycle through remote
        uri = await notes.status_uri(session, status, base)
    activity = change_activity(kind, doc.actor_url(base, author.username), uri)
    async with ctx.db.transaction() as tx:
        for inbox in targets:
            await queue_delivery(tx, author.id, inbox, activity)


@subscribe(ev.StatusPinned, job="federation.on_status_pinned", needed=_pin_reaches)
async def status_pinned(ctx: FederationContext, event: ev.StatusPinned) -> None:
    await _send_change(ctx, event.status_id, "Add")


@subscribe(ev.StatusUnpinned, job="federation.on_status_unpinned", needed=_pin_reaches)
async def status_unpinned(ctx: FederationContext, event: ev.StatusUnpinned) -> None:
    await _send_change(ctx, event.status_id, "Remove")
