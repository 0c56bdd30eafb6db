"""The desk's saved replies (docs/api.md, "Desk saved replies"):
``/api/porina/v1/desk/saved_replies`` — list, create, update, delete, and a preview filled
for a conversation's person. Owners and managers write; everyone who works conversations
reads and uses them (``POST …/conversations/:id/reply`` with ``saved_reply_id``)."""

from __future__ import annotations

from typing import Any

import msgspec
from litestar import Request, delete, get, post, put

from porina.api.mastodon.auth import actor_of, require, services_of
from porina.api.mastodon.params import Params
from porina.core.actor import Actor
from porina.core.ids import parse_id
from porina.desk import access, queries, saved_replies
from porina.desk.errors import InvalidDeskRequest
from porina.desk.models import DeskSavedReply
from porina.desk.saved_replies import SavedReplyNotFound
from porina.render.renderer import timestamp

BASE = "/api/porina/v1/desk/saved_replies"


class SavedReply(msgspec.Struct, kw_only=True):
    id: str
    shortcut: str
    language: str
    body: str
    created_at: str
    updated_at: str


class SavedReplyPreview(msgspec.Struct, kw_only=True):
    text: str


def _entity(row: DeskSavedReply) -> SavedReply:
    return SavedReply(
        id=str(row.id),
        shortcut=row.shortcut,
        language=row.language,
        body=row.body,
        created_at=timestamp(row.created_at) or "",
        updated_at=timestamp(row.updated_at) or "",
    )


def _id(raw: str) -> int:
    parsed = parse_id(raw)
    if parsed is None:
        raise SavedReplyNotFound()
    return parsed


async def _actor(request: Request[Any, Any, Any], scope: str) -> Actor:
    return actor_of(await require(request, scope))


@get(BASE)
async def list_saved_replies(request: Request[Any, Any, Any]) -> list[SavedReply]:
    """The brand's saved replies by shortcut (``language``: en or fi, to filter)."""
    actor = await _actor(request, "read:statuses")
    language = (await Params.of(request)).str("language", max_len=8)
    async with services_of(request).db.read() as session:
        return [_entity(r) for r in await saved_replies.listed(session, actor, language)]


@post(BASE, status_code=200)
async def create_saved_reply(request: Request[Any, Any, Any]) -> SavedReply:
    """``shortcut``, ``language`` (en, fi), ``body`` with variables."""
    actor = await _actor(request, "write:statuses")
    params = await Params.of(request)
    async with services_of(request).db.transaction() as tx:
        row = await saved_replies.create(tx, actor, params.data)
    return _entity(row)


@put(f"{BASE}/{{reply_id:str}}")
async def update_saved_reply(request: Request[Any, Any, Any], reply_id: str) -> SavedReply:
    """Change any of ``shortcut``, ``language``, ``body``."""
    actor = await _actor(request, "write:statuses")
    params = await Params.of(request)
    fields = {k: v for k, v in params.data.items() if k in ("shortcut", "language", "body")}
    async with services_of(request).db.transaction() as tx:
        row = await saved_replies.update(tx, actor, _id(reply_id), fields)
    return _entity(row)


@delete(f"{BASE}/{{reply_id:str}}", status_code=200)
async def delete_saved_reply(request: Request[Any, Any, Any], reply_id: str) -> dict[str, Any]:
    actor = await _actor(request, "write:statuses")
    async with services_of(request).db.transaction() as tx:
        await saved_replies.remove(tx, actor, _id(reply_id))
    return {}


@get(f"{BASE}/{{reply_id:str}}/preview")
async def preview_saved_reply(request: Request[Any, Any, Any], reply_id: str) -> SavedReplyPreview:
    """The body filled for ``conversation_id``'s person, as the reply would send it."""
    actor = await _actor(request, "read:statuses")
    conversation_id = (await Params.of(request)).id("conversation_id")
    if conversation_id is None:
        raise InvalidDeskRequest("Validation failed: conversation_id is required")
    async with services_of(request).db.read() as session:
        staff = await access.worker(session, actor)
        found = await queries.one(session, staff, conversation_id)
        text = await saved_replies.fill(session, actor, _id(reply_id), found.conversation)
    return SavedReplyPreview(text=text)


ROUTES = [
    list_saved_replies,
    create_saved_reply,
    update_saved_reply,
    delete_saved_reply,
    preview_saved_reply,
]
