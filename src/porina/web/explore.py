"""Explore (trending posts, trending hashtags, people to follow), hashtag pages (with follow),
search (people, hashtags, posts) and lists.

Explore reads the queries behind ``/api/v1/trends`` (``posts.trending``, ``timelines.trends``)
and ``/api/v2/suggestions`` / ``/api/v1/directory`` (``accounts.discovery``); its posts are
rendered as the timelines render theirs (``common.statuses``: two or three queries a page).
Trends are public; suggestions need a signed-in reader, so a visitor sees the directory."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from litestar import Request, get, post
from litestar.exceptions import NotFoundException
from litestar.response import Redirect, Response, Template
from sqlalchemy import exists, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from porina.accounts import discovery
from porina.accounts.models import Account
from porina.accounts.queries import heard_in_public, local_domains
from porina.core import inputs
from porina.core.errors import PorinaError
from porina.interactions import tags
from porina.interactions.models import FollowedTag
from porina.lists import actions as list_actions
from porina.lists import queries as iq
from porina.lists.models import ListAccount
from porina.posts.models import StatusTag, Tag
from porina.posts.queries import S, bundle_select, bundles
from porina.posts.trending import trending_tag_rows
from porina.render import entities as e
from porina.search import queries as search_queries
from porina.timelines import tag as tag_timeline
from porina.timelines.home import Window
from porina.timelines.queries import not_muted
from porina.timelines.trends import trending_statuses
from porina.web import i18n, page_cache
from porina.web.common import (
    Me,
    form,
    id_or_404,
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
from porina.web.errors import message_for
from porina.web.runtime import services

PAGE = 20
FOUND = 10
PEOPLE = 20
TAGS = 20
TABS = ("posts", "tags", "people")


@dataclass
class TrendingTag:
    name: str
    people: int
    uses: int
    following: bool


async def trending_hashtags(session: AsyncSession, me: Me | None, limit: int) -> list[TrendingTag]:
    """The week's trending tags, and which of them the reader follows (two queries)."""
    rows = await trending_tag_rows(session, limit)
    followed: set[int] = set()
    if me is not None and rows:
        followed = set(
            await session.scalars(
                select(FollowedTag.tag_id).where(
                    FollowedTag.account_id == me.id,
                    FollowedTag.tag_id.in_([t.id for t, _p, _u in rows]),
                )
            )
        )
    return [
        TrendingTag(t.display_name or t.name, who, uses, t.id in followed) for t, who, uses in rows
    ]


async def trending_posts(
    request: Request[Any, Any, Any], session: AsyncSession, me: Me | None, offset: int, limit: int
) -> list[e.Status]:
    items = await bundles(session, trending_statuses(me.id if me else None, offset, limit))
    return await statuses(request, session, me, items)


async def people_to_follow(
    request: Request[Any, Any, Any], session: AsyncSession, me: Me | None, limit: int
) -> list[e.Account]:
    """Follow suggestions (``/api/v2/suggestions``) for a reader; the local directory's most
    recently active accounts (``/api/v1/directory?local=true``) for a visitor."""
    if me is None:
        found = await discovery.directory(
            session, None, local=True, order="active", offset=0, limit=limit
        )
    else:
        found = [s.account for s in await discovery.suggestions(session, me.id, limit)]
    draw = renderer(request)
    return [draw.account(a) for a in found]


def _offset(value: str | None) -> int:
    return int(value) if value is not None and value.isdigit() and len(value) < 7 else 0


@get(["/explore", "/explore/{tab:str}"], name="web:explore")
async def explore(
    request: Request[Any, Any, Any], tab: str = "posts", offset: str | None = None
) -> Template:
    """Tabs as links (``aria-current`` on the open one): trending posts, trending hashtags
    (follow from the list), people to follow (suggestions; the directory for a visitor)."""
    if tab not in TABS:
        raise NotFoundException()
    me = await reader(request)
    start = _offset(offset)
    shown: list[e.Status] = []
    hashtags: list[TrendingTag] = []
    people: list[e.Account] = []
    async with services(request).db.read() as session:
        if tab == "posts":
            shown = await trending_posts(request, session, me, start, PAGE)
        elif tab == "tags":
            hashtags = await trending_hashtags(session, me, TAGS)
        else:
            people = await people_to_follow(request, session, me, PEOPLE)
    more = f"/explore?offset={start + PAGE}" if len(shown) >= PAGE else None
    return render(
        request,
        "pages/explore.html",
        me=me,
        tab=tab,
        statuses=shown,
        more=more,
        hashtags=hashtags,
        people=people,
        empty_text=i18n._("Nothing is trending yet. Posts people boost and favourite show here."),
    )


@post("/web/suggestions/{account_id:str}/dismiss", name="web:suggestion-dismiss", status_code=200)
async def dismiss_suggestion(
    request: Request[Any, Any, Any], account_id: str
) -> Response[str] | Redirect:
    """Never suggest this account again (``accounts.discovery.dismiss``, as
    ``DELETE /api/v1/suggestions/:id``); htmx removes the card, a plain form goes back."""
    me = await signed_in(request)
    data = await form(request)
    async with services(request).db.transaction() as tx:
        await discovery.dismiss(tx, me.id, [id_or_404(account_id)])
    if is_htmx(request):
        return Response("", media_type="text/html")
    return see_other(safe_next(text(data, "next"), "/explore/people"))


def tagged(name: str) -> Any:
    return exists().where(
        StatusTag.status_id == S.id,
        StatusTag.tag_id.in_(select(Tag.id).where(Tag.name == name.lower())),
    )


@get("/tags/{name:str}", name="web:tag")
async def tag_page(request: Request[Any, Any, Any], name: str) -> Template:
    me = await reader(request)
    try:
        cleaned = tags.normalise(name)
    except PorinaError as exc:
        raise NotFoundException() from exc
    if me is None and not is_htmx(request):
        return await _anonymous_tag_page(request, cleaned)
    query = bundle_select(me.id if me else None).where(
        tagged(cleaned), S.visibility == "public", S.reblog_of_id.is_(None)
    )
    if me is not None:
        query = query.where(not_muted(me.id))
    following = False
    async with services(request).db.read() as session:
        items = await bundles(session, query.order_by(S.id.desc()).limit(PAGE))
        shown = await statuses(request, session, me, items)
        found = await tags.find(session, cleaned)
        if me is not None and found is not None:
            following = await tags.is_following(session, me.id, found.id)
    return render(
        request,
        "pages/tag.html",
        me=me,
        tag=found.display_name if found else cleaned,
        following=following,
        statuses=shown,
        more=None,
    )


async def _anonymous_tag_page(request: Request[Any, Any, Any], cleaned: str) -> Template:
    """The hashtag page as a visitor from a shared link sees it (``web/page_cache.py``)."""
    window = Window(None, None, None, PAGE)
    query = tag_timeline.TagQuery.of(cleaned, [], [], [])
    rows = await tag_timeline.rows(
        services(request).db, None, window, query, origin="all", media=False
    )

    async def extra(_: list[e.Status]) -> dict[str, Any]:
        async with services(request).db.read() as session:
            found = await tags.find(session, cleaned)
        return {"tag": found.display_name if found else cleaned, "following": False, "more": None}

    return await page_cache.anonymous_page(request, "web:tag", "pages/tag.html", rows, extra)


@post("/tags/{name:str}/{action:str}", name="web:tag-follow")
async def tag_follow(request: Request[Any, Any, Any], name: str, action: str) -> Redirect:
    me = await signed_in(request)
    if action not in {"follow", "unfollow"}:
        raise NotFoundException()
    async with services(request).db.transaction() as tx:
        if action == "follow":
            tag = await tags.follow(tx, me.id, name)
        else:
            tag = await tags.unfollow(tx, me.id, name)
    data = await form(request)
    return see_other(safe_next(text(data, "next"), f"/tags/{tag.name}"))


@get("/search", name="web:search")
async def search(request: Request[Any, Any, Any], q: str = "") -> Template:
    """The search domain (``search.queries``): people and hashtags by name (prefix), and, for
    a signed-in reader, posts by full text among those the reader may see (as Mastodon)."""
    me = await reader(request)
    term = q.strip()[:200]
    people: list[Any] = []
    hashtags: list[str] = []
    shown: list[Any] = []
    if term and not inputs.has_nul(term):  # a term holding a NUL names nothing: no results
        svc = services(request)
        viewer_id = me.id if me else None
        async with svc.db.read() as session:
            if not term.startswith("#"):
                found = await search_queries.accounts(
                    session,
                    term,
                    viewer_id=viewer_id,
                    limit=FOUND,
                    local=local_domains(svc.settings),
                )
                people = [renderer(request).account(a) for a in found]
            if not term.startswith("@"):
                tags_found = await search_queries.hashtags(session, term, limit=FOUND)
                hashtags = [t.display_name or t.name for t in tags_found]
            match = search_queries.status_match(term, sqlite=svc.db.is_sqlite)
            if me is not None and match is not None and not term.startswith("@"):
                query = bundle_select(me.id).where(
                    match,
                    not_muted(me.id),
                    heard_in_public(me.id, S.account_id),
                    *search_queries.status_filters(None),
                )
                items = await bundles(session, query.order_by(S.id.desc()).limit(PAGE))
                shown = await statuses(request, session, me, items)
    return render(
        request,
        "pages/search.html",
        me=me,
        q=term.replace(inputs.NUL, "\ufffd"),
        people=people,
        hashtags=hashtags,
        statuses=shown,
        more=None,
    )


@get("/lists", name="web:lists")
async def lists_page(request: Request[Any, Any, Any]) -> Template:
    me = await signed_in(request)
    async with services(request).db.read() as session:
        mine = await iq.lists_of(session, me.id)
    return render(request, "pages/lists.html", me=me, lists=mine, error=None)


@post("/lists", name="web:lists-create")
async def lists_create(request: Request[Any, Any, Any]) -> Template | Redirect:
    me = await signed_in(request)
    data = await form(request)
    try:
        async with services(request).db.transaction() as tx:
            made = await list_actions.create(tx, me.id, text(data, "title"))
    except PorinaError as exc:
        async with services(request).db.read() as session:
            mine = await iq.lists_of(session, me.id)
        error = message_for(exc)[1]
        return render(request, "pages/lists.html", me=me, lists=mine, error=error, status_code=422)
    return see_other(f"/lists/{made.id}")


@get("/lists/{list_id:str}", name="web:list")
async def list_page(request: Request[Any, Any, Any], list_id: str) -> Template:
    me = await signed_in(request)
    async with services(request).db.read() as session:
        found = await iq.own_list(session, me.id, id_or_404(list_id))
        if found is None:
            raise NotFoundException()
        members_q = select(ListAccount.account_id).where(ListAccount.list_id == found.id)
        query = bundle_select(me.id).where(S.account_id.in_(members_q), not_muted(me.id))
        items = await bundles(session, query.order_by(S.id.desc()).limit(PAGE))
        shown = await statuses(request, session, me, items)
        members = list(await session.scalars(iq.list_members_select(found.id).limit(200)))
    draw = renderer(request)
    return render(
        request,
        "pages/list.html",
        me=me,
        list=found,
        people=[draw.account(a) for a in members],
        statuses=shown,
        more=None,
        empty_text=i18n._("No posts from the people on this list yet."),
    )


@post("/lists/{list_id:str}/members", name="web:list-members")
async def list_members(request: Request[Any, Any, Any], list_id: str) -> Redirect:
    """Add (``acct``) or remove (``remove``: an account id) a member."""
    me = await signed_in(request)
    wanted = id_or_404(list_id)
    data = await form(request)
    svc = services(request)
    if text(data, "remove"):
        async with svc.db.transaction() as tx:
            await list_actions.remove_accounts(tx, me.id, wanted, [id_or_404(text(data, "remove"))])
        return see_other(f"/lists/{wanted}")
    acct = text(data, "acct").strip().lstrip("@").split("@")[0]
    async with svc.db.read() as session:
        account_id = await session.scalar(
            select(Account.id).where(func.lower(Account.username) == acct.lower())
        )
    if account_id is None:
        raise NotFoundException()
    async with svc.db.transaction() as tx:
        await list_actions.add_accounts(tx, me.id, wanted, [account_id])
    return see_other(f"/lists/{wanted}")


@post("/lists/{list_id:str}/delete", name="web:list-delete")
async def list_delete(request: Request[Any, Any, Any], list_id: str) -> Redirect:
    me = await signed_in(request)
    async with services(request).db.transaction() as tx:
        await list_actions.remove(tx, me.id, id_or_404(list_id))
    return see_other("/lists")


ROUTES = [
    explore,
    dismiss_suggestion,
    tag_page,
    tag_follow,
    search,
    lists_page,
    lists_create,
    list_page,
    list_members,
    list_delete,
]
