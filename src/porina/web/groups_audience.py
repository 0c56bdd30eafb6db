"""A group's posts on any page: ``partials/status.html`` names a private group's audience
("Members of Café friends") where another post says "Followers", since a private group's post
is stored with visibility ``private`` yet its readers are the group's members, not its author's
followers (docs/groups.md); and it offers the group's members a link to report the post to the
group's moderators. ``{status id: GroupAudience}`` in the request's state."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from litestar import Request
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from porina.accounts.models import Account, Follow
from porina.posts.models import Status
from porina.posts.queries import Bundle
from porina.render import entities as e
from porina.web.runtime import services

STATE_GROUP_AUDIENCE = "porina_group_audience"


@dataclass(frozen=True, slots=True)
class GroupAudience:
    """The group a post is in: its id and name, and whether the reader is a member."""

    group_id: str
    name: str
    member: bool


async def group_audience(
    request: Request[Any, Any, Any],
    session: AsyncSession,
    viewer_id: int | None,
    items: list[Bundle],
) -> None:
    """Put the groups of the posts on this page in the request's state (nothing when none is
    a group's; two reads when some are)."""
    posts = {b.shown.status.id: b.shown.status.group_id for b in items}
    await _fill(request, session, viewer_id, {k: v for k, v in posts.items() if v is not None})


async def group_audience_of(
    request: Request[Any, Any, Any], viewer_id: int, shown: list[e.Status]
) -> None:
    """The same for posts rendered from the status cache (the home feed), which carry no
    group: one read of their groups, and one more when some are a group's."""
    ids = {int((s.reblog or s).id) for s in shown}
    if not ids:
        return
    async with services(request).db.read() as session:
        rows = await session.execute(
            select(Status.id, Status.group_id).where(
                Status.id.in_(ids), Status.group_id.is_not(None)
            )
        )
        posts = {sid: gid for sid, gid in rows if gid is not None}
        await _fill(request, session, viewer_id, posts)


async def _fill(
    request: Request[Any, Any, Any],
    session: AsyncSession,
    viewer_id: int | None,
    posts: dict[int, int],
) -> None:
    groups = set(posts.values())
    if not groups:
        return
    rows = await session.execute(
        select(Account.id, Account.display_name, Account.username).where(Account.id.in_(groups))
    )
    names = {gid: display or username for gid, display, username in rows}
    mine: set[int] = set()
    if viewer_id is not None:
        mine = set(
            await session.scalars(
                select(Follow.target_account_id).where(
                    Follow.account_id == viewer_id, Follow.target_account_id.in_(groups)
                )
            )
        )
    state: dict[str, GroupAudience] = request.scope.setdefault("state", {}).setdefault(
        STATE_GROUP_AUDIENCE, {}
    )
    for status_id, gid in posts.items():
        if gid in names:
            state[str(status_id)] = GroupAudience(str(gid), names[gid], gid in mine)
