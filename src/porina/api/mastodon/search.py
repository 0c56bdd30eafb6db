"""``/api/v2/search`` and ``/api/v1/accounts/search``.

Statuses are searched only for signed-in people (as Mastodon does) and only among statuses
they may see; accounts and hashtags by prefix. With ``resolve=true`` a signed-in person's
``@user@host`` on another server is looked up by WebFinger and stored as a remote account
(``federation.remote``), and a URL (a status's or an account's ActivityPub id, or a web page
naming one as its ActivityStreams alternate) is fetched and stored (``federation.fetching``).
Without ``resolve`` a URL finds only what is stored.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, cast

import msgspec
from litestar import Request, Response, get
from sqlalchemy.ext.asyncio import AsyncSession

from porina.accounts.models import Account
from porina.accounts.queries import local_domains
from porina.api.mastodon import auth, search_reads
from porina.api.mastodon.params import Params
from porina.core.errors import PorinaError, Unauthorized
from porina.federation import fetching
from porina.federation.dispatch import FederationContext
from porina.federation.remote import resolve_handle
from porina.render import entities as e
from porina.render.pages import rows_for
from porina.render.renderer import Renderer
from porina.search import queries as search
from porina.settings import Settings
from porina.timelines.page import for_ids

TYPES = {"accounts", "hashtags", "statuses"}


class SearchResults(e.Entity):
    accounts: list[e.Account]
    statuses: list[e.Status]
    hashtags: list[e.Tag]


@dataclass
class _Found:
    """What a search found: accounts and hashtags as entities, statuses as their JSON for
    the viewer (id, bytes), joined into ``SearchResults``' JSON by ``_body``."""

    accounts: list[e.Account] = field(default_factory=list)
    statuses: list[tuple[int, bytes]] = field(default_factory=list)
    hashtags: list[e.Tag] = field(default_factory=list)


_ENCODER = msgspec.json.Encoder()


def _body(found: _Found) -> bytes:
    """``SearchResults`` as JSON, the statuses' documents as they are."""
    return b"".join(
        (
            b'{"accounts":',
            _ENCODER.encode(found.accounts),
            b',"statuses":[',
            b",".join(part for _, part in found.statuses),
            b'],"hashtags":',
            _ENCODER.encode(found.hashtags),
            b"}",
        )
    )


@get("/api/v2/search")
async def search_v2(request: Request[Any, Any, Any]) -> Response[SearchResults]:
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
    out = _Found()
    if not q:
        return Response(cast(Any, _body(out)))
    svc = auth.services_of(request)
    remote = await _resolved(request, q, fetch=vid is not None and params.bool("resolve"))
    if "accounts" in wanted:
        out.accounts = await search_reads.accounts(
            svc,
            vid,
            search_reads.AccountQuery(q, params.bool("following"), offset=offset, limit=limit),
        )
    if "hashtags" in wanted:
        out.hashtags = await search_reads.hashtags(
            svc,
            vid,
            search_reads.TagQuery(q, params.bool("exclude_unreviewed"), offset=offset, limit=limit),
        )
    if "statuses" in wanted and vid is not None:
        asked = search_reads.StatusQuery(
            q=q,
            account_id=params.id("account_id"),
            max_id=params.id("max_id"),
            min_id=params.id("min_id"),
            offset=offset,
            limit=limit,
        )
        out.statuses = await search_reads.statuses(svc, vid, asked)
    await _put_first(request, out, wanted, vid, remote)
    return Response(cast(Any, _body(out)))


async def _put_first(
    request: Request[Any, Any, Any],
    out: _Found,
    wanted: set[str],
    viewer_id: int | None,
    found: Account | int | None,
) -> None:
    """The account or status a handle or URL named, first in its list (a status only
    when the viewer may see it)."""
    svc = auth.services_of(request)
    if isinstance(found, Account) and "accounts" in wanted:
        if all(a.id != str(found.id) for a in out.accounts):
            shown = await search_reads.rendered_accounts(svc, [(found.id, found.version)])
            out.accounts[:0] = shown
    elif isinstance(found, int) and "statuses" in wanted and viewer_id is not None:
        if any(status_id == found for status_id, _ in out.statuses):
            return
        rows = [r for r in await for_ids(svc.db, viewer_id, [found], mutes=False) if r.visible]
        named = await rows_for(svc, viewer_id, rows, seen=False)
        out.statuses[:0] = [(int(status.id), _ENCODER.encode(status)) for status in named]


async def _resolved(
    request: Request[Any, Any, Any], q: str, *, fetch: bool
) -> Account | int | None:
    """What ``q`` names: a URL, the status (its id) or account stored for it, fetched when
    ``fetch`` (``resolve=true``, signed in) and not stored; ``@user@host`` on another server,
    the remote account, by WebFinger when ``fetch``. None when it names nothing here or the
    other server does not answer."""
    svc: FederationContext = request.app.state.services
    try:
        if q.startswith(("https://", "http://")) and " " not in q:
            found = fetching.Fetcher(svc.db, svc.outbound, svc.settings)
            return await (fetching.resolve_url(found, q) if fetch else fetching.stored(found, q))
        name, _, host = q.lstrip("@").partition("@")
        if not fetch or not name or not host or host.lower() in local_domains(svc.settings):
            return None
        return await resolve_handle(svc.db, svc.outbound, q)
    except PorinaError:
        return None


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
