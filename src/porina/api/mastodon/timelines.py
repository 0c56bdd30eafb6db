"""``/api/v1/timelines/*``: home, public, tag, list and direct timelines.

Home, public, tag and list pages are one prebuilt statement each (candidates with visibility,
mutes and blocks applied in SQL, joined with their page rows: ``timelines/page.py``) rendered
from the status cache. The direct timeline still reads through the ORM: one query for the
statuses, one for what the viewer did to them.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from litestar import Request, Response, get
from sqlalchemy import exists, or_
from sqlalchemy.ext.asyncio import AsyncSession

from porina.api.mastodon import auth
from porina.api.mastodon.pagination import Page, link_header
from porina.api.mastodon.params import Params
from porina.core.errors import NotFound
from porina.core.ids import parse_id
from porina.interactions.filters import FilterContext, apply_filters
from porina.interactions.viewer import viewer_state
from porina.posts.models import Mention
from porina.posts.queries import Bundle, S, bundle_select, to_bundle
from porina.render import entities as e
from porina.render.pages import home_json
from porina.render.quotes import render_bundles
from porina.render.renderer import Renderer
from porina.timelines import actions
from porina.timelines import home as home_rows
from porina.timelines import lists_page as list_rows
from porina.timelines import public as public_rows
from porina.timelines import tag as tag_rows

StatusList = Response[list[e.Status]]


async def render_page(
    request: Request[Any, Any, Any],
    session: AsyncSession,
    viewer_id: int | None,
    query: Any,
    page: Page,
    *,
    cursor: Any = None,
    context: FilterContext = "home",
) -> StatusList:
    """Run ``query`` (a ``bundle_select``) as a page ordered by ``cursor`` (default ``S.id``)
    and render it with a ``Link`` header. With a cursor other than ``S.id`` the cursor column
    is selected too and becomes the paging id (favourites, bookmarks)."""
    column: Any = S.id if cursor is None else cursor
    if cursor is not None:
        query = query.add_columns(cursor)
    rows = page.arrange((await session.execute(page.apply(query, column))).all())
    items = [to_bundle(row[:8]) for row in rows]
    ids = [row[8] for row in rows] if cursor is not None else [b.entry.status.id for b in items]
    return await render_items(
        request, session, viewer_id, items, ids=ids, page=page, context=context
    )


async def render_items(
    request: Request[Any, Any, Any],
    session: AsyncSession,
    viewer_id: int | None,
    items: list[Bundle],
    *,
    ids: Sequence[int],
    page: Page,
    context: FilterContext,
) -> StatusList:
    """Render ``items`` (newest first) with what the viewer did to them (one more query) and
    a ``Link`` header paging on ``ids``."""
    state = await viewer_state(session, viewer_id, items)
    shown = await render_bundles(renderer_of(request), session, items, state, viewer_id)
    body = apply_filters(shown, context)
    return Response(body, headers=link_header(request, [str(i) for i in ids], page))


def renderer_of(request: Request[Any, Any, Any]) -> Renderer:
    return Renderer(auth.services_of(request).settings)


@get("/api/v1/timelines/home")
async def home(request: Request[Any, Any, Any]) -> Response[Any]:
    viewer = await auth.require(request, "read:statuses")
    vid = viewer.require_account()
    page = Page.of(await Params.of(request))
    svc = auth.services_of(request)
    window = _window(page)
    rows, any_entry = await home_rows.rows(svc, vid, window)
    fresh = page.max_id is None and page.since_id is None and page.min_id is None
    if fresh and not any_entry and await actions.rebuild_home(svc, vid):
        rows, _ = await home_rows.rows(svc, vid, window)
    body = await home_json(svc, vid, rows)
    return Response(body, headers=link_header(request, [row.id for row in rows], page))


def _origin(params: Params) -> str:
    """Which statuses a public or tag timeline takes: "local", "remote" or "all"."""
    return "local" if params.bool("local") else "remote" if params.bool("remote") else "all"


def _window(page: Page) -> home_rows.Window:
    return home_rows.Window(page.max_id, page.since_id, page.min_id, page.limit)


@get("/api/v1/timelines/public")
async def public(request: Request[Any, Any, Any]) -> Response[Any]:
    """One prebuilt statement (candidates, visibility, versions, marks), then the status
    cache: a warm page is one query, signed in or not."""
    viewer = await auth.optional(request, "read:statuses")
    vid = viewer.account_id if viewer else None
    params = await Params.of(request)
    page = Page.of(params)
    svc = auth.services_of(request)
    origin, media = _origin(params), params.bool("only_media")
    rows = await public_rows.rows(svc.db, vid, _window(page), origin=origin, media=media)
    body = await home_json(svc, vid, rows, "public")
    return Response(body, headers=link_header(request, [row.id for row in rows], page))


@get("/api/v1/timelines/tag/{hashtag:str}")
async def tag(request: Request[Any, Any, Any], hashtag: str) -> Response[Any]:
    """One prebuilt statement per shape of request, then the status cache (``timelines/tag.py``)."""
    viewer = await auth.optional(request, "read:statuses")
    vid = viewer.account_id if viewer else None
    params = await Params.of(request)
    page = Page.of(params)
    tags = tag_rows.TagQuery.of(
        hashtag,
        params.str_list("any", max_items=10),
        params.str_list("all", max_items=10),
        params.str_list("none", max_items=10),
    )
    svc = auth.services_of(request)
    origin, media = _origin(params), params.bool("only_media")
    rows = await tag_rows.rows(svc.db, vid, _window(page), tags, origin=origin, media=media)
    body = await home_json(svc, vid, rows, "public")
    return Response(body, headers=link_header(request, [row.id for row in rows], page))


@get("/api/v1/timelines/list/{list_id:str}")
async def list_timeline(request: Request[Any, Any, Any], list_id: str) -> Response[Any]:
    """One prebuilt statement (``timelines/lists_page.py``); an empty page asks once more
    whether the list is the viewer's (404 if not)."""
    viewer = await auth.require(request, "read:lists")
    vid = viewer.require_account()
    page = Page.of(await Params.of(request))
    lid = parse_id(list_id)
    if lid is None:
        raise NotFound()
    svc = auth.services_of(request)
    rows = await list_rows.rows(svc.db, vid, lid, _window(page))
    if not rows and not await list_rows.owned(svc.db, vid, lid):
        raise NotFound()
    body = await home_json(svc, vid, rows, "home")
    return Response(body, headers=link_header(request, [row.id for row in rows], page))


@get("/api/v1/timelines/direct")
async def direct(request: Request[Any, Any, Any]) -> StatusList:
    viewer = await auth.require(request, "read:statuses")
    vid = viewer.require_account()
    params = await Params.of(request)
    to_me = exists().where(Mention.status_id == S.id, Mention.account_id == vid)
    query = bundle_select(vid).where(S.visibility == "direct", or_(S.account_id == vid, to_me))
    async with auth.services_of(request).db.read() as session:
        return await render_page(request, session, vid, query, Page.of(params), context="thread")


ROUTES = [home, public, tag, list_timeline, direct]
