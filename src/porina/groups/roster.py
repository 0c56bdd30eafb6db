"""A group's members a page at a time (``GET /api/porina/v1/groups/:id/members``, the page
``/groups/:id/members``): owners first, then moderators, then members, each newest member
first; the cursor is the member's follow of the group (as Mastodon's account lists page by
the follow), so ``max_id`` is the page after a row and ``min_id`` the page before it. Never a
pseudonym (``Account.pseudonym``: the account an anonymous author replies under follows the
group, but nobody joined as it). Read-only."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import ColumnElement, and_, case, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from porina.accounts.models import Account, Follow
from porina.groups.models import GroupMembership


@dataclass(frozen=True, slots=True)
class Row:
    cursor: int
    """The member's follow of the group: ``max_id`` / ``min_id`` of the next pages."""
    account: Account
    role: str


@dataclass(frozen=True, slots=True)
class Members:
    rows: list[Row]
    newer: bool
    """A page comes before this one."""
    older: bool
    """A page comes after this one."""


def _rank(group_id: int) -> tuple[ColumnElement[Any], ColumnElement[bool]]:
    """The rank of a follow of the group (owner 0, moderator 1, member 2) and the join it needs."""
    role = GroupMembership.role
    joined = (
        (GroupMembership.group_id == group_id)
        & (GroupMembership.account_id == Follow.account_id)
        & (GroupMembership.state == "active")
    )
    return case((role == "owner", 0), (role == "moderator", 1), else_=2), joined


async def _rank_of(session: AsyncSession, group_id: int, cursor: int) -> int | None:
    rank, joined = _rank(group_id)
    return await session.scalar(
        select(rank)
        .select_from(Follow)
        .outerjoin(GroupMembership, joined)
        .where(Follow.id == cursor, Follow.target_account_id == group_id)
    )


async def members(
    session: AsyncSession,
    group_id: int,
    limit: int,
    *,
    max_id: int | None = None,
    min_id: int | None = None,
) -> Members:
    """One page of members: the first, the one after ``max_id`` or the one before ``min_id``
    (an unknown cursor: an empty page)."""
    rank, joined = _rank(group_id)
    query = (
        select(Follow.id, Account, rank)
        .join(Follow, Follow.account_id == Account.id)
        .outerjoin(GroupMembership, joined)
        .where(
            Follow.target_account_id == group_id,
            Account.pseudonym.is_(False),
        )
    )
    cursor = min_id if min_id is not None else max_id
    if cursor is not None:
        at = await _rank_of(session, group_id, cursor)
        if at is None:
            return Members([], newer=False, older=False)
        if min_id is not None:
            before = or_(rank < at, and_(rank == at, Follow.id > cursor))
            query = query.where(before).order_by(rank.desc(), Follow.id.asc())
        else:
            after = or_(rank > at, and_(rank == at, Follow.id < cursor))
            query = query.where(after).order_by(rank.asc(), Follow.id.desc())
    else:
        query = query.order_by(rank.asc(), Follow.id.desc())
    found = (await session.execute(query.limit(limit + 1))).all()
    more = len(found) > limit
    names = ("owner", "moderator", "member")
    rows = [Row(int(f), a, names[int(r)]) for f, a, r in found[:limit]]
    if min_id is not None:
        return Members(rows[::-1], newer=more, older=True)
    return Members(rows, newer=max_id is not None, older=more)
