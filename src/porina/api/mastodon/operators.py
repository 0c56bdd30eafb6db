"""A team-run account's operators (a Porina extension, not Mastodon):
``/api/v1/porina/accounts/:id/operators``, the team's audit log
(``/api/v1/porina/accounts/:id/audit``), and a token acting as the brand for a staff member
(``POST /api/v1/porina/accounts/:id/operators/token``).

The caller is the person at the keyboard (the token's user, whichever account the token acts
as); only the account's owners and managers may list or change its team. Someone outside the
team gets a 404, as for an account that does not exist, so the team stays private; a member
with another role gets a 403.
"""

from __future__ import annotations

from typing import Any

from litestar import Request, Response, delete, get, patch, post
from sqlalchemy import select

from porina.accounts import audit, operators
from porina.accounts.actions import issue_token
from porina.accounts.errors import AccountNotFound, OperatorNotFound
from porina.accounts.models import User
from porina.api.mastodon.auth import Viewer, require, services_of
from porina.api.mastodon.pagination import Page, link_header
from porina.api.mastodon.params import Params
from porina.core.clock import iso
from porina.core.errors import NotFound, Unprocessable
from porina.core.ids import parse_id
from porina.render import entities as e
from porina.storage.db import Tx

BASE = "/api/v1/porina/accounts/{team_account_id:str}/operators"


class Operator(e.Entity):
    """One member of the team. ``login``: the account's own sign-in, always an owner."""

    user_id: str
    account_id: str
    username: str
    acct: str
    role: str
    login: bool
    created_at: str
    added_by_user_id: str | None
    added_by: str | None


def _entity(member: operators.Member) -> Operator:
    return Operator(
        user_id=str(member.user_id),
        account_id=str(member.account_id),
        username=member.username,
        acct=member.username,
        role=member.role,
        login=member.login,
        created_at=iso(member.created_at) or "",
        added_by_user_id=str(member.added_by_user_id) if member.added_by_user_id else None,
        added_by=member.added_by,
    )


def _id(raw: str, error: type[NotFound] = AccountNotFound) -> int:
    parsed = parse_id(raw)
    if parsed is None:
        raise error()
    return parsed


def _person(viewer: Viewer) -> int:
    if viewer.user_id is None:
        raise AccountNotFound()
    return viewer.user_id


async def _member(tx: Tx, account_id: int, user_id: int) -> Operator:
    for member in await operators.team(tx.session, account_id):
        if member.user_id == user_id:
            return _entity(member)
    raise OperatorNotFound()


@get(BASE)
async def index(request: Request[Any, Any, Any], team_account_id: str) -> list[Operator]:
    viewer = await require(request, "read:accounts")
    target = _id(team_account_id)
    async with services_of(request).db.read() as session:
        await operators.require_manager(session, target, _person(viewer))
        return [_entity(m) for m in await operators.team(session, target)]


async def _user_of(tx: Tx, params: Params) -> int:
    """The person to add: ``user_id``, or ``account_id`` (their own local account)."""
    user_id = parse_id(params.raw("user_id"))
    if user_id is not None:
        return user_id
    own = parse_id(params.raw("account_id"))
    found = None
    if own is not None:
        found = await tx.session.scalar(select(User.id).where(User.account_id == own))
    if found is None:
        raise Unprocessable("Validation failed: user_id or account_id must name a local user")
    return found


def _role(params: Params) -> operators.Role:
    """``role``: owner, manager, agent or analyst; the old names (admin, editor, responder)
    are still accepted and mean the role they became (``operators.ALIASES``)."""
    role = operators.role_named(params.text("role", max_len=16))
    if role is not None:
        return role
    raise Unprocessable(f"Validation failed: role must be one of {', '.join(operators.ROLES)}")


@post(BASE, status_code=200)
async def create(request: Request[Any, Any, Any], team_account_id: str) -> Operator:
    viewer = await require(request, "write:accounts")
    params = await Params.of(request)
    target = _id(team_account_id)
    async with services_of(request).db.transaction() as tx:
        await operators.require_manager(tx.session, target, _person(viewer))
        user_id = await _user_of(tx, params)
        await operators.add_operator(tx, target, user_id, _role(params), by_user_id=viewer.user_id)
        return await _member(tx, target, user_id)


@patch(BASE + "/{user_id:str}")
async def update(request: Request[Any, Any, Any], team_account_id: str, user_id: str) -> Operator:
    viewer = await require(request, "write:accounts")
    params = await Params.of(request)
    target, person = _id(team_account_id), _id(user_id, OperatorNotFound)
    async with services_of(request).db.transaction() as tx:
        await operators.require_manager(tx.session, target, _person(viewer))
        if await operators.role_of(tx.session, target, person) is None:
            raise OperatorNotFound()
        await operators.add_operator(tx, target, person, _role(params), by_user_id=viewer.user_id)
        return await _member(tx, target, person)


@delete(BASE + "/{user_id:str}", status_code=200)
async def destroy(
    request: Request[Any, Any, Any], team_account_id: str, user_id: str
) -> dict[str, Any]:
    viewer = await require(request, "write:accounts")
    target, person = _id(team_account_id), _id(user_id, OperatorNotFound)
    async with services_of(request).db.transaction() as tx:
        await operators.require_manager(tx.session, target, _person(viewer))
        await operators.remove_operator(tx, target, person, by_user_id=viewer.user_id)
    return {}


class BrandToken(e.Entity):
    """A token for the caller acting as the brand, with the scopes their role allows."""

    access_token: str
    token_type: str
    scope: str
    created_at: int
    account_id: str
    role: str


@post(BASE + "/token", status_code=200)
async def token(request: Request[Any, Any, Any], team_account_id: str) -> BrandToken:
    """The caller (the token's person, signed in as themselves) gets a token acting as the
    brand; every action with it records them as the operator. Same app as the caller's
    token; scopes by role (``operators.ROLE_SCOPES``). Outside the team: 404."""
    viewer = await require(request, "write:accounts")
    target = _id(team_account_id)
    async with services_of(request).db.transaction() as tx:
        role = await operators.role_of(tx.session, target, _person(viewer))
        user = await tx.session.get(User, _person(viewer))
        if role is None or user is None:
            raise AccountNotFound()
        plain, row = await issue_token(
            tx,
            user=user,
            app_id=viewer.app_id,
            scopes=operators.ROLE_SCOPES[role],
            account_id=target,
        )
    return BrandToken(
        access_token=plain,
        token_type="Bearer",
        scope=row.scopes,
        created_at=int(row.created_at.timestamp()),
        account_id=str(target),
        role=role,
    )


class AuditEntry(e.Entity):
    """One staff action as the brand, or one team change. ``action``: the event type
    (``StatusCreated``, ``Favourited``, ``OperatorAdded``...); ``user_id``/``username``: the
    staff member (null: the instance operator, from the CLI)."""

    id: str
    account_id: str
    user_id: str | None
    username: str | None
    action: str
    target_type: str | None
    target_id: str | None
    detail: dict[str, Any]
    created_at: str


def _audit_entity(entry: audit.Entry) -> AuditEntry:
    return AuditEntry(
        id=str(entry.id),
        account_id=str(entry.account_id),
        user_id=str(entry.user_id) if entry.user_id is not None else None,
        username=entry.username,
        action=entry.action,
        target_type=entry.target_type,
        target_id=str(entry.target_id) if entry.target_id is not None else None,
        detail=entry.detail,
        created_at=iso(entry.created_at) or "",
    )


@get("/api/v1/porina/accounts/{team_account_id:str}/audit")
async def audit_log(
    request: Request[Any, Any, Any], team_account_id: str
) -> Response[list[AuditEntry]]:
    """The brand's audit log, newest first, paginated with ``Link`` (``max_id``, ``min_id``,
    ``limit`` up to 80). Owners and managers only: other members get a 403, anyone else a
    404."""
    viewer = await require(request, "read:accounts")
    target = _id(team_account_id)
    page = Page.of(await Params.of(request), default=40, maximum=80)
    async with services_of(request).db.read() as session:
        await operators.require_manager(session, target, _person(viewer))
        entries = await audit.page(
            session, target, max_id=page.max_id, min_id=page.min_id, limit=page.limit
        )
    body = [_audit_entity(entry) for entry in entries]
    return Response(body, headers=link_header(request, [entry.id for entry in entries], page))


ROUTES = [index, create, update, destroy, token, audit_log]
