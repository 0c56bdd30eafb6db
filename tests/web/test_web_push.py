"""Web Push for the web app: a signed-in browser posts its subscription (keys made by the test's
browser, ``tests/support/webpush.py``) to ``/web/push/subscription``; when someone mentions,
follows or likes the person, the delivery job sends through the outbound HTTP client to a push
service on 127.0.0.1, and the test decrypts what arrived as the browser would: the title, body
and the page a click opens. Unsubscribing or signing out stops it; the endpoint wants the CSRF
header, refuses bad input with Mastodon's error shape, and nothing is pushed from muted or
blocked people or for filtered notifications."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import timedelta
from typing import Any

import httpx
import pytest
from sqlalchemy import func, select, update

from porina.accounts.models import OAuthToken, WebSession
from porina.core.clock import now
from porina.notifications.push import browser
from porina.notifications.push.models import WebPushSubscription
from porina.services import Services
from porina.settings import Settings
from porina.web import sessions

from ..factories import Factory
from ..http.server import LocalServer
from ..support.webpush import Browser as Device
from ..support.webpush import PushService, vapid_claims
from .conftest import Browser, text_of

ENDPOINT = "/web/push/subscription"
BASE = "http://testserver.local"
JSON = {"accept": "application/json"}


@pytest.fixture
async def push_service() -> AsyncIterator[LocalServer]:
    async with LocalServer({"/push": PushService()}) as server:
        yield server


@pytest.fixture
def settings(settings: Settings, push_service: LocalServer) -> Settings:
    """The outbound client may reach the local push service (plain http, loopback)."""
    return settings.with_(federation_allow_http_hosts=push_service.hostport)


async def _csrf(web: Browser) -> dict[str, str]:
    if not web.token():
        await web.get("/settings/notifications")
    return {**JSON, "x-csrftoken": web.token()}


async def _subscribe(
    web: Browser,
    server: LocalServer,
    device: Device,
    alerts: tuple[str, ...] = ("mention", "follow", "favourite"),
) -> httpx.Response:
    body = {
        "subscription": {"endpoint": server.url("/push"), "keys": device.keys(), "standard": True},
        "data": {"alerts": {kind: True for kind in alerts}, "policy": "all"},
    }
    return await web.client.post(ENDPOINT, json=body, headers=await _csrf(web))


async def _count(services: Services) -> tuple[int, int]:
    """Web Push subscriptions, and tokens bound to a web session."""
    async with services.db.read() as session:
        subs = await session.scalar(select(func.count()).select_from(WebPushSubscription))
        tokens = await session.scalar(
            select(func.count())
            .select_from(OAuthToken)
            .where(OAuthToken.web_session_hash.is_not(None))
        )
    return int(subs or 0), int(tokens or 0)


async def test_mentions_follows_and_likes_reach_the_device(
    push_service: LocalServer, make: Factory, signed_in: Any
) -> None:
    alice = await make.person("alice")
    bob = await make.person("bob", display_name="Bob B")
    web: Browser = await signed_in(alice)
    device = Device()
    made = await _subscribe(web, push_service, device)
    assert made.status_code == 200, made.text
    subscription = made.json()
    assert subscription["endpoint"] == push_service.url("/push") and subscription["standard"]
    assert {k for k, on in subscription["alerts"].items() if on} == {
        "mention",
        "follow",
        "favourite",
    }

    mention = await bob.status("@alice lunch at <b>noon</b>?")
    [pushed] = push_service.requests
    message = device.decrypt(pushed)
    assert message["title"] == "You were mentioned by Bob B"
    assert message["body"] == "@alice lunch at noon?"
    assert message["url"] == f"{BASE}/@bob/{mention['id']}"
    assert message["notification_type"] == "mention"
    assert message["icon"] == (await bob.get(f"/api/v1/accounts/{bob.id}")).json()["avatar_static"]
    assert message["access_token"] == ""  # the web app has its session; no token travels
    assert (
        vapid_claims(pushed, subscription["server_key"])["aud"] == f"http://{push_service.hostport}"
    )

    await bob.follow(alice)
    post = await alice.status("Release notes are out")
    await bob.post(f"/api/v1/statuses/{post['id']}/favourite")
    follow, like = (device.decrypt(r) for r in push_service.requests[1:])
    assert (follow["title"], follow["url"]) == ("Bob B is now following you", f"{BASE}/@bob")
    assert like["title"] == "Bob B favorited your post"
    assert (like["body"], like["url"]) == ("Release notes are out", f"{BASE}/@alice/{post['id']}")


async def test_finnish_reader_gets_finnish_titles(
    push_service: LocalServer, make: Factory, signed_in: Any
) -> None:
    alice, bob = await make.person("alice", locale="fi"), await make.person("bob")
    web: Browser = await signed_in(alice)
    device = Device()
    assert (await _subscribe(web, push_service, device)).status_code == 200
    await bob.follow(alice)
    [pushed] = push_service.requests
    message = device.decrypt(pushed)
    assert message["title"] == "bob seuraa nyt sinua" and message["preferred_locale"] == "fi"


async def test_unsubscribing_stops_delivery(
    push_service: LocalServer, services: Services, make: Factory, signed_in: Any
) -> None:
    alice, bob = await make.person("alice"), await make.person("bob")
    web: Browser = await signed_in(alice)
    await _subscribe(web, push_service, Device())
    shown = await web.client.get(ENDPOINT, headers=JSON)
    assert shown.status_code == 200 and shown.json()["endpoint"] == push_service.url("/push")
    gone = await web.client.delete(ENDPOINT, headers=await _csrf(web))
    assert gone.status_code == 200 and gone.json() == {}
    missing = await web.client.get(ENDPOINT, headers=JSON)
    assert missing.status_code == 404 and missing.json() == {"error": "Record not found"}
    await bob.status("@alice still there?")
    assert push_service.requests == []
    assert await _count(services) == (0, 0)


async def test_signing_out_ends_the_browsers_subscription_only(
    push_service: LocalServer, services: Services, make: Factory, signed_in: Any
) -> None:
    alice, bob = await make.person("alice"), await make.person("bob")
    app_device = Device()  # alice's phone app, subscribed with its own access token
    app_made = await alice.post(
        "/api/v1/push/subscription",
        json={
            "subscription": {"endpoint": push_service.url("/push"), "keys": app_device.keys()},
            "data": {"alerts": {"mention": True}},
        },
    )
    assert app_made.status_code == 200
    web: Browser = await signed_in(alice)
    web_device = Device()
    await _subscribe(web, push_service, web_device)
    again = await _subscribe(web, push_service, web_device)  # subscribing again replaces
    assert again.status_code == 200
    assert await _count(services) == (2, 1)

    signed_out = await web.post("/auth/sign_out")
    assert signed_out.status_code in (302, 303)
    assert await _count(services) == (1, 0)
    await bob.status("@alice hello")
    [pushed] = push_service.requests  # to the app, not to the signed-out browser
    assert app_device.decrypt(pushed)["title"] == "You were mentioned by bob"
    assert "url" not in app_device.decrypt(pushed)  # apps get Mastodon's payload as it is


async def test_csrf_header_and_session_are_required(
    push_service: LocalServer, services: Services, make: Factory, signed_in: Any
) -> None:
    alice = await make.person("alice")
    web: Browser = await signed_in(alice)
    body = {"subscription": {"endpoint": push_service.url("/push"), "keys": Device().keys()}}
    await web.get("/settings/notifications")
    refused = await web.client.post(ENDPOINT, json=body, headers=JSON)
    assert refused.status_code == 403
    assert await _count(services) == (0, 0)

    web.client.cookies.delete("porina_session")
    anonymous = await web.client.post(ENDPOINT, json=body, headers=await _csrf(web))
    assert anonymous.status_code == 401 and "error" in anonymous.json()
    assert await _count(services) == (0, 0)


@pytest.mark.parametrize(
    "body",
    [
        {"subscription": {"endpoint": "not a url", "keys": Device().keys()}},
        {"subscription": {"endpoint": "https://push.example/x", "keys": {"p256dh": "AA"}}},
        {"subscription": {"endpoint": "https://push.example/x", "keys": "nope"}},
        {
            "subscription": {
                "endpoint": "https://push.example/" + "x" * 3000,
                "keys": Device().keys(),
            }
        },
        {
            "subscription": {"endpoint": "https://push.example/x", "keys": Device().keys()},
            "data": {"policy": "everyone"},
        },
        {"subscription": {"endpoint": 5, "keys": Device().keys()}},
        [],
    ],
)
async def test_bad_input_is_refused_with_mastodons_error_shape(
    body: Any, services: Services, make: Factory, signed_in: Any
) -> None:
    web: Browser = await signed_in(await make.person("alice"))
    answer = await web.client.post(ENDPOINT, json=body, headers=await _csrf(web))
    assert answer.status_code == 422, answer.text
    assert answer.json()["error"].startswith("Validation failed: ")
    assert await _count(services) == (0, 0)


async def test_a_body_that_is_not_json_is_refused(make: Factory, signed_in: Any) -> None:
    web: Browser = await signed_in(await make.person("alice"))
    headers = {**await _csrf(web), "content-type": "application/json"}
    answer = await web.client.post(ENDPOINT, content=b"{not json", headers=headers)
    assert answer.status_code == 422
    assert answer.json() == {"error": "Validation failed: the body is not JSON"}


async def test_nothing_from_muted_or_blocked_people_or_filtered_notifications(
    push_service: LocalServer, make: Factory, signed_in: Any
) -> None:
    alice = await make.person("alice")
    muted, blocked, stranger = [await make.person(n) for n in ("muted", "blocked", "stranger")]
    web: Browser = await signed_in(alice)
    await _subscribe(web, push_service, Device())
    assert (await alice.post(f"/api/v1/accounts/{muted.id}/mute")).status_code == 200
    assert (await alice.post(f"/api/v1/accounts/{blocked.id}/block")).status_code == 200
    await muted.status("@alice from someone muted")
    await blocked.status("@alice from someone blocked")
    policy = await alice.put("/api/v2/notifications/policy", json={"for_not_following": "filter"})
    assert policy.status_code == 200, policy.text
    await stranger.status("@alice from a stranger, filtered")
    assert push_service.requests == []


async def test_the_settings_page_in_english_and_finnish(
    push_service: LocalServer, make: Factory, signed_in: Any
) -> None:
    alice = await make.person("alice")
    web: Browser = await signed_in(alice)
    page = await web.get("/settings/notifications")
    assert page.status_code == 200
    shown = text_of(page.text)
    assert "Notifications on this device" in shown
    assert "Notifications are off for this device." in shown
    assert "Mentions, replies and direct messages" in shown
    key = (await web.client.get("/api/v2/instance")).json()["configuration"]["vapid"]["public_key"]
    assert f'data-server-key="{key}"' in page.text
    assert '<script src="/static/push.js" defer></script>' in page.text

    await _subscribe(web, push_service, Device())
    await web.post("/settings/language", {"locale": "fi"})
    finnish = text_of((await web.get("/settings/notifications")).text)
    assert "Ilmoitukset tällä laitteella" in finnish
    assert "Ilmoitukset ovat päällä tällä laitteella." in finnish


async def test_the_settings_page_needs_sign_in(client: httpx.AsyncClient) -> None:
    page = await client.get(
        "/settings/notifications", headers={"accept": "text/html"}, follow_redirects=False
    )
    assert page.status_code == 303
    assert page.headers["location"].startswith("/auth/sign_in")


async def test_the_service_worker_is_served_at_the_root(client: httpx.AsyncClient) -> None:
    worker = await client.get("/sw.js")
    assert worker.status_code == 200
    assert worker.headers["content-type"] == "text/javascript; charset=utf-8"
    assert worker.headers["cache-control"] == "no-cache"
    assert worker.headers["service-worker-allowed"] == "/"
    assert 'addEventListener("push"' in worker.text
    assert 'addEventListener("notificationclick"' in worker.text


async def test_an_expired_session_is_pushed_nothing_and_its_subscription_goes(
    push_service: LocalServer, services: Services, make: Factory, signed_in: Any
) -> None:
    alice, bob = await make.person("alice"), await make.person("bob")
    web: Browser = await signed_in(alice)
    await _subscribe(web, push_service, Device())
    assert browser.SESSION_LIFETIME == sessions.LIFETIME
    async with services.db.transaction() as tx:
        await tx.session.execute(
            update(WebSession).values(last_seen_at=now() - sessions.LIFETIME - timedelta(hours=1))
        )
    await bob.status("@alice are you still signed in?")
    assert push_service.requests == []
    assert (await _count(services))[0] == 0
