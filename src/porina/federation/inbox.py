"""The inbox: verify a delivery in the request, then handle its activity in a job.

Verification (``verify_delivery``): the signature, draft-cavage or RFC 9421 (``verify``), the
key fetched by its ``keyId`` through the guarded client (cached as the remote account's key,
fetched again once if the cached one fails: the actor may have rotated it), the key's owner
is the activity's ``actor``, and FEP-fe34's origin rule: the activity's ``id`` and an
embedded object's ``id`` are on the actor's origin, and a Note it creates or edits (an
activity it undoes) is the actor's own. Anything else is refused before a row is written.

Processing (``queue_receive``, then the ``federation.receive`` job), as Mastodon's
``ActivityPub::ProcessingWorker``: a verified activity is queued as a durable job in a write
transaction that commits before the inbox answers 202, so nothing accepted is lost. The job
fetches what the activity names and this server lacks (``fetching.before_receive``: seconds
of remote calls no request waits for any more), then runs the handler for its type in its
own transaction. The job is keyed by the sender and the activity's ``id``: the same activity
delivered again (a peer's retry, or one copy to each of two inboxes) while its job waits or
runs queues nothing; one delivered after its job ran finds its work done (the handlers are
idempotent: one status per Note id, one favourite, one boost, one report per ``Flag`` id).
An activity without an ``id`` has no key. A handler's refusal (a ``PorinaError``: a Follow
of nobody here, say) ends the job quietly, as retrying changes nothing; any other failure is
retried with back-off. Activity types without a handler are accepted and ignored, as peers
expect.
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Mapping
from typing import Any

from porina.accounts.models import Account
from porina.core.clock import now
from porina.core.errors import Forbidden, PorinaError
from porina.federation import domains, fetching, group_inbox, notes
from porina.federation.dispatch import FederationContext, base_url
from porina.federation.incoming import HANDLERS, NOTES, object_id
from porina.federation.remote import origin
from porina.federation.verify import key_owner, present, signer
from porina.http.client import OutboundClient
from porina.jobs.queue import enqueue, handler
from porina.storage.db import Database, Tx

log = logging.getLogger(__name__)
RECEIVE = "federation.receive"


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
    base = db.context.settings.base_url.rstrip("/")
    presented = present(method, target, headers, body, base=base, now=now())
    actor_id = activity.get("actor")
    if not isinstance(actor_id, str) or actor_id != key_owner(presented.key_id):
        raise Forbidden("The signing key does not belong to the activity's actor", code="key_owner")
    _same_origin(activity, actor_id)
    _own_objects(activity, actor_id)
    return await signer(db, client, presented)


def _same_origin(activity: dict[str, Any], actor_id: str) -> None:
    """FEP-fe34: what an actor sends is on its own origin (an activity without an id, as
    some servers send for Accept, is let through; its object is checked by the handler).
    ``Create``/``Update`` carry the object itself, its id and author on that origin too;
    ``Delete`` and ``Undo`` may only name objects there (an embedded object's ``actor`` is
    the actor). ``Like``, ``Announce``, ``Follow`` and ``Block`` name others' objects."""
    home = origin(actor_id)
    kind = activity.get("type")
    ids = [activity.get("id")]
    obj = activity.get("object")
    if isinstance(obj, dict) and kind in ("Create", "Update"):
        ids += [obj.get("id"), obj.get("attributedTo")]
    elif kind in ("Delete", "Undo"):
        ids.append(obj.get("id") if isinstance(obj, dict) else obj)
        if isinstance(obj, dict) and obj.get("actor") is not None:
            ids.append(obj.get("actor"))
        if kind == "Delete" and not isinstance(ids[-1], str):
            raise Forbidden("Activity is not on the actor's origin", code="origin_mismatch")
    for value in ids:
        if value is not None and (not isinstance(value, str) or origin(value) != home):
            raise Forbidden("Activity is not on the actor's origin", code="origin_mismatch")


def _own_objects(activity: dict[str, Any], actor_id: str) -> None:
    """What the handlers would refuse whatever is stored, refused here (403) before a job is
    queued: a Note created or edited by someone else than its ``attributedTo``, an undo of
    an activity whose ``actor`` is someone else."""
    kind, obj = activity.get("type"), activity.get("object")
    if not isinstance(obj, dict):
        return
    if kind in ("Create", "Update") and obj.get("type") in NOTES:
        if obj.get("attributedTo") != actor_id:
            raise Forbidden("A note must be sent by its author", code="origin_mismatch")
    elif kind == "Undo" and obj.get("actor", actor_id) != actor_id:
        raise Forbidden("Only the actor may undo its own activity", code="origin_mismatch")


async def queue_receive(tx: Tx, sender: Account, activity: dict[str, Any]) -> None:
    """Queue the handling of a verified ``activity`` from ``sender`` as part of ``tx``; one
    job per sender and activity ``id`` while it waits or runs (none for an activity without
    an ``id``)."""
    uri = activity.get("id")
    key = None
    if isinstance(uri, str) and uri:
        digest = hashlib.sha256(f"{sender.id} {uri}".encode()).hexdigest()[:32]
        key = f"{RECEIVE}:{digest}"
    await enqueue(tx, RECEIVE, {"sender_id": str(sender.id), "activity": activity}, key=key)


@handler(RECEIVE)
async def received(ctx: FederationContext, payload: dict[str, Any]) -> None:
    """The ``federation.receive`` job: fetch what the activity names, then handle it in one
    transaction. Nothing from a domain suspended since the activity was accepted; a
    handler's refusal is logged, not retried."""
    activity: dict[str, Any] = payload["activity"]
    sender_id = int(payload["sender_id"])
    try:
        await domains.refuse_suspended(ctx.db, activity)
        fetcher = fetching.Fetcher(ctx.db, ctx.outbound, ctx.settings)
        await fetching.before_receive(fetcher, activity)
        async with ctx.db.transaction() as tx:
            await receive(tx, sender_id, activity, base_url(ctx))
    except PorinaError as exc:
        kind, uri = activity.get("type"), activity.get("id")
        log.info("%s %s from account %s not handled: %r", kind, uri, sender_id, exc)


async def receive(tx: Tx, sender_id: int, activity: dict[str, Any], base: str) -> None:
    """Run the handler for the activity's type as the sender (if still here); unknown
    types are ignored."""
    handle = HANDLERS.get(str(activity.get("type")))
    account = await tx.session.get(Account, sender_id)
    author = await group_inbox.unwrap(tx, account, activity) if account is not None else None
    if account is not None and author is not None:
        await _relayed(tx, account, author, activity, base)
    elif handle is not None and account is not None:
        await handle(tx, account, activity, base)


async def _relayed(
    tx: Tx, group: Account, author: Account, announce: dict[str, Any], base: str
) -> None:
    """A followed group's Announce of its member's activity (``group_inbox``): checked as
    if the member had sent it, handled as theirs; a Create is the group's boost too. A
    private group's post (``group_inbox.members_only``) is stored as the group's
    members-only post, and not boosted."""
    inner: dict[str, Any] = announce["object"]
    _same_origin(inner, str(author.uri))
    _own_objects(inner, str(author.uri))
    private = group_inbox.members_only(group, author, inner)
    if private is not None:
        if private.get("type") in NOTES:  # its author checked by ``_own_objects``
            await notes.receive_note(tx, author, private, group=group)
        return
    await HANDLERS[str(inner["type"])](tx, author, inner, base)
    if inner["type"] == "Create":
        await HANDLERS["Announce"](tx, group, {**announce, "object": object_id(inner)}, base)
