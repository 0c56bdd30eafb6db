"""A group's people and reports on the web (docs/groups.md, "Pages"): ``/groups/:id/members``,
the members with their roles — owners change roles, owners and moderators remove or ban a
member and see the banned people (unban) —; inviting a person by their @name; a member's
report of a post or a member (``/groups/:id/report``) and the moderators' list of open
reports (``/groups/:id/reports``, resolve). Every write is the action the API's
``/api/porina/v1/groups`` uses; a refusal is the error page in the reader's language, and
nothing is written."""

from __future__ import annotations

from typing import Any

from litestar import Request, get, post
from litestar.exceptions import NotFoundException
from litestar.response import Redirect, Template
from sqlalchemy import select

from porina.accounts.models import Account
from porina.accounts.queries import local_domains, lookup
from porina.groups import actions, queries, roster
from porina.groups.errors import NotMember
from porina.groups.models import ROLES, GroupReport
from porina.posts.queries import S, bundle_select, bundles
from porina.render import entities as e
from porina.web.common import (
    Me,
    form,
    id_or_404,
    reader,
    render,
    renderer,
    safe_next,
    see_other,
    signed_in,
    statuses,
    text,
)
from porina.web.runtime import services

PAGE = 80
"""Members on one page of ``/groups/:id/members``."""
CHANGES = ("remove", "ban", "unban", "role")


@get("/groups/{group_id:str}/members", name="web:group-members")
async def members_page(
    request: Request[Any, Any, Any],
    group_id: str,
    max_id: str | None = None,
    min_id: str | None = None,
) -> Template:
    """The members, owners and moderators first, a page at a time ("Next", "Previous": the
    API's cursors); for owners and moderators also the banned people. Readers of the group
    only (a private group's to its members)."""
    me = await reader(request)
    after, before = (id_or_404(max_id) if max_id else None), (id_or_404(min_id) if min_id else None)
    async with services(request).db.read() as session:
        seen = await queries.seen(session, id_or_404(group_id), me.id if me else None)
        if not seen.readable:
            raise NotMember("Only members of this group can see who is in it")
        found = await roster.members(session, seen.group.id, PAGE, max_id=after, min_id=before)
        banned = await queries.banned(session, seen.group.id) if seen.relation.moderator else []
    draw, rows = renderer(request), found.rows
    return render(
        request,
        "pages/group_members.html",
        me=me,
        group=seen.group,
        account=draw.account(seen.account),
        rel=seen.relation,
        members=[(draw.account(r.account), r.role) for r in rows],
        banned=[draw.account(a) for a in banned],
        roles=ROLES,
        next_page=rows[-1].cursor if rows and found.older else None,
        previous_page=rows[0].cursor if rows and found.newer else None,
    )


@post("/groups/{group_id:str}/invite", name="web:group-invite")
async def invite(request: Request[Any, Any, Any], group_id: str) -> Redirect:
    """Owners and moderators invite a person by their @name (a local or a known remote one)."""
    me = await signed_in(request)
    data = await form(request)
    gid = id_or_404(group_id)
    domains = local_domains(services(request).settings)
    async with services(request).db.transaction() as tx:
        await queries.moderating(tx.session, gid, me.id)
        person = (await lookup(tx.session, text(data, "acct"), domains, me.id)).id
        await actions.invite(tx, me.actor, gid, person)
    return see_other(f"/groups/{gid}?invited={person}")


@post("/groups/{group_id:str}/members/{account_id:str}/{change:str}", name="web:group-member")
async def change_member(
    request: Request[Any, Any, Any], group_id: str, account_id: str, change: str
) -> Redirect:
    """``remove``, ``ban`` or ``unban`` a person, or (owners) give a member a ``role``."""
    if change not in CHANGES:
        raise NotFoundException()
    me = await signed_in(request)
    data = await form(request)
    gid, aid = id_or_404(group_id), id_or_404(account_id)
    async with services(request).db.transaction() as tx:
        if change == "role":
            await actions.set_role(tx, me.actor, gid, aid, text(data, "role"))
        elif change == "unban":
            await actions.unban(tx, me.actor, gid, aid)
        else:
            await actions.remove_member(tx, me.actor, gid, aid, ban=change == "ban")
    return see_other(safe_next(text(data, "next"), f"/groups/{gid}/members"))


async def _reported_post(
    request: Request[Any, Any, Any], me: Me, group_id: int, status_id: int
) -> e.Status:
    """The group's post ``status_id`` as the reader sees it (404 when it is not one)."""
    query = bundle_select(me.id).where(S.id == status_id, S.group_id == group_id)
    async with services(request).db.read() as session:
        shown = await statuses(request, session, me, await bundles(session, query))
    if not shown:
        raise NotFoundException()
    return shown[0]


@get("/groups/{group_id:str}/report", name="web:group-report-form")
async def report_form(request: Request[Any, Any, Any], group_id: str) -> Template:
    """A member's form to report a post of the group (``status_id``) or a member
    (``account_id``) to its owners and moderators."""
    me = await signed_in(request)
    async with services(request).db.read() as session:
        seen = await queries.seen(session, id_or_404(group_id), me.id)
        if not seen.relation.member:
            raise NotMember()
    status_id, account_id = (
        request.query_params.get("status_id"),
        request.query_params.get("account_id"),
    )
    post_shown = person = None
    if status_id:
        post_shown = await _reported_post(request, me, seen.group.id, id_or_404(status_id))
    elif account_id:
        async with services(request).db.read() as session:
            found = await session.get(Account, id_or_404(account_id))
        if found is None:
            raise NotFoundException()
        person = renderer(request).account(found)
    else:
        raise NotFoundException()
    return render(
        request,
        "pages/group_report.html",
        me=me,
        group=seen.group,
        account=renderer(request).account(seen.account),
        post=post_shown,
        person=person,
    )


@post("/groups/{group_id:str}/report", name="web:group-report")
async def report(request: Request[Any, Any, Any], group_id: str) -> Redirect:
    me = await signed_in(request)
    data = await form(request)
    gid = id_or_404(group_id)
    status_id, account_id = text(data, "status_id"), text(data, "account_id")
    async with services(request).db.transaction() as tx:
        await actions.report(
            tx,
            me.actor,
            gid,
            status_id=id_or_404(status_id) if status_id else None,
            account_id=id_or_404(account_id) if account_id else None,
            comment=text(data, "comment"),
        )
    return see_other(f"/groups/{gid}?reported=1")


async def _open_reports(
    request: Request[Any, Any, Any], me: Me, rows: list[GroupReport]
) -> list[tuple[GroupReport, e.Account | None, e.Account | None, e.Status | None]]:
    """Each report with its reporter, the reported person and the reported post (if any, and
    still there)."""
    people = {r.account_id for r in rows} | {r.target_account_id for r in rows}
    posts = [r.status_id for r in rows if r.status_id is not None]
    draw = renderer(request)
    async with services(request).db.read() as session:
        found = await session.scalars(select(Account).where(Account.id.in_(people)))
        accounts = {a.id: draw.account(a) for a in found}
        items = await bundles(session, bundle_select(me.id).where(S.id.in_(posts)))
        shown = {s.id: s for s in await statuses(request, session, me, items)}
    return [
        (
            r,
            accounts.get(r.account_id),
            accounts.get(r.target_account_id),
            shown.get(str(r.status_id)) if r.status_id is not None else None,
        )
        for r in rows
    ]


@get("/groups/{group_id:str}/reports", name="web:group-reports")
async def reports_page(request: Request[Any, Any, Any], group_id: str) -> Template:
    """Owners and moderators: the open reports, newest first."""
    me = await signed_in(request)
    async with services(request).db.read() as session:
        seen = await queries.moderating(session, id_or_404(group_id), me.id)
        rows = await queries.reports(session, seen.group.id, PAGE, open_only=True)
    return render(
        request,
        "pages/group_reports.html",
        me=me,
        group=seen.group,
        account=renderer(request).account(seen.account),
        reports=await _open_reports(request, me, rows),
    )


@post("/groups/{group_id:str}/reports/{report_id:str}/resolve", name="web:group-resolve")
async def resolve(request: Request[Any, Any, Any], group_id: str, report_id: str) -> Redirect:
    me = await signed_in(request)
    gid = id_or_404(group_id)
    async with services(request).db.transaction() as tx:
        await actions.resolve_report(tx, me.actor, gid, id_or_404(report_id))
    return see_other(f"/groups/{gid}/reports")


ROUTES = [
    members_page,
    invite,
    change_member,
    report_form,
    report,
    reports_page,
    resolve,
]
