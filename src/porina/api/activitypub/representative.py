"""The instance actor (``GET /actor``) and its empty outbox: public in every mode, since a
peer checking a signed fetch of ours must read its key without signing (``federation.
instance_actor``)."""

from __future__ import annotations

from typing import Any

from litestar import Request, Response, get

from porina.api.activitypub.actors import AP_TYPE
from porina.api.mastodon.auth import services_of
from porina.federation import documents as doc
from porina.federation import instance_actor
from porina.federation.keys import instance_keys


def _json(body: dict[str, Any]) -> Response[dict[str, Any]]:
    return Response(body, media_type=f"{AP_TYPE}; charset=utf-8")


@get(instance_actor.PATH, name="ap:instance-actor")
async def actor(request: Request[Any, Any, Any]) -> Response[Any]:
    svc = services_of(request)
    _, public_pem = await instance_keys(svc.db)
    base = svc.settings.base_url.rstrip("/")
    return _json(instance_actor.document(base, public_pem))


@get(f"{instance_actor.PATH}/outbox", name="ap:instance-outbox")
async def outbox(request: Request[Any, Any, Any]) -> Response[Any]:
    base = services_of(request).settings.base_url.rstrip("/")
    return _json(doc.collection(f"{instance_actor.actor_url(base)}/outbox", 0, []))


ROUTES = [actor, outbox]
