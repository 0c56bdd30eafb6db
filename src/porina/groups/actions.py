"""Groups' writers: creating a group, joining and leaving, invitations and join requests,
roles, rules, posting into a group, and moderation (pins, locks, removals, bans, reports).

Membership is the member's follow of the group's account (``groups/models.py``), written
through the social graph's own actions, so counters, events and visibility follow from it:
joining a public group is a follow; asking to join a private one a follow request, which an
owner or moderator authorises acting as the group (``Actor(group, their user)``). A ban is the
group's block of the person. Refusals write nothing: each check comes before the first write.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

from sqlalchemy import delete, func, select

from porina.accounts import graph
from porina.accounts.actions import RESERVED, USERNAME, text_to_html
from porina.accounts.models import Account
from porina.accounts.queries import account as account_of
from porina.core.actor import Actor
from porina.core.clock import now
from porina.core.ids import new_id
from porina.groups import queries
from porina.groups.errors import (
    Banned,
    GroupNotFound,
    InvalidGroup,
    NotMember,
    NotModerator,
)
from porina.groups.events import (
    GroupCreated,
    GroupInvited,
    GroupJoined,
    GroupJoinRequested,
    GroupJoinRequestRejected,
    GroupLeft,
    GroupReportFiled,
    GroupReportResolved,
    GroupRoleChanged,
    GroupThreadChanged,
    GroupThreadStarted,
    GroupUnbanned,
    GroupUpdated,
)
from porina.groups.models import PRIVACIES, ROLES, Group, GroupMembership, GroupReport, GroupThread
from porina.jobs.events import emit
from porina.posts.access import get_visible
from porina.posts.compose import NewStatus, create_status
from porina.posts.editing import remove_status
from porina.posts.models import Status
from porina.storage.db import Tx

MAX_RULES = 20
MAX_RULE_CHARS = 500
MAX_DESCRIPTION = 5000
MAX_COMMENT = 1000
THREAD_CHANGES = ("pin", "unpin", "lock", "unlock")


def _as_group(group: Group, actor: Actor) -> Actor:
    """The group's account acting, operated by ``actor``'s person (recorded in events)."""
    return Actor(group.id, actor.user_id, actor.app_id, operated=True)


async def _moderating(tx: Tx, actor: Actor, group_id: int | None) -> queries.Seen:
    return await queries.moderating(tx.session, group_id, actor.account_id)


def _check_rules(rules: Sequence[str]) -> list[str]:
    cleaned = [r.strip() for r in rules if r.strip()]
    if len(cleaned) > MAX_RULES:
        raise InvalidGroup(f"Validation failed: A group has at most {MAX_RULES} rules")
    if any(len(r) > MAX_RULE_CHARS for r in cleaned):
        raise InvalidGroup(f"Validation failed: A rule is at most {MAX_RULE_CHARS} characters")
    return cleaned


async def _check_new(tx: Tx, name: str, display_name: str, privacy: str) -> None:
    if not USERNAME.match(name) or name.lower() in RESERVED:
        raise InvalidGroup(
            "Validation failed: Name must contain only letters, numbers and underscores"
        )
    if privacy not in PRIVACIES:
        raise InvalidGroup("Validation failed: Privacy is not included in the list")
    if len(display_name) > 100:
        raise InvalidGroup("Validation failed: Display name is too long (maximum is 100)")
    taken = await tx.session.scalar(
        select(Account.id).where(
            func.lower(Account.username) == name.lower(), Account.domain.is_(None)
        )
    )
    if taken is not None:
        raise InvalidGroup("Validation failed: Name has already been taken")


async def create(
    tx: Tx,
    actor: Actor,
    *,
    name: str,
    display_name: str = "",
    privacy: str = "public",
    description: str = "",
    rules: Sequence[str] = (),
) -> Group:
    """A group, its account (``actor_type`` Group: locked unless public; searchable when
    public; a hidden group's is not discoverable, which keeps it from everyone but its
    members, ``accounts.queries``) and its owner ``actor``, its first member."""
    await _check_new(tx, name, display_name, privacy)
    cleaned = _check_rules(rules)
    if len(description) > MAX_DESCRIPTION:
        raise InvalidGroup("Validation failed: Description is too long")
    moment = now()
    account = Account(
        id=new_id(),
        username=name,
        display_name=display_name or name,
        note=text_to_html(description),
        note_source=description,
        actor_type="Group",
        locked=privacy != "public",
        discoverable=privacy != "hidden",
        indexable=privacy == "public",
        created_at=moment,
    )
    tx.session.add(account)
    await tx.session.flush()
    group = Group(
        id=account.id,
        account_id=account.id,
        owner_account_id=actor.account_id,
        name=name,
        description=description,
        privacy=privacy,
        rules=cleaned,
        created_at=moment,
    )
    tx.session.add(group)
    await tx.session.flush()
    await emit(
        tx, GroupCreated(actor=actor, group_id=group.id, owner_id=actor.account_id, privacy=privacy)
    )
    await _admit(tx, actor, group, actor.account_id, role="owner")
    return group


async def _set_row(tx: Tx, group_id: int, account_id: int, *, role: str, state: str) -> None:
    row = await tx.session.get(GroupMembership, (group_id, account_id))
    if row is None:
        row = GroupMembership(group_id=group_id, account_id=account_id, created_at=now())
        tx.session.add(row)
    row.role, row.state = role, state
    await tx.session.flush()


async def _admit(
    tx: Tx, actor: Actor, group: Group, member_id: int, *, role: str = "member"
) -> None:
    """Make ``member_id`` a member: their follow of the group (``actor`` is the member
    joining a public group; else the group admits them), the membership row,
    ``GroupJoined``."""
    if group.privacy == "public":
        await graph.follow(tx, actor, group.id)
    else:
        await graph.admit(tx, _as_group(group, actor), member_id)
    await _set_row(tx, group.id, member_id, role=role, state="active")
    await emit(tx, GroupJoined(actor=actor, group_id=group.id, account_id=member_id))


async def join(tx: Tx, actor: Actor, group_id: int | None) -> str:
    """Join a public group, or a private or hidden one the actor is invited to: ``member``;
    ask to join a private group: ``requested``. A hidden group is a 404 without an
    invitation; a banned person is refused (403)."""
    seen = await queries.seen(tx.session, group_id, actor.account_id)
    rel, group = seen.relation, seen.group
    if rel.banned:
        raise Banned()
    if rel.member:
        return "member"
    if group.privacy == "public" or rel.state == "invited":
        await _admit(tx, actor, group, actor.account_id)
        return "member"
    if not rel.requested:
        await graph.follow(tx, actor, group.id)
        await emit(
            tx, GroupJoinRequested(actor=actor, group_id=group.id, account_id=actor.account_id)
        )
    return "requested"


async def admit_alias(tx: Tx, actor: Actor, group_id: int, alias_id: int) -> None:
    """A member brings in an account that speaks for them in the group (a pseudonym of
    theirs, ``anonymity``): a member at once, in a private or hidden group too (no join
    request to the moderators). Refused as ``join`` refuses, for the member or the alias."""
    seen = await queries.seen(tx.session, group_id, actor.account_id)
    alias = await queries.relation(tx.session, seen.group.id, alias_id)
    if seen.relation.banned or alias.banned:
        raise Banned()
    if not seen.relation.member:
        raise NotMember()
    if not alias.member:
        await _admit(tx, Actor(alias_id), seen.group, alias_id)


async def leave(tx: Tx, actor: Actor, group_id: int | None) -> None:
    """Leave (or withdraw a join request, or decline an invitation). An owner stays: a group
    always has one (422)."""
    seen = await queries.seen(tx.session, group_id, actor.account_id)
    if seen.relation.role == "owner":
        raise InvalidGroup("Validation failed: An owner cannot leave the group")
    if seen.relation.member or seen.relation.requested:
        await graph.unfollow(tx, actor, seen.group.id)
    if not seen.relation.banned:
        await tx.session.execute(
            delete(GroupMembership).where(
                GroupMembership.group_id == seen.group.id,
                GroupMembership.account_id == actor.account_id,
            )
        )
    if seen.relation.member:
        await emit(tx, GroupLeft(actor=actor, group_id=seen.group.id, account_id=actor.account_id))


async def _person(tx: Tx, actor: Actor, account_id: int | None) -> Account:
    target = await account_of(tx.session, account_id, actor.account_id)
    if target.actor_type == "Group":
        raise InvalidGroup("Validation failed: A group cannot be a member of a group")
    return target


async def invite(tx: Tx, actor: Actor, group_id: int | None, account_id: int | None) -> None:
    """An owner or moderator invites someone: they may then join at once, and a hidden group
    becomes known to them."""
    seen = await _moderating(tx, actor, group_id)
    target = await _person(tx, actor, account_id)
    rel = await queries.relation(tx.session, seen.group.id, target.id)
    if rel.member:
        return
    if rel.banned:
        raise InvalidGroup("Validation failed: This person is banned from the group")
    await _set_row(tx, seen.group.id, target.id, role="member", state="invited")
    await emit(tx, GroupInvited(actor=actor, group_id=seen.group.id, account_id=target.id))


async def approve(tx: Tx, actor: Actor, group_id: int | None, account_id: int | None) -> None:
    """Authorise a join request (404 when there is none)."""
    seen = await _moderating(tx, actor, group_id)
    target = await _person(tx, actor, account_id)
    await graph.authorize_request(tx, _as_group(seen.group, actor), target.id)
    await _set_row(tx, seen.group.id, target.id, role="member", state="active")
    await emit(tx, GroupJoined(actor=actor, group_id=seen.group.id, account_id=target.id))


async def reject(tx: Tx, actor: Actor, group_id: int | None, account_id: int | None) -> None:
    seen = await _moderating(tx, actor, group_id)
    target = await _person(tx, actor, account_id)
    await graph.reject_request(tx, _as_group(seen.group, actor), target.id)
    event = GroupJoinRequestRejected(actor=actor, group_id=seen.group.id, account_id=target.id)
    await emit(tx, event)


async def set_role(
    tx: Tx, actor: Actor, group_id: int | None, account_id: int | None, role: str
) -> None:
    """An owner makes a member an owner, a moderator or a plain member again."""
    seen = await _moderating(tx, actor, group_id)
    if seen.relation.role != "owner":
        raise NotModerator("Only the group's owners can change roles")
    if role not in ROLES:
        raise InvalidGroup("Validation failed: Role is not included in the list")
    target = await _person(tx, actor, account_id)
    if not (await queries.relation(tx.session, seen.group.id, target.id)).member:
        raise NotMember("Only members of this group can have a role in it")
    if target.id == actor.account_id and role != "owner":
        raise InvalidGroup("Validation failed: An owner cannot step down; make another owner first")
    await _set_row(tx, seen.group.id, target.id, role=role, state="active")
    await emit(
        tx, GroupRoleChanged(actor=actor, group_id=seen.group.id, account_id=target.id, role=role)
    )


async def update(
    tx: Tx,
    actor: Actor,
    group_id: int | None,
    *,
    rules: Sequence[str] | None = None,
    description: str | None = None,
) -> Group:
    """Owners and moderators set the rules and the description."""
    seen = await _moderating(tx, actor, group_id)
    group = seen.group
    if rules is not None:
        group.rules = _check_rules(rules)
    if description is not None:
        if len(description) > MAX_DESCRIPTION:
            raise InvalidGroup("Validation failed: Description is too long")
        group.description = description
        seen.account.note, seen.account.note_source = text_to_html(description), description
    await tx.session.flush()
    await emit(tx, GroupUpdated(actor=actor, group_id=group.id))
    return group


async def remove_member(
    tx: Tx, actor: Actor, group_id: int | None, account_id: int | None, *, ban: bool = False
) -> None:
    """Remove a member (and with ``ban``, keep them out: the group blocks them, so they can
    neither join again nor see its posts). Owners cannot be removed; only owners remove
    moderators."""
    seen = await _moderating(tx, actor, group_id)
    target = await _person(tx, actor, account_id)
    rel = await queries.relation(tx.session, seen.group.id, target.id)
    if rel.role == "owner" or (rel.role == "moderator" and seen.relation.role != "owner"):
        raise NotModerator("Only an owner can remove a moderator, and no one an owner")
    as_group = _as_group(seen.group, actor)
    if ban:
        await graph.block(tx, as_group, target.id)
        await _set_row(tx, seen.group.id, target.id, role="member", state="banned")
    else:
        await graph.remove_from_followers(tx, as_group, target.id)
        await tx.session.execute(
            delete(GroupMembership).where(
                GroupMembership.group_id == seen.group.id, GroupMembership.account_id == target.id
            )
        )
    event = GroupLeft(
        actor=actor, group_id=seen.group.id, account_id=target.id, removed=True, banned=ban
    )
    await emit(tx, event)


async def unban(tx: Tx, actor: Actor, group_id: int | None, account_id: int | None) -> None:
    seen = await _moderating(tx, actor, group_id)
    target = await _person(tx, actor, account_id)
    await graph.unblock(tx, _as_group(seen.group, actor), target.id)
    await tx.session.execute(
        delete(GroupMembership).where(
            GroupMembership.group_id == seen.group.id,
            GroupMembership.account_id == target.id,
            GroupMembership.state == "banned",
        )
    )
    await emit(tx, GroupUnbanned(actor=actor, group_id=seen.group.id, account_id=target.id))


async def post(tx: Tx, actor: Actor, group_id: int | None, new: NewStatus) -> Status:
    """Post into a group: members only (a hidden group is a 404 to others; another group a
    403). A top-level post starts a discussion; a reply must answer a post of this group.
    Its visibility is the group's: public in a public group, members-only (private) else."""
    seen = await queries.seen(tx.session, group_id, actor.account_id)
    if seen.relation.banned:
        raise Banned()
    if not seen.relation.member:
        raise NotMember()
    if new.in_reply_to_id is not None:
        parent = await get_visible(tx, actor.account_id, new.in_reply_to_id)
        if parent.group_id != seen.group.id:
            raise InvalidGroup("Validation failed: The post replied to is not in this group")
    visibility = "public" if seen.group.privacy == "public" else "private"
    status = await create_status(
        tx, actor, replace(new, visibility=visibility, group_id=seen.group.id)
    )
    if status.in_reply_to_id is None:
        await start_thread(tx, actor, seen.group.id, status)
    return status


async def start_thread(tx: Tx, actor: Actor, group_id: int, status: Status) -> None:
    if await tx.session.get(GroupThread, status.id) is not None:
        return
    tx.session.add(
        GroupThread(
            status_id=status.id, group_id=group_id, author_id=status.account_id, created_at=now()
        )
    )
    await tx.session.flush()
    event = GroupThreadStarted(
        actor=actor, group_id=group_id, status_id=status.id, author_id=status.account_id
    )
    await emit(tx, event)


async def change_thread(
    tx: Tx, actor: Actor, group_id: int | None, status_id: int | None, change: str
) -> GroupThread:
    """A moderator pins, unpins, locks (no more replies, but from moderators) or unlocks a
    discussion of the group (404: not one of its discussions)."""
    seen = await _moderating(tx, actor, group_id)
    found = await tx.session.get(GroupThread, status_id) if status_id is not None else None
    if found is None or found.group_id != seen.group.id:
        raise GroupNotFound()
    if change not in THREAD_CHANGES:
        raise InvalidGroup("Validation failed: Change is not included in the list")
    moment = now()
    if change in ("pin", "unpin"):
        found.pinned_at = moment if change == "pin" else None
    else:
        found.locked_at = moment if change == "lock" else None
    await tx.session.flush()
    past = {"pin": "pinned", "unpin": "unpinned", "lock": "locked", "unlock": "unlocked"}
    event = GroupThreadChanged(
        actor=actor, group_id=seen.group.id, status_id=found.status_id, change=past[change]
    )
    await emit(tx, event)
    return found


async def _group_status(tx: Tx, group: Group, status_id: int | None) -> Status:
    status = await tx.session.get(Status, status_id) if status_id is not None else None
    if status is None or status.group_id != group.id or status.deleted_at is not None:
        raise GroupNotFound()
    return status


async def remove_post(tx: Tx, actor: Actor, group_id: int | None, status_id: int | None) -> None:
    """A moderator removes a post of the group (a discussion, or a reply in one)."""
    seen = await _moderating(tx, actor, group_id)
    status = await _group_status(tx, seen.group, status_id)
    await remove_status(tx, actor, status)
    event = GroupThreadChanged(
        actor=actor, group_id=seen.group.id, status_id=status.id, change="removed"
    )
    await emit(tx, event)


async def report(
    tx: Tx,
    actor: Actor,
    group_id: int | None,
    *,
    account_id: int | None = None,
    status_id: int | None = None,
    comment: str = "",
) -> GroupReport:
    """A member reports a post of the group (its author is the one reported) or a member to
    the group's owners and moderators."""
    seen = await queries.seen(tx.session, group_id, actor.account_id)
    if not seen.relation.member:
        raise NotMember()
    if len(comment) > MAX_COMMENT:
        raise InvalidGroup(f"Validation failed: Comment is too long (maximum is {MAX_COMMENT})")
    if status_id is not None:
        account_id = (await _group_status(tx, seen.group, status_id)).account_id
    target = await _person(tx, actor, account_id)
    row = GroupReport(
        id=new_id(),
        group_id=seen.group.id,
        account_id=actor.account_id,
        target_account_id=target.id,
        status_id=status_id,
        comment=comment,
        created_at=now(),
    )
    tx.session.add(row)
    await tx.session.flush()
    event = GroupReportFiled(
        actor=actor,
        group_id=seen.group.id,
        report_id=row.id,
        target_account_id=target.id,
        status_id=status_id,
    )
    await emit(tx, event)
    return row


async def resolve_report(
    tx: Tx, actor: Actor, group_id: int | None, report_id: int | None
) -> GroupReport:
    seen = await _moderating(tx, actor, group_id)
    row = await tx.session.get(GroupReport, report_id) if report_id is not None else None
    if row is None or row.group_id != seen.group.id:
        raise GroupNotFound()
    if row.resolved_at is None:
        row.resolved_at, row.resolved_by_account_id = now(), actor.account_id
        await tx.session.flush()
        await emit(tx, GroupReportResolved(actor=actor, group_id=seen.group.id, report_id=row.id))
    return row
