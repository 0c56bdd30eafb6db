"""Groups as ActivityPub ``Group`` actors (FEP-1b12, as Lemmy and Guppe groups work).

- **Joining**: a remote ``Follow`` of a group's actor is the group's own join
  (``groups.actions.join``): a public group admits at once (the ``Accept`` follows from the
  ``Followed`` event, ``federation/delivery.py``); a private one records a join request that
  an owner or moderator approves (then ``Accept``); an invited account is admitted; a banned
  one, or anyone following a hidden group uninvited, gets a ``Reject`` (``refused``).
- **Posting in**: a remote ``Note`` whose ``to``, ``cc``, ``audience`` or ``Mention`` tags
  name a local group, or that answers a post of a group, is placed in that group
  (``place``) by the groups' own rules: a reply takes its discussion's group and audience
  and is refused (not stored) from a non-member or, in a locked discussion, from anyone but
  a moderator; a member's top-level public or unlisted post to a public group becomes a
  discussion that the group boosts (its ``Announce`` then goes to the group's followers,
  ``outbound.reblogged``), as a local member's mention does; a non-member's stays an
  ordinary post; a private group takes its members' posts as members-only (mentions kept to
  members) and refuses anyone else's.
- **Announcing**: a local member's discussion in a public group (``porina_group_id``) is
  announced by the group to its remote followers (``thread_started``), so remote members
  see it; one the group boosted already is announced by that boost.

A private group's posts are not sent by their authors to any other server
(``outbound.audience``): the group announces them to its remote members alone, addressed to
its followers collection (``federation/group_posts.py``), as it announces a public group's
replies, edits and deletes; a followed remote group's announces are taken in
``federation/group_inbox.py``, and a local member's reply in a remote private group goes to
that group's inbox alone (``federation/group_replies.py``; docs/federation.md, "Groups").
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from porina.accounts.models import Account, Follow
from porina.core.actor import Actor
from porina.core.clock import iso
from porina.federation import documents as doc
from porina.federation import reach
from porina.federation.dispatch import FederationContext, base_url, queue_delivery
from porina.groups import queries
from porina.groups.actions import start_thread
from porina.groups.errors import NotMember, ThreadLocked
from porina.groups.events import GroupThreadStarted
from porina.groups.models import Group
from porina.interactions.actions import reblog
from porina.jobs.events import subscribe
from porina.posts.models import Status
from porina.posts.visibility import PUBLIC
from porina.storage.db import Tx

REFUSALS = (NotMember, ThreadLocked)
"""What ``place`` raises when the group refuses a Note (it is then not stored)."""


@dataclass(frozen=True, slots=True)
class Placement:
    """Where a received Note goes: its group, the visibility the group gives it, whether it
    starts a discussion and whether the group boosts it."""

    group_id: int
    visibility: str
    thread: bool
    boost: bool


def _named(note: dict[str, Any]) -> list[str]:
    """The ids a Note is addressed to (``to``, ``cc``, ``audience``) or mentions."""
    named: list[Any] = []
    for key in ("to", "cc", "audience"):
        value = note.get(key)
        named += value if isinstance(value, list) else [value]
    tags = note.get("tag")
    for tag in tags[:100] if isinstance(tags, list) else []:
        if isinstance(tag, dict) and tag.get("type") == "Mention":
            named.append(tag.get("href"))
    return list(dict.fromkeys(n for n in named if isinstance(n, str)))


async def addressed_group(tx: Tx, note: dict[str, Any]) -> Group | None:
    """The first local group the Note names."""
    prefix = f"{tx.settings.base_url.rstrip('/')}/users/"
    for uri in _named(note):
        name = uri.removeprefix(prefix)
        if not uri.startswith(prefix) or not name or "/" in name or "#" in name:
            continue
        group_id = await tx.session.scalar(
            select(Group.id)
            .join(Account, Account.id == Group.account_id)
            .where(Account.username == name, Account.domain.is_(None))
        )
        if group_id is not None:
            return await tx.session.get(Group, group_id)
    return None


async def _reply_place(tx: Tx, sender: Account, parent: Status) -> Placement:
    assert parent.group_id is not None
    rel = await queries.relation(tx.session, parent.group_id, sender.id)
    if not rel.member:
        raise NotMember()
    found = await queries.thread(tx.session, parent.thread_id or parent.id)
    if found is not None and found.locked_at is not None and not rel.moderator:
        raise ThreadLocked()
    return Placement(parent.group_id, parent.visibility, thread=False, boost=False)


async def place(
    tx: Tx, sender: Account, note: dict[str, Any], parent: Status | None, chosen: str | None
) -> Placement | None:
    """The group a received Note goes to (None: no group); a ``PorinaError`` when the group
    refuses it (the Note is then not stored)."""
    if parent is not None and parent.group_id is not None:
        return await _reply_place(tx, sender, parent)
    group = await addressed_group(tx, note)
    if group is None:
        return None
    rel = await queries.relation(tx.session, group.id, sender.id)
    if group.privacy == "public":
        if not rel.member or chosen not in PUBLIC:
            return None  # as a local non-member's mention of a group: an ordinary post
        return Placement(group.id, str(chosen), thread=True, boost=True)
    if not rel.member:
        raise NotMember()
    return Placement(group.id, "private", thread=True, boost=False)


async def members_among(tx: Tx, group_id: int, accounts: list[Account]) -> list[Account]:
    """The group's members among ``accounts`` (a private group's post mentions only them)."""
    if not accounts:
        return []
    ids = set(
        await tx.session.scalars(
            select(Follow.account_id).where(
                Follow.target_account_id == group_id,
                Follow.account_id.in_([a.id for a in accounts]),
            )
        )
    )
    return [a for a in accounts if a.id in ids]


async def placed(tx: Tx, sender: Account, status: Status, placement: Placement | None) -> None:
    """After a received Note is stored in a group: its discussion, and the group's boost."""
    if placement is None or not placement.thread:
        return
    await start_thread(tx, Actor(account_id=sender.id), placement.group_id, status)
    if placement.boost:
        await reblog(tx, Actor(account_id=placement.group_id), status.id)


async def _thread_reach(tx: Tx, event: GroupThreadStarted) -> bool:
    return await reach.remote_followers(tx, event.group_id)


@subscribe(GroupThreadStarted, job="federation.on_group_thread_started", needed=_thread_reach)
async def thread_started(ctx: FederationContext, event: GroupThreadStarted) -> None:
    """A local member's new discussion in a public group, announced by the group to its
    remote followers (those on servers where the group has members)."""
    async with ctx.db.read() as session:
        status = await session.get(Status, event.status_id)
        group = await session.get(Group, event.group_id)
        account = await session.get(Account, event.group_id)
        boosted = await session.scalar(
            select(Status.id).where(
                Status.account_id == event.group_id, Status.reblog_of_id == event.status_id
            )
        )
        if status is None or group is None or account is None or boosted is not None:
            return
        if not status.local or status.deleted_at is not None or group.privacy != "public":
            return
        if status.visibility not in PUBLIC:
            return
        targets = await followers_inboxes(session, group.id)
        author = await session.get(Account, status.account_id)
    if author is None or not targets:
        return
    base = base_url(ctx)
    me = doc.actor_url(base, account.username)
    activity = announce(
        me, doc.status_url(base, author.username, status.id), iso(status.created_at)
    )
    async with ctx.db.transaction() as tx:
        for inbox in targets:
            await queue_delivery(tx, group.id, inbox, activity)


def announce(group_actor: str, object_id: str, published: str | None) -> dict[str, Any]:
    """The group's ``Announce`` of a post of its discussions (``object``: the Note's id)."""
    return {
        "@context": doc.CONTEXT,
        "id": f"{group_actor}#announces/{object_id.rsplit('/', 1)[-1]}",
        "type": "Announce",
        "actor": group_actor,
        "published": published,
        "to": [doc.AS_PUBLIC],
        "cc": [f"{group_actor}/followers"],
        "object": object_id,
    }


async def followers_inboxes(session: AsyncSession, group_id: int) -> list[str]:
    """The group's remote followers' inboxes, a shared inbox standing for its server."""
    rows = await session.execute(
        select(Account.inbox_url, Account.shared_inbox_url)
        .join(Follow, Follow.account_id == Account.id)
        .where(
            Follow.target_account_id == group_id,
            Account.domain.is_not(None),
            Account.inbox_url.is_not(None),
        )
    )
    return list(dict.fromkeys(str(shared or inbox) for inbox, shared in rows))
