"""Video and voice calls (docs/calls.md, docs/api.md "Calls"): ``POST /api/porina/v1/calls``
rings a mutual follower or the other side of a desk conversation; ``POST …/calls/:id/signal``
relays an offer, answer, ICE candidate, decline or hang-up to the other side, which receives
it as a ``porina.call`` event on its user stream (SSE and WebSocket). Media never passes
through Porina: browsers connect to each other, through the ``ice_servers`` given."""

from __future__ import annotations

from typing import Any

import msgspec
from litestar import Request, post

from porina.api.mastodon.auth import actor_of, require, services_of
from porina.api.mastodon.params import Params
from porina.calls import actions, ice

BASE = "/api/porina/v1/calls"


class IceServer(msgspec.Struct, kw_only=True, omit_defaults=True):
    urls: list[str]
    username: str | None = None
    credential: str | None = None


class CallCreated(msgspec.Struct, kw_only=True):
    id: str
    state: str
    video: bool
    ice_servers: list[IceServer]


class CallState(msgspec.Struct, kw_only=True):
    id: str
    state: str


@post(BASE, status_code=200)
async def create_call(request: Request[Any, Any, Any]) -> CallCreated:
    """Ring someone: ``account_id`` (an account that follows you and that you follow; else
    403) or ``desk_conversation_id`` (a brand's staff ring the customer, the customer rings
    the brand; another conversation is a 404); ``video`` (default true, false: voice only).
    The other side hears ``porina.call`` ``{"type": "ring"}`` on its user stream; the call is
    missed after ``PORINA_CALL_RING_SECONDS`` (45) unanswered. Answers ``{id, state, video,
    ice_servers}``: the STUN/TURN servers for ``RTCPeerConnection`` (``[]`` when none are set:
    calls work on one network). 422: neither or both ids, or calling yourself."""
    actor = actor_of(await require(request, "write:statuses"))
    params = await Params.of(request)
    video = params.bool("video", True)
    svc = services_of(request)
    async with svc.db.transaction() as tx:
        call = await actions.start(
            tx,
            actor,
            account_id=params.id("account_id"),
            desk_conversation_id=params.id("desk_conversation_id"),
            video=bool(video),
        )
    servers = [msgspec.convert(s, IceServer) for s in ice.servers(svc.settings, actor.account_id)]
    return CallCreated(id=str(call.id), state=call.state, video=call.video, ice_servers=servers)


@post(f"{BASE}/{{call_id:str}}/signal", status_code=200)
async def signal_call(request: Request[Any, Any, Any], call_id: str) -> CallState:
    """Send ``{type, data}`` to the other side: ``offer`` and ``answer`` (``data``:
    ``{sdp}``; the callee's first answer accepts the call), ``candidate`` (``data``:
    ``{candidate, sdpMid, sdpMLineIndex}``), ``decline`` (the callee, while it rings) and
    ``hangup`` (either side; while it rings the callee is notified of a missed call). The
    other side receives ``porina.call`` ``{id, type, state, video, data, account,
    desk_conversation_id}``, ``account`` being you (a brand's staff: the brand). 404: not
    your call; 422: a bad type or data, or a call that is over (a late ``candidate`` is
    dropped with 200). Answers ``{id, state}``."""
    actor = actor_of(await require(request, "write:statuses"))
    params = await Params.of(request)
    async with services_of(request).db.transaction() as tx:
        call = await actions.signal(tx, actor, call_id, params.raw("type"), params.raw("data"))
    return CallState(id=str(call.id), state=call.state)


ROUTES = [create_call, signal_call]
