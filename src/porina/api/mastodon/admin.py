"""Moderation API for admins and moderators: reports and account actions."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, cast

from litestar import Request, Response, get, post
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from porina.accounts.models import Account, User
from porina.api.mastodon.auth import require_admin, services_of
from porina.api.mastodon.pagination import Page, link_header
from porina.api.mastodon.params import Params
from porina.api.mastodon.reports import actor_of
from porina.core.clock import iso
from porina.core.errors import NotFound
from porina.core.ids import parse_id
from porina.moderation import reports
from porina.moderation.models import Report
from porina.notifications.queries import accounts_by_id
from porina.render import entities as e
from porina.render.renderer import Renderer, statuses_by_id


class AdminAccount(e.Entity):
    id: str
    username: str
    domain: str | None
    created_at: str
    email: str
    ip: str | None
    ips: list[dict[str, Any]]
    locale: str
    invite_request: str | None
    role: dict[str, Any]
    confirmed: bool
    approved: bool
    disabled: bool
    silenced: bool
    suspended: bool
    sensitized: bool
    account: e.Account


class AdminReport(e.Entity):
    id: str
    action_taken: bool
    action_taken_at: str | None
    category: str
    comment: str
    forwarded: bool
    created_at: str
    updated_at: str
    account: AdminAccount
    target_account: AdminAccount
    assigned_account: AdminAccount | None
    action_taken_by_account: AdminAccount | None
    statuses: list[e.Status]
    rules: list[dict[str, Any]]


ROLES = {"user": ("0", "", 0), "moderator": ("1", "Moderator", 1), "admin": ("2", "Admin", 2)}


def _role(name: str) -> dict[str, Any]:
    rid, label, position = ROLES.get(name, ROLES["user"])
    return {
        "id": rid,
        "name": label,
        "color": "",
        "permissions": "0",
        "highlighted": rid != "0",
        "position": position,
    }


def admin_account(renderer: Renderer, account: Account, user: User | None) -> AdminAccount:
    return AdminAccount(
        id=str(account.id),
        username=account.username,
        domain=account.domain,
        created_at=iso(account.created_at) or "",
        email=user.email if user else "",
        ip=None,
        ips=[],
        locale=user.locale if user else "",
        invite_request=None,
        role=_role(user.role if user else "user"),
        confirmed=bool(user and user.confirmed_at is not None) or user is not None,
        approved=bool(user.approved) if user else True,
        disabled=bool(user.disabled) if user else False,
        silenced=account.silenced_at is not None,
        suspended=account.suspended_at is not None,
        sensitized=account.sensitized_at is not None,
        account=renderer.account(account),
    )


async def _users(session: AsyncSession, account_ids: set[int]) -> dict[int, User]:
    if not account_ids:
        return {}
    rows = await session.scalars(select(User).where(User.account_id.in_(account_ids)))
    return {u.account_id: u for u in rows}


async def render_admin_reports(
    renderer: Renderer, session: AsyncSession, viewer_id: int, rows: Sequence[Report]
) -> list[AdminReport]:
    ids: set[int] = set()
    for r in rows:
        ids |= {r.account_id, r.target_account_id}
        ids |= {i for i in (r.assigned_account_id, r.action_taken_by_account_id) if i}
    accounts = await accounts_by_id(session, ids)
    users = await _users(session, ids)

    def person(account_id: int | None) -> AdminAccount | None:
        if account_id is None or account_id not in accounts:
            return None
        return admin_account(renderer, accounts[account_id], users.get(account_id))

    out: list[AdminReport] = []
    for r in rows:
        reporter, target = person(r.account_id), person(r.target_account_id)
        if reporter is None or target is None:
            continue
        wanted = [i for i in (parse_id(s) for s in r.status_ids) if i is not None]
        statuses = await statuses_by_id(renderer, session, viewer_id, wanted) if wanted else []
        moment = iso(r.action_taken_at or r.created_at) or ""
        out.append(
            AdminReport(
                id=str(r.id),
                action_taken=r.action_taken_at is not None,
                action_taken_at=iso(r.action_taken_at),
                category=r.category,
                comment=r.comment,
                forwarded=r.forward,
                created_at=iso(r.created_at) or "",
                updated_at=moment,
                account=reporter,
                target_account=target,
                assigned_account=person(r.assigned_account_id),
                action_taken_by_account=person(r.action_taken_by_account_id),
                statuses=statuses,
                rules=[{"id": i, "text": ""} for i in r.rule_ids],
            )
        )
    return out


def _renderer(request: Request[Any, Any, Any]) -> Renderer:
    return Renderer(services_of(request).settings)


@get("/api/v1/admin/reports")
async def list_reports(request: Request[Any, Any, Any]) -> Response[list[AdminReport]]:
    viewer = await require_admin(request, "admin:read:reports")
    params = await Params.of(request)
    page = Page.of(params, default=100, maximum=200)
    query = select(Report)
    resolved = params.opt_bool("resolved")
    if resolved is True:
        query = query.where(Report.action_taken_at.is_not(None))
    elif resolved is False or resolved is None:
        query = query.where(Report.action_taken_at.is_(None))
    for name, column in (
        ("account_id", Report.account_id),
        ("target_account_id", Report.target_account_id),
    ):
        wanted = params.id(name)
        if wanted is not None:
            query = query.where(column == wanted)
    async with services_of(request).db.read() as session:
        rows = page.arrange(list(await session.scalars(page.apply(query, cast(Any, Report.id)))))
        body = await render_admin_reports(
            _renderer(request), session, viewer.require_account(), rows
        )
    return Response(body, headers=link_header(request, [r.id for r in rows], page))


async def _show(request: Request[Any, Any, Any], report_id: int, viewer_id: int) -> AdminReport:
    async with services_of(request).db.read() as session:
        row = await session.get(Report, report_id)
        rendered = await render_admin_reports(
            _renderer(request), session, viewer_id, [row] if row else []
        )
    if not rendered:
        raise NotFound()
    return rendered[0]


def _id(raw: str) -> int:
    parsed = parse_id(raw)
    if parsed is None:
        raise NotFound()
    return parsed


@get("/api/v1/admin/reports/{report_id:str}")
async def show_report(request: Request[Any, Any, Any], report_id: str) -> AdminReport:
    viewer = await require_admin(request, "admin:read:reports")
    return await _show(request, _id(report_id), viewer.require_account())


async def _report_action(request: Request[Any, Any, Any], report_id: str, kind: str) -> AdminReport:
    viewer = await require_admin(request, "admin:write:reports")
    rid = _id(report_id)
    actor = actor_of(viewer)
    async with services_of(request).db.transaction() as tx:
        if kind in {"assign_to_self", "unassign"}:
            await reports.assign(tx, actor, rid, to_self=kind == "assign_to_self")
        elif kind == "resolve":
            await reports.resolve(tx, actor, rid)
        else:
            await reports.reopen(tx, actor, rid)
    return await _show(request, rid, actor.account_id)


@post("/api/v1/admin/reports/{report_id:str}/assign_to_self", status_code=200)
async def assign_to_self(request: Request[Any, Any, Any], report_id: str) -> AdminReport:
    return await _report_action(request, report_id, "assign_to_self")


@post("/api/v1/admin/reports/{report_id:str}/unassign", status_code=200)
async def unassign(request: Request[Any, Any, Any], report_id: str) -> AdminReport:
    return await _report_action(request, report_id, "unassign")


@post("/api/v1/admin/reports/{report_id:str}/resolve", status_code=200)
async def resolve(request: Request[Any, Any, Any], report_id: str) -> AdminReport:
    return await _report_action(request, report_id, "resolve")


@post("/api/v1/admin/reports/{report_id:str}/reopen", status_code=200)
async def reopen(request: Request[Any, Any, Any], report_id: str) -> AdminReport:
    return await _report_action(request, report_id, "reopen")


@get("/api/v1/admin/accounts/{account_id:str}")
async def show_account(request: Request[Any, Any, Any], account_id: str) -> AdminAccount:
    await require_admin(request, "admin:read:accounts")
    aid = _id(account_id)
    async with services_of(request).db.read() as session:
        account = await session.get(Account, aid)
        if account is None:
            raise NotFound()
        users = await _users(session, {aid})
    return admin_account(_renderer(request), account, users.get(aid))


@post("/api/v1/admin/accounts/{account_id:str}/action", status_code=200)
async def account_action(request: Request[Any, Any, Any], account_id: str) -> dict[str, Any]:
    viewer = await require_admin(request, "admin:write:accounts")
    params = await Params.of(request)
    async with services_of(request).db.transaction() as tx:
        await reports.act_on_account(
            tx,
            actor_of(viewer),
            _id(account_id),
            params.text("type", "none") or "none",
            report_id=params.id("report_id"),
        )
    return {}


@post("/api/v1/admin/accounts/{account_id:str}/{undo:str}", status_code=200)
async def account_undo(request: Request[Any, Any, Any], account_id: str, undo: str) -> AdminAccount:
    """``unsensitive``, ``unsilence``, ``unsuspend``, ``enable``: the account, action lifted."""
    await require_admin(request, "admin:write:accounts")
    aid = _id(account_id)
    async with services_of(request).db.transaction() as tx:
        account = await reports.undo_on_account(tx, aid, undo)
        users = await _users(tx.session, {aid})
    return admin_account(_renderer(request), account, users.get(aid))


ROUTES = [
    list_reports,
    show_report,
    assign_to_self,
    unassign,
    resolve,
    reopen,
    show_account,
    account_action,
    account_undo,
]
