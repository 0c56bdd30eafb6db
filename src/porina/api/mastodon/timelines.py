"""``/api/v1/timelines/*``: home, public, tag, list and direct timelines.

Every page is one query for the statuses (visibility, mutes and blocks applied in SQL) and one
for what the viewer did to them; the home timeline joins the feed rows into that same query.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from litestar import Request, Response, get
from sqlalchemy import ColumnElement, Select, exists, func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from porina.accounts.models import Follow
from porina.api.mastodon import auth
from porina.api.mastodon.pagination import Page, link_header
from porina.api.mastodon.params import Params
from porina.core.errors import NotFound
from porina.core.ids import parse_id
from porina.interactions.filters import FilterContext, apply_filters
from porina.interactions.viewer import viewer_state
from porina.lists.models import List, ListAccount
from porina.posts.models import MediaAttachment, Mention, StatusTag, Tag
from porina.posts.queries import A, Bundle, S, bundle_select, to_bundle
from porina.render import entities as e
from porina.render.pages import home_json
from porina.render.renderer import Renderer
from porina.timelines import actions
from porina.timelines import home as home_rows
from porina.timelines import public as public_rows
from porina.timelines.queries import not_muted

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
    body = apply_filters(renderer_of(request).bundles(items, state, viewer_id), context)
    return Response(body, headers=link_header(request, [str(i) for i in ids], page))


def renderer_of(request: Request[Any, Any, Any]) -> Renderer:
    return Renderer(auth.services_of(request).settings)


def has_media() -> ColumnElement[bool]:
    return exists().where(MediaAttachment.status_id == S.id)


def not_reply_to_others() -> ColumnElement[bool]:
    return or_(S.in_reply_to_id.is_(None), S.in_reply_to_account_id == S.account_id)


@get("/api/v1/timelines/home")
async def home(request: Request[Any, Any, Any]) -> Response[Any]:
    viewer = await auth.require(request, "read:statuses")
    vid = viewer.require_account()
    page = Page.of(await Params.of(request))
    svc = auth.services_of(request)
    window = home_rows.Window(page.max_id, page.since_id, page.min_id, page.limit)
    rows, any_entry = await home_rows.rows(svc, vid, window)
    fresh = page.max_id is None and page.since_id is None and page.min_id is None
    if fresh and not any_entry and await actions.rebuild_home(svc, vid):
        rows, _ = await home_rows.rows(svc, vid, window)
    body = await home_json(svc, vid, rows)
    return Response(body, headers=link_header(request, [row.id for row in rows], page))


def public_filters(params: Params) -> list[ColumnElement[bool]]:
    conditions: list[ColumnElement[bool]] = [S.visibility == "public", S.reblog_of_id.is_(None)]
    if params.bool("local"):
        conditions.append(A.domain.is_(None))
    elif params.bool("remote"):
        conditions.append(A.domain.is_not(None))
    if params.bool("only_media"):
        conditions.append(has_media())
    return conditions


@get("/api/v1/timelines/public")
async def public(request: Request[Any, Any, Any]) -> Response[Any]:
    """One prebuilt statement (candidates, visibility, versions, marks), then the status
    cache: a warm page is one query, signed in or not."""
    viewer = await auth.optional(request, "read:statuses")
    vid = viewer.account_id if viewer else None
    params = await Params.of(request)
    page = Page.of(params)
    local = params.bool("local")
    origin = "local" if local else "remote" if params.bool("remote") else "all"
    window = home_rows.Window(page.max_id, page.since_id, page.min_id, page.limit)
    svc = auth.services_of(request)
    media = params.bool("only_media")
    rows = await public_rows.rows(svc.db, vid, window, origin=origin, media=media)
    body = await home_json(svc, vid, rows, "public")
    return Response(body, headers=link_header(request, [row.id for row in rows], page))


def tagged(names: Sequence[str]) -> ColumnElement[bool]:
    """SQL on ``S``: the status carries one of the tags ``names``."""
    wanted = [n.lstrip("#").lower() for n in names if n.strip("# ")]
    return exists().where(
        StatusTag.status_id == S.id,
        StatusTag.tag_id.in_(select(Tag.id).where(func.lower(Tag.name).in_(wanted))),
    )


@get("/api/v1/timelines/tag/{hashtag:str}")
async def tag(request: Request[Any, Any, Any], hashtag: str) -> StatusList:
    viewer = await auth.optional(request, "read:statuses")
    vid = viewer.account_id if viewer else None
    params = await Params.of(request)
    query = bundle_select(vid).where(*public_filters(params))
    query = query.where(tagged([hashtag, *params.str_list("any", max_items=10)]))
    for name in params.str_list("all", max_items=10):
        query = query.where(tagged([name]))
    if none := params.str_list("none", max_items=10):
        query = query.where(~tagged(none))
    if vid is not None:
        query = query.where(not_muted(vid))
    async with auth.services_of(request).db.read() as session:
        return await render_page(request, session, vid, query, Page.of(params), context="public")


@get("/api/v1/timelines/list/{list_id:str}")
async def list_timeline(request: Request[Any, Any, Any], list_id: str) -> StatusList:
    viewer = await auth.require(request, "read:lists")
    vid = viewer.require_account()
    params = await Params.of(request)
    lid = parse_id(list_id)
    async with auth.services_of(request).db.read() as session:
        found = await session.get(List, lid) if lid is not None else None
        if found is None or found.account_id != vid:
            raise NotFound()
        members = select(ListAccount.account_id).where(ListAccount.list_id == found.id)
        query = bundle_select(vid).where(S.account_id.in_(members), not_muted(vid))
        query = query.where(_list_replies(found.replies_policy, vid, members))
        return await render_page(request, session, vid, query, Page.of(params), context="home")


def _list_replies(policy: str, vid: int, members: Any) -> ColumnElement[bool]:
    own = not_reply_to_others()
    if policy == "none":
        return own
    if policy == "followed":
        from_follows = S.in_reply_to_account_id.in_(following_of(vid))
        return or_(own, from_follows, S.in_reply_to_account_id == vid)
    return or_(own, S.in_reply_to_account_id.in_(members))


def following_of(vid: int) -> Select[Any]:
    return select(Follow.target_account_id).where(Follow.account_id == vid)


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
