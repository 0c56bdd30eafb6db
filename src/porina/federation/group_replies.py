"""A local member's reply in a REMOTE private group (a post of another server's group that
``group_inbox.members_only`` stored here as the group's members-only post, ``group_id`` the
group's account): its ``Create``, ``Update`` and ``Delete`` go to the group's own inbox and
nowhere else (not the author's followers, not an account it mentions), addressed ``to`` the
group's followers collection with the group actor in ``cc`` and ``audience``, as the group
addresses its own private posts (``federation/group_posts.py``). The group places it in its
discussion (a Porina group: ``federation/groups.place``) and announces it to its members.

The group's ``Announce`` of it that comes back (by id) names a local status: it is not
stored twice (``notes.find_status`` finds it here, and a private post is not boosted by
another account, ``interactions.reblog``).

Only a post concerns this module: a reply in a local group, or a post of no group, queues
no job here (``_concerns``: the status is the action's own, in its session; one read of the
group's account for a post of a group).
"""

from __future__ import annotations

from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from porina.accounts.models import Account
from porina.core import events as ev
from porina.federation import documents as doc
from porina.federation import reach
from porina.federation.dispatch import FederationContext, base_url, queue_delivery
from porina.federation.notes import note_for
from porina.jobs.events import subscribe
from porina.posts.models import Status
from porina.storage.db import Tx


async def _remote_group(session: AsyncSession, status: Status | None) -> Account | None:
    """The remote group whose members-only discussion this local post is in (None: none)."""
    if status is None or status.group_id is None or status.visibility != "private":
        return None
    if not status.local or status.reblog_of_id is not None:
        return None
    group: Account | None = await session.get(Account, status.group_id)
    if group is None or group.domain is None or not group.inbox_url:
        return None
    return group


async def _concerns(tx: Tx, status_id: int) -> bool:
    status = await tx.session.get(Status, status_id)
    return await _remote_group(tx.session, status) is not None


async def _created_reach(tx: Tx, event: ev.StatusCreated) -> bool:
    return await _concerns(tx, event.status_id)


async def _changed_reach(tx: Tx, event: ev.StatusEdited | ev.StatusDeleted) -> bool:
    return await _concerns(tx, event.status_id)


def in_group(note: dict[str, Any], group: Account) -> dict[str, Any]:
    """The Note as the remote group takes it: to its followers, the group in cc and
    ``audience`` (the mentions stay tags)."""
    actor = str(group.uri)
    followers = group.followers_url or f"{actor}/followers"
    return {**note, "to": [followers], "cc": [actor], "audience": actor}


async def _send(ctx: FederationContext, status_id: int, kind: str) -> None:
    """The ``Create``, ``Update`` or ``Delete`` of the reply, to the group's inbox alone."""
    async with ctx.db.read() as session:
        status = await session.get(Status, status_id)
        group = await _remote_group(session, status)
        if status is None or group is None:
            return
        if kind != "Delete" and status.deleted_at is not None:
            return  # deleted before this job ran: its Delete follows
        author = await session.get(Account, status.account_id)
        if author is None or author.domain is not None:
            return
        note = in_group(await note_for(session, status, author, base_url(ctx)), group)
    activity = {**doc.POST_ACTIVITIES[kind](note), "audience": note["audience"]}
    async with ctx.db.transaction() as tx:
        await queue_delivery(tx, author.id, str(group.inbox_url), activity)


@subscribe(ev.StatusCreated, job="federation.on_remote_group_reply", needed=_created_reach)
async def reply_created(ctx: FederationContext, event: ev.StatusCreated) -> None:
    await _send(ctx, event.status_id, "Create")


@subscribe(ev.StatusEdited, job="federation.on_remote_group_reply_edited", needed=_changed_reach)
async def reply_edited(ctx: FederationContext, event: ev.StatusEdited) -> None:
    await _send(ctx, event.status_id, "Update")


@subscribe(
    ev.StatusDeleted,
    job="federation.on_remote_group_reply_deleted",
    when=reach.own_post,
    needed=_changed_reach,
)
async def reply_deleted(ctx: FederationContext, event: ev.StatusDeleted) -> None:
    await _send(ctx, event.status_id, "Delete")
