"""Hashtag pages (with follow), search (people, hashtags, posts) and lists."""

from __future__ import annotations

from typing import Any

from litestar import Request, get, post
from litestar.exceptions import NotFoundException
from litestar.response import Redirect, Template
from sqlalchemy import exists, func, select

from porina.accounts.models import Account
from porina.accounts.queries import local_domains
from porina.core import inputs
from porina.core.errors import PorinaError
from porina.interactions import tags
from porina.lists import actions as list_actions
from porina.lists import queries as iq
from porina.lists.models import ListAccount
from porina.posts.models import StatusTag, Tag
from porina.posts.queries import S, bundle_select, bundles
from porina.search import queries as search_queries
from porina.timelines.queries import not_muted
from porina.web import i18n
from porina.web.common import (
    form,
    id_or_404,
    reader,
    render,
    renderer,
    see_other,
    signed_in,
    statuses,
    text,
)
from porina.web.errors import message_for
from porina.web.runtime import services

PAGE = 20
FOUND = 10


def tagged(name: str) -> Any:
    return exists().where(
        StatusTag.status_id == S.id,
        StatusTag.tag_id.in_(select(Tag.id).where(func.lower(Tag.name) == name.lower())),
    )


@get("/tags/{name:str}", name="web:tag")
async def tag_page(request: Request[Any, Any, Any], name: str) -> Template:
    me = await reader(request)
    try:
        cleaned = tags.normalise(name)
    except PorinaError as exc:
        raise NotFoundException() from exc
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
    return see_other(f"/tags/{tag.name}")


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
                    match, not_muted(me.id), *search_queries.status_filters(None)
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
    tag_page,
    tag_follow,
    search,
    lists_page,
    lists_create,
    list_page,
    list_members,
    list_delete,
]
