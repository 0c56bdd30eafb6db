"""Presence on a desk conversation: ``POST /api/porina/v1/desk/conversations/:id/presence``
(a heartbeat: ``state`` viewing or typing) and ``DELETE`` on leaving (docs/api.md, "Desk
presence"; ``desk/presence.py``).

The brand's working staff only, with a token acting as the brand (``write:conversations``):
404 off the team or for another brand's conversation, 403 for an analyst, 422 for another
state. Changes reach the other staff as ``desk.presence`` on ``stream=desk``.
"""

from __future__ import annotations

from typing import Any

from litestar import Request, delete, post

from porina.api.mastodon.auth import actor_of, require, services_of
from porina.api.mastodon.params import Params
from porina.api.porina.desk import BASE, WORK
from porina.api.porina.desk_reads import shown_viewers
from porina.api.porina.desk_render import DeskPresence
from porina.core.ids import parse_id
from porina.desk import presence
from porina.desk.errors import ConversationNotFound

PATH = f"{BASE}/{{conversation_id:str}}/presence"
ANNOUNCE = (
    "A heartbeat: the caller (a brand's owner, manager or agent, with a token acting as the "
    "brand) is on the conversation. Body (form or JSON): `state` = `viewing` (the default) or "
    "`typing` (writing a reply). Renew at least every 30 seconds or it lapses. Answers "
    '`{"conversation_id", "viewers": [{"account": {"id", "acct", "display_name"}, "state", '
    '"since"}]}`: the other staff on it, longest there first. A change of who is there or in '
    "what state sends `desk.presence` (the same shape, each reader left out) on "
    "`stream=desk`. 404 off the team or for another brand's conversation, 403 for an "
    'analyst, 422 for another state. docs/api.md, "Desk presence".'
)
WITHDRAW = (
    "The caller left the conversation (their page closed): `{}`; the other staff hear "
    "`desk.presence` at once. 404 off the team or for another brand's conversation, 403 for "
    "an analyst."
)


def _id(raw: str) -> int:
    parsed = parse_id(raw)
    if parsed is None:
        raise ConversationNotFound()
    return parsed


@post(
    PATH, status_code=200, summary="Announce presence on a desk conversation", description=ANNOUNCE
)
async def announce(request: Request[Any, Any, Any], conversation_id: str) -> DeskPresence:
    """The caller is on the conversation (``state``: ``viewing``, the default, or ``typing``
    a reply); renew it at least every 30 seconds. Answers who else of the team is on it."""
    actor = actor_of(await require(request, WORK))
    cid = _id(conversation_id)
    params = await Params.of(request)
    state = params.str("state", max_len=16) or "viewing"
    svc = services_of(request)
    found = await presence.present(svc, actor, cid, state)
    return DeskPresence(conversation_id=str(cid), viewers=await shown_viewers(svc, found))


@delete(PATH, status_code=200, summary="Leave a desk conversation", description=WITHDRAW)
async def withdraw(request: Request[Any, Any, Any], conversation_id: str) -> dict[str, Any]:
    """The caller left the conversation: ``{}``."""
    actor = actor_of(await require(request, WORK))
    await presence.leave(services_of(request), actor, _id(conversation_id))
    return {}


ROUTES = [announce, withdraw]
