"""Remote actors: fetched through the guarded outbound client, stored as accounts with a
``domain`` (``host`` or ``host:port``), refreshed when older than ``STALE``.

``store_actor`` is the one writer of remote account rows. The document's ``id`` must be on
the origin it was fetched from (FEP-fe34), and its key's ``owner`` must be the actor. An
account first seen on a domain the admin suspended or silenced starts suspended or silenced
from the block's time (``domain_blocks.restrictions``), as those known at the block did.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any
from urllib.parse import quote, urlsplit

from sqlalchemy import func, select

from porina.accounts.models import Account
from porina.core.clock import aware, now
from porina.core.errors import BadRequest, NotFound
from porina.core.ids import new_id
from porina.federation import domain_blocks, emoji, featured
from porina.federation.documents import ACTOR_TYPES
from porina.federation.instance_actor import signed_get
from porina.http.client import OutboundClient
from porina.http.errors import OutboundError
from porina.posts.html import sanitize
from porina.storage.db import Database, Tx

AP_ACCEPT = 'application/activity+json, application/ld+json; profile="https://www.w3.org/ns/activitystreams"'
STALE = timedelta(days=1)


def origin(url: str) -> str:
    """``scheme://host[:port]`` lower-cased: FEP-fe34's unit of trust."""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise BadRequest("Not an http(s) URL", code="bad_id")
    return f"{parts.scheme}://{parts.netloc.lower()}"


async def fetch_json(
    client: OutboundClient, url: str, *, db: Database | None = None
) -> dict[str, Any]:
    """The JSON object at ``url``; the GET signed by the instance actor when ``db`` is given
    (``instance_actor.signed_get``: every fetch of a document; WebFinger goes unsigned)."""
    try:
        if db is None:
            response = await client.get(url, headers={"Accept": AP_ACCEPT})
        else:
            response = await signed_get(db, client, url, headers={"Accept": AP_ACCEPT})
        body = response.json() if response.ok else None
    except OutboundError as exc:
        raise NotFound(f"Could not fetch {url}: {exc}") from exc
    if not isinstance(body, dict):
        raise NotFound(f"{url} did not answer an ActivityStreams object")
    return body


def _text(value: Any, limit: int) -> str:
    return value[:limit] if isinstance(value, str) else ""


def actor_columns(doc: dict[str, Any], fetched_from: str) -> dict[str, Any]:
    """The account columns from an actor document, after the origin and key checks."""
    actor_id = _text(doc.get("id"), 2048)
    key = doc.get("publicKey")
    if not actor_id or origin(actor_id) != origin(fetched_from):
        raise BadRequest("Actor id is not on the origin it came from", code="origin_mismatch")
    if doc.get("type") not in ACTOR_TYPES or not isinstance(key, dict):
        raise BadRequest("Not an actor with a key", code="not_an_actor")
    if key.get("owner") != actor_id or not isinstance(key.get("publicKeyPem"), str):
        raise BadRequest("The key does not belong to the actor", code="key_owner")
    endpoints = doc["endpoints"] if isinstance(doc.get("endpoints"), dict) else {}
    shared = _text(endpoints.get("sharedInbox"), 2048) or None
    inbox = _text(doc.get("inbox"), 2048)
    username = _text(doc.get("preferredUsername"), 64)
    if not inbox or not username or (shared and origin(shared) != origin(actor_id)):
        raise BadRequest("Actor lacks an inbox or a name", code="not_an_actor")
    name, note = _text(doc.get("name"), 100), sanitize(_text(doc.get("summary"), 5000))
    return {
        "username": username,
        "domain": urlsplit(actor_id).netloc.lower(),
        "display_name": name,
        "note": note,
        "emojis": emoji.received(doc, name, note),
        "actor_type": doc["type"],
        "locked": doc.get("manuallyApprovesFollowers") is True,
        "uri": actor_id,
        "url": _text(doc.get("url"), 2048) or actor_id,
        "inbox_url": inbox,
        "shared_inbox_url": shared,
        "outbox_url": _text(doc.get("outbox"), 2048) or None,
        "followers_url": _text(doc.get("followers"), 2048) or None,
        "public_key_pem": key["publicKeyPem"],
        "avatar_remote_url": _image_url(doc.get("icon")),
        "header_remote_url": _image_url(doc.get("image")),
        "fetched_at": now(),
    }


def _image_url(image: Any) -> str | None:
    """An actor's ``icon`` or ``image``: the URL of an ``Image`` (or the first of a list);
    shown through the media proxy (``render.renderer``), never linked as it is."""
    if isinstance(image, list):
        image = image[0] if image else None
    url = image.get("url") if isinstance(image, dict) else None
    url = url.get("href") if isinstance(url, dict) else url
    if not isinstance(url, str) or len(url) > 2048:
        return None
    return url if url.startswith(("https://", "http://")) else None


async def store_actor(tx: Tx, columns: dict[str, Any]) -> Account:
    """Insert or refresh the remote account for ``columns["uri"]``."""
    account = await tx.session.scalar(select(Account).where(Account.uri == columns["uri"]))
    if account is None:
        blocked = await domain_blocks.restrictions(tx.session, columns["domain"])
        account = Account(id=new_id(), created_at=now(), **columns, **blocked)
        tx.session.add(account)
    elif account.domain is None:
        raise BadRequest("A remote actor may not claim a local account", code="origin_mismatch")
    else:
        for name, value in columns.items():
            setattr(account, name, value)
    await tx.session.flush()
    return account


async def known_actor(db: Database, uri: str) -> Account | None:
    async with db.read() as session:
        return await session.scalar(
            select(Account).where(Account.uri == uri, Account.domain.is_not(None))
        )


async def resolve_actor(
    db: Database, client: OutboundClient, uri: str, *, fresh: bool = False
) -> Account:
    """The remote account at ``uri``, fetched when unknown, stale, or ``fresh`` is asked.
    The fetch runs outside any transaction (no write lock is held across the network)."""
    account = await known_actor(db, uri)
    fetched = account.fetched_at if account is not None else None
    if account is not None and fetched is not None and not fresh and now() - aware(fetched) < STALE:
        return account
    document = await fetch_json(client, uri, db=db)
    columns = actor_columns(document, uri)
    async with db.transaction() as tx:
        account = await store_actor(tx, columns)
        await featured.queue_fetch(tx, account, document.get("featured"))
        return account


async def resolve_handle(db: Database, client: OutboundClient, handle: str) -> Account:
    """``user@host`` (``@`` optional) by WebFinger, then the actor its self link names."""
    name, _, host = handle.strip().lstrip("@").partition("@")
    if not name or not host or "/" in host or "?" in host:
        raise NotFound()
    async with db.read() as session:
        known = await session.scalar(
            select(Account).where(
                func.lower(Account.username) == name.lower(),
                func.lower(Account.domain) == host.lower(),
            )
        )
    if known is not None:
        return known
    scheme = "http" if client.policy.allows_http(*_host_port(host)) else "https"
    url = f"{scheme}://{host}/.well-known/webfinger?resource={quote(f'acct:{name}@{host}')}"
    jrd = await fetch_json(client, url)
    links = jrd["links"] if isinstance(jrd.get("links"), list) else []
    for link in links:
        href = link.get("href") if isinstance(link, dict) else None
        if link.get("rel") == "self" and isinstance(href, str):
            return await resolve_actor(db, client, href)
    raise NotFound()


def _host_port(host: str) -> tuple[str, int]:
    name, _, port = host.rpartition(":")
    return (name, int(port)) if port.isdigit() else (host, 443)
