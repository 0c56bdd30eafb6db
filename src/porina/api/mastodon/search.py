"""``/api/v2/search`` and ``/api/v1/accounts/search``.

Statuses are searched only for signed-in people (as Mastodon does) and only among statuses
they may see; accounts and hashtags by prefix. Porina does not resolve remote URLs yet, so
``resolve`` is accepted and has no effect beyond local lookups.
"""

from __future__ import annotations

from typing import Any

from litestar import Request, get
from sqlalchemy.ext.asyncio import AsyncSession

from porina.accounts.models import Account
from porina.accounts.queries import local_domains
from porina.api.mastodon import auth
from porina.api.mastodon.params import Params
from porina.api.mastodon.tags import tag_entity
from porina.core.errors import Unauthorized
from porina.interactions.viewer import viewer_state
from porina.posts.queries import S, bundle_select, bundles
from porina.render import entities as e
from porina.render.renderer import Renderer
from porina.search import queries as search
from porina.settings import Settings
from porina.timelines.queries import not_muted

TYPES = {"accounts", "hashtags", "statuses"}


class SearchResults(e.Entity):
    accounts: list[e.Account]
    statuses: list[e.Status]
    hashtags: list[e.Tag]


@get("/api/v2/search")
async def search_v2(request: Request[Any, Any, Any]) -> SearchResults:
    viewer = await auth.optional(request, "read:search")
    vid = viewer.account_id if viewer else None
    params = await Params.of(request)
    q = (params.term("q", max_len=1000) or "").strip()  # a term naming nothing finds nothing
    kind = params.str("type")
    limit = params.limit(20, 40)
    offset = params.int("offset", 0, lo=0) or 0
    if vid is None and (offset > 0 or params.bool("resolve")):
        raise Unauthorized("Search queries with offset or resolve require a signed-in user")
    wanted = {kind} & TYPES if kind else TYPES
    out = SearchResults(accounts=[], statuses=[], hashtags=[])
    if not q:
        return out
    svc = auth.services_of(request)
    renderer = Renderer(svc.settings)
    async with svc.db.read() as session:
        if "accounts" in wanted:
            found = await _accounts(
                session, svc.settings, params, q, viewer_id=vid, limit=limit, offset=offset
            )
            out.accounts = [renderer.account(a) for a in found]
        if "hashtags" in wanted:
            tags = await search.hashtags(
                session,
                q,
                limit=limit,
                offset=offset,
                reviewed_only=params.bool("exclude_unreviewed"),
            )
            out.hashtags = [await tag_entity(request, session, t, t.name, vid) for t in tags]
        if "statuses" in wanted and vid is not None:
            match = search.status_match(q, sqlite=svc.db.is_sqlite)
            if match is not None:
                query = bundle_select(vid).where(match, not_muted(vid))
                query = query.where(*search.status_filters(params.id("account_id")))
                for bound, op in (("max_id", S.id.__lt__), ("min_id", S.id.__gt__)):
                    if (value := params.id(bound)) is not None:
                        query = query.where(op(value))
                items = await bundles(
                    session, query.order_by(S.id.desc()).offset(offset).limit(limit)
                )
                state = await viewer_state(session, vid, items)
                out.statuses = renderer.bundles(items, state, vid)
    return out


@get("/api/v1/accounts/search")
async def accounts_search(request: Request[Any, Any, Any]) -> list[e.Account]:
    viewer = await auth.require(request, "read:accounts")
    params = await Params.of(request)
    q = (params.term("q", max_len=1000) or "").strip()  # a term naming nothing finds nothing
    if not q:
        return []
    svc = auth.services_of(request)
    renderer = Renderer(svc.settings)
    limit, offset = params.limit(40, 80), params.int("offset", 0, lo=0) or 0
    async with svc.db.read() as session:
        found = await _accounts(
            session,
            svc.settings,
            params,
            q,
            viewer_id=viewer.account_id,
            limit=limit,
            offset=offset,
        )
    return [renderer.account(a) for a in found]


async def _accounts(
    session: AsyncSession,
    settings: Settings,
    params: Params,
    q: str,
    *,
    viewer_id: int | None,
    limit: int,
    offset: int,
) -> list[Account]:
    """Accounts for ``q``; a full handle on this server is the local account."""
    return await search.accounts(
        session,
        q,
        viewer_id=viewer_id,
        limit=limit,
        offset=offset,
        following=params.bool("following"),
        local=local_domains(settings),
    )


ROUTES = [search_v2, accounts_search]
