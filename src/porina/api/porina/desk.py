"""The business desk's inbox: ``/api/porina/v1/desk/conversations`` (docs/api.md, "Desk").

Called with a staff member's token acting as the brand. ``desk.access`` decides: a role
that works conversations gets them, an analyst a 403, anyone else a 404 for a conversation
(and an empty inbox: the brand they act as is their own). Refusals have Mastodon's shape.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any, cast

from litestar import Request, Response, get, post
from sqlalchemy.ext.asyncio import AsyncSession

from porina.accounts.models import Account
from porina.api.mastodon.auth import actor_of, require, services_of
from porina.api.mastodon.pagination import Page, link_header
from porina.api.mastodon.params import Params
from porina.api.mastodon.statuses import render_one
from porina.api.porina import desk_json, desk_reads, desk_render
from porina.api.porina.desk_render import DeskConversation, DeskConversationDetail, DeskItem
from porina.core.actor import Actor
from porina.core.ids import parse_id
from porina.desk import access, actions, moods, queries, saved_replies
from porina.desk import triage as desk_triage
from porina.desk.errors import ConversationNotFound, InvalidDeskRequest
from porina.desk.fast_reads import Asked
from porina.render import entities as e
from porina.render.renderer import Renderer, statuses_by_id

BASE = "/api/porina/v1/desk/conversations"
READ = "read:statuses"
WORK = "write:conversations"


def _id(raw: str) -> int:
    parsed = parse_id(raw)
    if parsed is None:
        raise ConversationNotFound()
    return parsed


async def _actor(request: Request[Any, Any, Any], scope: str) -> Actor:
    return actor_of(await require(request, scope))


@get(BASE)
async def list_conversations(request: Request[Any, Any, Any]) -> Response[list[DeskConversation]]:
    """A view of the brand's conversations (``view``: mine, unassigned, mentioned, all, label;
    ``status``; ``label`` narrows any view), newest activity first."""
    actor = await _actor(request, READ)
    params = await Params.of(request)
    page = Page.of(params, default=20, maximum=40)
    view = params.str("view") or "all"
    status = params.str("status") or "open"
    label = (params.str("label", max_len=40) or "").strip().lower() or None
    svc = services_of(request)
    asked = Asked(view, status, page.limit, label=label)
    if page.max_id is not None:
        asked = replace(asked, named=page.max_id)
    elif page.since_id is not None or page.min_id is not None:
        asked = replace(asked, named=page.min_id or page.since_id, older=False)
    body, ids = await desk_json.conversations(svc, actor, asked)
    # joined JSON (desk_json), documented as the list it encodes
    shown = Response(body, headers=link_header(request, ids, page))
    return cast("Response[list[DeskConversation]]", shown)


async def _summary(request: Request[Any, Any, Any], actor: Actor, cid: int) -> DeskConversation:
    svc = services_of(request)
    return await desk_reads.summary(svc, actor, cid)


@get(f"{BASE}/{{conversation_id:str}}")
async def show_conversation(
    request: Request[Any, Any, Any], conversation_id: str
) -> Response[DeskConversationDetail]:
    """The conversation and its latest items (``limit``, 20 by default, up to 200), oldest
    first; ``max_id`` (an item id) for the items before it, linked as ``rel="next"``."""
    actor = await _actor(request, READ)
    cid = _id(conversation_id)
    params = await Params.of(request)
    limit = params.limit(desk_reads.ITEMS_DEFAULT, desk_reads.ITEMS_MAX)
    svc = services_of(request)
    body, earlier = await desk_json.detail(svc, actor, cid, limit, params.id("max_id"))
    # joined JSON (desk_reads.JoinedDetail, kept by desk_json), documented as the detail
    shown = Response(body, headers=desk_reads.earlier_link(request, earlier))
    return cast("Response[DeskConversationDetail]", shown)


def _assignee(params: Params) -> int | None:
    raw = params.raw("assignee_id")
    if raw is None or raw == "":
        return None
    parsed = parse_id(str(raw))
    if parsed is None:
        raise InvalidDeskRequest("Validation failed: assignee_id is not an account id")
    return parsed


@post(f"{BASE}/{{conversation_id:str}}/assign", status_code=200)
async def assign(request: Request[Any, Any, Any], conversation_id: str) -> DeskConversation:
    """Assign to a colleague (``assignee_id``: their own account's id; empty: nobody)."""
    actor = await _actor(request, WORK)
    cid = _id(conversation_id)
    params = await Params.of(request)
    async with services_of(request).db.transaction() as tx:
        await actions.assign(tx, actor, cid, _assignee(params))
    return await _summary(request, actor, cid)


@post(f"{BASE}/{{conversation_id:str}}/status", status_code=200)
async def set_status(request: Request[Any, Any, Any], conversation_id: str) -> DeskConversation:
    """Open, pending, snoozed (``snooze_until``, a future time) or resolved."""
    actor = await _actor(request, WORK)
    cid = _id(conversation_id)
    params = await Params.of(request)
    status = params.str("status", max_len=16) or ""
    until = params.moment("snooze_until", label="Snooze until")
    async with services_of(request).db.transaction() as tx:
        await actions.set_status(tx, actor, cid, status, until)
    return await _summary(request, actor, cid)


async def _saved_text(session: AsyncSession, actor: Actor, cid: int, reply_id: int) -> str:
    """A saved reply filled for the conversation's person (``desk.saved_replies``)."""
    staff = await access.worker(session, actor)
    found = await queries.one(session, staff, cid)
    return await saved_replies.fill(session, actor, reply_id, found.conversation)


@post(f"{BASE}/{{conversation_id:str}}/reply", status_code=200)
async def reply(request: Request[Any, Any, Any], conversation_id: str) -> e.Status:
    """Publish as the brand (``visibility`` public or direct; ``resolve`` to resolve too);
    answers the published status."""
    actor = await _actor(request, "write:statuses")
    cid = _id(conversation_id)
    params = await Params.of(request)
    text = params.text("text")
    visibility = params.str("visibility", max_len=16) or "public"
    resolve = params.bool("resolve")
    saved = params.id("saved_reply_id")
    async with services_of(request).db.transaction() as tx:
        if saved is not None and not text.strip():
            text = await _saved_text(tx.session, actor, cid, saved)
        status = await actions.reply(tx, actor, cid, text, visibility, resolve=resolve)
    return await render_one(request, actor.account_id, status.id)


@post(f"{BASE}/{{conversation_id:str}}/triage", status_code=200)
async def triage(request: Request[Any, Any, Any], conversation_id: str) -> DeskConversation:
    """Set ``priority`` (low, medium, high, urgent; null or empty clears) and/or replace
    ``labels`` (a list); a field left out is unchanged."""
    actor = await _actor(request, WORK)
    cid = _id(conversation_id)
    params = await Params.of(request)
    priority: str | bool | None = False
    if "priority" in params.data:  # null or empty clears it
        priority = params.str("priority", max_len=16) or None
    labels = params.data.get("labels") if params.has("labels") else None
    if labels is not None and not isinstance(labels, list):
        raise InvalidDeskRequest("Validation failed: labels is a list")
    async with services_of(request).db.transaction() as tx:
        await desk_triage.triage(tx, actor, cid, priority=priority, labels=labels)
    return await _summary(request, actor, cid)


@post(f"{BASE}/{{conversation_id:str}}/notes", status_code=200)
async def add_note(request: Request[Any, Any, Any], conversation_id: str) -> DeskItem:
    """An internal note (``text``); ``@username`` mentions colleagues."""
    actor = await _actor(request, WORK)
    cid = _id(conversation_id)
    params = await Params.of(request)
    text = params.text("text")
    svc = services_of(request)
    async with svc.db.transaction() as tx:
        note = await actions.add_note(tx, actor, cid, text)
    async with svc.db.read() as session:
        who = await session.get(Account, note.account_id)
        return desk_render.item(Renderer(svc.settings), note, None, who)


@post(f"{BASE}/{{conversation_id:str}}/sentiment", status_code=200)
async def set_sentiment(request: Request[Any, Any, Any], conversation_id: str) -> DeskItem:
    """Correct (or confirm) an incoming message's sentiment: ``item_id``, ``sentiment``
    (positive, neutral, negative). The classifier's label is kept to measure it."""
    actor = await _actor(request, WORK)
    cid = _id(conversation_id)
    params = await Params.of(request)
    item_id = params.id("item_id")
    if item_id is None:
        raise InvalidDeskRequest("Validation failed: item_id is required")
    sentiment = params.str("sentiment", max_len=16) or ""
    svc = services_of(request)
    async with svc.db.transaction() as tx:
        changed = await moods.override(tx, actor, cid, item_id, sentiment)
    async with svc.db.read() as session:
        who = await session.get(Account, changed.account_id)
        shown = await statuses_by_id(
            Renderer(svc.settings),
            session,
            actor.account_id,
            [changed.status_id] if changed.status_id else [],
        )
        return desk_render.item(Renderer(svc.settings), changed, shown[0] if shown else None, who)


ROUTES = [
    triage,
    list_conversations,
    show_conversation,
    assign,
    set_status,
    reply,
    add_note,
    set_sentiment,
]
