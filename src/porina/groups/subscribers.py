"""Groups react to statuses posted anywhere (any Mastodon app), in the transaction:

- a reply in a group's discussion (it took the group from its parent, ``posts.compose``) is
  refused unless its author is a member, and in a locked discussion unless a moderator: the
  error rolls the whole post back;
- a public or unlisted top-level status that mentions a group its author is a member of
  becomes a discussion of that group, which the group announces (boosts) to its members' home
  timelines, as Guppe and Lemmy groups do.
"""

from __future__ import annotations

from sqlalchemy import select, update

from porina.core.actor import Actor
from porina.core.events import StatusCreated
from porina.groups import queries
from porina.groups.actions import start_thread
from porina.groups.errors import NotMember, ThreadLocked
from porina.groups.models import Group
from porina.interactions.actions import reblog
from porina.jobs.events import subscribe
from porina.posts.models import Status
from porina.posts.visibility import PUBLIC
from porina.storage.db import Tx


def _group_reply(event: StatusCreated) -> bool:
    return event.local and event.group_id is not None and event.parent_id is not None


@subscribe(StatusCreated, when=_group_reply)
async def reply_in_group(tx: Tx, event: StatusCreated) -> None:
    assert event.group_id is not None
    rel = await queries.relation(tx.session, event.group_id, event.author_id)
    if not rel.member:
        raise NotMember()
    found = await queries.thread(tx.session, event.thread_id)
    if found is not None and found.locked_at is not None and not rel.moderator:
        raise ThreadLocked()


def _mentions_a_group(event: StatusCreated) -> bool:
    return (
        event.local
        and bool(event.mentioned_groups)
        and event.group_id is None
        and event.parent_id is None
        and event.visibility in PUBLIC
    )


@subscribe(StatusCreated, when=_mentions_a_group)
async def mentioned_group(tx: Tx, event: StatusCreated) -> None:
    group = await tx.session.scalar(
        select(Group)
        .where(Group.id.in_(event.mentioned_groups), Group.privacy == "public")
        .order_by(Group.id)
        .limit(1)
    )
    if group is None or event.actor is None:
        return
    if not (await queries.relation(tx.session, group.id, event.author_id)).member:
        return
    await tx.session.execute(
        update(Status).where(Status.id == event.status_id).values(group_id=group.id)
    )
    status = await tx.session.get(Status, event.status_id)
    if status is None:
        return
    await start_thread(tx, event.actor, group.id, status)
    await reblog(tx, Actor(group.id, event.actor.user_id, operated=True), event.status_id)
