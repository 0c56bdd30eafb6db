"""A group's posts on any page: ``partials/status.html`` names a private group's audience
("Members of Café friends") where another post says "Followers", since a private group's post
is stored with visibility ``private`` yet its readers are the group's members, not its author's
followers (docs/groups.md); and it offers the group's members a link to report the post to the
group's moderators. ``{status id: GroupAudience}`` in the request's state."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from litestar import Request
from sqlalchemy import ColumnElement, exists, false, select
from sqlalchemy.ext.asyncio import AsyncSession

from porina.accounts.models import Account, Follow
from porina.posts.models import Status
from porina.posts.queries import Bundle
from porina.web.runtime import services

STATE_GROUP_AUDIENCE = "porina_group_audience"


@dataclass(frozen=True, slots=True)
class GroupAudience:
    """The group a post is in: its id and name, whether the reader is a member and whether
    the group is this server's (another server's private group, whose posts it relays here,
    has no report page here)."""

    group_id: str
    name: str
    member: bool
    local: bool = True


async def group_audience(
    request: Request[Any, Any, Any],
    session: AsyncSession,
    viewer_id: int | None,
    items: list[Bundle],
) -> None:
    """Put the groups of the posts on this page in the request's state (nothing when none is
    a group's; one read of their names and the reader's memberships when some are)."""
    posts = {b.shown.status.id: b.shown.status.group_id for b in items}
    groups = {gid for gid in posts.values() if gid is not None}
    if not groups:
        return
    query = select(
        Account.id, Account.display_name, Account.username, _member(viewer_id), Account.domain
    )
    rows = await session.execute(query.where(Account.id.in_(groups)))
    found = {gid: (gid, name or user, member, domain) for gid, name, user, member, domain in rows}
    _store(request, {sid: found[gid] for sid, gid in posts.items() if gid in found})


async def group_audience_of(request: Request[Any, Any, Any], viewer_id: int, ids: set[int]) -> None:
    """The same for posts rendered from the status cache (the home feed), which carry no
    group: one read, the groups of the posts ``ids`` with their names and the reader's
    memberships."""
    if not ids:
        return
    query = (
        select(
            Status.id,
            Account.id,
            Account.display_name,
            Account.username,
            _member(viewer_id),
            Account.domain,
        )
        .join(Account, Account.id == Status.group_id)
        .where(Status.id.in_(ids))
    )
    async with services(request).db.read() as session:
        rows = (await session.execute(query)).all()
    _store(
        request,
        {sid: (gid, name or user, member, dom) for sid, gid, name, user, member, dom in rows},
    )


def _member(viewer_id: int | None) -> ColumnElement[bool]:
    """Whether the reader follows the group's account (is a member)."""
    if viewer_id is None:
        return false()
    return (
        exists()
        .where(Follow.account_id == viewer_id, Follow.target_account_id == Account.id)
        .label("member")
    )


def _store(
    request: Request[Any, Any, Any], posts: dict[int, tuple[int, str, bool, str | None]]
) -> None:
    """``{status id: (group id, group name, reader is a member, group's domain)}`` into the
    request's state."""
    state: dict[str, GroupAudience] = request.scope.setdefault("state", {}).setdefault(
        STATE_GROUP_AUDIENCE, {}
    )
    for status_id, (gid, name, member, domain) in posts.items():
        state[str(status_id)] = GroupAudience(str(gid), name, bool(member), domain is None)
