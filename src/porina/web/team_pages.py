"""Team settings (``/settings/team``): the accounts the signed-in person operates, and for
those they manage (their own account, or one where they are an owner or manager) its
operators, with a form to add one and a button to remove each. Also ``acting``: the compose
page posts as an operated account when the form names it (``as_account``), with the role's
limits; and ``POST /web/acting``, the "Acting as" switcher: the whole web session then acts as
the brand (``web.sessions``, ``web.acting``).

Removing an operator revokes their tokens for the account at once (``accounts.operators``).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from litestar import Request, get, post
from litestar.response import Redirect, Template
from sqlalchemy import func, select

from porina.accounts import audit, operators
from porina.accounts.errors import AccountNotFound, RoleLimit
from porina.accounts.models import Account, User
from porina.core.errors import PorinaError, Unprocessable
from porina.core.ids import parse_id
from porina.web import i18n, sessions
from porina.web.common import (
    Me,
    form,
    id_or_404,
    render,
    safe_next,
    see_other,
    signed_in,
    text,
)
from porina.web.errors import message_for
from porina.web.i18n import N_
from porina.web.runtime import services

POSTING_ROLES = ("owner", "manager", "agent")
ANALYST_WEB = N_("An analyst reads the brand's metrics only, and cannot act as it on the web.")

# Messages of accounts.operators shown on pages; marked so the catalogs carry them.
ROLE_MESSAGES = (
    N_(
        "An agent can only post replies and direct messages as this account "
        "(set in_reply_to_id, or visibility direct)"
    ),
    N_("An agent can only edit posts they wrote themselves as this account"),
    N_("An analyst can only read the metrics of this account"),
    N_("An agent cannot delete posts as this account"),
    N_("An agent cannot boost posts as this account"),
    N_("An agent cannot undo boosts as this account"),
    N_("Only the account's owners and managers can manage its team"),
    N_("Only the account's owners can appoint or demote an owner"),
    N_("Only the account's owners can remove an owner"),
    N_("Validation failed: the last owner cannot be removed"),
    N_("Validation failed: the last owner cannot stop being an owner"),
    N_(
        "Validation failed: the account's own login is always an owner; "
        "it cannot be removed or given another role"
    ),
    N_("Validation failed: no such user"),
    N_("Validation failed: no such role"),
)


@dataclass(frozen=True, slots=True)
class Team:
    """One account the reader operates: their role, and (if they manage it) its team."""

    account: Account
    role: str
    members: list[operators.Member]

    @property
    def manages(self) -> bool:
        return self.role in operators.MANAGERS


def role_names() -> dict[str, str]:
    return {
        "owner": i18n._("Owner"),
        "manager": i18n._("Manager"),
        "agent": i18n._("Agent"),
        "analyst": i18n._("Analyst"),
    }


async def teams(request: Request[Any, Any, Any], me: Me) -> list[Team]:
    """The reader's own account first, then the accounts they operate."""
    found: list[Team] = []
    async with services(request).db.read() as session:
        own = me.own or me.account
        operated = [(own, "owner"), *await operators.operated_by(session, me.user.id)]
        for account, role in operated:
            members = (
                await operators.team(session, account.id) if role in operators.MANAGERS else []
            )
            found.append(Team(account, role, members))
    return found


async def posting_accounts(request: Request[Any, Any, Any], me: Me) -> list[tuple[Account, str]]:
    """The accounts besides their own the reader may post as (not as an analyst); none while
    the whole session acts as a brand (the Acting as switcher chooses then)."""
    if me.role is not None:
        return []
    async with services(request).db.read() as session:
        operated = await operators.operated_by(session, me.user.id)
    return [(account, role) for account, role in operated if role in POSTING_ROLES]


async def acting(request: Request[Any, Any, Any], me: Me, raw: str | None) -> Me:
    """``me`` acting as the account ``raw`` names, if they may post as it; an account they
    do not operate is a 404 (as one that does not exist). The person stays ``me.user``, so
    the action records them as the operator and applies their role's limits."""
    wanted = parse_id(raw) if raw else None
    if wanted is None or wanted == me.account.id:
        if raw and wanted is None:
            raise AccountNotFound()
        return me
    async with services(request).db.read() as session:
        role = await operators.role_of(session, wanted, me.user.id)
        account = await session.get(Account, wanted) if role in POSTING_ROLES else None
    if account is None:
        raise AccountNotFound()
    return Me(me.user, account)


async def _page(
    request: Request[Any, Any, Any],
    me: Me,
    *,
    error: str | None = None,
    notice: str | None = None,
    status_code: int = 200,
) -> Template:
    return render(
        request,
        "pages/team.html",
        me=me,
        teams=await teams(request, me),
        roles=operators.ROLES,
        role_names=role_names(),
        error=error,
        notice=notice,
        status_code=status_code,
    )


@get("/settings/team", name="web:team")
async def team_page(request: Request[Any, Any, Any], done: str | None = None) -> Template:
    me = await signed_in(request)
    notice = None
    if done == "removed":
        notice = i18n._("The operator is removed, and signed out of the account everywhere.")
    elif done == "added":
        notice = i18n._("The operator is added.")
    return await _page(request, me, notice=notice)


async def _user_named(request: Request[Any, Any, Any], username: str) -> int:
    name = username.strip().lstrip("@").split("@")[0]
    async with services(request).db.read() as session:
        found = await session.scalar(
            select(User.id)
            .join(Account, Account.id == User.account_id)
            .where(func.lower(Account.username) == name.lower(), Account.domain.is_(None))
        )
    if found is None:
        raise Unprocessable("Validation failed: no such user")
    return found


@post("/settings/team/{account_id:str}/add", name="web:team-add")
async def add(request: Request[Any, Any, Any], account_id: str) -> Template | Redirect:
    me = await signed_in(request)
    data = await form(request)
    target = id_or_404(account_id)
    role = text(data, "role")
    try:
        user_id = await _user_named(request, text(data, "username"))
        chosen = operators.role_named(role)
        if chosen is None:
            raise Unprocessable("Validation failed: no such role")
        async with services(request).db.transaction() as tx:
            await operators.add_operator(tx, target, user_id, chosen, by_user_id=me.user.id)
    except PorinaError as exc:
        status, message = message_for(exc)
        return await _page(request, me, error=message, status_code=status)
    return see_other("/settings/team?done=added")


@post("/settings/team/{account_id:str}/remove", name="web:team-remove")
async def remove(request: Request[Any, Any, Any], account_id: str) -> Template | Redirect:
    me = await signed_in(request)
    data = await form(request)
    target = id_or_404(account_id)
    try:
        user_id = parse_id(text(data, "user_id"))
        if user_id is None:
            raise Unprocessable("Validation failed: no such user")
        async with services(request).db.transaction() as tx:
            await operators.remove_operator(tx, target, user_id, by_user_id=me.user.id)
    except PorinaError as exc:
        status, message = message_for(exc)
        return await _page(request, me, error=message, status_code=status)
    return see_other("/settings/team?done=removed")


@post("/web/acting", name="web:acting")
async def switch(request: Request[Any, Any, Any]) -> Redirect:
    """Act as the brand ``account_id`` names (one the person serves as owner, manager or
    agent), or as themselves (empty, or their own account's id)."""
    me = await signed_in(request)
    data = await form(request)
    wanted = parse_id(text(data, "account_id"))
    back = safe_next(text(data, "next") or None, "/home")
    own = me.own or me.account
    if wanted is None or wanted == own.id:
        await sessions.set_acting(services(request), request, None)
        return see_other(back)
    async with services(request).db.read() as session:
        role = await operators.role_of(session, wanted, me.user.id)
    if role is None:
        raise AccountNotFound()
    if role not in sessions.ACTING_ROLES:
        raise RoleLimit(ANALYST_WEB)
    await sessions.set_acting(services(request), request, wanted)
    return see_other(back)


AUDIT_PAGE = 40
ACTION_NAMES = {
    "StatusCreated": N_("Posted"),
    "StatusEdited": N_("Edited a post"),
    "StatusDeleted": N_("Deleted a post"),
    "DirectMessageSent": N_("Sent a direct message"),
    "Favourited": N_("Liked a post"),
    "Unfavourited": N_("Removed a like"),
    "Bookmarked": N_("Bookmarked a post"),
    "Unbookmarked": N_("Removed a bookmark"),
    "Reblogged": N_("Boosted a post"),
    "Unreblogged": N_("Undid a boost"),
    "Followed": N_("Followed an account"),
    "Unfollowed": N_("Unfollowed an account"),
    "ProfileUpdated": N_("Changed the profile"),
    "OperatorAdded": N_("Added to the team or changed a role"),
    "OperatorRemoved": N_("Removed from the team"),
}


@get("/settings/team/{account_id:str}/audit", name="web:team-audit")
async def audit_page(
    request: Request[Any, Any, Any], account_id: str, max_id: str | None = None
) -> Template:
    """The brand's audit log for its owners and managers, newest first, 40 a page."""
    me = await signed_in(request)
    target = id_or_404(account_id)
    before = parse_id(max_id) if max_id else None
    async with services(request).db.read() as session:
        await operators.require_manager(session, target, me.user.id)
        account = await session.get(Account, target)
        entries = await audit.page(session, target, max_id=before, limit=AUDIT_PAGE + 1)
    return render(
        request,
        "pages/team_audit.html",
        me=me,
        account=account,
        entries=entries[:AUDIT_PAGE],
        more=entries[AUDIT_PAGE - 1].id if len(entries) > AUDIT_PAGE else None,
        actions={name: i18n._(label) for name, label in ACTION_NAMES.items()},
        role_names=role_names(),
    )


ROUTES = [team_page, add, remove, switch, audit_page]
