"""The desk's contacts (docs/api.md, "Desk contacts"): ``/api/porina/v1/desk/contacts`` —
people with a conversation with the brand, searched and filtered by tag; one person's whole
history with the brand; the team's tags and internal notes on them. Staff who work
conversations only: an analyst gets a 403, anyone else a 404."""

from __future__ import annotations

from typing import Any

import msgspec
from litestar import Request, Response, delete, get, post, put
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from porina.accounts.models import User
from porina.api.mastodon.auth import actor_of, require, services_of
from porina.api.mastodon.pagination import Page, link_header
from porina.api.mastodon.params import Params
from porina.api.porina import desk_render
from porina.api.porina.desk_render import DeskConversation
from porina.core.actor import Actor
from porina.core.clock import now
from porina.core.ids import parse_id
from porina.desk import access, contacts, queries
from porina.desk.contacts import ContactNoteNotFound, ContactNotFound
from porina.desk.contacts_models import DeskContactNote
from porina.notifications.queries import accounts_by_id
from porina.render import entities as e
from porina.render.renderer import Renderer, timestamp

BASE = "/api/porina/v1/desk/contacts"
READ = "read:statuses"
WORK = "write:conversations"


class ContactNote(msgspec.Struct, kw_only=True):
    id: str
    text: str
    author: e.Account | None
    """The staff member's own account (null: they left the instance)."""
    created_at: str


class ContactCounts(msgspec.Struct, kw_only=True):
    messages: int
    replies_sent: int
    directs: int


class ContactSummary(msgspec.Struct, kw_only=True):
    id: str
    """The person's account id."""
    account: e.Account
    tags: list[str]
    conversation_id: str
    status: str
    first_seen_at: str
    last_activity_at: str


class Contact(msgspec.Struct, kw_only=True):
    id: str
    account: e.Account
    tags: list[str]
    notes: list[ContactNote]
    conversations: list[DeskConversation]
    first_seen_at: str
    last_seen_at: str
    counts: ContactCounts
    sections: dict[str, Any]
    """What other parts of Porina know of the person (contest entries, newsletter status),
    by section name; empty until such a part registers one (docs/desk.md)."""


class ContactTags(msgspec.Struct, kw_only=True):
    tags: list[str]


def _id(raw: str, error: type[Exception] = ContactNotFound) -> int:
    parsed = parse_id(raw)
    if parsed is None:
        raise error()
    return parsed


async def _actor(request: Request[Any, Any, Any], scope: str) -> Actor:
    return actor_of(await require(request, scope))


async def _notes(
    renderer: Renderer, session: AsyncSession, rows: list[DeskContactNote]
) -> list[ContactNote]:
    users = {n.user_id for n in rows if n.user_id is not None}
    owners: dict[int, int] = {}
    if users:
        found = await session.execute(select(User.id, User.account_id).where(User.id.in_(users)))
        owners = {uid: aid for uid, aid in found.all()}
    people = await accounts_by_id(session, set(owners.values()))
    out = []
    for n in rows:
        who = people.get(owners.get(n.user_id or 0, 0))
        out.append(
            ContactNote(
                id=str(n.id),
                text=n.text,
                author=renderer.account(who) if who else None,
                created_at=timestamp(n.created_at) or "",
            )
        )
    return out


@get(BASE)
async def list_contacts(request: Request[Any, Any, Any]) -> Response[list[ContactSummary]]:
    """People with a conversation with the brand, newest first (``q``: name, username or
    acct; ``tag``); paged by account id with ``Link``."""
    actor = await _actor(request, READ)
    params = await Params.of(request)
    page = Page.of(params, default=20, maximum=40)
    cursor = queries.Cursor(page.max_id, page.since_id, page.min_id, page.limit)
    q = params.str("q", max_len=100)
    tag = (params.str("tag", max_len=40) or "").strip().lower() or None
    svc = services_of(request)
    renderer = Renderer(svc.settings)
    async with svc.db.read() as session:
        rows = await contacts.page(session, actor, q=q, tag=tag, cursor=cursor)
        moment = now()
        body = [
            ContactSummary(
                id=str(r.account.id),
                account=renderer.account(r.account),
                tags=r.tags,
                conversation_id=str(r.conversation.id),
                status=queries.shown_status(r.conversation, moment),
                first_seen_at=timestamp(r.conversation.created_at) or "",
                last_activity_at=timestamp(r.conversation.last_activity_at) or "",
            )
            for r in rows
        ]
    return Response(body, headers=link_header(request, [c.id for c in body], page))


async def _contact(request: Request[Any, Any, Any], actor: Actor, contact_id: int) -> Contact:
    svc = services_of(request)
    renderer = Renderer(svc.settings)
    async with svc.db.read() as session:
        found = await contacts.one(session, actor, contact_id)
        staff = await access.worker(session, actor)
        listed = await queries.one(session, staff, found.conversation.id)
        summaries = await desk_render.conversations(renderer, session, [listed])
        return Contact(
            id=str(found.account.id),
            account=renderer.account(found.account),
            tags=found.tags,
            notes=await _notes(renderer, session, found.notes),
            conversations=summaries,
            first_seen_at=timestamp(found.first_seen_at) or "",
            last_seen_at=timestamp(found.last_seen_at) or "",
            counts=ContactCounts(
                messages=found.counts.messages,
                replies_sent=found.counts.replies_sent,
                directs=found.counts.directs,
            ),
            sections=found.sections,
        )


@get(f"{BASE}/{{account_id:str}}")
async def show_contact(request: Request[Any, Any, Any], account_id: str) -> Contact:
    """The person's history with the brand, with the team's tags and notes."""
    actor = await _actor(request, READ)
    return await _contact(request, actor, _id(account_id))


@put(f"{BASE}/{{account_id:str}}/tags")
async def set_contact_tags(request: Request[Any, Any, Any], account_id: str) -> ContactTags:
    """Replace the person's tags (``tags``: a list)."""
    actor = await _actor(request, WORK)
    params = await Params.of(request)
    async with services_of(request).db.transaction() as tx:
        tags = await contacts.set_tags(tx, actor, _id(account_id), params.data.get("tags"))
    return ContactTags(tags=tags)


@post(f"{BASE}/{{account_id:str}}/notes", status_code=200)
async def add_contact_note(request: Request[Any, Any, Any], account_id: str) -> ContactNote:
    """An internal note about the person (``text``)."""
    actor = await _actor(request, WORK)
    params = await Params.of(request)
    text = params.text("text")
    svc = services_of(request)
    async with svc.db.transaction() as tx:
        note = await contacts.add_note(tx, actor, _id(account_id), text)
    async with svc.db.read() as session:
        (shown,) = await _notes(Renderer(svc.settings), session, [note])
    return shown


@delete(f"{BASE}/{{account_id:str}}/notes/{{note_id:str}}", status_code=200)
async def delete_contact_note(
    request: Request[Any, Any, Any], account_id: str, note_id: str
) -> dict[str, Any]:
    """Delete one of the person's notes."""
    actor = await _actor(request, WORK)
    contact_id, nid = _id(account_id), _id(note_id, ContactNoteNotFound)
    async with services_of(request).db.transaction() as tx:
        await contacts.remove_note(tx, actor, contact_id, nid)
    return {}


ROUTES = [list_contacts, show_contact, set_contact_tags, add_contact_note, delete_contact_note]
