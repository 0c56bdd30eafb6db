"""The front page, the home timeline (a welcome panel while it is empty), the local timeline,
the language switch and "about"."""

from __future__ import annotations

import functools
from typing import Any

from litestar import Request, get, post
from litestar.datastructures import Cookie
from litestar.exceptions import NotFoundException
from litestar.response import Redirect, Response, Template

from porina.accounts import credentials
from porina.core.ids import parse_id
from porina.interactions.filters import apply_filters
from porina.posts.queries import S, bundle_select, bundles, bundles_by_id
from porina.render import entities as e
from porina.render.pages import found_rows, has_quotes, personal_one, rendered_rows
from porina.render.runtime import Runtime
from porina.render.status_cache import Found
from porina.storage.fastread import Prebuilt
from porina.timelines import actions, bounds, public
from porina.timelines import home as home_rows
from porina.timelines import page as pages
from porina.timelines.queries import not_muted
from porina.web import explore, home_shell, i18n, page_cache, reader_fragments
from porina.web.common import (
    Me,
    form,
    is_htmx,
    reader,
    render,
    renderer,
    safe_next,
    see_other,
    signed_in,
    statuses,
    text,
)
from porina.web.groups_audience import group_audience_of
from porina.web.runtime import services

PAGE = 20
WELCOME_PEOPLE = 5
WELCOME_TAGS = 5
WELCOME_POSTS = 3


async def local_timeline(
    request: Request[Any, Any, Any], me: Me | None, max_id: int | None
) -> list[e.Status]:
    """Public posts written here, newest first (two queries)."""
    query = bundle_select(me.id if me else None).where(
        S.local.is_(True), S.visibility == "public", S.reblog_of_id.is_(None)
    )
    if me is not None:
        query = query.where(not_muted(me.id))
    if max_id is not None:
        query = query.where(S.id < max_id)
    async with services(request).db.read() as session:
        items = await bundles(session, query.order_by(S.id.desc()).limit(PAGE))
        return await statuses(request, session, me, items)


@functools.cache
def _local_page() -> Prebuilt:
    """The local timeline as the web shows it: public posts written here, replies included
    (the API's ``local=true`` leaves replies to others out), newest first."""
    return public.candidates_page(
        public.public_conditions(origin="local", media=False), ascending=False
    )


async def local_rows(request: Request[Any, Any, Any], max_id: int | None) -> list[pages.PageRow]:
    """The local timeline's page rows for an anonymous visitor (one prebuilt statement)."""
    window = home_rows.Window(max_id, None, None, PAGE)
    fetched = await services(request).db.fast.fetch(_local_page(), bounds.params(None, window))
    return [row for row in pages.rows(fetched) if row.visible]


def older_rows(rows: list[pages.PageRow], base: str) -> str | None:
    return f"{base}?max_id={rows[-1].id}" if len(rows) >= PAGE else None


async def _feed_rows(svc: Runtime, me: Me, max_id: int | None) -> list[pages.PageRow]:
    """The reader's home feed page, read as the API reads it (``timelines/home.py``: one
    statement; mutes and blocks applied), rebuilt first if it was dropped."""
    window = home_rows.Window(max_id, None, None, PAGE)
    rows, any_entry = await home_rows.rows(svc, me.id, window)
    if max_id is None and not any_entry and await actions.rebuild_home(svc, me.id):
        rows, _ = await home_rows.rows(svc, me.id, window)  # a dropped feed, as the API
    return rows


async def _groups_of(request: Request[Any, Any, Any], me_id: int, found: list[Found]) -> None:
    """``group_audience_of`` for the page's posts that are in a group (a status's group is
    set when it is written and never changes: the cached row says; none, no statement)."""
    shown = [hit.reblog or hit.status for hit in found]
    ids = {cached.status_id for cached in shown if cached.status.group_id is not None}
    if ids:
        await group_audience_of(request, me_id, ids)


async def home_page(
    request: Request[Any, Any, Any], me: Me, max_id: int | None
) -> Response[bytes] | list[e.Status]:
    """The home page's posts through the status cache (the page rows' statement, then none
    when every rendering is cached), plus the groups of group posts (one more).

    The kept shell's page (``home_shell``) when it covers the reader and the posts need
    nothing more of the reader than the rows say (no active filters, no quote posts): each
    post's HTML kept by its row (``reader_fragments.row_key``), no entity built for a kept
    one. Otherwise the posts as entities (quoted posts filled: one more statement; "hide"
    filters for the home context applied), for the complete page."""
    svc = services(request)
    rows = await _feed_rows(svc, me, max_id)
    found, filters = await found_rows(svc, me.id, rows)
    hits = [(row, hit) for row, hit in zip(rows, found, strict=True) if hit is not None]
    await _groups_of(request, me.id, [hit for _, hit in hits])
    if home_shell.covers(request, me, hits) and not filters and not has_quotes(found):
        posts = reader_fragments.row_fragments(
            request, me, hits, lambda hit, row: personal_one(svc, hit, row, me.id)
        )
        more = older_rows([row for row, _ in hits], "/home")
        return home_shell.page(request, me, i18n._("Home"), posts, more)
    shown = await rendered_rows(svc, me.id, rows, found, filters)
    return apply_filters(shown, "home") if filters else shown


def older(items: list[e.Status], base: str) -> str | None:
    return f"{base}?max_id={items[-1].id}" if len(items) >= PAGE else None


@get("/", name="web:landing")
async def landing(request: Request[Any, Any, Any]) -> Template | Redirect:
    me = await reader(request)
    if me is not None:
        return Redirect(path="/home")
    if not is_htmx(request):
        rows = await local_rows(request, None)

        async def extra(_: list[e.Status]) -> dict[str, Any]:
            return {"more": "/public/local"}

        return await page_cache.anonymous_page(
            request, "web:landing", "pages/landing.html", rows, extra
        )
    items = await local_timeline(request, None, None)
    return render(request, "pages/landing.html", me=me, statuses=items, more="/public/local")


@get("/public/local", name="web:local")
async def local(request: Request[Any, Any, Any], max_id: str | None = None) -> Template:
    me = await reader(request)
    if me is None and not is_htmx(request):
        rows = await local_rows(request, parse_id(max_id))

        async def extra(_: list[e.Status]) -> dict[str, Any]:
            return {"title": i18n._("Local timeline"), "more": older_rows(rows, "/public/local")}

        return await page_cache.anonymous_page(
            request, "web:local", "pages/timeline.html", rows, extra
        )
    items = await local_timeline(request, me, parse_id(max_id))
    return render(
        request,
        "pages/timeline.html",
        me=me,
        title=i18n._("Local timeline"),
        statuses=items,
        more=older(items, "/public/local"),
    )


async def welcome(request: Request[Any, Any, Any], me: Me) -> dict[str, Any]:
    """The welcome panel of an empty home: people to follow (``/api/v2/suggestions``), the
    week's trending hashtags and posts (``/api/v1/trends``), read as Explore reads them."""
    async with services(request).db.read() as session:
        return {
            "people": await explore.people_to_follow(request, session, me, WELCOME_PEOPLE),
            "hashtags": await explore.trending_hashtags(session, me, WELCOME_TAGS),
            "posts": await explore.trending_posts(request, session, me, 0, WELCOME_POSTS),
        }


@get("/home", name="web:home")
async def home(
    request: Request[Any, Any, Any], max_id: str | None = None
) -> Template | Response[bytes]:
    me = await signed_in(request)
    items = await home_page(request, me, parse_id(max_id))
    if isinstance(items, Response):
        return items
    first = not items and max_id is None
    return render(
        request,
        "pages/timeline.html",
        me=me,
        title=i18n._("Home"),
        statuses=items,
        fragments=reader_fragments.fragments(request, me, items),
        more=older(items, "/home"),
        live=True,
        welcome=await welcome(request, me) if first else None,
    )


@post("/lang", name="web:lang")
async def switch_language(request: Request[Any, Any, Any]) -> Redirect:
    """The EN/FI switch: remembered in a cookie, and as the setting of a signed-in person."""
    me = await reader(request)
    data = await form(request)
    chosen = i18n.supported(text(data, "lang")) or i18n.DEFAULT
    if me is not None and me.user.locale != chosen:
        async with services(request).db.transaction() as tx:
            await credentials.set_locale(tx, me.actor, chosen)
    cookie = Cookie(
        key=i18n.COOKIE,
        value=chosen,
        max_age=365 * 24 * 3600,
        path="/",
        samesite="lax",
        httponly=True,
    )
    return see_other(safe_next(text(data, "next")), cookies=[cookie])


@get("/about", name="web:about")
async def about(request: Request[Any, Any, Any]) -> Template:
    me = await reader(request)
    return render(request, "pages/about.html", me=me)


@get("/statuses/{status_id:str}", name="web:status-redirect")
async def status_redirect(request: Request[Any, Any, Any], status_id: str) -> Redirect:
    """``/statuses/:id`` -> the post's canonical page ``/@user/:id``."""
    me = await reader(request)
    found = parse_id(status_id)
    async with services(request).db.read() as session:
        items = await bundles_by_id(session, me.id if me else None, [found] if found else [])
    if not items:
        raise NotFoundException()
    shown = items[0].entry
    acct = renderer(request).acct(shown.account)
    return Redirect(path=f"/@{acct}/{shown.status.id}")


ROUTES = [landing, local, home, switch_language, about, status_redirect]
