"""A team-run account's operators (a Porina extension, not Mastodon):
``/api/v1/porina/accounts/:id/operators``.

The caller is the person at the keyboard (the token's user, whichever account the token acts
as); only the account's owners and managers may list or change its team. Someone outside the
team gets a 404, as for an account that does not exist, so the team stays private; a member
with another role gets a 403.
"""

from __future__ import annotations

from typing import Any

from litestar import Request, delete, get, patch, post
from sqlalchemy import select

from porina.accounts import operators
from porina.accounts.errors import AccountNotFound, OperatorNotFound
from porina.accounts.models import User
from porina.api.mastodon.auth import Viewer, require, services_of
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


ROUTES = [index, create, update, destroy]
