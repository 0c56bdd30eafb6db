"""What a verified activity does here, by type: each handler calls the same action a local
person's request calls (``graph``, ``interactions``, ``posts``), as the sender, so the same
rules (who may see what, blocks) and the same events apply.

The inbox has checked that the sender signed it and that the activity (and for ``Create``,
``Update``, ``Delete`` and ``Undo`` its object) is on the sender's origin (FEP-fe34). The
handlers add what depends on stored rows: a remote actor edits, deletes and undoes only its
own statuses, favourites, boosts, follows and blocks (the lookups are by the sender).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from sqlalchemy import select, update

from porina.accounts import graph
from porina.accounts import queries as account_queries
from porina.accounts.models import Account, Follow, FollowRequest
from porina.core.actor import Actor
from porina.core.errors import BadRequest, Forbidden, PorinaError
from porina.federation import actor_delete, featured, flags, follows, moves, notes, quote_updates
from porina.federation.documents import ACTOR_TYPES, AS_PUBLIC
from porina.federation.questions import looks_like_vote, receive_vote, refresh
from porina.federation.quote_requests import on_answer, on_quote_request
from porina.federation.remote import actor_columns, store_actor
from porina.interactions import actions as interactions
from porina.posts.editing import delete_status
from porina.posts.models import Status
from porina.storage.db import Tx

Incoming = Callable[[Tx, Account, dict[str, Any], str], Awaitable[None]]
NOTES = ("Note", "Question")


def object_id(activity: dict[str, Any]) -> str | None:
    obj = activity.get("object")
    value = obj.get("id") if isinstance(obj, dict) else obj
    return value if isinstance(value, str) else None


async def local_actor(tx: Tx, base: str, uri: Any) -> Account:
    prefix = f"{base}/users/"
    if not isinstance(uri, str) or not uri.startswith(prefix):
        raise BadRequest("Not a local actor", code="not_local")
    account = await account_queries.local(tx.session, uri.removeprefix(prefix))
    if account is None:
        raise BadRequest("Not a local actor", code="not_local")
    return account


def _as(sender: Account) -> Actor:
    return Actor(account_id=sender.id)


async def on_follow(tx: Tx, sender: Account, activity: dict[str, Any], base: str) -> None:
    target = await local_actor(tx, base, activity.get("object"))
    await follows.receive(tx, sender, target, activity, base)


async def on_accept(tx: Tx, sender: Account, activity: dict[str, Any], base: str) -> None:
    """A remote account accepted a local account's follow: a pending request (the remote
    account is locked) becomes a follow; a follow already recorded stays as it is. Or the
    author of a post accepted a local quote of it."""
    if await on_answer(tx, sender, activity, base, accepted=True):
        return
    row = await _our_request(tx, sender, activity, base, FollowRequest)
    if isinstance(row, FollowRequest):
        await graph.authorize_request(tx, _as(sender), row.account_id)


async def on_reject(tx: Tx, sender: Account, activity: dict[str, Any], base: str) -> None:
    """A remote account refused (or later removed) a local account's follow, or a quote of
    its post."""
    if await on_answer(tx, sender, activity, base, accepted=False):
        return
    request = await _our_request(tx, sender, activity, base, FollowRequest)
    if isinstance(request, FollowRequest):
        await graph.reject_request(tx, _as(sender), request.account_id)
        return
    follow = await _our_request(tx, sender, activity, base, Follow)
    if isinstance(follow, Follow):
        await graph.remove_from_followers(tx, _as(sender), follow.account_id)


async def _our_request(
    tx: Tx,
    sender: Account,
    activity: dict[str, Any],
    base: str,
    model: type[FollowRequest] | type[Follow],
) -> FollowRequest | Follow | None:
    """A local account's follow (or request) of the sender that ``activity.object`` names:
    by the embedded Follow's actor, or by the follow's id."""
    obj = activity.get("object")
    match = model.uri == object_id(activity) if object_id(activity) else None
    if isinstance(obj, dict) and obj.get("type") == "Follow":
        follower = await local_actor(tx, base, obj.get("actor"))
        match = model.account_id == follower.id
    if match is None:
        return None
    query = select(model).where(model.target_account_id == sender.id, match)
    found: FollowRequest | Follow | None = await tx.session.scalar(query)
    return found


async def on_create(tx: Tx, sender: Account, activity: dict[str, Any], base: str) -> None:
    note = activity.get("object")
    if not isinstance(note, dict) or note.get("type") not in NOTES:
        return
    if note.get("attributedTo") != sender.uri:
        raise Forbidden("A note must be sent by its author", code="origin_mismatch")
    if looks_like_vote(note):  # a vote on a poll here, as Mastodon sends it
        answered = await notes.find_status(tx.session, base, note.get("inReplyTo"))
        if answered is not None and await receive_vote(tx, sender, note, answered):
            return
    await notes.receive_note(tx, sender, note)
    await quote_updates.authorize_pending(tx, sender, note, base)  # verified after it is stored


async def on_update(tx: Tx, sender: Account, activity: dict[str, Any], base: str) -> None:
    """An edited Note of the sender's, or the sender's own profile (its actor document)."""
    note = activity.get("object")
    if isinstance(note, dict) and note.get("type") in ACTOR_TYPES and sender.uri:
        if note.get("id") == sender.uri:
            await store_actor(tx, actor_columns(note, sender.uri))
        return
    if not isinstance(note, dict) or note.get("type") not in NOTES:
        return
    if note.get("attributedTo") != sender.uri:
        raise Forbidden("A note must be edited by its author", code="origin_mismatch")
    if note.get("type") == "Question" and await refresh(
        tx, sender, note, notes.received_state(note)
    ):
        return  # only the poll's counts changed: no edit to record
    await notes.receive_edit(tx, sender, note)
    await quote_updates.authorize_pending(tx, sender, note, base)  # a pending quote authorised


async def on_delete(tx: Tx, sender: Account, activity: dict[str, Any], base: str) -> None:
    """Delete of the sender's own status (a tombstone stays: the row is soft-deleted), or of
    the sender itself (``actor_delete``)."""
    uri = object_id(activity)
    if uri is not None and uri == sender.uri:
        await actor_delete.remove_account(tx, sender)
        return
    if await quote_updates.on_delete(tx, sender, activity, base):
        return  # a QuoteAuthorization withdrawn by the quoted post's author
    status_id = await tx.session.scalar(
        select(Status.id).where(
            Status.uri == uri,
            Status.account_id == sender.id,
            Status.local.is_(False),
            Status.deleted_at.is_(None),
        )
    )
    if status_id is not None:
        await delete_status(tx, _as(sender), status_id)


async def on_like(tx: Tx, sender: Account, activity: dict[str, Any], base: str) -> None:
    """A favourite of a local post (likes of other servers' posts are theirs to count, as
    Mastodon does)."""
    status = await notes.find_status(tx.session, base, object_id(activity))
    if status is not None and status.local:
        await _quietly(interactions.favourite(tx, _as(sender), status.id))


async def on_announce(tx: Tx, sender: Account, activity: dict[str, Any], base: str) -> None:
    """A boost: the same reblog a local boost makes, keeping the Announce's id so its Undo
    finds it."""
    status = await notes.find_status(tx.session, base, object_id(activity))
    uri = activity.get("id")
    if status is None or not isinstance(uri, str):
        return
    to, cc = notes.listed(activity.get("to")), notes.listed(activity.get("cc"))
    visibility = "public" if AS_PUBLIC in to else "unlisted" if AS_PUBLIC in cc else "private"
    try:
        boost = await interactions.reblog(tx, _as(sender), status.id, visibility)
    except PorinaError:
        return
    await tx.session.execute(
        update(Status)
        .where(Status.id == boost.id, Status.uri.is_(None))
        .values(uri=uri, local=False)
        .execution_options(synchronize_session=False)
    )


async def on_block(tx: Tx, sender: Account, activity: dict[str, Any], base: str) -> None:
    target = await local_actor(tx, base, activity.get("object"))
    await graph.block(tx, _as(sender), target.id)


async def _quietly(action: Awaitable[Any]) -> None:
    """Run an interaction whose refusal (a status the sender may not see) is not the
    peer's business: the delivery is still accepted."""
    try:
        await action
    except PorinaError:
        return


async def on_undo(tx: Tx, sender: Account, activity: dict[str, Any], base: str) -> None:
    obj = activity.get("object")
    if isinstance(obj, str):
        await _undo_announce(tx, sender, obj)
        return
    if not isinstance(obj, dict):
        return
    if obj.get("actor", sender.uri) != sender.uri:
        raise Forbidden("Only the actor may undo its own activity", code="origin_mismatch")
    kind = obj.get("type")
    if kind == "Follow":
        target = await local_actor(tx, base, obj.get("object"))
        await graph.unfollow(tx, _as(sender), target.id)
    elif kind == "Like":
        status = await notes.find_status(tx.session, base, object_id(obj))
        if status is not None:
            await _quietly(interactions.unfavourite(tx, _as(sender), status.id))
    elif kind == "Announce" and isinstance(obj.get("id"), str):
        await _undo_announce(tx, sender, obj["id"])
    elif kind == "Block":
        target = await local_actor(tx, base, obj.get("object"))
        await graph.unblock(tx, _as(sender), target.id)


async def _undo_announce(tx: Tx, sender: Account, uri: str) -> None:
    boost = await tx.session.scalar(
        select(Status.id).where(
            Status.uri == uri,
            Status.account_id == sender.id,
            Status.reblog_of_id.is_not(None),
            Status.deleted_at.is_(None),
        )
    )
    if boost is not None:
        await _quietly(interactions.unreblog(tx, _as(sender), boost))


HANDLERS: dict[str, Incoming] = {
    "Follow": on_follow,
    "Accept": on_accept,
    "Reject": on_reject,
    "Undo": on_undo,
    "Create": on_create,
    "Update": on_update,
    "Delete": on_delete,
    "Like": on_like,
    "Announce": on_announce,
    "Block": on_block,
    "QuoteRequest": on_quote_request,
    "Flag": flags.on_flag,
    "Move": moves.on_move,
    "Add": featured.on_add,
    "Remove": featured.on_remove,
}
