"""Groups and discussions (docs/groups.md, docs/api.md "Groups"): ``/api/porina/v1/groups``.

A group is an account with ``"group": true`` in the Mastodon API; its id is that account's
id. Public groups are read by anyone and joined at once; private ones are read by members,
and joining is a request an owner or moderator approves (or an invitation); hidden ones are
private and a 404 to anyone neither a member nor invited. Posting goes through
``POST /api/v1/statuses`` with ``porina_group_id`` (or by mentioning a public group); replies
to a group's post stay in it. Refusals: 403 (not a member, not a moderator, banned, locked),
404 (no such group, or one the viewer may not know of), 422 (bad input); nothing written.
"""

from __future__ import annotations

from typing import Any

import msgspec
from litestar import Request, Response, delete, get, patch, post

from porina.api.mastodon.auth import actor_of, optional, require, services_of
from porina.api.mastodon.pagination import Page, link_header
from porina.api.mastodon.params import Params
from porina.api.mastodon.timelines import render_page, renderer_of
from porina.core.ids import parse_id
from porina.groups import actions, queries, roster
from porina.groups.errors import GroupNotFound, NotMember
from porina.groups.models import GroupReport, GroupThread
from porina.posts.queries import S, bundle_select
from porina.render import entities as e

BASE = "/api/porina/v1/groups"
GROUP = f"{BASE}/{{group_id:str}}"


class GroupEntity(msgspec.Struct, kw_only=True):
    id: str
    account: e.Account
    name: str
    display_name: str
    description: str
    privacy: str
    member_count: int
    role: str | None
    """The viewer's role: owner, moderator, member, or null."""
    membership: str | None
    """The viewer's state: member, requested, invited, banned, or null."""
    rules: list[str]
    pinned: list[str]
    created_at: str


class Member(msgspec.Struct, kw_only=True):
    account: e.Account
    role: str


class Thread(msgspec.Struct, kw_only=True):
    status_id: str
    pinned: bool
    locked: bool


class Report(msgspec.Struct, kw_only=True):
    id: str
    account_id: str
    target_account_id: str
    status_id: str | None
    comment: str
    resolved: bool
    created_at: str


def _membership(rel: queries.Relation) -> str | None:
    if rel.member:
        return "member"
    if rel.state is not None:
        return rel.state
    return "requested" if rel.requested else None


async def _entity(request: Request[Any, Any, Any], seen: queries.Seen) -> GroupEntity:
    async with services_of(request).db.read() as session:
        pinned = await queries.pinned(session, seen.group.id) if seen.readable else []
    g, account = seen.group, seen.account
    return GroupEntity(
        id=str(g.id),
        account=renderer_of(request).account(account),
        name=g.name,
        display_name=account.display_name,
        description=g.description,
        privacy=g.privacy,
        member_count=account.followers_count,
        role=seen.relation.role,
        membership=_membership(seen.relation),
        rules=list(g.rules or []),
        pinned=[str(i) for i in pinned],
        created_at=g.created_at.isoformat().replace("+00:00", "Z"),
    )


async def _show(
    request: Request[Any, Any, Any], group_id: int | None, viewer_id: int | None
) -> GroupEntity:
    async with services_of(request).db.read() as session:
        seen = await queries.seen(session, group_id, viewer_id)
    return await _entity(request, seen)


@post(BASE, status_code=200)
async def create_group(request: Request[Any, Any, Any]) -> GroupEntity:
    """``{name, display_name, privacy: public|private|hidden, description, rules[]}``: the
    group, with the viewer as its owner and first member. 422: a name taken or not a
    username, an unknown privacy, too many or too long rules."""
    viewer = await require(request, "write:accounts")
    params = await Params.of(request)
    async with services_of(request).db.transaction() as tx:
        group = await actions.create(
            tx,
            actor_of(viewer),
            name=params.text("name", max_len=30),
            display_name=params.text("display_name"),
            privacy=params.text("privacy", "public"),
            description=params.text("description"),
            rules=params.str_list("rules", max_items=actions.MAX_RULES),
        )
    return await _show(request, group.id, viewer.account_id)


@get(BASE)
async def list_groups(request: Request[Any, Any, Any]) -> list[GroupEntity]:
    """The directory: public and private groups, and the hidden ones the viewer is in,
    newest first (``limit``, default 20, at most 40)."""
    viewer = await optional(request, "read:accounts")
    limit = (await Params.of(request)).limit()
    async with services_of(request).db.read() as session:
        found = await queries.groups_of(session, viewer.account_id if viewer else None, limit)
    return [await _entity(request, seen) for seen in found]


@get(GROUP)
async def show_group(request: Request[Any, Any, Any], group_id: str) -> GroupEntity:
    viewer = await optional(request, "read:accounts")
    return await _show(request, parse_id(group_id), viewer.account_id if viewer else None)


@patch(GROUP)
async def update_group(request: Request[Any, Any, Any], group_id: str) -> GroupEntity:
    """Owners and moderators: ``rules[]`` (at most 20, 500 characters each), ``description``."""
    viewer = await require(request, "write:accounts")
    params = await Params.of(request)
    rules = params.str_list("rules", max_items=actions.MAX_RULES) if params.has("rules") else None
    description = params.str("description")
    async with services_of(request).db.transaction() as tx:
        await actions.update(
            tx, actor_of(viewer), parse_id(group_id), rules=rules, description=description
        )
    return await _show(request, parse_id(group_id), viewer.account_id)


@post(f"{GROUP}/join", status_code=200)
async def join_group(request: Request[Any, Any, Any], group_id: str) -> GroupEntity:
    """Public group, or invited: a member at once; private group: a join request
    (``membership: "requested"``). Hidden and not invited: 404; banned: 403."""
    viewer = await require(request, "write:follows")
    async with services_of(request).db.transaction() as tx:
        await actions.join(tx, actor_of(viewer), parse_id(group_id))
    return await _show(request, parse_id(group_id), viewer.account_id)


@post(f"{GROUP}/leave", status_code=200)
async def leave_group(request: Request[Any, Any, Any], group_id: str) -> dict[str, Any]:
    """Leave, withdraw a join request or decline an invitation (an owner cannot: 422).
    Answers ``{}``: a hidden group one has left is unknown to one again."""
    viewer = await require(request, "write:follows")
    async with services_of(request).db.transaction() as tx:
        await actions.leave(tx, actor_of(viewer), parse_id(group_id))
    return {}


@get(f"{GROUP}/timeline")
async def group_timeline(request: Request[Any, Any, Any], group_id: str) -> Response[Any]:
    """The group's discussions (top-level posts), newest first, paged as Mastodon's
    timelines (``max_id``, ``since_id``, ``min_id``, ``limit``; a ``Link`` header);
    ``pinned=true``: its pinned discussions only. Members only in a private group (403)."""
    viewer = await optional(request, "read:statuses")
    vid = viewer.account_id if viewer else None
    params = await Params.of(request)
    async with services_of(request).db.read() as session:
        seen = await queries.seen(session, parse_id(group_id), vid)
        if not seen.readable:
            raise NotMember("Only members of this group can read its discussions")
        threads = queries.threads(seen.group.id)
        if params.bool("pinned"):
            threads = threads.where(GroupThread.pinned_at.is_not(None))
        query = bundle_select(vid).where(S.id.in_(threads))
        return await render_page(request, session, vid, query, Page.of(params), context="thread")


@get(f"{GROUP}/members")
async def group_members(request: Request[Any, Any, Any], group_id: str) -> Response[list[Member]]:
    """Members with their roles: owners, then moderators, then members, each newest first,
    paged as Mastodon's account lists (``limit``, default 40, at most 80; ``max_id``,
    ``min_id`` from the ``Link`` header: the member's follow of the group). Members only in a
    private group (403)."""
    viewer = await optional(request, "read:accounts")
    vid = viewer.account_id if viewer else None
    page = Page.of(await Params.of(request), 40, 80)
    async with services_of(request).db.read() as session:
        seen = await queries.seen(session, parse_id(group_id), vid)
        if not seen.readable:
            raise NotMember("Only members of this group can see who is in it")
        found = await roster.members(
            session, seen.group.id, page.limit, max_id=page.max_id, min_id=page.min_id
        )
    renderer = renderer_of(request)
    body = [Member(account=renderer.account(r.account), role=r.role) for r in found.rows]
    return Response(body, headers=link_header(request, [r.cursor for r in found.rows], page))


async def _moderated(request: Request[Any, Any, Any], group_id: str) -> queries.Seen:
    viewer = await require(request, "read:accounts")
    async with services_of(request).db.read() as session:
        return await queries.moderating(session, parse_id(group_id), viewer.require_account())


@get(f"{GROUP}/join_requests")
async def join_requests(request: Request[Any, Any, Any], group_id: str) -> list[e.Account]:
    """Owners and moderators: the people asking to join, oldest first."""
    seen = await _moderated(request, group_id)
    limit = (await Params.of(request)).limit(40, 80)
    async with services_of(request).db.read() as session:
        found = await queries.join_requests(session, seen.group.id, limit)
    return [renderer_of(request).account(a) for a in found]


@get(f"{GROUP}/bans")
async def group_bans(request: Request[Any, Any, Any], group_id: str) -> list[e.Account]:
    seen = await _moderated(request, group_id)
    async with services_of(request).db.read() as session:
        found = await queries.banned(session, seen.group.id)
    return [renderer_of(request).account(a) for a in found]


async def _account_action(
    request: Request[Any, Any, Any], group_id: str, account_id: str, what: str
) -> GroupEntity:
    viewer = await require(request, "write:follows")
    params = await Params.of(request)
    gid, aid, actor = parse_id(group_id), parse_id(account_id), actor_of(viewer)
    async with services_of(request).db.transaction() as tx:
        if what == "authorize":
            await actions.approve(tx, actor, gid, aid)
        elif what == "reject":
            await actions.reject(tx, actor, gid, aid)
        elif what == "invite":
            await actions.invite(tx, actor, gid, aid)
        elif what == "role":
            await actions.set_role(tx, actor, gid, aid, params.text("role"))
        elif what == "unban":
            await actions.unban(tx, actor, gid, aid)
        else:
            await actions.remove_member(tx, actor, gid, aid, ban=what == "ban")
    return await _show(request, gid, viewer.account_id)


@post(f"{GROUP}/join_requests/{{account_id:str}}/authorize", status_code=200)
async def authorize_request(
    request: Request[Any, Any, Any], group_id: str, account_id: str
) -> GroupEntity:
    """Owners and moderators approve a join request (404 when there is none)."""
    return await _account_action(request, group_id, account_id, "authorize")


@post(f"{GROUP}/join_requests/{{account_id:str}}/reject", status_code=200)
async def reject_request(
    request: Request[Any, Any, Any], group_id: str, account_id: str
) -> GroupEntity:
    return await _account_action(request, group_id, account_id, "reject")


@post(f"{GROUP}/invitations/{{account_id:str}}", status_code=200)
async def invite(request: Request[Any, Any, Any], group_id: str, account_id: str) -> GroupEntity:
    """Owners and moderators invite someone: they may join at once."""
    return await _account_action(request, group_id, account_id, "invite")


@post(f"{GROUP}/members/{{account_id:str}}/role", status_code=200)
async def set_role(request: Request[Any, Any, Any], group_id: str, account_id: str) -> GroupEntity:
    """Owners: ``{role: owner|moderator|member}`` for a member."""
    return await _account_action(request, group_id, account_id, "role")


@post(f"{GROUP}/members/{{account_id:str}}/remove", status_code=200)
async def remove_member(
    request: Request[Any, Any, Any], group_id: str, account_id: str
) -> GroupEntity:
    """Owners and moderators remove a member (only owners remove moderators; no one an owner)."""
    return await _account_action(request, group_id, account_id, "remove")


@post(f"{GROUP}/members/{{account_id:str}}/ban", status_code=200)
async def ban_member(
    request: Request[Any, Any, Any], group_id: str, account_id: str
) -> GroupEntity:
    """Remove and keep out: a banned person can neither join again nor read the group."""
    return await _account_action(request, group_id, account_id, "ban")


@post(f"{GROUP}/members/{{account_id:str}}/unban", status_code=200)
async def unban_member(
    request: Request[Any, Any, Any], group_id: str, account_id: str
) -> GroupEntity:
    return await _account_action(request, group_id, account_id, "unban")


def _thread(row: GroupThread) -> Thread:
    return Thread(
        status_id=str(row.status_id),
        pinned=row.pinned_at is not None,
        locked=row.locked_at is not None,
    )


@get(f"{GROUP}/threads/{{status_id:str}}")
async def show_thread(request: Request[Any, Any, Any], group_id: str, status_id: str) -> Thread:
    """Whether a discussion is pinned and locked (404: not one of the group's)."""
    viewer = await optional(request, "read:statuses")
    async with services_of(request).db.read() as session:
        seen = await queries.seen(
            session, parse_id(group_id), viewer.account_id if viewer else None
        )
        if not seen.readable:
            raise NotMember("Only members of this group can read its discussions")
        sid = parse_id(status_id)
        found = await queries.thread(session, sid) if sid is not None else None
    if found is None or found.group_id != seen.group.id:
        raise GroupNotFound()
    return _thread(found)


@post(f"{GROUP}/threads/{{status_id:str}}/{{change:str}}", status_code=200)
async def change_thread(
    request: Request[Any, Any, Any], group_id: str, status_id: str, change: str
) -> Thread:
    """Owners and moderators: ``pin``, ``unpin``, ``lock`` (no more replies but theirs) or
    ``unlock`` a discussion."""
    viewer = await require(request, "write:statuses")
    async with services_of(request).db.transaction() as tx:
        found = await actions.change_thread(
            tx, actor_of(viewer), parse_id(group_id), parse_id(status_id), change
        )
    return _thread(found)


@delete(f"{GROUP}/statuses/{{status_id:str}}", status_code=200)
async def remove_post(
    request: Request[Any, Any, Any], group_id: str, status_id: str
) -> dict[str, Any]:
    """Owners and moderators remove a post of the group (a discussion or a reply)."""
    viewer = await require(request, "write:statuses")
    async with services_of(request).db.transaction() as tx:
        await actions.remove_post(tx, actor_of(viewer), parse_id(group_id), parse_id(status_id))
    return {}


def _report(row: GroupReport) -> Report:
    return Report(
        id=str(row.id),
        account_id=str(row.account_id),
        target_account_id=str(row.target_account_id),
        status_id=str(row.status_id) if row.status_id is not None else None,
        comment=row.comment,
        resolved=row.resolved_at is not None,
        created_at=row.created_at.isoformat().replace("+00:00", "Z"),
    )


@post(f"{GROUP}/reports", status_code=200)
async def file_report(request: Request[Any, Any, Any], group_id: str) -> Report:
    """Members: ``{status_id}`` (a post of the group) or ``{account_id}``, and ``comment``,
    to the group's owners and moderators."""
    viewer = await require(request, "write:reports")
    params = await Params.of(request)
    async with services_of(request).db.transaction() as tx:
        row = await actions.report(
            tx,
            actor_of(viewer),
            parse_id(group_id),
            account_id=params.id("account_id"),
            status_id=params.id("status_id"),
            comment=params.text("comment"),
        )
    return _report(row)


@get(f"{GROUP}/reports")
async def list_reports(request: Request[Any, Any, Any], group_id: str) -> list[Report]:
    """Owners and moderators: the group's reports, newest first."""
    seen = await _moderated(request, group_id)
    limit = (await Params.of(request)).limit(40, 80)
    async with services_of(request).db.read() as session:
        found = await queries.reports(session, seen.group.id, limit)
    return [_report(r) for r in found]


@post(f"{GROUP}/reports/{{report_id:str}}/resolve", status_code=200)
async def resolve_report(request: Request[Any, Any, Any], group_id: str, report_id: str) -> Report:
    viewer = await require(request, "write:reports")
    async with services_of(request).db.transaction() as tx:
        row = await actions.resolve_report(
            tx, actor_of(viewer), parse_id(group_id), parse_id(report_id)
        )
    return _report(row)


ROUTES = [
    create_group,
    list_groups,
    show_group,
    update_group,
    join_group,
    leave_group,
    group_timeline,
    group_members,
    join_requests,
    group_bans,
    authorize_request,
    reject_request,
    invite,
    set_role,
    remove_member,
    ban_member,
    unban_member,
    show_thread,
    change_thread,
    remove_post,
    file_report,
    list_reports,
    resolve_report,
]
