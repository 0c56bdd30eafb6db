"""``POST /inbox`` (shared) and ``POST /users/{name}/inbox``: signed deliveries from other
servers. 202 when accepted; 401 unsigned or a bad signature, 403 a key that is not the
actor's or an id off the actor's origin (``federation.inbox``), 400 a body that is not an
activity; Mastodon's error shape throughout."""

from __future__ import annotations

import json
from typing import Any

from litestar import Request, Response, post

from porina.core.errors import BadRequest
from porina.federation.delivery import FederationContext
from porina.federation.inbox import receive, verify_delivery


async def _inbox(request: Request[Any, Any, Any]) -> Response[Any]:
    svc: FederationContext = request.app.state.services
    body = await request.body()
    try:
        activity = json.loads(body)
    except ValueError:
        raise BadRequest("Body is not JSON", code="bad_json") from None
    if not isinstance(activity, dict):
        raise BadRequest("Body is not an activity", code="bad_json")
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
    async with svc.db.transaction() as tx:
        await receive(tx, sender, activity, svc.settings.base_url.rstrip("/"))
    return Response(b"", status_code=202)


@post("/inbox", status_code=202, name="ap:shared-inbox")
async def shared_inbox(request: Request[Any, Any, Any]) -> Response[Any]:
    return await _inbox(request)


@post("/users/{username:str}/inbox", status_code=202, name="ap:inbox")
async def inbox(request: Request[Any, Any, Any], username: str) -> Response[Any]:
    return await _inbox(request)


ROUTES = [shared_inbox, inbox]
