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
"""

from __future__ import annotations

import logging
from typing import Any

from sqlalchemy import delete, select

from porina.accounts.models import Account
from porina.core.clock import now
from porina.core.errors import PorinaError
from porina.core.ids import parse_id
from porina.federation import notes, remote
from porina.federation.dispatch import FederationContext
from porina.jobs.queue import enqueue, handler
from porina.posts.models import Status, StatusPin
from porina.storage.db import Tx

log = logging.getLogger(__name__)
FETCH_FEATURED = "federation.fetch_featured"
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
        status_id = await tx.session.scalar(
            select(Status.id).where(
                Status.uri == note["id"],
                Status.account_id == owner.id,
                Status.visibility.in_(("public", "unlisted")),
                Status.deleted_at.is_(None),
            )
        )
        if status_id is not None and status_id not in pinned:
            pinned.append(status_id)
    await tx.session.execute(delete(StatusPin).where(StatusPin.account_id == owner.id))
    moment = now()
    for status_id in pinned:
        tx.session.add(StatusPin(account_id=owner.id, status_id=status_id, created_at=moment))
    await tx.session.flush()
