"""``/api/v1/timelines/*``: home, public, tag, list and direct timelines.

Every page is one query for the statuses (visibility, mutes and blocks applied in SQL) and one
for what the viewer did to them; the home timeline joins the feed rows into that same query.
"""

from __future__ import annotations

import functools
from collections.abc import Sequence
from typing import Any

from litestar import Request, Response, get
from sqlalchemy import (
    BigInteger,
    BindParameter,
    ColumnElement,
    Integer,
    Select,
    and_,
    bindparam,
    exists,
    func,
    or_,
    select,
)
from sqlalchemy.ext.asyncio import AsyncSession

from porina.accounts.models import Follow
from porina.api.mastodon import auth
from porina.api.mastodon import entities as e
from porina.api.mastodon.pagination import Page, link_header
from porina.api.mastodon.params import Params
from porina.api.mastodon.render import Renderer
from porina.core.clock import now
from porina.core.errors import NotFound
from porina.core.ids import parse_id
from porina.interactions.filters import FilterContext, apply_filters
from porina.interactions.models import List, ListAccount
from porina.posts.models import MediaAttachment, Mention, StatusTag, Tag
from porina.posts.queries import (
    VIEWER,
    A,
    Bundle,
    S,
    bundle_select,
    to_bundle,
    viewer_state,
    viewer_template,
)
from porina.services import Services
from porina.storage.base import UTCDateTime
from porina.timelines import actions
from porina.timelines.feeds_db import DatabaseFeedStore
from porina.timelines.models import HomeFeedEntry as H
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


MOMENT = bindparam("porina_moment", type_=UTCDateTime())
BELOW = bindparam("porina_below", type_=BigInteger)
ABOVE = bindparam("porina_above", type_=BigInteger)
LIMIT = bindparam("porina_limit", type_=Integer)
IDS: BindParameter[int] = bindparam("porina_ids", expanding=True)
NO_BOUND = 2**63 - 1


@functools.cache
def _home_statement(*, ascending: bool) -> Any:
    """The home page on the database feed store, built once: every value is a bound
    parameter. It pages and orders on ``home_feed.status_id`` (equal to ``S.id``), so the
    database walks the feed's primary key ``(account_id, status_id)`` newest first and stops
    after ``limit`` visible rows, instead of joining the whole feed and sorting it."""
    feed = and_(H.account_id == VIEWER, H.status_id == S.id)
    query = viewer_template().join(H, feed).where(not_muted(VIEWER, MOMENT))
    query = query.where(H.status_id < BELOW, H.status_id > ABOVE)
    order = H.status_id.asc() if ascending else H.status_id.desc()
    return query.order_by(order).limit(LIMIT)


@functools.cache
def _ids_statement() -> Any:
    """The statuses of a page of feed ids (another feed store), built once."""
    query = viewer_template().where(S.id.in_(IDS)).where(not_muted(VIEWER, MOMENT))
    return query.order_by(S.id.desc())


@get("/api/v1/timelines/home")
async def home(request: Request[Any, Any, Any]) -> StatusList:
    viewer = await auth.require(request, "read:statuses")
    vid = viewer.require_account()
    page = Page.of(await Params.of(request))
    svc = auth.services_of(request)
    response = await _home_page(request, svc, vid, page)
    fresh = page.max_id is None and page.since_id is None and page.min_id is None
    if fresh and not response.content and await actions.rebuild_home(svc, vid):
        response = await _home_page(request, svc, vid, page)
    return response


async def _home_page(
    request: Request[Any, Any, Any], svc: Services, vid: int, page: Page
) -> StatusList:
    params: dict[str, Any] = {"porina_viewer": vid, "porina_moment": now()}
    statement: Any = None
    upwards = False
    if isinstance(svc.feeds, DatabaseFeedStore):
        below = page.max_id if page.max_id is not None else NO_BOUND
        above = max(page.min_id or 0, page.since_id or 0)
        params.update(porina_below=below, porina_above=above, porina_limit=page.limit)
        statement = _home_statement(ascending=page.ascending)
        upwards = page.ascending
    else:  # another feed store: ids first, then the statuses
        ids = await svc.feeds.page(
            vid, max_id=page.max_id, since_id=page.since_id, min_id=page.min_id, limit=page.limit
        )
        params["porina_ids"] = ids
        statement = _ids_statement() if ids else None  # newest first already
    async with svc.db.read() as session:
        rows = [] if statement is None else (await session.execute(statement, params)).all()
        items = [to_bundle(row) for row in (reversed(rows) if upwards else rows)]
        ids = [b.entry.status.id for b in items]
        return await render_items(request, session, vid, items, ids=ids, page=page, context="home")


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
async def public(request: Request[Any, Any, Any]) -> StatusList:
    viewer = await auth.optional(request, "read:statuses")
    vid = viewer.account_id if viewer else None
    params = await Params.of(request)
    query = bundle_select(vid).where(*public_filters(params), not_reply_to_others())
    if vid is not None:
        query = query.where(not_muted(vid))
    async with auth.services_of(request).db.read() as session:
        return await render_page(request, session, vid, query, Page.of(params), context="public")


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
