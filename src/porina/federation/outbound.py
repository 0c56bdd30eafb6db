"""Outgoing status activities: durable subscribers that send a local account's posts, edits,
deletes, favourites, boosts and blocks to the servers that should hear of them.

Who hears (``inboxes``, the one rule, property-tested): a public, unlisted or followers-only
post goes to its author's remote followers and the remote accounts it mentions, a shared
inbox standing for every recipient on its server; a direct post goes to each mentioned
remote account's own inbox and nowhere else. A server with no recipient never gets it.
Edits and deletes go where the post went. A favourite goes to the post's author; a boost
to the booster's followers and the post's author; a block to the blocked account.

Nothing is queued when no remote account is concerned: each subscriber's ``needed=`` asks
in the action's transaction (``federation/reach.py``, one read).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from porina.accounts.models import Account, Follow
from porina.core import events as ev
from porina.core.clock import iso
from porina.core.ids import new_id
from porina.federation import aliases, reach
from porina.federation import documents as doc
from porina.federation.dispatch import FederationContext, base_url, queue_delivery
from porina.federation.keys import ensure_keys
from porina.federation.notes import note_for, status_uri
from porina.jobs.events import subscribe
from porina.posts.models import Mention, Status


@dataclass(frozen=True, slots=True)
class Recipient:
    """A remote account that may see a post: its inbox and its server's shared inbox."""

    inbox: str
    shared_inbox: str | None = None


def inboxes(
    visibility: str, followers: Sequence[Recipient], mentioned: Sequence[Recipient]
) -> list[str]:
    """Where a post with this visibility goes (each inbox once)."""
    if visibility == "direct":
        return list(dict.fromkeys(r.inbox for r in mentioned))
    return list(dict.fromkeys(r.shared_inbox or r.inbox for r in [*followers, *mentioned]))


def _recipient(row: Any) -> Recipient:
    return Recipient(str(row[0]), str(row[1]) if row[1] else None)


async def _remote(session: AsyncSession, joined: Any, on: Any, where: Any) -> list[Recipient]:
    """The inboxes of the remote accounts ``joined`` ``on`` them where ``where`` holds."""
    query = (
        select(Account.inbox_url, Account.shared_inbox_url)
        .join(joined, on)
        .where(where, Account.domain.is_not(None), Account.inbox_url.is_not(None))
    )
    return [_recipient(r) for r in await session.execute(query)]


async def _followers(session: AsyncSession, account_id: int) -> list[Recipient]:
    on = Follow.account_id == Account.id
    return await _remote(session, Follow, on, Follow.target_account_id == account_id)


async def _mentioned(session: AsyncSession, status_id: int) -> list[Recipient]:
    on = Mention.account_id == Account.id
    return await _remote(session, Mention, on, Mention.status_id == status_id)


async def audience(session: AsyncSession, status: Status) -> list[str]:
    if status.group_id is not None and status.visibility == "private":
        return []  # the group announces it; a remote group's: ``group_replies.py``
    followers = (
        [] if status.visibility == "direct" else await _followers(session, status.account_id)
    )
    return inboxes(status.visibility, followers, await _mentioned(session, status.id))


async def _send(
    ctx: FederationContext, sender_id: int, targets: Sequence[str], activity: dict[str, Any]
) -> None:
    if not targets:
        return
    async with ctx.db.transaction() as tx:
        for inbox in targets:
            await queue_delivery(tx, sender_id, inbox, activity)


async def _local_post(session: AsyncSession, status_id: int) -> tuple[Status, Account] | None:
    """A local status (not a boost) and its local author."""
    status = await session.get(Status, status_id)
    if status is None or not status.local or status.reblog_of_id is not None:
        return None
    author = await session.get(Account, status.account_id)
    return None if author is None or author.domain is not None else (status, author)


async def _post_activity(ctx: FederationContext, status_id: int, kind: str) -> None:
    """Create, Update or Delete of a local post, to its audience."""
    base = base_url(ctx)
    async with ctx.db.read() as session:
        found = await _local_post(session, status_id)
        if found is None:
            return
        status, author = found
        if kind != "Delete" and status.deleted_at is not None:
            return  # deleted before this job ran: its Delete follows
        targets = await audience(session, status)
        note = await note_for(session, status, author, base) if targets else {}
    if not targets:
        return
    await _send(ctx, author.id, targets, doc.POST_ACTIVITIES[kind](note))


def _local(event: ev.StatusCreated) -> bool:
    """A post received from another server is not sent on."""
    return event.local


@subscribe(ev.StatusCreated, job="federation.on_status_created", when=_local, needed=reach.created)
async def status_created(ctx: FederationContext, event: ev.StatusCreated) -> None:
    if event.local:
        await _post_activity(ctx, event.status_id, "Create")


@subscribe(ev.StatusEdited, job="federation.on_status_edited", needed=reach.edited)
async def status_edited(ctx: FederationContext, event: ev.StatusEdited) -> None:
    await _post_activity(ctx, event.status_id, "Update")


@subscribe(
    ev.StatusDeleted, job="federation.on_status_deleted", when=reach.own_post, needed=reach.edited
)
async def status_deleted(ctx: FederationContext, event: ev.StatusDeleted) -> None:
    await _post_activity(ctx, event.status_id, "Delete")


async def _interaction(
    ctx: FederationContext, actor_id: int, status_id: int
) -> tuple[Account, Status, Account, str] | None:
    """The local actor, the status acted on, its author and its ActivityPub id."""
    async with ctx.db.read() as session:
        me = await session.get(Account, actor_id)
        status = await session.get(Status, status_id)
        if me is None or me.domain is not None or status is None:
            return None
        author = await session.get(Account, status.account_id)
        uri = await status_uri(session, status, base_url(ctx))
    return None if author is None else (me, status, author, uri)


async def _like(ctx: FederationContext, event: ev.Favourited | ev.Unfavourited, undo: bool) -> None:
    if event.actor is None:
        return
    found = await _interaction(ctx, event.actor.account_id, event.status_id)
    if found is None or found[2].domain is None or not found[2].inbox_url:
        return
    me, _, author, uri = found
    inbox = str(author.inbox_url)
    actor = doc.actor_url(base_url(ctx), me.username)
    like = {
        "id": f"{actor}#likes/{event.status_id}/{new_id()}",
        "type": "Like",
        "actor": actor,
        "object": uri,
    }
    activity = doc.undo_activity(actor, like) if undo else {"@context": doc.CONTEXT, **like}
    await _send(ctx, me.id, [inbox], activity)


def _remote_status(event: ev.Favourited | ev.Unfavourited) -> bool:
    """A like goes to the author's server: none for a status written here."""
    return not event.status_local


@subscribe(ev.Favourited, job="federation.on_favourited", when=_remote_status)
async def favourited(ctx: FederationContext, event: ev.Favourited) -> None:
    await _like(ctx, event, undo=False)


@subscribe(ev.Unfavourited, job="federation.on_unfavourited", when=_remote_status)
async def unfavourited(ctx: FederationContext, event: ev.Unfavourited) -> None:
    await _like(ctx, event, undo=True)


async def _announce(
    ctx: FederationContext, event: ev.Reblogged | ev.Unreblogged, undo: bool
) -> None:
    found = await _interaction(ctx, event.reblogger_id, event.status_id)
    if found is None:
        return
    me, _, author, uri = found
    base = base_url(ctx)
    async with ctx.db.read() as session:
        boost = await session.get(Status, event.reblog_id)
        followers = await _followers(session, me.id)
    if boost is None or not boost.local:
        return
    mentioned = [Recipient(author.inbox_url, author.shared_inbox_url)] if author.inbox_url else []
    targets = inboxes(boost.visibility, followers, mentioned if author.domain else [])
    actor = doc.actor_url(base, me.username)
    to, cc = doc.addressing(
        boost.visibility, f"{actor}/followers", [author.uri or doc.actor_url(base, author.username)]
    )
    announce = {
        "id": f"{doc.status_url(base, me.username, boost.id)}/activity",
        "type": "Announce",
        "actor": actor,
        "published": iso(boost.created_at),
        "to": to,
        "cc": cc,
        "object": uri,
    }
    activity = doc.undo_activity(actor, announce) if undo else {"@context": doc.CONTEXT, **announce}
    await _send(ctx, me.id, targets, activity)


@subscribe(ev.Reblogged, job="federation.on_reblogged", needed=reach.boosted)
async def reblogged(ctx: FederationContext, event: ev.Reblogged) -> None:
    await _announce(ctx, event, undo=False)


@subscribe(ev.Unreblogged, job="federation.on_unreblogged", needed=reach.boosted)
async def unreblogged(ctx: FederationContext, event: ev.Unreblogged) -> None:
    await _announce(ctx, event, undo=True)


async def _block(ctx: FederationContext, event: ev.Blocked | ev.Unblocked, undo: bool) -> None:
    async with ctx.db.read() as session:
        me = await session.get(Account, event.account_id)
        target = await session.get(Account, event.target_id)
    if me is None or target is None or me.domain is not None or target.domain is None:
        return
    if not target.inbox_url:
        return
    actor = doc.actor_url(base_url(ctx), me.username)
    block = {
        "id": f"{actor}#blocks/{target.id}/{new_id()}",
        "type": "Block",
        "actor": actor,
        "object": target.uri,
    }
    activity = doc.undo_activity(actor, block) if undo else {"@context": doc.CONTEXT, **block}
    await _send(ctx, me.id, [target.inbox_url], activity)


@subscribe(ev.ProfileUpdated, job="federation.on_profile_updated", needed=reach.profile)
async def profile_updated(ctx: FederationContext, event: ev.ProfileUpdated) -> None:
    """A local account's new profile, as an Update of its actor, to its followers' servers."""
    async with ctx.db.read() as session:
        me = await session.get(Account, event.account_id)
        followers = await _followers(session, event.account_id)
        known_as = await aliases.also_known_as(session, event.account_id)
        moved_to = await aliases.moved_to(session, me, base_url(ctx)) if me is not None else None
    if me is None or me.domain is not None or not followers:
        return
    async with ctx.db.transaction() as tx:
        _, public_pem = await ensure_keys(tx.session, me.id)
    person = doc.actor_document(
        me, base_url(ctx), public_pem, moved_to=moved_to, also_known_as=known_as
    )
    person.pop("@context", None)
    actor = person["id"]
    activity = {
        "@context": doc.CONTEXT,
        "id": f"{actor}#updates/{new_id()}",
        "type": "Update",
        "actor": actor,
        "to": [doc.AS_PUBLIC],
        "object": person,
    }
    await _send(ctx, me.id, inboxes("public", followers, []), activity)


@subscribe(ev.Blocked, job="federation.on_blocked", needed=reach.block_edge)
async def blocked(ctx: FederationContext, event: ev.Blocked) -> None:
    await _block(ctx, event, undo=False)


@subscribe(ev.Unblocked, job="federation.on_unblocked", needed=reach.block_edge)
async def unblocked(ctx: FederationContext, event: ev.Unblocked) -> None:
    await _block(ctx, event, undo=True)
