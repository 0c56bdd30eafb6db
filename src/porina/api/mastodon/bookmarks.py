"""``GET /api/v1/bookmarks`` and ``GET /api/v1/favourites``: what the caller saved or liked.

Pages run over the bookmark's (favourite's) own id, newest first, as Mastodon pages them, so
the ``Link`` header carries those ids rather than status ids. A page is one prebuilt statement
(``timelines/marks_page.py``) rendered from the status cache; no filter hides anything here
(their matches are shown in ``filtered``).
"""

from __future__ import annotations

from typing import Any

import msgspec
from litestar import Request, Response, get

from porina.api.mastodon import auth
from porina.api.mastodon.pagination import Page, link_header
from porina.api.mastodon.params import Params
from porina.render.pages import home_json, personal_rows
from porina.timelines import marks_page
from porina.timelines.home import Window


async def _saved(
    request: Request[Any, Any, Any], scope: str, kind: marks_page.Kind
) -> Response[Any]:
    viewer = await auth.require(request, scope)
    page = Page.of(await Params.of(request))
    svc = auth.services_of(request)
    me = viewer.require_account()
    window = Window(page.max_id, page.since_id, page.min_id, page.limit)
    marks, rows = await marks_page.rows(svc.db, me, kind, window)
    if any(row.has_filters for row in rows):  # matches shown, none hidden
        body = msgspec.json.encode((await personal_rows(svc, me, rows))[0])
    else:
        body = await home_json(svc, me, rows)
    return Response(body, headers=link_header(request, marks, page))


@get("/api/v1/bookmarks")
async def bookmarks(request: Request[Any, Any, Any]) -> Response[Any]:
    return await _saved(request, "read:bookmarks", "bookmarks")


@get("/api/v1/favourites")
async def favourites(request: Request[Any, Any, Any]) -> Response[Any]:
    return await _saved(request, "read:favourites", "favourites")


ROUTES = [bookmarks, favourites]
