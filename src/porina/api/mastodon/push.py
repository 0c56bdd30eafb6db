"""``/api/v1/push/subscription``: the Web Push subscription of the calling access token
(Mastodon's ``Api::V1::Push::SubscriptionsController``; scope ``push``)."""

from __future__ import annotations

from typing import Any

from litestar import Request, delete, get, post, put
from sqlalchemy import select

from porina.api.mastodon.auth import Viewer, bearer, require, services_of
from porina.api.mastodon.params import Params
from porina.core.errors import BadRequest, NotFound
from porina.notifications.push import actions
from porina.notifications.push.keys import vapid_keys
from porina.notifications.push.models import WebPushSubscription as Row
from porina.render import entities as e


class WebPushSubscription(e.Entity):
    id: str
    endpoint: str
    standard: bool
    alerts: dict[str, bool]
    server_key: str
    policy: str


def _entity(row: Row, server_key: str) -> WebPushSubscription:
    return WebPushSubscription(
        id=str(row.id),
        endpoint=row.endpoint,
        standard=row.standard,
        alerts={kind: bool(row.alerts.get(kind, False)) for kind in actions.ALERTS},
        server_key=server_key,
        policy=row.policy or "all",
    )


def _data(params: Params) -> actions.Alerts:
    """``data[alerts][type]`` and ``data[policy]``; absent: every alert off, policy ``all``."""
    data = params.sub("data")
    given = data.sub("alerts")
    alerts: dict[str, bool] = {kind: given.bool(kind) for kind in actions.ALERTS if given.has(kind)}
    return actions.Alerts(alerts=alerts, policy=data.text("policy", max_len=16) or "all")


def _subscription(params: Params) -> actions.Subscription:
    if not params.has("subscription") or not params.raw("subscription"):
        raise BadRequest("param is missing or the value is empty: subscription")
    sub = params.sub("subscription")
    keys = sub.sub("keys")
    return actions.Subscription(
        endpoint=sub.text("endpoint", max_len=2048),
        p256dh=keys.text("p256dh", max_len=128),
        auth=keys.text("auth", max_len=64),
        standard=sub.bool("standard"),
    )


async def _viewer(request: Request[Any, Any, Any]) -> Viewer:
    viewer = await require(request, "push")
    viewer.require_account()
    return viewer


async def _respond(request: Request[Any, Any, Any], row: Row) -> WebPushSubscription:
    keys = await vapid_keys(services_of(request).db)
    return _entity(row, keys.public_key)


@post("/api/v1/push/subscription", status_code=200)
async def create(request: Request[Any, Any, Any]) -> WebPushSubscription:
    viewer = await _viewer(request)
    params = await Params.of(request)
    sub, data = _subscription(params), _data(params)
    holder = actions.Holder(
        token_id=viewer.token_id,
        token=bearer(request) or "",
        account_id=viewer.require_account(),
        user_id=viewer.user_id,
    )
    async with services_of(request).db.transaction() as tx:
        row = await actions.subscribe(tx, holder, sub, data)
    return await _respond(request, row)


@get("/api/v1/push/subscription")
async def show(request: Request[Any, Any, Any]) -> WebPushSubscription:
    viewer = await _viewer(request)
    async with services_of(request).db.read() as session:
        row = await session.scalar(select(Row).where(Row.token_id == viewer.token_id))
    if row is None:
        raise NotFound()
    return await _respond(request, row)


@put("/api/v1/push/subscription")
async def update(request: Request[Any, Any, Any]) -> WebPushSubscription:
    viewer = await _viewer(request)
    params = await Params.of(request)
    async with services_of(request).db.transaction() as tx:
        row = await actions.update(tx, viewer.token_id, _data(params))
    return await _respond(request, row)


@delete("/api/v1/push/subscription", status_code=200)
async def destroy(request: Request[Any, Any, Any]) -> dict[str, Any]:
    viewer = await _viewer(request)
    async with services_of(request).db.transaction() as tx:
        await actions.unsubscribe(tx, viewer.token_id)
    return {}


ROUTES = [create, show, update, destroy]
