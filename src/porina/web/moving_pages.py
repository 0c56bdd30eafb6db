"""``/settings/moving``: moving accounts (Mastodon's "Moving from/to a different account"):
the accounts elsewhere this one is also known as (``federation/aliases.py``: add, remove),
and moving this account to another account, here or elsewhere (``federation/moving.py``), with the
same checks and refusals as ``/api/porina/v1/aliases`` and ``/api/porina/v1/move``."""

from __future__ import annotations

from typing import Any

from litestar import Request, get, post
from litestar.response import Redirect, Template

from porina.accounts.models import Account
from porina.accounts.queries import local_domains
from porina.core.errors import PorinaError
from porina.core.ids import parse_id
from porina.federation import aliases, moving
from porina.federation.dispatch import FederationContext
from porina.web import i18n
from porina.web.common import Me, flag, form, render, see_other, signed_in, text
from porina.web.errors import message_for
from porina.web.i18n import N_

HOME = "/settings/moving"
REFUSALS = (
    N_("Validation failed: the account could not be found"),
    N_("Validation failed: an alias must be another account"),
    N_("Validation failed: the target account cannot be moved to"),
    N_("Validation failed: the target account does not list this account in alsoKnownAs"),
    N_("Validation failed: this account has moved to that account already"),
    N_("Validation failed: this account moved less than 30 days ago and cannot move again yet"),
)
NOTICES = {
    "added": N_("The old account was added."),
    "removed": N_("The old account was removed."),
    "moved": N_("This account has moved."),
}


def _svc(request: Request[Any, Any, Any]) -> FederationContext:
    svc: FederationContext = request.app.state.services
    return svc


async def _page(
    request: Request[Any, Any, Any], me: Me, *, error: str = "", status_code: int = 200
) -> Template:
    async with _svc(request).db.read() as session:
        listed = await aliases.listed(session, me.account.id)
        account = await session.get(Account, me.account.id)
        target_id = account.moved_to_account_id if account else None
        target = await session.get(Account, target_id) if target_id else None
    done = NOTICES.get(request.query_params.get("done", ""))
    return render(
        request,
        "pages/moving.html",
        me=me,
        aliases=listed,
        moved_to=aliases.handle(target) if target else None,
        notice=i18n._(done) if done else None,
        error=error,
        status_code=status_code,
    )


@get(HOME, name="web:settings-moving")
async def moving_page(request: Request[Any, Any, Any]) -> Template:
    return await _page(request, await signed_in(request))


@post(f"{HOME}/aliases", name="web:settings-moving-alias")
async def add_alias(request: Request[Any, Any, Any]) -> Template | Redirect:
    me = await signed_in(request)
    svc = _svc(request)
    try:
        acct, base = text(await form(request), "acct"), svc.settings.base_url.rstrip("/")
        local = local_domains(svc.settings)
        target = await aliases.find(svc.db, svc.outbound, acct, local=local, base=base)
        async with svc.db.transaction() as tx:
            await aliases.add(tx, me.actor, target, base=base)
    except PorinaError as exc:
        status, message = message_for(exc)
        return await _page(request, me, error=message, status_code=status)
    return see_other(f"{HOME}?done=added")


@post(f"{HOME}/aliases/{{alias_id:str}}/delete", name="web:settings-moving-alias-delete")
async def remove_alias(request: Request[Any, Any, Any], alias_id: str) -> Template | Redirect:
    me = await signed_in(request)
    parsed = parse_id(alias_id)
    try:
        async with _svc(request).db.transaction() as tx:
            await aliases.remove(tx, me.actor, parsed or 0)
    except PorinaError as exc:
        status, message = message_for(exc)
        return await _page(request, me, error=message, status_code=status)
    return see_other(f"{HOME}?done=removed")


@post(f"{HOME}/move", name="web:settings-moving-move")
async def move(request: Request[Any, Any, Any]) -> Template | Redirect:
    me = await signed_in(request)
    svc = _svc(request)
    data = await form(request)
    if not flag(data, "sure"):
        return await _page(request, me, error=i18n._("Tick the box to move."), status_code=422)
    base = svc.settings.base_url.rstrip("/")
    try:
        local = local_domains(svc.settings)
        await moving.move(svc.db, svc.outbound, me.actor, text(data, "acct"), base, local=local)
    except PorinaError as exc:
        status, message = message_for(exc)
        return await _page(request, me, error=message, status_code=status)
    return see_other(f"{HOME}?done=moved")


ROUTES = [moving_page, add_alias, remove_alias, move]
