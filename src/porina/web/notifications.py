"""Notifications, grouped as Mastodon 4.3 groups them (likes and boosts of one post, and
follows, in one entry), and direct-message conversations."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from litestar import Request, get, post
from litestar.response import Redirect, Template
from sqlalchemy.ext.asyncio import AsyncSession

from porina.calls import queries as call_queries
from porina.messaging import actions as messaging
from porina.messaging import queries as conversations
from porina.messaging.models import AccountConversation
from porina.notifications import markers as inbox
from porina.notifications import queries as notes
from porina.notifications import requests
from porina.notifications.models import Notification
from porina.posts.queries import bundles_by_id
from porina.render import entities as e
from porina.web.common import Me, id_or_404, render, renderer, see_other, signed_in
from porina.web.common import statuses as render_statuses
from porina.web.runtime import services

SHOWN = 120
GROUP_ACCOUNTS = 6
WITHOUT_STATUS = {
    "follow",
    "follow_request",
    "admin.sign_up",
    "porina.archive_ready",
    "porina.missed_call",
}


@dataclass
class Group:
    """One entry on the notifications page."""

    key: str
    type: str
    latest_id: int
    latest_at: datetime
    accounts: list[e.Account] = field(default_factory=list)
    count: int = 0
    status: e.Status | None = None


async def groups_of(
    request: Request[Any, Any, Any], session: AsyncSession, me: Me, rows: list[Notification]
) -> list[Group]:
    """Group notifications by ``group_key`` (newest first): three queries in all."""
    senders = await notes.accounts_by_id(session, {n.from_account_id for n in rows})
    status_ids = [n.status_id for n in rows if n.status_id is not None]
    items = await bundles_by_id(session, me.id, status_ids)
    shown = {s.id: s for s in await render_statuses(request, session, me, items)}
    draw = renderer(request)
    groups: dict[str, Group] = {}
    for n in rows:
        group = groups.get(n.group_key)
        if group is None:
            group = groups[n.group_key] = Group(n.group_key, n.type, n.id, n.created_at)
            group.status = shown.get(str(n.status_id)) if n.status_id else None
        group.count += 1
        sender = senders.get(n.from_account_id)
        known = sender is not None and any(a.id == str(sender.id) for a in group.accounts)
        if sender is not None and not known and len(group.accounts) < GROUP_ACCOUNTS:
            group.accounts.append(draw.account(sender))
    return [g for g in groups.values() if g.status is not None or g.type in WITHOUT_STATUS]


@get("/notifications", name="web:notifications")
async def notifications_page(request: Request[Any, Any, Any]) -> Template:
    me = await signed_in(request)
    async with services(request).db.read() as session:
        rows = list(
            await session.scalars(
                notes.notifications_select(me.id).order_by(Notification.id.desc()).limit(SHOWN)
            )
        )
        groups = await groups_of(request, session, me, rows)
        held = await requests.summary(session, me.id)
    if rows:
        async with services(request).db.transaction() as tx:
            await inbox.save_marker(tx, me.id, "notifications", rows[0].id)
    return render(
        request,
        "pages/notifications.html",
        me=me,
        groups=groups,
        filtered=held.pending_requests_count,
    )


@dataclass
class Conversation:
    id: int
    unread: bool
    accounts: list[e.Account]
    last: e.Status | None
    call_peer: e.Account | None = None
    """The other person of a one-to-one conversation, when the reader may call them."""


async def conversations_of(
    request: Request[Any, Any, Any], session: AsyncSession, me: Me, rows: list[AccountConversation]
) -> list[Conversation]:
    people = await notes.accounts_by_id(session, {int(i) for r in rows for i in r.participant_ids})
    items = await bundles_by_id(session, me.id, [r.last_status_id for r in rows])
    last = {s.id: s for s in await render_statuses(request, session, me, items)}
    draw = renderer(request)
    shown = [
        Conversation(
            id=r.conversation_id,
            unread=r.unread,
            accounts=[draw.account(people[int(i)]) for i in r.participant_ids if int(i) in people],
            last=last.get(str(r.last_status_id)),
        )
        for r in rows
    ]
    one_to_one = {int(c.accounts[0].id) for c in shown if len(c.accounts) == 1}
    mutuals = await call_queries.callable_peers(session, me.id, one_to_one)
    for c in shown:
        if len(c.accounts) == 1 and int(c.accounts[0].id) in mutuals:
            c.call_peer = c.accounts[0]
    return shown


@get("/conversations", name="web:conversations")
async def conversations_page(request: Request[Any, Any, Any]) -> Template:
    me = await signed_in(request)
    async with services(request).db.read() as session:
        rows = list(
            await session.scalars(
                conversations.conversations_select(me.id)
                .order_by(AccountConversation.last_status_id.desc())
                .limit(40)
            )
        )
        items = await conversations_of(request, session, me, rows)
    return render(request, "pages/conversations.html", me=me, conversations=items)


@get("/conversations/{conversation_id:str}", name="web:conversation")
async def conversation_page(request: Request[Any, Any, Any], conversation_id: str) -> Redirect:
    """A conversation opens as the thread of its latest message (marked read)."""
    me = await signed_in(request)
    wanted = id_or_404(conversation_id)
    async with services(request).db.transaction() as tx:
        row = await messaging.mark_read(tx, me.id, wanted)
        last = row.last_status_id
    return see_other(f"/statuses/{last}#focus")


@post("/conversations/{conversation_id:str}/hide", name="web:conversation-hide")
async def conversation_hide(request: Request[Any, Any, Any], conversation_id: str) -> Redirect:
    me = await signed_in(request)
    async with services(request).db.transaction() as tx:
        await messaging.hide(tx, me.id, id_or_404(conversation_id))
    return see_other("/conversations")


ROUTES = [notifications_page, conversations_page, conversation_page, conversation_hide]
