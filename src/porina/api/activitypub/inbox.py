"""``POST /inbox`` (shared) and ``POST /users/{name}/inbox``: signed deliveries from other
servers. 202 when accepted; 401 unsigned or a bad signature, 403 a key that is not the
actor's, an id off the actor's origin or a suspended domain (``federation.inbox``), 400 a
body that is not an activity; Mastodon's error shape throughout. The request only verifies:
an accepted activity is a durable ``federation.receive`` job, committed before the 202, that
fetches what the activity names (``federation.fetching``) and then handles it."""

from __future__ import annotations

from typing import Any

import msgspec
from litestar import Request, Response, post

from porina.core import inputs
from porina.core.errors import BadRequest
from porina.federation import domains
from porina.federation.dispatch import FederationContext
from porina.federation.inbox import queue_receive, verify_delivery


async def _inbox(request: Request[Any, Any, Any]) -> Response[Any]:
    svc: FederationContext = request.app.state.services
    body = await request.body()
    activity = _activity(body)
    await domains.refuse_suspended(svc.db, activity)
    target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
    headers = {k.lower(): v for k, v in request.headers.items()}
    sender = await verify_delivery(
        svc.db,
        svc.outbound,
        method=request.method,
        target=target,
        headers=headers,
        body=body,
        activity=activity,
    )
    await domains.answered(svc.db, sender.domain)
    async with svc.db.transaction() as tx:
        await queue_receive(tx, sender, activity)
    return Response(b"", status_code=202)


def _activity(body: bytes) -> dict[str, Any]:
    """The decoded activity: a JSON object, not nested past ``inputs`` limits, no NUL (no
    database stores one); anything else is 400."""
    try:
        activity = msgspec.json.decode(body)
    except (msgspec.DecodeError, UnicodeDecodeError, RecursionError):
        raise BadRequest("Body is not JSON", code="bad_json") from None
    if not isinstance(activity, dict) or inputs.nesting_fault(activity) is not None:
        raise BadRequest("Body is not an activity", code="bad_json")
    return activity


@post("/inbox", status_code=202, name="ap:shared-inbox")
async def shared_inbox(request: Request[Any, Any, Any]) -> Response[Any]:
    return await _inbox(request)


@post("/users/{username:str}/inbox", status_code=202, name="ap:inbox")
async def inbox(request: Request[Any, Any, Any], username: str) -> Response[Any]:
    return await _inbox(request)


ROUTES = [shared_inbox, inbox]
