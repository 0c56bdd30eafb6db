"""Reading groups: a group as the viewer may know it, the viewer's place in it, its members,
join requests, discussions and reports. Read-only."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import Select, select
from sqlalchemy.ext.asyncio import AsyncSession

from porina.accounts.models import Account, Block, Follow, FollowRequest
from porina.groups.errors import GroupNotFound, NotModerator
from porina.groups.models import MODERATORS, Group, GroupMembership, GroupReport, GroupThread


@dataclass(frozen=True, slots=True)
class Relation:
    """The viewer's place in a group. ``role``: owner, moderator or member when a member,
    else None; ``state``: invited or banned when so; ``requested``: a join request waits."""

    role: str | None = None
    state: str | None = None
    requested: bool = False

    @property
    def member(self) -> bool:
        return self.role is not None

    @property
    def moderator(self) -> bool:
        return self.role in MODERATORS

    @property
    def banned(self) -> bool:
        return self.state == "banned"


@dataclass(frozen=True, slots=True)
class Seen:
    """A group the viewer may know of, with its account and the viewer's relation."""

    group: Group
    account: Account
    relation: Relation

    @property
    def readable(self) -> bool:
        """Whether the viewer may read the group's discussions."""
        return self.group.privacy == "public" or self.relation.member


async def relation(session: AsyncSession, group_id: int, viewer_id: int | None) -> Relation:
    if viewer_id is None:
        return Relation()
    row = (
        await session.execute(
            select(
                select(Follow.id)
                .where(Follow.account_id == viewer_id, Follow.target_account_id == group_id)
                .scalar_subquery(),
                select(FollowRequest.id)
                .where(
                    FollowRequest.account_id == viewer_id,
                    FollowRequest.target_account_id == group_id,
                )
                .scalar_subquery(),
                select(GroupMembership.role)
                .where(
                    GroupMembership.group_id == group_id, GroupMembership.account_id == viewer_id
                )
                .scalar_subquery(),
                select(GroupMembership.state)
                .where(
                    GroupMembership.group_id == group_id, GroupMembership.account_id == viewer_id
                )
                .scalar_subquery(),
            )
        )
    ).one()
    following, requested, role, state = row
    if following is not None:
        return Relation(role=str(role) if state == "active" and role else "member")
    return Relation(
        state=state if state in ("invited", "banned") else None, requested=bool(requested)
    )


async def seen(session: AsyncSession, group_id: int | None, viewer_id: int | None) -> Seen:
    """The group, if the viewer may know of it: a hidden group is known to its members and
    the people invited to it alone (anyone else gets a 404, as if it did not exist)."""
    if group_id is None:
        raise GroupNotFound()
    found = (
        await session.execute(
            select(Group, Account)
            .join(Account, Account.id == Group.account_id)
            .where(Group.id == group_id, Account.suspended_at.is_(None))
        )
    ).first()
    if found is None:
        raise GroupNotFound()
    group, account = found
    rel = await relation(session, group.id, viewer_id)
    if group.privacy == "hidden" and not (rel.member or rel.state == "invited"):
        raise GroupNotFound()
    return Seen(group, account, rel)


async def moderating(session: AsyncSession, group_id: int | None, viewer_id: int) -> Seen:
    """The group, if the viewer is one of its owners or moderators: else a 403 (a 404 for a
    hidden group they may not know of, from ``seen``)."""
    found = await seen(session, group_id, viewer_id)
    if not found.relation.moderator:
        raise NotModerator()
    return found


def directory(viewer_id: int | None) -> Select[Group, Account]:
    """Groups the viewer may know of: public and private ones, and hidden ones they are in."""
    query = select(Group, Account).join(Account, Account.id == Group.account_id)
    query = query.where(Account.suspended_at.is_(None))
    if viewer_id is None:
        return query.where(Group.privacy != "hidden")
    mine = select(Follow.target_account_id).where(Follow.account_id == viewer_id)
    return query.where((Group.privacy != "hidden") | Group.id.in_(mine))


async def groups_of(session: AsyncSession, viewer_id: int | None, limit: int) -> list[Seen]:
    rows = (
        await session.execute(directory(viewer_id).order_by(Group.id.desc()).limit(limit))
    ).all()
    return [Seen(g, a, await relation(session, g.id, viewer_id)) for g, a in rows]


def threads(group_id: int) -> Select[int]:
    """The ids of a group's discussions (top-level posts), for a timeline's candidates."""
    return select(GroupThread.status_id).where(GroupThread.group_id == group_id)


async def thread(session: AsyncSession, status_id: int) -> GroupThread | None:
    return await session.get(GroupThread, status_id)


async def pinned(session: AsyncSession, group_id: int) -> list[int]:
    return list(
        await session.scalars(
            select(GroupThread.status_id)
            .where(GroupThread.group_id == group_id, GroupThread.pinned_at.is_not(None))
            .order_by(GroupThread.pinned_at.desc())
        )
    )


async def locked(session: AsyncSession, status_ids: list[int]) -> set[int]:
    if not status_ids:
        return set()
    return set(
        await session.scalars(
            select(GroupThread.status_id).where(
                GroupThread.status_id.in_(status_ids), GroupThread.locked_at.is_not(None)
            )
        )
    )


async def members(session: AsyncSession, group_id: int, limit: int) -> list[tuple[Account, str]]:
    """Members with their roles, owners and moderators first; never a pseudonym (the account
    an anonymous author replies under follows the group, but nobody joined as it: its follow
    is not counted in the group's ``followers_count`` either, ``accounts.graph``)."""
    rows = (
        await session.execute(
            select(Account, GroupMembership.role)
            .join(Follow, Follow.account_id == Account.id)
            .outerjoin(
                GroupMembership,
                (GroupMembership.group_id == group_id)
                & (GroupMembership.account_id == Account.id)
                & (GroupMembership.state == "active"),
            )
            .where(
                Follow.target_account_id == group_id,
                Account.pseudonym.is_(False),
            )
            .order_by(Follow.id)
            .limit(limit)
        )
    ).all()
    order = {"owner": 0, "moderator": 1}
    found = [(a, str(role or "member")) for a, role in rows]
    return sorted(found, key=lambda pair: order.get(pair[1], 2))


async def staff(session: AsyncSession, group_id: int) -> dict[str, str]:
    """The group's owners and moderators: ``{account id: role}`` (ids as the pages show them)."""
    rows = await session.execute(
        select(GroupMembership.account_id, GroupMembership.role).where(
            GroupMembership.group_id == group_id,
            GroupMembership.state == "active",
            GroupMembership.role.in_(MODERATORS),
        )
    )
    return {str(account_id): str(role) for account_id, role in rows}


async def join_requests(session: AsyncSession, group_id: int, limit: int) -> list[Account]:
    return list(
        await session.scalars(
            select(Account)
            .join(FollowRequest, FollowRequest.account_id == Account.id)
            .where(FollowRequest.target_account_id == group_id)
            .order_by(FollowRequest.id)
            .limit(limit)
        )
    )


async def banned(session: AsyncSession, group_id: int) -> list[Account]:
    return list(
        await session.scalars(
            select(Account)
            .join(Block, Block.target_account_id == Account.id)
            .where(Block.account_id == group_id)
            .order_by(Block.id)
        )
    )


async def reports(
    session: AsyncSession, group_id: int, limit: int, *, open_only: bool = False
) -> list[GroupReport]:
    """The group's reports, newest first; with ``open_only``, those not yet resolved."""
    query = select(GroupReport).where(GroupReport.group_id == group_id)
    if open_only:
        query = query.where(GroupReport.resolved_at.is_(None))
    return list(await session.scalars(query.order_by(GroupReport.id.desc()).limit(limit)))
