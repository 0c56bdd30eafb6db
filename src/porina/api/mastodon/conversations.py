"""Direct-message conversations: ``/api/v1/conversations``. ``render_conversations`` is shared
with the streaming endpoint."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, cast

from litestar import Request, Response, delete, get, post
from sqlalchemy.ext.asyncio import AsyncSession

from porina.api.mastodon import conversation_reads
from porina.api.mastodon.auth import require, services_of
from porina.api.mastodon.conversation_reads import Conversation
from porina.api.mastodon.pagination import Page, link_header
from porina.api.mastodon.params import Params
from porina.core.errors import NotFound
from porina.core.ids import parse_id
from porina.interactions.viewer import viewer_state
from porina.messaging import actions
from porina.messaging.models import AccountConversation
from porina.notifications.queries import accounts_by_id
from porina.posts.queries import bundles_by_id
from porina.render.quotes import render_bundles
from porina.render.renderer import Renderer


async def render_conversations(
    renderer: Renderer, session: AsyncSession, viewer_id: int, rows: Sequence[AccountConversation]
) -> list[Conversation]:
    """Render conversations in order: one query for participants, two for last statuses."""
    if not rows:
        return []
    people = await accounts_by_id(session, {int(p) for r in rows for p in r.participant_ids})
    items = await bundles_by_id(session, viewer_id, [r.last_status_id for r in rows])
    state = await viewer_state(session, viewer_id, items)
    shown = await render_bundles(renderer, session, items, state, viewer_id)
    statuses = {b.entry.status.id: s for b, s in zip(items, shown, strict=True)}
    return [
        Conversation(
            id=str(r.conversation_id),
            unread=r.unread,
            accounts=[
                renderer.account(people[int(p)])
                for p in r.participant_ids
                if int(p) in people and people[int(p)].suspended_at is None
            ],
            last_status=statuses.get(r.last_status_id),
        )
        for r in rows
    ]


def _id(raw: str) -> int:
    parsed = parse_id(raw)
    if parsed is None:
        raise NotFound()
    return parsed


@get("/api/v1/conversations")
async def list_conversations(request: Request[Any, Any, Any]) -> Response[list[Conversation]]:
    viewer = await require(request, "read:statuses")
    me = viewer.require_account()
    params = await Params.of(request)
    page = Page.of(params, default=20, maximum=40)
    body, ids = await conversation_reads.page(services_of(request), me, page)
    return Response(cast(Any, body), headers=link_header(request, ids, page))  # JSON bytes


@delete("/api/v1/conversations/{conversation_id:str}", status_code=200)
async def remove_conversation(
    request: Request[Any, Any, Any], conversation_id: str
) -> dict[str, Any]:
    viewer = await require(request, "write:conversations")
    async with services_of(request).db.transaction() as tx:
        await actions.hide(tx, viewer.require_account(), _id(conversation_id))
    return {}


@post("/api/v1/conversations/{conversation_id:str}/read", status_code=200)
async def read_conversation(request: Request[Any, Any, Any], conversation_id: str) -> Conversation:
    viewer = await require(request, "write:conversations")
    me = viewer.require_account()
    svc = services_of(request)
    async with svc.db.transaction() as tx:
        row = await actions.mark_read(tx, me, _id(conversation_id))
    async with svc.db.read() as session:
        body = await render_conversations(Renderer(svc.settings), session, me, [row])
    return body[0]


ROUTES = [list_conversations, remove_conversation, read_conversation]
