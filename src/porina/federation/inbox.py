"""The inbox: verify a delivery, then hand its activity to the handler for its type.

Verification (``verify_delivery``): the draft-cavage signature (``signatures``), the key
fetched by its ``keyId`` through the guarded client (cached as the remote account's key,
fetched again once if the cached one fails: the actor may have rotated it), the key's owner
is the activity's ``actor``, and FEP-fe34's origin rule: the activity's ``id`` and an
embedded object's ``id`` are on the actor's origin. Anything else is refused before a row is
written. Activity types without a handler are accepted and ignored (202), as peers expect.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping
from typing import Any

from sqlalchemy import select

from porina.accounts import graph
from porina.accounts import queries as account_queries
from porina.accounts.models import Account, FollowRequest
from porina.core.actor import Actor
from porina.core.clock import now
from porina.core.errors import BadRequest, Forbidden
from porina.core.ids import new_id
from porina.federation import follows
from porina.federation.documents import AS_PUBLIC
from porina.federation.remote import origin, resolve_actor
from porina.federation.signatures import (
    ParsedSignature,
    SignatureError,
    check_request,
    parse_signature,
    verify_signature,
)
from porina.http.client import OutboundClient
from porina.jobs.queue import enqueue
from porina.posts.html import sanitize
from porina.posts.models import Status
from porina.storage.db import Database, Tx

Incoming = Callable[[Tx, Account, dict[str, Any], str], Awaitable[None]]


async def verify_delivery(
    db: Database,
    client: OutboundClient,
    *,
    method: str,
    target: str,
    headers: Mapping[str, str],
    body: bytes,
    activity: dict[str, Any],
) -> Account:
    """The remote account that signed this delivery, or a 401/403 ``PorinaError``."""
    sig = parse_signature(headers.get("signature"))
    check_request(sig, headers=headers, body=body, now=now())
    owner = sig.key_id.split("#", 1)[0]
    actor_id = activity.get("actor")
    if not isinstance(actor_id, str) or actor_id != owner:
        raise Forbidden("The signing key does not belong to the activity's actor", code="key_owner")
    _same_origin(activity, actor_id)
    account = await resolve_actor(db, client, owner)
    try:
        _verify(sig, method, target, headers, account)
    except SignatureError:
        account = await resolve_actor(db, client, owner, fresh=True)
        _verify(sig, method, target, headers, account)
    return account


def _verify(
    sig: ParsedSignature, method: str, target: str, headers: Mapping[str, str], account: Account
) -> None:
    pem = account.public_key_pem or ""
    verify_signature(sig, method=method, target=target, headers=headers, public_pem=pem)


def _same_origin(activity: dict[str, Any], actor_id: str) -> None:
    """FEP-fe34: what an actor sends is on its own origin (an activity without an id, as
    some servers send for Accept, is let through; its object is checked by the handler)."""
    home = origin(actor_id)
    ids = [activity.get("id")]
    obj = activity.get("object")
    if isinstance(obj, dict) and activity.get("type") in ("Create", "Update"):
        ids += [obj.get("id"), obj.get("attributedTo")]
    for value in ids:
        if value is not None and (not isinstance(value, str) or origin(value) != home):
            raise Forbidden("Activity is not on the actor's origin", code="origin_mismatch")


async def local_actor(tx: Tx, base: str, uri: Any) -> Account:
    prefix = f"{base}/users/"
    if not isinstance(uri, str) or not uri.startswith(prefix):
        raise BadRequest("Not a local actor", code="not_local")
    name = uri.removeprefix(prefix)
    account = await account_queries.local(tx.session, name)
    if account is None:
        raise BadRequest("Not a local actor", code="not_local")
    return account


async def on_follow(tx: Tx, sender: Account, activity: dict[str, Any], base: str) -> None:
    target = await local_actor(tx, base, activity.get("object"))
    await graph.follow(tx, Actor(account_id=sender.id), target.id)
    uri = activity.get("id") if isinstance(activity.get("id"), str) else None
    await follows.keep_uri(tx, sender.id, target.id, uri)


async def on_undo(tx: Tx, sender: Account, activity: dict[str, Any], base: str) -> None:
    obj = activity.get("object")
    if isinstance(obj, dict) and obj.get("type") == "Follow":
        if obj.get("actor") != sender.uri:
            raise Forbidden("Only the follower may undo a follow", code="origin_mismatch")
        target = await local_actor(tx, base, obj.get("object"))
        await graph.unfollow(tx, Actor(account_id=sender.id), target.id)


def _visibility(note: dict[str, Any], sender: Account) -> str | None:
    def listed(key: str) -> list[Any]:
        value = note.get(key)
        return value if isinstance(value, list) else [value]

    if AS_PUBLIC in listed("to"):
        return "public"
    if AS_PUBLIC in listed("cc"):
        return "unlisted"
    if sender.followers_url and sender.followers_url in listed("to") + listed("cc"):
        return "private"
    return None  # direct messages: not yet


async def on_create(tx: Tx, sender: Account, activity: dict[str, Any], base: str) -> None:
    note = activity.get("object")
    if not isinstance(note, dict) or note.get("type") != "Note":
        return
    uri, content = note.get("id"), note.get("content")
    visibility = _visibility(note, sender)
    if not isinstance(uri, str) or not isinstance(content, str) or visibility is None:
        return
    if note.get("attributedTo") != sender.uri:
        raise Forbidden("A note must be sent by its author", code="origin_mismatch")
    if await tx.session.scalar(select(Status.id).where(Status.uri == uri)) is not None:
        return  # delivered twice (through two inboxes, or a retry)
    status_id = new_id()
    summary = note.get("summary")
    tx.session.add(
        Status(
            id=status_id,
            account_id=sender.id,
            visibility=visibility,
            content=sanitize(content[:100_000]),
            spoiler_text=summary[:1000] if isinstance(summary, str) else "",
            sensitive=note.get("sensitive") is True,
            thread_id=status_id,
            created_at=now(),
            local=False,
            uri=uri,
            url=note["url"] if isinstance(note.get("url"), str) else uri,
        )
    )
    await tx.session.flush()
    await enqueue(tx, "timelines.fanout", {"status_id": str(status_id)})


async def on_accept(tx: Tx, sender: Account, activity: dict[str, Any], base: str) -> None:
    """A remote account accepted a local account's follow: a pending request (the remote
    account is locked) becomes a follow; a follow already recorded stays as it is."""
    obj = activity.get("object")
    follow_uri = obj.get("id") if isinstance(obj, dict) else obj
    match = FollowRequest.uri == follow_uri if isinstance(follow_uri, str) else None
    if isinstance(obj, dict) and obj.get("type") == "Follow":
        follower = await local_actor(tx, base, obj.get("actor"))
        match = FollowRequest.account_id == follower.id
    if match is None:
        return
    row = await tx.session.scalar(
        select(FollowRequest).where(FollowRequest.target_account_id == sender.id, match)
    )
    if row is not None:
        await graph.authorize_request(tx, Actor(account_id=sender.id), row.account_id)


HANDLERS: dict[str, Incoming] = {
    "Follow": on_follow,
    "Undo": on_undo,
    "Create": on_create,
    "Accept": on_accept,
}


async def receive(tx: Tx, sender: Account, activity: dict[str, Any], base: str) -> None:
    """Run the handler for the activity's type; unknown types are ignored."""
    handle = HANDLERS.get(str(activity.get("type")))
    account = await tx.session.get(Account, sender.id)
    if handle is not None and account is not None:
        await handle(tx, account, activity, base)
