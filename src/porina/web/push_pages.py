"""Web Push in the web app: the service worker (``/sw.js``), the settings page "Notifications on
this device" (``/settings/notifications``) and the endpoint its script posts the browser's
subscription to (``/web/push/subscription``).

The endpoint is authenticated by the session cookie and, for POST and DELETE, the CSRF header
(``x-csrftoken``), like every page form. It takes Mastodon's body (``subscription`` with
``endpoint`` and ``keys``, ``data`` with ``alerts`` and ``policy``) and answers Mastodon's
``WebPushSubscription``; errors are Mastodon's JSON (``{"error": ...}``, 422 for bad input).
The subscription belongs to a push-only token bound to this web session
(``notifications/push/browser.py``): signing out ends it.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import Any

import msgspec
from litestar import Request, Response, delete, get, post
from litestar.response import Template

from porina.accounts.tokens import digest
from porina.core import inputs
from porina.core.errors import NotFound, Unauthorized, Unprocessable
from porina.notifications.push import actions, browser
from porina.notifications.push.keys import vapid_keys
from porina.notifications.push.models import WebPushSubscription
from porina.web import i18n, sessions
from porina.web.common import Me, reader, render, signed_in
from porina.web.i18n import N_
from porina.web.runtime import services

ENDPOINT = "/web/push/subscription"
SW_TYPE = "text/javascript"
CHOICES: tuple[tuple[str, tuple[str, ...], str], ...] = (
    ("mention", ("mention",), N_("Mentions, replies and direct messages")),
    ("follow", ("follow", "follow_request"), N_("New followers and follow requests")),
    ("favourite", ("favourite",), N_("Likes of your posts")),
    ("reblog", ("reblog",), N_("Boosts of your posts")),
    ("poll", ("poll",), N_("Polls that have ended")),
)
"""The page's checkboxes: (name, the Mastodon alerts it turns on, label). Replies and direct
messages are mentions, as in Mastodon."""
POLICY_CHOICES = (
    ("all", N_("Anyone")),
    ("followed", N_("People I follow")),
    ("follower", N_("People who follow me")),
)
LIMITS = {"endpoint": 2048, "p256dh": 128, "auth": 64}


@cache
def _worker() -> bytes:
    return (Path(__file__).parent / "static" / "sw.js").read_bytes()


@get("/sw.js", name="web:service-worker")
async def service_worker() -> Response[bytes]:
    """The service worker, at the root so its scope is the whole site; never cached, so a new
    release reaches browsers at once."""
    headers = {"Cache-Control": "no-cache", "Service-Worker-Allowed": "/"}
    return Response(_worker(), media_type=SW_TYPE, headers=headers)


def _session_hash(request: Request[Any, Any, Any]) -> str:
    return digest(request.cookies.get(sessions.COOKIE) or "")


def entity(row: WebPushSubscription, server_key: str) -> dict[str, Any]:
    """Mastodon's ``WebPushSubscription``."""
    return {
        "id": str(row.id),
        "endpoint": row.endpoint,
        "standard": row.standard,
        "alerts": {kind: bool(row.alerts.get(kind, False)) for kind in actions.ALERTS},
        "server_key": server_key,
        "policy": row.policy or "all",
    }


@get("/settings/notifications", name="web:settings-notifications")
async def settings_page(request: Request[Any, Any, Any]) -> Template:
    me = await signed_in(request)
    svc = services(request)
    async with svc.db.read() as session:
        row = await browser.subscription_of(session, _session_hash(request))
    on = dict(row.alerts) if row else {"mention": True, "follow": True, "follow_request": True}
    return render(
        request,
        "pages/push_settings.html",
        me=me,
        subscribed=row is not None,
        endpoint=row.endpoint if row else "",
        choices=[(n, kinds, i18n._(label), on.get(kinds[0], False)) for n, kinds, label in CHOICES],
        policies=[(value, i18n._(label)) for value, label in POLICY_CHOICES],
        policy=row.policy if row else "all",
        server_key=(await vapid_keys(svc.db)).public_key,
    )


async def _me(request: Request[Any, Any, Any]) -> Me:
    me = await reader(request)
    if me is None:
        raise Unauthorized("This method requires an authenticated user")
    return me


def _object(value: Any, name: str) -> dict[str, Any]:
    if value is None:
        return {}
    if not isinstance(value, dict):
        raise Unprocessable(f"Validation failed: {name} must be an object")
    return value


def _string(value: Any, name: str) -> str:
    if value is None:
        return ""
    if not isinstance(value, str) or inputs.has_nul(value) or len(value) > LIMITS[name]:
        raise Unprocessable(f"Validation failed: {name} is invalid")
    return value


async def _body(request: Request[Any, Any, Any]) -> tuple[actions.Subscription, actions.Alerts]:
    try:
        body = msgspec.json.decode(await request.body())
    except msgspec.DecodeError as exc:
        raise Unprocessable("Validation failed: the body is not JSON") from exc
    body = _object(body, "body")
    sub = _object(body.get("subscription"), "subscription")
    keys = _object(sub.get("keys"), "keys")
    data = _object(body.get("data"), "data")
    alerts = _object(data.get("alerts"), "alerts")
    policy = data.get("policy", "all")
    return (
        actions.Subscription(
            endpoint=_string(sub.get("endpoint"), "endpoint"),
            p256dh=_string(keys.get("p256dh"), "p256dh"),
            auth=_string(keys.get("auth"), "auth"),
            standard=sub.get("standard") is True,
        ),
        actions.Alerts(
            alerts={k: value is True for k, value in alerts.items() if k in actions.ALERTS},
            policy=policy if isinstance(policy, str) else "",
        ),
    )


@get(ENDPOINT, name="web:push-show")
async def show(request: Request[Any, Any, Any]) -> dict[str, Any]:
    """This browser's subscription (404 when it has none)."""
    await _me(request)
    svc = services(request)
    async with svc.db.read() as session:
        row = await browser.subscription_of(session, _session_hash(request))
    if row is None:
        raise NotFound()
    return entity(row, (await vapid_keys(svc.db)).public_key)


@post(ENDPOINT, name="web:push-subscribe", status_code=200)
async def subscribe(request: Request[Any, Any, Any]) -> dict[str, Any]:
    """Subscribe this browser (a new subscription replaces the session's old one)."""
    me = await _me(request)
    sub, data = await _body(request)
    svc = services(request)
    async with svc.db.transaction() as tx:
        row = await browser.subscribe(tx, me.user.id, _session_hash(request), sub, data)
    return entity(row, (await vapid_keys(svc.db)).public_key)


@delete(ENDPOINT, name="web:push-unsubscribe", status_code=200)
async def unsubscribe(request: Request[Any, Any, Any]) -> dict[str, Any]:
    await _me(request)
    async with services(request).db.transaction() as tx:
        await browser.unsubscribe(tx, _session_hash(request))
    return {}


ROUTES = [service_worker, settings_page, show, subscribe, unsubscribe]
