"""Web Push delivery: a notification reaches the subscriber's push service (a real HTTP server
on 127.0.0.1, allow-listed for the outbound client) encrypted for the browser's keys and
signed with the instance's VAPID key; the test decrypts it as a browser would. Alerts and
policy decide what is pushed; a push service that says the subscription is gone ends it; one
that is busy is tried again; nothing the recipient could not see is pushed."""

from __future__ import annotations

import time
from collections.abc import AsyncIterator
from typing import Any

import pytest
from sqlalchemy import func, select, update

from porina.accounts.actions import create_oauth_app, issue_token
from porina.core.clock import now
from porina.interactions import actions as interactions
from porina.jobs.models import Job
from porina.notifications.push.models import WebPushSubscription
from porina.services import Services
from porina.settings import Settings

from ..factories import Factory, Person
from ..http.server import LocalServer
from ..support.webpush import Browser, PushService, vapid_claims

PUSH = "/api/v1/push/subscription"


@pytest.fixture
async def push_service() -> AsyncIterator[tuple[LocalServer, PushService]]:
    answers = PushService()
    async with LocalServer({"/push": answers}) as server:
        yield server, answers


@pytest.fixture
def settings(settings: Settings, push_service: tuple[LocalServer, PushService]) -> Settings:
    """The outbound client may reach the local push service (plain http, loopback)."""
    return settings.with_(federation_allow_http_hosts=push_service[0].hostport)


async def _subscribe(
    person: Person,
    server: LocalServer,
    browser: Browser,
    *,
    alerts: tuple[str, ...] = ("favourite", "mention"),
    standard: bool = True,
    policy: str = "all",
) -> dict[str, Any]:
    response = await person.post(
        PUSH,
        json={
            "subscription": {
                "endpoint": server.url("/push"),
                "keys": browser.keys(),
                "standard": standard,
            },
            "data": {"alerts": {kind: True for kind in alerts}, "policy": policy},
        },
    )
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


async def _notifications(person: Person) -> list[dict[str, Any]]:
    body: list[dict[str, Any]] = (await person.get("/api/v1/notifications")).json()
    return body


async def test_a_favourite_is_pushed_encrypted_and_signed(
    push_service: tuple[LocalServer, PushService], make: Factory
) -> None:
    server, _ = push_service
    alice, bob = await make.person("alice"), await make.person("bob", display_name="Bob B")
    browser = Browser()
    subscription = await _subscribe(alice, server, browser)
    status = await alice.status("Cloudberries & <b>rye</b> bread")
    before = time.time()
    assert (await bob.post(f"/api/v1/statuses/{status['id']}/favourite")).status_code == 200

    [pushed] = server.requests
    assert pushed.method == "POST" and pushed.path == "/push"
    assert pushed.headers["content-encoding"] == "aes128gcm"
    assert pushed.headers["ttl"] == "172800" and pushed.headers["urgency"] == "normal"
    message = browser.decrypt(pushed)
    [note] = await _notifications(alice)
    assert message == {
        "access_token": alice.token,
        "preferred_locale": "en",
        "notification_id": int(note["id"]),
        "notification_type": "favourite",
        "icon": note["account"]["avatar_static"],
        "title": "Bob B favorited your post",
        "body": "Cloudberries & rye bread",  # tags stripped, as Mastodon's strip_tags
    }
    claims = vapid_claims(pushed, subscription["server_key"])
    assert claims["aud"] == f"http://{server.hostport}"
    assert claims["sub"] == "mailto:admin@localhost"
    assert before + 23 * 3600 < claims["exp"] <= time.time() + 24 * 3600


async def test_legacy_subscription_in_finnish(
    push_service: tuple[LocalServer, PushService], make: Factory
) -> None:
    server, _ = push_service
    alice, bob = await make.person("alice", locale="fi"), await make.person("bob")
    browser = Browser()
    subscription = await _subscribe(alice, server, browser, standard=False)
    await bob.status(f"@alice hei, mitä kuuluu? {'x' * 200}")

    [pushed] = server.requests
    assert pushed.headers["content-encoding"] == "aesgcm"
    message = browser.decrypt(pushed)
    assert message["title"] == "bob mainitsi sinut"
    assert message["preferred_locale"] == "fi" and message["notification_type"] == "mention"
    assert message["body"].startswith("@alice hei, mitä kuuluu?") and len(message["body"]) == 140
    assert message["body"].endswith("...")
    assert vapid_claims(pushed, subscription["server_key"])["aud"] == f"http://{server.hostport}"


async def test_only_the_alerts_turned_on_are_pushed(
    push_service: tuple[LocalServer, PushService], make: Factory
) -> None:
    server, _ = push_service
    alice, bob = await make.person("alice"), await make.person("bob")
    browser = Browser()
    await _subscribe(alice, server, browser, alerts=("mention",))
    status = await alice.status("a post")
    await bob.post(f"/api/v1/statuses/{status['id']}/favourite")
    await bob.follow(alice)
    assert len(await _notifications(alice)) == 2  # the notifications exist...
    assert server.requests == []  # ...but neither alert is on
    await bob.status("@alice now this one")
    [pushed] = server.requests
    assert browser.decrypt(pushed)["notification_type"] == "mention"


async def test_policy_followed_pushes_only_from_people_followed(
    push_service: tuple[LocalServer, PushService], make: Factory
) -> None:
    server, _ = push_service
    alice, bob = await make.person("alice"), await make.person("bob")
    browser = Browser()
    await _subscribe(alice, server, browser, policy="followed")
    first, second = await alice.status("one"), await alice.status("two")
    await bob.post(f"/api/v1/statuses/{first['id']}/favourite")
    assert server.requests == []
    await alice.follow(bob)
    await bob.post(f"/api/v1/statuses/{second['id']}/favourite")
    [pushed] = server.requests
    assert browser.decrypt(pushed)["body"] == "two"


@pytest.mark.parametrize("status", [404, 410])
async def test_a_gone_subscription_is_deleted(
    status: int, push_service: tuple[LocalServer, PushService], make: Factory
) -> None:
    server, answers = push_service
    answers.status = status
    alice, bob = await make.person("alice"), await make.person("bob")
    await _subscribe(alice, server, Browser())
    post = await alice.status("gone soon")
    await bob.post(f"/api/v1/statuses/{post['id']}/favourite")
    assert len(server.requests) == 1
    assert (await alice.get(PUSH)).status_code == 404
    await bob.status("@alice are you there?")
    assert len(server.requests) == 1  # nothing more is sent to it


@pytest.mark.parametrize(
    "endpoint", ["https://10.0.0.1/push", "https://[::1]/push", "http://push.example/push"]
)
async def test_an_endpoint_porina_never_reaches_is_dropped(
    endpoint: str, services: Services, make: Factory
) -> None:
    """A private address, or plain http: the guarded client refuses before connecting."""
    alice, bob = await make.person("alice"), await make.person("bob")
    made = await alice.post(
        PUSH,
        json={
            "subscription": {"endpoint": endpoint, "keys": Browser().keys()},
            "data": {"alerts": {"favourite": True}},
        },
    )
    assert made.status_code == 200, made.text
    post = await alice.status("hello")
    await bob.post(f"/api/v1/statuses/{post['id']}/favourite")
    assert (await alice.get(PUSH)).status_code == 404
    async with services.db.read() as session:
        jobs = await session.scalar(select(func.count()).select_from(Job))
    assert jobs == 0  # nothing left to retry


async def test_a_busy_push_service_is_tried_again(
    services: Services, push_service: tuple[LocalServer, PushService], make: Factory
) -> None:
    server, answers = push_service
    alice, bob = await make.person("alice"), await make.person("bob")
    browser = Browser()
    await _subscribe(alice, server, browser)
    answers.status = 429
    post = await alice.status("popular")
    await bob.post(f"/api/v1/statuses/{post['id']}/favourite")
    assert len(server.requests) == 1
    assert (await alice.get(PUSH)).status_code == 200  # kept
    async with services.db.read() as session:
        job = await session.scalar(select(Job).where(Job.kind == "notifications.web_push_deliver"))
    assert job is not None and job.state == "queued" and job.attempts == 1
    assert job.run_at > now()  # backed off
    answers.status = 201
    async with services.db.transaction() as tx:  # let the back-off elapse
        await tx.session.execute(update(Job).where(Job.id == job.id).values(run_at=now()))
    assert await services.runner.drain() == 1
    assert len(server.requests) == 2
    assert browser.decrypt(server.requests[1])["body"] == "popular"


async def test_nothing_is_pushed_that_the_recipient_cannot_see(
    services: Services, push_service: tuple[LocalServer, PushService], make: Factory
) -> None:
    server, _ = push_service
    alice, bob, carol = [await make.person(n) for n in ("alice", "bob", "carol")]
    await _subscribe(alice, server, Browser())
    await alice.post(f"/api/v1/accounts/{bob.id}/block")
    post = await alice.status("public words")
    await bob.post(f"/api/v1/statuses/{post['id']}/favourite")  # blocked: no notification
    assert server.requests == [] and await _notifications(alice) == []

    # carol's favourite is notified, but alice blocks her before the push job runs
    async with services.db.transaction() as tx:
        await interactions.favourite(tx, carol.actor, int(post["id"]))
    await alice.post(f"/api/v1/accounts/{carol.id}/block")
    assert server.requests == []


async def test_a_revoked_token_pushes_nothing_and_its_subscription_goes(
    services: Services, push_service: tuple[LocalServer, PushService], make: Factory
) -> None:
    server, _ = push_service
    alice, bob = await make.person("alice"), await make.person("bob")
    async with services.db.transaction() as tx:
        app = await create_oauth_app(tx, "Phone", "urn:ietf:wg:oauth:2.0:oob", "push", None)
        token, _ = await issue_token(tx, user=alice.user, app_id=app.id, scopes="push")
    phone = Person(alice.account, alice.user, token, alice.client)
    await _subscribe(phone, server, Browser())
    revoked = await alice.client.post(
        "/oauth/revoke",
        data={"client_id": app.client_id, "client_secret": app.client_secret, "token": token},
    )
    assert revoked.status_code == 200
    post = await alice.status("still here")
    await bob.post(f"/api/v1/statuses/{post['id']}/favourite")
    assert server.requests == []
    async with services.db.read() as session:
        count = await session.scalar(select(func.count()).select_from(WebPushSubscription))
    assert count == 0
