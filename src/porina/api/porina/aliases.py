"""``/api/porina/v1/aliases``: the accounts elsewhere the signed-in account is also known as
(``alsoKnownAs``), the first step of moving an account here (Mastodon keeps them on its
settings page; its API has none). ``GET`` lists them; ``POST`` with ``acct`` (``user@host``
or an actor URL; or another local account: ``name``, ``name@`` this server, or its actor URL)
adds one, the account fetched first (422 when it cannot be found, is the caller's own, or ten
are listed already); ``DELETE /:id`` removes one (404 when not the
caller's). Scopes ``read:accounts`` and ``write:accounts``.
"""

from __future__ import annotations

from typing import Any

import msgspec
from litestar import Request, delete, get, post

from porina.accounts.queries import local_domains
from porina.api.mastodon.auth import actor_of, require
from porina.api.mastodon.params import Params
from porina.core.clock import iso
from porina.core.errors import NotFound
from porina.core.ids import parse_id
from porina.federation import aliases
from porina.federation.alias_models import AccountAlias
from porina.federation.dispatch import FederationContext

PATH = "/api/porina/v1/aliases"


class Alias(msgspec.Struct, kw_only=True):
    id: str
    acct: str
    uri: str
    created_at: str


def _entity(alias: AccountAlias) -> Alias:
    return Alias(
        id=str(alias.id), acct=alias.acct, uri=alias.uri, created_at=iso(alias.created_at) or ""
    )


@get(PATH)
async def list_aliases(request: Request[Any, Any, Any]) -> list[Alias]:
    viewer = await require(request, "read:accounts")
    svc: FederationContext = request.app.state.services
    async with svc.db.read() as session:
        return [_entity(a) for a in await aliases.listed(session, viewer.require_account())]


@post(PATH, status_code=200)
async def add_alias(request: Request[Any, Any, Any]) -> Alias:
    viewer = await require(request, "write:accounts")
    svc: FederationContext = request.app.state.services
    acct = (await Params.of(request)).text("acct", max_len=600)
    base = svc.settings.base_url.rstrip("/")
    local = local_domains(svc.settings)
    target = await aliases.find(svc.db, svc.outbound, acct, local=local, base=base)
    async with svc.db.transaction() as tx:
        return _entity(await aliases.add(tx, actor_of(viewer), target, base=base))


@delete(f"{PATH}/{{alias_id:str}}", status_code=200)
async def remove_alias(request: Request[Any, Any, Any], alias_id: str) -> dict[str, Any]:
    viewer = await require(request, "write:accounts")
    svc: FederationContext = request.app.state.services
    parsed = parse_id(alias_id)
    if parsed is None:
        raise NotFound()
    async with svc.db.transaction() as tx:
        await aliases.remove(tx, actor_of(viewer), parsed)
    return {}


ROUTES = [list_aliases, add_alias, remove_alias]
