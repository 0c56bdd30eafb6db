"""``POST /api/porina/v1/move``: move the signed-in account to another account, on another
server or here (Mastodon does this on its settings page; its API has no endpoint). ``acct``
names the target (``user@host``, or its actor URL; ``name`` or ``name@`` this server for a
local one). The target must already list this account in its ``alsoKnownAs`` (fetched now;
a local one among its aliases): 422 otherwise, and for the account itself, a suspended one,
the account it moved to already, or within 30 days of its last move (``move_cooldown``);
nothing is written then. On success the account is marked
moved, its remote followers' servers are sent a ``Move`` and its local followers follow the
target instead (``federation/moving.py``); the answer is the account, with ``moved``.
"""

from __future__ import annotations

from typing import Any

import msgspec
from litestar import Request, post

from porina.accounts.models import Account
from porina.accounts.queries import local_domains
from porina.api.mastodon.auth import actor_of, require
from porina.api.mastodon.params import Params
from porina.core.errors import NotFound
from porina.federation import moving
from porina.federation.dispatch import FederationContext
from porina.render import entities as e
from porina.render.renderer import Renderer

PATH = "/api/porina/v1/move"


@post(PATH, status_code=200)
async def move(request: Request[Any, Any, Any]) -> e.Account:
    viewer = await require(request, "write:accounts")
    svc: FederationContext = request.app.state.services
    acct = (await Params.of(request)).text("acct", max_len=600)
    actor = actor_of(viewer)
    base = svc.settings.base_url.rstrip("/")
    local = local_domains(svc.settings)
    target = await moving.move(svc.db, svc.outbound, actor, acct, base, local=local)
    async with svc.db.read() as session:
        me = await session.get(Account, actor.account_id)
    if me is None:
        raise NotFound()
    renderer = Renderer(svc.settings)
    return msgspec.structs.replace(renderer.account(me), moved=renderer.account(target))


ROUTES = [move]
