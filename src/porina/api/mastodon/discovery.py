"""Finding people: ``/api/v1/directory``, follow suggestions (``/api/v2/suggestions``, the
older ``/api/v1/suggestions`` and dismissing one), a profile's endorsed accounts
(``/api/v1/accounts/:id/endorsements``) and the retired identity proofs (always empty)."""

from __future__ import annotations

from typing import Any, cast

from litestar import Request, Response, delete, get
from sqlalchemy import select

from porina.accounts import discovery
from porina.accounts import queries as accounts
from porina.accounts.models import Account, AccountPin
from porina.api.mastodon import auth
from porina.api.mastodon.pagination import Page, link_header
from porina.api.mastodon.params import Params
from porina.core.errors import NotFound
from porina.core.ids import parse_id
from porina.render import entities as e
from porina.render.renderer import Renderer

ACCOUNTS_LIMIT = 40
MAX_ACCOUNTS = 80
OLD_SOURCE = {"friends_of_friends": "past_interactions", "most_followed": "global"}
"""The deprecated ``source`` (one reason, in Mastodon 3.x's words) beside ``sources``."""


def _renderer(request: Request[Any, Any, Any]) -> Renderer:
    return Renderer(auth.services_of(request).settings)


@get("/api/v1/directory")
async def directory(request: Request[Any, Any, Any]) -> list[e.Account]:
    viewer = await auth.optional(request, "read:accounts")
    params = await Params.of(request)
    order: discovery.Order = "new" if params.str("order") == "new" else "active"
    async with auth.services_of(request).db.read() as session:
        found = await discovery.directory(
            session,
            viewer.account_id if viewer else None,
            local=params.bool("local"),
            order=order,
            offset=params.int("offset", 0, lo=0) or 0,
            limit=params.limit(ACCOUNTS_LIMIT, MAX_ACCOUNTS),
        )
    r = _renderer(request)
    return [r.account(a) for a in found]


async def _suggested(request: Request[Any, Any, Any]) -> list[discovery.Suggestion]:
    viewer = await auth.require(request, "read")
    params = await Params.of(request)
    async with auth.services_of(request).db.read() as session:
        return await discovery.suggestions(
            session, viewer.require_account(), params.limit(ACCOUNTS_LIMIT, MAX_ACCOUNTS)
        )


@get("/api/v2/suggestions")
async def suggestions(request: Request[Any, Any, Any]) -> list[dict[str, Any]]:
    r = _renderer(request)
    return [
        {"source": OLD_SOURCE[s.sources[0]], "sources": s.sources, "account": r.account(s.account)}
        for s in await _suggested(request)
    ]


@get("/api/v1/suggestions")
async def suggestions_v1(request: Request[Any, Any, Any]) -> list[e.Account]:
    r = _renderer(request)
    return [r.account(s.account) for s in await _suggested(request)]


@delete("/api/v1/suggestions/{account_id:str}", status_code=200)
async def dismiss(request: Request[Any, Any, Any], account_id: str) -> dict[str, Any]:
    viewer = await auth.require(request, "write:accounts")  # as Mastodon's destroy
    target = parse_id(account_id)
    async with auth.services_of(request).db.transaction() as tx:
        await discovery.dismiss(tx, viewer.require_account(), [target] if target else [])
    return {}


@get("/api/v1/accounts/{account_id:str}/endorsements")
async def endorsements(request: Request[Any, Any, Any], account_id: str) -> Response[Any]:
    """The accounts a profile features (4.4), newest account first as Mastodon pages them;
    none for a suspended account, and none the viewer blocks or mutes."""
    viewer = await auth.optional(request, "read:accounts")
    page = Page.of(await Params.of(request), ACCOUNTS_LIMIT, MAX_ACCOUNTS)
    target = parse_id(account_id)
    async with auth.services_of(request).db.read() as session:
        account = await session.get(Account, target) if target is not None else None
        if account is None:
            raise NotFound()
        found: list[Account] = []
        if account.suspended_at is None:
            query = (
                select(Account)
                .join(AccountPin, AccountPin.target_account_id == Account.id)
                .where(AccountPin.account_id == account.id, Account.suspended_at.is_(None))
            )
            if viewer is not None and viewer.account_id is not None:
                query = query.where(discovery.not_excluded_by(viewer.account_id))
            found = page.arrange(
                list(await session.scalars(page.apply(query, cast(Any, Account.id))))
            )
    r = _renderer(request)
    body = [r.account(a) for a in found]
    return Response(body, headers=link_header(request, [a.id for a in found], page))


@get("/api/v1/accounts/{account_id:str}/identity_proofs")
async def identity_proofs(request: Request[Any, Any, Any], account_id: str) -> list[Any]:
    """Keybase proofs are gone from Mastodon (3.5); it answers an empty list."""
    viewer = await auth.require(request, "read:accounts")
    async with auth.services_of(request).db.read() as session:
        await accounts.account(session, parse_id(account_id), viewer.account_id)
    return []


ROUTES = [directory, suggestions, suggestions_v1, dismiss, endorsements, identity_proofs]
