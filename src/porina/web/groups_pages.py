"""Groups on the web (docs/groups.md): ``/groups``, the directory and a form to start one;
``/groups/:id``, a group's page — about, rules, joining or leaving, its discussions (pinned
first, locked ones marked) and a composer for members — with a moderation panel for its
owners and moderators (join requests, pins, locks, removals). Every write is one of the
actions the API's ``/api/porina/v1/groups`` uses; a refusal is the error page in the
reader's language."""

from __future__ import annotations

from typing import Any

from litestar import Request, get, post
from litestar.response import Redirect, Template
from sqlalchemy import case

from porina.core.errors import PorinaError
from porina.groups import actions, queries
from porina.groups.errors import InvalidGroup
from porina.groups.models import GroupThread
from porina.posts.compose import NewStatus
from porina.posts.queries import S, bundle_select, bundles
from porina.web.common import (
    Me,
    form,
    id_or_404,
    reader,
    render,
    renderer,
    see_other,
    signed_in,
    statuses,
    text,
)
from porina.web.errors import message_for
from porina.web.runtime import services

PAGE = 40


async def _directory(
    request: Request[Any, Any, Any], me: Me | None, *, error: str | None = None
) -> Template:
    async with services(request).db.read() as session:
        found = await queries.groups_of(session, me.id if me else None, PAGE)
    draw = renderer(request)
    groups = [(s, draw.account(s.account)) for s in found]
    return render(
        request,
        "pages/groups.html",
        me=me,
        groups=groups,
        error=error,
        status_code=422 if error else 200,
    )


@get("/groups", name="web:groups")
async def groups_page(request: Request[Any, Any, Any]) -> Template:
    return await _directory(request, await reader(request))


@post("/groups", name="web:groups-create")
async def create_group(request: Request[Any, Any, Any]) -> Template | Redirect:
    me = await signed_in(request)
    data = await form(request)
    try:
        async with services(request).db.transaction() as tx:
            group = await actions.create(
                tx,
                me.actor,
                name=text(data, "name"),
                display_name=text(data, "display_name"),
                privacy=text(data, "privacy") or "public",
                description=text(data, "description"),
                rules=[r for r in text(data, "rules").splitlines() if r.strip()],
            )
    except PorinaError as exc:
        return await _directory(request, me, error=message_for(exc)[1])
    return see_other(f"/groups/{group.id}")


async def _discussions(
    request: Request[Any, Any, Any], me: Me | None, seen: queries.Seen
) -> tuple[list[Any], set[str], set[str]]:
    """The group's discussions, pinned first, newest first; the pinned and locked ids."""
    viewer = me.id if me else None
    async with services(request).db.read() as session:
        threads = queries.threads(seen.group.id)
        pinned_first = case(
            (S.id.in_(threads.where(GroupThread.pinned_at.is_not(None))), 0), else_=1
        )
        query = bundle_select(viewer).where(S.id.in_(threads))
        items = await bundles(session, query.order_by(pinned_first, S.id.desc()).limit(PAGE))
        shown = await statuses(request, session, me, items)
        ids = [int(s.id) for s in shown]
        locked = {str(i) for i in await queries.locked(session, ids)}
        pinned = {str(i) for i in await queries.pinned(session, seen.group.id)}
    return shown, pinned, locked


@get("/groups/{group_id:str}", name="web:group")
async def group_page(request: Request[Any, Any, Any], group_id: str) -> Template:
    me = await reader(request)
    async with services(request).db.read() as session:
        seen = await queries.seen(session, id_or_404(group_id), me.id if me else None)
        moderator = seen.relation.moderator
        waiting = await queries.join_requests(session, seen.group.id, PAGE) if moderator else []
        staff = await queries.staff(session, seen.group.id) if moderator else {}
    shown, pinned, locked = (
        await _discussions(request, me, seen) if seen.readable else ([], set(), set())
    )
    draw = renderer(request)
    return render(
        request,
        "pages/group.html",
        me=me,
        seen=seen,
        group=seen.group,
        account=draw.account(seen.account),
        rel=seen.relation,
        statuses=shown,
        pinned=pinned,
        locked=locked,
        waiting=[draw.account(a) for a in waiting],
        staff=staff,
    )


async def _edit_form(
    request: Request[Any, Any, Any],
    me: Me,
    seen: queries.Seen,
    *,
    values: dict[str, str] | None = None,
    error: str | None = None,
) -> Template:
    group = seen.group
    shown = values or {"description": group.description, "rules": "\n".join(group.rules or [])}
    return render(
        request,
        "pages/group_edit.html",
        me=me,
        group=group,
        account=renderer(request).account(seen.account),
        values=shown,
        error=error,
        status_code=422 if error else 200,
    )


@get("/groups/{group_id:str}/edit", name="web:group-edit")
async def edit_page(request: Request[Any, Any, Any], group_id: str) -> Template:
    """Owners and moderators: the group's description and rules (403 to anyone else)."""
    me = await signed_in(request)
    async with services(request).db.read() as session:
        seen = await queries.moderating(session, id_or_404(group_id), me.id)
    return await _edit_form(request, me, seen)


@post("/groups/{group_id:str}/edit", name="web:group-update")
async def edit(request: Request[Any, Any, Any], group_id: str) -> Template | Redirect:
    """The API's ``PATCH /api/porina/v1/groups/:id`` (``actions.update``): rules one on each
    line. Bad input: the form again with the reason (422); not a moderator: 403."""
    me = await signed_in(request)
    data = await form(request)
    gid = id_or_404(group_id)
    values = {"description": text(data, "description"), "rules": text(data, "rules")}
    rules = [r.strip() for r in values["rules"].splitlines() if r.strip()]
    try:
        async with services(request).db.transaction() as tx:
            await actions.update(tx, me.actor, gid, rules=rules, description=values["description"])
    except InvalidGroup as exc:
        async with services(request).db.read() as session:
            seen = await queries.moderating(session, gid, me.id)
        return await _edit_form(request, me, seen, values=values, error=message_for(exc)[1])
    return see_other(f"/groups/{gid}?updated=1")


def _back(group_id: str) -> Redirect:
    return see_other(f"/groups/{id_or_404(group_id)}")


@post("/groups/{group_id:str}/join", name="web:group-join")
async def join(request: Request[Any, Any, Any], group_id: str) -> Redirect:
    me = await signed_in(request)
    async with services(request).db.transaction() as tx:
        await actions.join(tx, me.actor, id_or_404(group_id))
    return _back(group_id)


@post("/groups/{group_id:str}/leave", name="web:group-leave")
async def leave(request: Request[Any, Any, Any], group_id: str) -> Redirect:
    me = await signed_in(request)
    async with services(request).db.transaction() as tx:
        await actions.leave(tx, me.actor, id_or_404(group_id))
    return see_other("/groups")


@post("/groups/{group_id:str}/post", name="web:group-post")
async def post_in_group(request: Request[Any, Any, Any], group_id: str) -> Redirect:
    """A discussion, or (``in_reply_to_id``) a reply in one."""
    me = await signed_in(request)
    data = await form(request)
    new = NewStatus(
        text=text(data, "status"), in_reply_to_id=id_or_none(text(data, "in_reply_to_id"))
    )
    async with services(request).db.transaction() as tx:
        await actions.post(tx, me.actor, id_or_404(group_id), new)
    return _back(group_id)


def id_or_none(value: str) -> int | None:
    return id_or_404(value) if value else None


@post("/groups/{group_id:str}/requests/{account_id:str}/{verdict:str}", name="web:group-request")
async def answer_request(
    request: Request[Any, Any, Any], group_id: str, account_id: str, verdict: str
) -> Redirect:
    me = await signed_in(request)
    answer = actions.approve if verdict == "approve" else actions.reject
    async with services(request).db.transaction() as tx:
        await answer(tx, me.actor, id_or_404(group_id), id_or_404(account_id))
    return _back(group_id)


@post("/groups/{group_id:str}/threads/{status_id:str}/{change:str}", name="web:group-thread")
async def change_thread(
    request: Request[Any, Any, Any], group_id: str, status_id: str, change: str
) -> Redirect:
    """Moderators: ``pin``, ``unpin``, ``lock``, ``unlock`` or ``remove`` a discussion."""
    me = await signed_in(request)
    gid, sid = id_or_404(group_id), id_or_404(status_id)
    async with services(request).db.transaction() as tx:
        if change == "remove":
            await actions.remove_post(tx, me.actor, gid, sid)
        else:
            await actions.change_thread(tx, me.actor, gid, sid, change)
    return _back(group_id)


ROUTES = [
    groups_page,
    create_group,
    group_page,
    join,
    leave,
    post_in_group,
    answer_request,
    change_thread,
    edit_page,
    edit,
]
