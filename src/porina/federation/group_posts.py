"""A group's posts announced by the group (FEP-1b12, as Lemmy's communities do): the group
``Announce``s the ``Create``, ``Update`` and ``Delete`` of the posts in it to its remote
members' servers (the group's remote followers: their shared inbox, else their own), so
that remote members read the group where they are.

- **Who**: the group's remote followers alone: never the author's followers, nor an
  account the post mentions that is not a member (``followers_inboxes``). A server where the
  group has no member gets nothing; a post that concerns no remote member queues no job
  (``_concerns``: the status is in the action's session, the one read is the group's remote
  followers, asked only for a post of a group).
- **Private and hidden groups**: the ``Announce`` and the activity in it are addressed
  ``to`` the group's followers collection only, never ``as:Public``, so that a receiving
  server that takes it at its shared inbox shows it to the group's members there only (as
  Lemmy addresses a private community's activities). The group's followers collection lists
  nobody to a stranger (``api/activitypub/actors.py``).
- **What**: a local author's post is embedded (the ``Create``/``Update`` with its ``Note``,
  or the ``Delete`` with a ``Tombstone``, as the author's own would be); a remote author's
  post is announced by its id (the receiver fetches it from its origin, FEP-fe34); a
  remote author's deleted post, or a post a moderator removed, is a ``Delete`` by the group
  (or by the local moderator) announced by the group.
- **Public groups' discussions** are announced as boosts already (``groups.thread_started``
  and the group's boost of a remote member's post, ``outbound.reblogged``): here, a public
  group's replies, and every edit and delete.
- **A remote group's**: a local member's reply in a remote group's members-only discussion
  goes to the group's inbox alone (``federation/group_replies.py``). One subscriber per
  event serves both, so a post of a group costs the action one read (``reach.group``).
"""

from __future__ import annotations

import hashlib
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from porina.accounts.models import Account
from porina.core import events as ev
from porina.core.clock import iso
from porina.federation import documents as doc
from porina.federation import group_replies, reach
from porina.federation.dispatch import FederationContext, base_url, queue_delivery
from porina.federation.groups import followers_inboxes
from porina.federation.notes import note_for, status_uri
from porina.groups import queries
from porina.groups.models import Group
from porina.jobs.events import subscribe
from porina.posts.models import Status
from porina.storage.db import Tx

SHARED = ("public", "unlisted", "private")
"""The visibilities a group's post can have (a direct post is never announced)."""


async def _concerns(tx: Tx, status_id: int, *, created: bool) -> bool:
    """Whether another server is concerned by this post of a group (if any): the group has
    a member there (its announce), or the group is there and this is a local member's
    members-only reply (sent to its inbox). The status is the action's own (in the session:
    no read); only a group's post asks the group, in one read."""
    status = await tx.session.get(Status, status_id)
    if status is None or status.group_id is None or status.reblog_of_id is not None:
        return False
    if created and status.in_reply_to_id is None and status.visibility != "private":
        return False  # a public group's new discussion: announced as the group's boost
    remote, remote_followers = await reach.group(tx, status.group_id)
    reply = remote and status.local and status.visibility == "private"
    return reply or remote_followers


async def _created_reach(tx: Tx, event: ev.StatusCreated) -> bool:
    return await _concerns(tx, event.status_id, created=True)


async def _changed_reach(tx: Tx, event: ev.StatusEdited | ev.StatusDeleted) -> bool:
    return await _concerns(tx, event.status_id, created=False)


def _addressed(group_actor: str, *, private: bool) -> tuple[list[str], list[str]]:
    """``(to, cc)`` of what the group sends: a private group's to its followers alone."""
    followers = f"{group_actor}/followers"
    return ([followers], []) if private else ([doc.AS_PUBLIC], [followers])


def _digest(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()[:24]


def announce(group_actor: str, inner: Any, *, private: bool) -> dict[str, Any]:
    """The group's ``Announce`` of ``inner`` (an activity, or a Note's id)."""
    inner_id = inner if isinstance(inner, str) else str(inner.get("id"))
    to, cc = _addressed(group_actor, private=private)
    return {
        "@context": doc.CONTEXT,
        "id": f"{group_actor}#announces/{_digest(inner_id)}",
        "type": "Announce",
        "actor": group_actor,
        "to": to,
        "cc": cc,
        "audience": group_actor,
        "object": inner,
    }


def _in_group(note: dict[str, Any], group_actor: str, *, private: bool) -> dict[str, Any]:
    """A local Note as the group shows it: in its ``audience``; a private group's addressed
    to its followers alone (the mentions stay tags)."""
    followers = f"{group_actor}/followers"
    if private:
        return {**note, "to": [followers], "cc": [], "audience": group_actor}
    cc = [*note["cc"], followers] if followers not in note["cc"] else note["cc"]
    return {**note, "cc": cc, "audience": group_actor}


def _removal(group_actor: str, by: str, object_id: str, *, private: bool) -> dict[str, Any]:
    """A ``Delete`` of a post of the group, by the group or its local moderator."""
    to, cc = _addressed(group_actor, private=private)
    return {
        "id": f"{group_actor}#deletes/{_digest(object_id)}",
        "type": "Delete",
        "actor": by,
        "to": to,
        "cc": cc,
        "audience": group_actor,
        "object": object_id,
    }


async def _inner(
    ctx: FederationContext, status: Status, author: Account, kind: str, remover: str | None
) -> tuple[Any, str, bool] | None:
    """What the group announces, its actor id and whether it is private (None: nothing)."""
    base = base_url(ctx)
    async with ctx.db.read() as session:
        group = await session.get(Group, status.group_id)
        account = await session.get(Account, status.group_id)
        if group is None or account is None:
            return None
        me, private = doc.actor_url(base, account.username), group.privacy != "public"
        if author.domain is None and remover is None:
            note = await note_for(session, status, author, base)
            inner = doc.POST_ACTIVITIES[kind](_in_group(note, me, private=private))
            inner.pop("@context", None)
            return {**inner, "audience": me}, me, private
        uri = await status_uri(session, status, base)
    if kind == "Create":
        return uri, me, private
    if kind == "Delete":
        return _removal(me, remover or me, uri, private=private), me, private
    return None  # a remote author's edit: its own server sends it


async def _remover(session: AsyncSession, status: Status, remover_id: int, base: str) -> str | None:
    """Who a delete is by, when not its author: a local moderator of the group (their
    actor), else the group itself (``""``); None for the author's own delete. An anonymous
    author deletes as their pseudonym, so is never named here."""
    if not remover_id or remover_id == status.account_id or status.group_id is None:
        return None
    remover = await session.get(Account, remover_id)
    rel = await queries.relation(session, status.group_id, remover_id)
    if remover is None or remover.domain is not None or not rel.moderator:
        return ""
    return doc.actor_url(base, remover.username)


async def _announce(ctx: FederationContext, status_id: int, kind: str, remover_id: int) -> None:
    """The group's ``Announce`` of a post's Create, Update or Delete, to its remote members."""
    async with ctx.db.read() as session:
        status = await session.get(Status, status_id)
        if status is None or status.group_id is None or status.visibility not in SHARED:
            return
        if kind != "Delete" and status.deleted_at is not None:
            return  # deleted before this job ran: its Delete follows
        author = await session.get(Account, status.account_id)
        targets = await followers_inboxes(session, status.group_id)
        by = await _remover(session, status, remover_id, base_url(ctx))
    if author is None or not targets:
        return
    found = await _inner(ctx, status, author, kind, by)
    if found is None:
        return
    inner, me, private = found
    activity = {**announce(me, inner, private=private), "published": iso(status.created_at)}
    async with ctx.db.transaction() as tx:
        for inbox in targets:
            await queue_delivery(tx, status.group_id, inbox, activity)


async def _post_of_group(
    ctx: FederationContext, status_id: int, kind: str, remover_id: int
) -> None:
    """A local group's announce, or a local member's reply sent to a remote group: each
    finds by itself whether it applies (one of them does at most)."""
    await _announce(ctx, status_id, kind, remover_id)
    await group_replies.send(ctx, status_id, kind)


@subscribe(ev.StatusCreated, job="federation.on_group_post_created", needed=_created_reach)
async def group_post_created(ctx: FederationContext, event: ev.StatusCreated) -> None:
    await _post_of_group(ctx, event.status_id, "Create", 0)


@subscribe(ev.StatusEdited, job="federation.on_group_post_edited", needed=_changed_reach)
async def group_post_edited(ctx: FederationContext, event: ev.StatusEdited) -> None:
    await _post_of_group(ctx, event.status_id, "Update", 0)


@subscribe(
    ev.StatusDeleted,
    job="federation.on_group_post_deleted",
    when=reach.own_post,
    needed=_changed_reach,
)
async def group_post_deleted(ctx: FederationContext, event: ev.StatusDeleted) -> None:
    remover = event.actor.account_id if event.actor is not None else 0
    await _post_of_group(ctx, event.status_id, "Delete", remover)
