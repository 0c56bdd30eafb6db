"""A post's page with its thread, its embed view, and the buttons under every post.

The buttons are forms (they work without JavaScript: post, then back to the page); with htmx
they swap just the button row, so counts change without a reload. Every write goes through
the domain actions (``interactions.actions``, ``posts.polls``, ``posts.actions``).
"""

from __future__ import annotations

import functools
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

from litestar import Request, get, post
from litestar.exceptions import NotFoundException
from litestar.response import Redirect, Template
from sqlalchemy import BigInteger, bindparam, func, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import aliased

from porina.calls import queries as call_queries
from porina.core.actor import Actor
from porina.interactions import actions as interactions
from porina.posts import actions as posts
from porina.posts import polls
from porina.posts import thread as posts_thread
from porina.posts.models import Poll, Status
from porina.posts.queries import bundles_by_id
from porina.render import entities as e
from porina.render.pages import public_rows
from porina.render.runtime import Runtime
from porina.storage.db import Tx
from porina.storage.fastread import Prebuilt
from porina.timelines.page import PageRow, for_ids
from porina.web import i18n, page_cache
from porina.web.common import (
    Me,
    form,
    id_or_404,
    is_htmx,
    reader,
    render,
    safe_next,
    see_other,
    signed_in,
    statuses,
    text,
    texts,
)
from porina.web.runtime import services

THREAD = posts_thread.Limits(read=200, ancestors=200, descendants=200)
"""A post's page shows at most 200 posts of its thread, read oldest first."""

Act = Callable[[Tx, Actor, int], Awaitable[Any]]
ACTIONS: dict[str, Act] = {
    "favourite": interactions.favourite,
    "unfavourite": interactions.unfavourite,
    "reblog": interactions.reblog,
    "unreblog": interactions.unreblog,
    "bookmark": interactions.bookmark,
    "unbookmark": interactions.unbookmark,
}


async def one_status(
    request: Request[Any, Any, Any], session: AsyncSession, me: Me | None, status_id: int
) -> e.Status:
    items = await bundles_by_id(session, me.id if me else None, [status_id])
    if not items:
        raise NotFoundException()
    return (await statuses(request, session, me, items))[0]


async def thread(
    request: Request[Any, Any, Any], session: AsyncSession, me: Me | None, focus: e.Status
) -> tuple[list[e.Status], list[tuple[e.Status, int]]]:
    """The posts above ``focus`` and the replies below it with their depth, as the reader may
    see them (``posts.thread``, the computation behind the API's context)."""
    row = await session.get(Status, int(focus.id))
    if row is None:
        return [], []
    found = await posts_thread.thread(session, me.id if me else None, row, THREAD)
    shown = await statuses(request, session, me, found.bundles)
    above = len(found.ancestors)
    return shown[:above], list(zip(shown[above:], found.depths, strict=True))


def check_handle(handle: str) -> str:
    """``/@name/...`` paths: Litestar parameters are whole segments, so the page takes the
    segment and insists on the ``@``."""
    if not handle.startswith("@") or len(handle) < 2:
        raise NotFoundException()
    return handle[1:]


@get("/{handle:str}/{status_id:str}", name="web:status")
async def status_page(request: Request[Any, Any, Any], handle: str, status_id: str) -> Template:
    check_handle(handle)
    me = await reader(request)
    target = id_or_404(status_id)
    if me is None and not is_htmx(request):
        found = await kept_status(request, target)
        if found is not None:
            return found
    async with services(request).db.read() as session:
        focus = await one_status(request, session, me, target)
        if focus.reblog is not None:
            focus = focus.reblog
        above, below = await thread(request, session, me, focus)
        peer = await call_peer(session, me, focus)
    return render(
        request, "pages/status.html", me=me, focus=focus, above=above, below=below, call_peer=peer
    )


async def kept_status(request: Request[Any, Any, Any], status_id: int) -> Template | None:
    """The post's page as an anonymous visitor sees it (``web/page_cache.py``): the thread's
    shape and the page rows of the focus and of its thread (two prebuilt statements,
    ``_shape_of`` and ``timelines/page.for_ids``), the posts from the status cache, the page
    kept under everything it shows (``page_cache.thread_parts``) and its posts' fragments
    kept: what ``thread`` shows, in the same order. None for a boost's address (the boosted
    post's page, rendered as before)."""
    svc = services(request)
    page_cache.configure(svc.settings)
    parent_of = await svc.db.fast.fetch(_shape_of(), {"focus": status_id})
    shape = {int(i): parent for i, parent in parent_of}
    above_ids, below_ids = _thread_ids(shape, status_id, shape.get(status_id))
    ids = [status_id, *above_ids, *(i for i, _ in below_ids)]
    visible = {r.id: r for r in await for_ids(svc.db, None, ids, mutes=False) if r.visible}
    focus = visible.get(status_id)
    if focus is None:
        raise NotFoundException()
    if focus.reblog_of_id is not None:
        return None
    if status_id in shape:
        above_rows = [visible[i] for i in above_ids if i in visible]
        below_rows = [(visible[i], depth) for i, depth in below_ids if i in visible]
    else:  # past the thread's first THREAD.read posts: read as ``thread`` does
        above_rows, below_rows = await _thread_rows(svc, focus)
    return await _kept_page(request, svc, focus, above_rows, below_rows)


async def _kept_page(
    request: Request[Any, Any, Any],
    svc: Runtime,
    focus: PageRow,
    above_rows: list[PageRow],
    below_rows: list[tuple[PageRow, int]],
) -> Template:
    everything = [focus, *above_rows, *(row for row, _ in below_rows)]
    by_id = {s.id: s for s in await public_rows(svc, everything)}
    if str(focus.id) not in by_id:  # deleted meanwhile
        raise NotFoundException()
    above = [row for row in above_rows if str(row.id) in by_id]
    below = [(row, depth) for row, depth in below_rows if str(row.id) in by_id]
    rows = [focus, *above, *(row for row, _ in below)]
    shown = [by_id[str(row.id)] for row in rows]
    parts = page_cache.thread_parts(request, rows, [depth for _, depth in below], shown)
    key = ("web:status", *parts.values())
    page = page_cache.PAGES.get(key)
    context: dict[str, Any] = {}
    if page is None:
        fragments = page_cache.fragments(request, rows, shown, thread_view=True)
        context = {
            "me": None,
            "lang": i18n.current(),
            "path": request.url.path,
            "focus": shown[0],
            "above": shown[1 : 1 + len(above)],
            "below": [(by_id[str(row.id)], depth) for row, depth in below],
            "call_peer": None,
            "fragments": dict(zip((s.id for s in shown), fragments or (), strict=False)),
        }
    return page_cache.CachedPage(
        key=key, found=page, template_name="pages/status.html", context=context
    )


@functools.cache
def _shape_of() -> Prebuilt:
    """The first ``THREAD.read`` live posts (boosts aside) of the thread of the post
    ``focus``, each with the id it replies to: ``posts.thread.shape`` of its root
    (``thread_id``, or itself), found in the same statement."""
    of = aliased(Status)
    root = (
        select(func.coalesce(of.thread_id, of.id))
        .where(of.id == bindparam("focus", type_=BigInteger))
        .scalar_subquery()
    )
    return Prebuilt(
        select(Status.id, Status.in_reply_to_id)
        .where((Status.thread_id == root) | (Status.id == root))
        .where(Status.reblog_of_id.is_(None), Status.deleted_at.is_(None))
        .order_by(Status.id)
        .limit(THREAD.read)
    )


def _thread_ids(
    parent_of: dict[int, int | None], focus: int, parent: int | None
) -> tuple[list[int], list[tuple[int, int]]]:
    """The ids above ``focus`` (replying to ``parent``) and below it with their depth, as
    ``posts.thread.thread`` orders and limits them."""
    above = posts_thread.ancestors(parent_of, parent, THREAD.ancestors)
    up = set(above)
    below = [
        (i, depth)
        for i, depth in posts_thread.descendants(parent_of, focus)[: THREAD.descendants]
        if i not in up
    ]
    return above, below


async def _thread_rows(
    svc: Runtime, focus: PageRow
) -> tuple[list[PageRow], list[tuple[PageRow, int]]]:
    """The visible page rows above ``focus`` and below it with their depth, as ``thread``
    finds them (``posts.thread``'s shape, as the API's context reads it)."""
    status = await _focus_status(svc, focus)
    parent_of = await posts_thread.shape(svc.db, status.thread_id or status.id, THREAD.read)
    above, below = _thread_ids(parent_of, status.id, status.in_reply_to_id)
    ids = [*above, *(i for i, _ in below)]
    visible = {row.id: row for row in await for_ids(svc.db, None, ids, mutes=False) if row.visible}
    return (
        [visible[i] for i in above if i in visible],
        [(visible[i], depth) for i, depth in below if i in visible],
    )


async def _focus_status(svc: Runtime, focus: PageRow) -> Status:
    found = svc.status_cache.find(focus)
    if found is None:
        async with svc.db.read() as session:
            found = (await svc.status_cache.fill(session, None, [focus]))[0]
    if found is None:
        raise NotFoundException()
    return found.status.status


@dataclass(frozen=True, slots=True)
class CallPeer:
    """Whom the call buttons of a direct message ring."""

    id: str
    name: str


async def call_peer(session: AsyncSession, me: Me | None, focus: e.Status) -> CallPeer | None:
    """The other person of a one-to-one direct message, when the reader may call them."""
    if me is None or focus.visibility != "direct":
        return None
    names = {focus.account.id: focus.account.display_name or focus.account.username}
    names.update({m.id: m.username for m in focus.mentions if m.id not in names})
    names.pop(str(me.id), None)
    if len(names) != 1:
        return None
    ((peer_id, name),) = names.items()
    if not await call_queries.callable_peers(session, me.id, [int(peer_id)]):
        return None
    return CallPeer(peer_id, name)


@get("/{handle:str}/{status_id:str}/embed", name="web:status-embed")
async def status_embed(request: Request[Any, Any, Any], handle: str, status_id: str) -> Template:
    """The post alone, for an ``<iframe>`` on another site (public posts only)."""
    check_handle(handle)
    await reader(request)
    async with services(request).db.read() as session:
        shown = await one_status(request, session, None, id_or_404(status_id))
    return render(request, "pages/embed.html", me=None, s=shown)


@post("/web/statuses/{status_id:str}/{action:str}", name="web:status-action")
async def status_action(
    request: Request[Any, Any, Any], status_id: str, action: str
) -> Template | Redirect:
    """Like, boost, bookmark and their undos; htmx gets the new button row."""
    me = await signed_in(request)
    act = ACTIONS.get(action)
    if act is None:
        raise NotFoundException()
    target = id_or_404(status_id)
    data = await form(request)
    svc = services(request)
    async with svc.db.transaction() as tx:
        await act(tx, me.actor, target)
    async with svc.db.read() as session:
        shown = await one_status(request, session, me, target)
    if request.headers.get("hx-request") == "true":
        return render(request, "partials/actions.html", me=me, status=shown.reblog or shown)
    return see_other(safe_next(text(data, "next"), f"/@{shown.account.acct}/{shown.id}"))


@post("/web/statuses/{status_id:str}/delete", name="web:status-delete")
async def status_delete(request: Request[Any, Any, Any], status_id: str) -> Redirect:
    me = await signed_in(request)
    async with services(request).db.transaction() as tx:
        await posts.delete_status(tx, me.actor, id_or_404(status_id))
    return see_other(f"/@{me.account.username}")


@post("/web/polls/{poll_id:str}/votes", name="web:poll-vote")
async def poll_vote(request: Request[Any, Any, Any], poll_id: str) -> Template | Redirect:
    me = await signed_in(request)
    data = await form(request)
    choices = [int(c) for c in texts(data, "choices") if c.isdigit()]
    svc = services(request)
    async with svc.db.transaction() as tx:
        poll = await polls.vote(tx, me.actor, id_or_404(poll_id), choices)
        status_id = poll.status_id
    async with svc.db.read() as session:
        shown = await one_status(request, session, me, status_id)
        fresh = await session.get(Poll, poll.id)
    if request.headers.get("hx-request") == "true" and fresh is not None and shown.poll:
        return render(request, "partials/poll.html", me=me, poll=shown.poll, status=shown)
    return see_other(f"/@{shown.account.acct}/{shown.id}")


ROUTES = [status_page, status_embed, status_action, status_delete, poll_vote]
