"""``GET /api/v1/bookmarks`` and ``GET /api/v1/favourites``: what the caller saved or liked.

Pages run over the bookmark's (favourite's) own id, newest first, as Mastodon pages them, so
the ``Link`` header carries those ids rather than status ids.
"""

from __future__ import annotations

from typing import Any, cast

from litestar import Request, Response, get
from sqlalchemy import select

from porina.api.mastodon import auth
from porina.api.mastodon.pagination import Page, link_header
from porina.api.mastodon.params import Params
from porina.interactions.models import Bookmark, Favourite
from porina.render import entities as e
from porina.render.renderer import Renderer, statuses_by_id


async def _saved(
    request: Request[Any, Any, Any], scope: str, model: type[Bookmark] | type[Favourite]
) -> Response[list[e.Status]]:
    viewer = await auth.require(request, scope)
    page = Page.of(await Params.of(request))
    svc = auth.services_of(request)
    me = viewer.require_account()
    owned = select(model.id, model.status_id).where(model.account_id == me)
    query = page.apply(cast(Any, owned), cast(Any, model.id))
    async with svc.db.read() as session:
        rows = page.arrange((await session.execute(query)).all())
        statuses = await statuses_by_id(
            Renderer(svc.settings), session, me, [row.status_id for row in rows]
        )
    return Response(statuses, headers=link_header(request, [row.id for row in rows], page))


@get("/api/v1/bookmarks")
async def bookmarks(request: Request[Any, Any, Any]) -> Response[list[e.Status]]:
    return await _saved(request, "read:bookmarks", Bookmark)


@get("/api/v1/favourites")
async def favourites(request: Request[Any, Any, Any]) -> Response[list[e.Status]]:
    return await _saved(request, "read:favourites", Favourite)


ROUTES = [bookmarks, favourites]
