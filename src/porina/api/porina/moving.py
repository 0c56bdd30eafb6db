"""``POST /api/porina/v1/move``: move the signed-in account to another server's account
(Mastodon does this on its settings page; its API has no endpoint). ``acct`` names the
target (``user@host``, or its actor URL). The target must already list this account in its
``alsoKnownAs`` (fetched now): 422 otherwise, and for a local target, a suspended one, or an
account that has moved already; nothing is written then. On success the account is marked
moved, its remote followers' servers are sent a ``Move`` and its local followers follow the
target instead (``federation/moving.py``); the answer is the account, with ``moved``.
"""

from __future__ import annotations

from typing import Any

import msgspec
from litestar import Request, post

from porina.accounts.models import Account
from porina.api.mastodon.auth import actor_of, require
from porina.api.mastodon.params import Params
from porina.core.errors import NotFound, Unprocessable
from porina.federation import documents as doc
from porina.federation import moving
from porina.federation.dispatch import FederationContext
from porina.federation.remote import resolve_actor, resolve_handle
from porina.render import entities as e
from porina.render.renderer import Renderer

PATH = "/api/porina/v1/move"
NOT_AN_ALIAS = "the target account does not list this account in alsoKnownAs"


@post(PATH, status_code=200)
async def move(request: Request[Any, Any, Any]) -> e.Account:
    viewer = await require(request, "write:accounts")
    svc: FederationContext = request.app.state.services
    params = await Params.of(request)
    acct = (params.text("acct", max_len=600) or "").strip()
    if not acct:
        raise Unprocessable("Validation failed: acct can't be blank")
    try:
        if acct.startswith(("https://", "http://")):
            target = await resolve_actor(svc.db, svc.outbound, acct)
        else:
            target = await resolve_handle(svc.db, svc.outbound, acct)
    except NotFound:
        raise Unprocessable("Validation failed: the target account cannot be moved to") from None
    base = svc.settings.base_url.rstrip("/")
    actor = actor_of(viewer)
    async with svc.db.read() as session:
        me = await session.get(Account, actor.account_id)
    if me is None or target.domain is None:
        raise Unprocessable("Validation failed: the target account cannot be moved to")
    if not await moving.target_agrees(
        svc.db, svc.outbound, target, doc.actor_url(base, me.username)
    ):
        raise Unprocessable(f"Validation failed: {NOT_AN_ALIAS}")
    renderer = Renderer(svc.settings)
    async with svc.db.transaction() as tx:
        moved = renderer.account(await moving.move_away(tx, actor, target.id, base))
    return msgspec.structs.replace(moved, moved=renderer.account(target))


ROUTES = [move]
