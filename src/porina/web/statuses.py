"""A post's page with its thread, its embed view, and the buttons under every post.

The buttons are forms (they work without JavaScript: post, then back to the page); with htmx
they swap just the button row, so counts change without a reload. Every write goes through
the domain actions (``interactions.actions``, ``posts.polls``, ``posts.actions``).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

from litestar import Request, get, post
from litestar.exceptions import NotFoundException
from litestar.response import Redirect, Template
from sqlalchemy.ext.asyncio import AsyncSession

from porina.calls import queries as call_queries
from porina.core.actor import Actor
from porina.interactions import actions as interactions
from porina.posts import actions as posts
from porina.posts import polls
from porina.posts import thread as posts_thread
from porina.posts.models import Poll, Status
from porina.posts.queries import bundles_by_id
from porina.render import entities as e
from porina.storage.db import Tx
from porina.web.common import (
    Me,
    form,
    id_or_404,
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
    async with services(request).db.read() as session:
        focus = await one_status(request, session, me, id_or_404(status_id))
        if focus.reblog is not None:
            focus = focus.reblog
        above, below = await thread(request, session, me, focus)
        peer = await call_peer(session, me, focus)
    return render(
        request, "pages/status.html", me=me, focus=focus, above=above, below=below, call_peer=peer
    )


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
