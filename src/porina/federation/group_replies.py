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

The group's post subscribers (``federation/group_posts.py``) call ``send`` for every post
of a group, with the local groups' announces: a post of a group is asked about once, in one
read (``reach.group``), and a reply in a local group, or a post of no group, queues no job.
The job kinds this module subscribed under before are still handled (``LEGACY``).
"""

from __future__ import annotations

from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from porina.accounts.models import Account
from porina.core.ids import parse_id
from porina.federation import documents as doc
from porina.federation.dispatch import FederationContext, base_url, queue_delivery
from porina.federation.notes import note_for
from porina.jobs.queue import Handler, handler
from porina.posts.models import Status


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


def in_group(note: dict[str, Any], group: Account) -> dict[str, Any]:
    """The Note as the remote group takes it: to its followers, the group in cc and
    ``audience`` (the mentions stay tags)."""
    actor = str(group.uri)
    followers = group.followers_url or f"{actor}/followers"
    return {**note, "to": [followers], "cc": [actor], "audience": actor}


async def send(ctx: FederationContext, status_id: int, kind: str) -> None:
    """The ``Create``, ``Update`` or ``Delete`` of a local member's reply in a remote group,
    to the group's inbox alone; nothing for any other post."""
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


LEGACY = {
    "federation.on_remote_group_reply": "Create",
    "federation.on_remote_group_reply_edited": "Update",
    "federation.on_remote_group_reply_deleted": "Delete",
}
"""This module's job kinds of an earlier release (its own subscribers, now the group's post
subscribers'): still registered, so a job queued before an upgrade still runs."""


def _legacy(kind: str) -> Handler:
    async def run(ctx: FederationContext, payload: dict[str, Any]) -> None:
        status_id = parse_id(payload.get("status_id"))
        if status_id is not None:
            await send(ctx, status_id, kind)

    return run


for _job, _kind in LEGACY.items():
    handler(_job)(_legacy(_kind))
