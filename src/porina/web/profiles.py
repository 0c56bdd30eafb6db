"""Profile pages: header, avatar, bio and fields; posts / posts and replies / media tabs;
follow and unfollow (``accounts.graph``); followers and following."""

from __future__ import annotations

import functools
from collections.abc import Awaitable, Callable
from typing import Any

from litestar import Request, get, post
from litestar.exceptions import NotFoundException
from litestar.response import Redirect, Template
from sqlalchemy import bindparam, exists, func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from porina.accounts import graph
from porina.accounts import queries as accounts
from porina.accounts.models import Account, Follow, FollowRequest
from porina.analytics import impressions
from porina.anonymity import blocking as anonymous_blocks
from porina.core.actor import Actor
from porina.core.errors import PorinaError
from porina.core.ids import parse_id
from porina.interactions import featured as featured_tags
from porina.posts.featured_models import FeaturedTag
from porina.posts.models import MediaAttachment
from porina.posts.queries import S, bundle_select, bundles
from porina.render import entities as e
from porina.storage.db import Tx
from porina.storage.fastread import Prebuilt
from porina.timelines import account_page
from porina.timelines.account_page import Narrowing
from porina.timelines.home import Window
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
from porina.web.runtime import services
from porina.web.statuses import check_handle

PAGE = 20
TABS = ("posts", "with_replies", "media")
PEOPLE = 80


async def find(
    session: AsyncSession, request: Request[Any, Any, Any], handle: str, me: Me | None
) -> Account:
    acct = check_handle(handle)
    try:
        return await accounts.lookup(
            session,
            acct,
            accounts.local_domains(services(request).settings),
            me.id if me else None,
        )
    except PorinaError as exc:
        raise NotFoundException() from exc


async def profile_statuses(
    request: Request[Any, Any, Any],
    session: AsyncSession,
    me: Me | None,
    account: Account,
    *,
    tab: str,
    max_id: int | None,
) -> list[e.Status]:
    query = bundle_select(me.id if me else None).where(S.account_id == account.id)
    if tab == "posts":
        query = query.where(or_(S.in_reply_to_id.is_(None), S.in_reply_to_account_id == account.id))
    elif tab == "media":
        query = query.where(
            S.reblog_of_id.is_(None), exists().where(MediaAttachment.status_id == S.id)
        )
    if max_id is not None:
        query = query.where(S.id < max_id)
    items = await bundles(session, query.order_by(S.id.desc()).limit(PAGE))
    return await statuses(request, session, me, items)


async def header_context(
    request: Request[Any, Any, Any], session: AsyncSession, me: Me | None, account: Account
) -> dict[str, Any]:
    relationship = None
    if me is not None and me.id != account.id:
        relationship = await anonymous_blocks.unquiet(
            session, me.id, await accounts.relationship(session, me.id, account.id)
        )
    return {
        "account": renderer(request).account(account),
        "relationship": relationship,
        "is_me": me is not None and me.id == account.id,
    }


async def _profile(
    request: Request[Any, Any, Any], handle: str, tab: str, max_id: str | None
) -> Template:
    me = await reader(request)
    if me is None and not is_htmx(request):
        return await _anonymous_profile(request, handle, tab, parse_id(max_id))
    async with services(request).db.read() as session:
        account = await find(session, request, handle, me)
        items = await profile_statuses(
            request, session, me, account, tab=tab, max_id=parse_id(max_id)
        )
        context = await header_context(request, session, me, account)
        featured = await featured_tags.of_account(session, account.id)
    if max_id is None and account.domain is None:
        impressions.visit(account.id, me.id if me else None)  # no statement: batched
    base = f"/@{context['account'].acct}" + ("" if tab == "posts" else f"/{tab}")
    more = f"{base}?max_id={items[-1].id}" if len(items) >= PAGE else None
    return render(
        request,
        "pages/profile.html",
        me=me,
        tab=tab,
        statuses=items,
        more=more,
        featured=featured,
        **context,
    )


NARROWING = {
    "posts": Narrowing(exclude_replies=True),
    "with_replies": Narrowing(),
    "media": Narrowing(only_media=True, exclude_reblogs=True),
}


@functools.cache
def _local_account() -> Prebuilt:
    """A local account by name (any case) as an anonymous visitor may see it
    (``accounts.queries.visible_to(None)``): its id, row version, and whether it features
    tags. One indexed read on the driver (``storage/fastread.py``)."""
    featuring = exists().where(FeaturedTag.account_id == Account.id)
    return Prebuilt(
        select(Account.id, Account.version, featuring).where(
            func.lower(Account.username) == bindparam("porina_name"),
            Account.domain.is_(None),
            accounts.visible_to(None),
        )
    )


async def _anonymous_account(
    request: Request[Any, Any, Any], handle: str
) -> tuple[int, int, bool] | None:
    """(id, version, features tags) of a local account named by ``handle``; None for
    another server's handle (read as before)."""
    name, _, domain = check_handle(handle).strip().lstrip("@").partition("@")
    svc = services(request)
    if not name or (domain and domain.lower() not in accounts.local_domains(svc.settings)):
        return None
    found = await svc.db.fast.fetch(_local_account(), {"porina_name": name.lower()})
    if not found:
        raise NotFoundException()
    account_id, version, featuring = found[0]
    return int(account_id), int(version), bool(featuring)


async def _anonymous_profile(
    request: Request[Any, Any, Any], handle: str, tab: str, max_id: int | None
) -> Template:
    """A profile as a visitor from a shared link sees it: a local account's id and version
    and its page rows read on every visit (two statements on the driver; a third for its
    featured tags when it has some), the page rendered once per distinct content
    (``web/page_cache.py``); the header then shows the author as its posts on the page do
    (the status cache's rendering), the account loaded only for a page without them."""
    svc = services(request)
    local = await _anonymous_account(request, handle)
    featured: list[featured_tags.Featured] = []
    loaded: Account | None = None
    if local is None:  # another server's account: read as a signed-in reader's page does
        async with svc.db.read() as session:
            loaded = await find(session, request, handle, None)
            featured = await featured_tags.of_account(session, loaded.id)
        account_id, version = loaded.id, loaded.version
    else:
        account_id, version, featuring = local
        if featuring:
            async with svc.db.read() as session:
                featured = await featured_tags.of_account(session, account_id)
    window = Window(max_id, None, None, PAGE)
    rows = await account_page.rows(svc.db, None, account_id, window, NARROWING[tab])
    if max_id is None and (loaded is None or loaded.domain is None):
        impressions.visit(account_id, None)  # no statement: batched
    shown_tags = tuple((f.id, f.tag.name, f.statuses_count, f.last_status_at) for f in featured)

    async def extra(shown: list[e.Status]) -> dict[str, Any]:
        context = _header_of(shown, str(account_id)) if loaded is None else None
        if context is None:
            async with svc.db.read() as session:
                account = loaded or await session.get(Account, account_id)
                if account is None:
                    raise NotFoundException()
                context = await header_context(request, session, None, account)
        base = f"/@{context['account'].acct}" + ("" if tab == "posts" else f"/{tab}")
        more = f"{base}?max_id={rows[-1].id}" if len(rows) >= PAGE else None
        return {"tab": tab, "more": more, "featured": featured, **context}

    return await page_cache.anonymous_page(
        request,
        f"web:profile:{tab}",
        "pages/profile.html",
        rows,
        extra,
        (account_id, version, shown_tags),
    )


def _header_of(shown: list[e.Status], account_id: str) -> dict[str, Any] | None:
    """``header_context`` for a visitor without a session from the page's own posts: the
    author's rendering, from the status cache at the version the page rows name (the
    account's current one); None when the page shows none of the account's posts."""
    for status in shown:
        if status.account.id == account_id:
            return {"account": status.account, "relationship": None, "is_me": False}
    return None


@get("/{handle:str}", name="web:profile")
async def profile(
    request: Request[Any, Any, Any], handle: str, max_id: str | None = None
) -> Template:
    return await _profile(request, handle, "posts", max_id)


@get("/{handle:str}/with_replies", name="web:profile-replies")
async def profile_replies(
    request: Request[Any, Any, Any], handle: str, max_id: str | None = None
) -> Template:
    return await _profile(request, handle, "with_replies", max_id)


@get("/{handle:str}/media", name="web:profile-media")
async def profile_media(
    request: Request[Any, Any, Any], handle: str, max_id: str | None = None
) -> Template:
    return await _profile(request, handle, "media", max_id)


async def _people(request: Request[Any, Any, Any], handle: str, which: str) -> Template:
    me = await reader(request)
    async with services(request).db.read() as session:
        account = await find(session, request, handle, me)
        context = await header_context(request, session, me, account)
        query = (accounts.followers_query if which == "followers" else accounts.following_query)(
            account.id
        )
        hidden = account.hide_collections and (me is None or me.id != account.id)
        rows = (
            []
            if hidden
            else (await session.execute(query.order_by(Follow.id.desc()).limit(PEOPLE))).all()
        )
    people = [renderer(request).account(row[1]) for row in rows]
    title = i18n._("Followers") if which == "followers" else i18n._("Following")
    return render(
        request,
        "pages/people.html",
        me=me,
        tab=which,
        people=people,
        title=title,
        hidden=hidden,
        **context,
    )


@get("/{handle:str}/followers", name="web:followers")
async def followers(request: Request[Any, Any, Any], handle: str) -> Template:
    return await _people(request, handle, "followers")


@get("/{handle:str}/following", name="web:following")
async def following(request: Request[Any, Any, Any], handle: str) -> Template:
    return await _people(request, handle, "following")


_ACCOUNT_ACTIONS: dict[str, Callable[[Tx, Actor, int], Awaitable[Account | graph.Followee]]] = {
    "follow": graph.follow,
    "unfollow": graph.unfollow,
    "block": graph.block,
    "unblock": graph.unblock,
    "mute": graph.mute,
    "unmute": graph.unmute,
    "remove_follower": graph.remove_from_followers,
}


@post("/web/accounts/{account_id:str}/{action:str}", name="web:account-action")
async def account_action(
    request: Request[Any, Any, Any], account_id: str, action: str
) -> Template | Redirect:
    """Follow, unfollow, block, unblock, mute, unmute, remove a follower (block, mute and
    remove follower after their confirm step: ``web/account_confirms.py``); htmx gets the new
    button."""
    me = await signed_in(request)
    act = _ACCOUNT_ACTIONS.get(action)
    if act is None:
        raise NotFoundException()
    target = id_or_404(account_id)
    data = await form(request)
    svc = services(request)
    async with svc.db.transaction() as tx:
        acted = await act(tx, me.actor, target)
    async with svc.db.read() as session:
        # follow and unfollow answer with the account's id alone (``graph.Followee``): the
        # account, which the reader could see in the action, is loaded after commit
        account = acted if isinstance(acted, Account) else await session.get(Account, acted.id)
        if account is None:
            raise NotFoundException()
        if request.headers.get("hx-request") == "true":
            context = await header_context(request, session, me, account)
            return render(request, "partials/follow_button.html", me=me, **context)
    acct = renderer(request).acct(account)
    return see_other(safe_next(text(data, "next"), f"/@{acct}"))


@get("/follow_requests", name="web:follow-requests")
async def follow_requests(request: Request[Any, Any, Any]) -> Template:
    """People waiting for the reader's approval (a locked account's follow requests)."""
    me = await signed_in(request)
    async with services(request).db.read() as session:
        rows = (
            await session.execute(
                accounts.requests_query(me.id).order_by(FollowRequest.id.desc()).limit(PEOPLE)
            )
        ).all()
    draw = renderer(request)
    return render(
        request,
        "pages/follow_requests.html",
        me=me,
        requests=[draw.account(row[1]) for row in rows],
        locked=me.account.locked,
    )


@post("/web/follow_requests/{account_id:str}/{action:str}", name="web:follow-request-action")
async def follow_request_action(
    request: Request[Any, Any, Any], account_id: str, action: str
) -> Template | Redirect:
    """Approve (``authorize``) or ``reject`` one request (``accounts.graph``); htmx gets the
    card's new state."""
    me = await signed_in(request)
    act = {"authorize": graph.authorize_request, "reject": graph.reject_request}.get(action)
    if act is None:
        raise NotFoundException()
    async with services(request).db.transaction() as tx:
        account = await act(tx, me.actor, id_or_404(account_id))
    if request.headers.get("hx-request") == "true":
        return render(
            request,
            "partials/follow_request.html",
            me=me,
            a=renderer(request).account(account),
            decided=action,
        )
    return see_other("/follow_requests")


ROUTES = [
    profile,
    profile_replies,
    profile_media,
    followers,
    following,
    account_action,
    follow_requests,
    follow_request_action,
]
