"""``/api/v1/push/subscription``: one Web Push subscription per access token, in Mastodon's
shape, with the instance's VAPID key as ``server_key`` (the same key the instance and app
entities show, kept across restarts)."""

from __future__ import annotations

from typing import Any

from porina.accounts.actions import create_oauth_app, issue_token
from porina.notifications.push.keys import vapid_keys
from porina.services import Services, build

from ..factories import Factory, Person
from ..support.openapi import assert_response
from ..support.webpush import Browser, unb64

PUSH = "/api/v1/push/subscription"
ENDPOINT = "https://push.example/send/abc"


def _form(browser: Browser, endpoint: str = ENDPOINT, **extra: Any) -> dict[str, Any]:
    keys = browser.keys()
    return {
        "subscription[endpoint]": endpoint,
        "subscription[keys][p256dh]": keys["p256dh"],
        "subscription[keys][auth]": keys["auth"],
        **extra,
    }


async def test_subscribe_show_update_and_unsubscribe(make: Factory) -> None:
    alice = await make.person("alice")
    browser = Browser()
    made = assert_response(
        await alice.post(
            PUSH,
            data=_form(
                browser,
                **{
                    "subscription[standard]": "true",
                    "data[alerts][favourite]": "true",
                    "data[alerts][mention]": "1",
                    "data[alerts][admin.sign_up]": "true",
                    "data[alerts][follow]": "false",
                    "data[policy]": "followed",
                },
            ),
        ),
        PUSH,
        "post",
    )
    assert made["endpoint"] == ENDPOINT and made["standard"] is True
    assert made["policy"] == "followed"
    on = {kind for kind, value in made["alerts"].items() if value}
    assert on == {"favourite", "mention", "admin.sign_up"}
    assert made["alerts"]["follow"] is False and made["alerts"]["quote"] is False
    assert len(unb64(made["server_key"])) == 65 and unb64(made["server_key"])[0] == 4

    shown = assert_response(await alice.get(PUSH), PUSH, "get")
    assert shown == made

    changed = assert_response(
        await alice.put(PUSH, json={"data": {"alerts": {"follow": True}, "policy": "all"}}),
        PUSH,
        "put",
    )
    assert {kind for kind, value in changed["alerts"].items() if value} == {"follow"}
    assert (changed["policy"], changed["id"], changed["endpoint"]) == ("all", made["id"], ENDPOINT)

    gone = await alice.delete(PUSH)
    assert gone.status_code == 200 and gone.json() == {}
    missing = await alice.get(PUSH)
    assert missing.status_code == 404 and missing.json() == {"error": "Record not found"}
    assert (await alice.put(PUSH, json={"data": {"policy": "all"}})).status_code == 404


async def test_defaults_are_legacy_encoding_every_alert_off_and_policy_all(make: Factory) -> None:
    alice = await make.person("alice")
    made = assert_response(await alice.post(PUSH, json=_json(Browser())), PUSH, "post")
    assert made["standard"] is False and made["policy"] == "all"
    assert not any(made["alerts"].values())


def _json(browser: Browser, endpoint: str = ENDPOINT) -> dict[str, Any]:
    return {"subscription": {"endpoint": endpoint, "keys": browser.keys()}}


async def test_one_subscription_per_access_token(services: Services, make: Factory) -> None:
    alice = await make.person("alice")
    first = (await alice.post(PUSH, json=_json(Browser()))).json()
    second = (await alice.post(PUSH, json=_json(Browser(), "https://push.example/two"))).json()
    assert second["id"] != first["id"]
    assert (await alice.get(PUSH)).json()["endpoint"] == "https://push.example/two"

    async with services.db.transaction() as tx:
        other_token, _ = await issue_token(tx, user=alice.user, app_id=None, scopes="push")
    phone = Person(alice.account, alice.user, other_token, alice.client)
    assert (await phone.get(PUSH)).status_code == 404  # the other token's subscription is its own
    await phone.post(PUSH, json=_json(Browser(), "https://push.example/phone"))
    await phone.delete(PUSH)
    assert (await alice.get(PUSH)).json()["endpoint"] == "https://push.example/two"


async def test_bad_subscriptions_are_refused(make: Factory) -> None:
    alice = await make.person("alice")
    browser = Browser()
    missing = await alice.post(PUSH, json={"data": {"policy": "all"}})
    assert missing.status_code == 400 and "subscription" in missing.json()["error"]
    for bad in (
        _json(browser, "not a url"),
        _json(browser, "ftp://push.example/x"),
        {"subscription": {"endpoint": ENDPOINT, "keys": {"p256dh": "AAAA", "auth": "AAAA"}}},
        {"subscription": {"endpoint": ENDPOINT, "keys": {}}},
        {**_json(browser), "data": {"policy": "everyone"}},
    ):
        response = await alice.post(PUSH, json=bad)
        assert response.status_code == 422, (bad, response.text)
        assert response.json()["error"].startswith("Validation failed: ")
    assert (await alice.get(PUSH)).status_code == 404


async def test_the_push_scope_is_needed(make: Factory) -> None:
    reader = await make.person("reader", scopes="read write")
    refused = await reader.post(PUSH, json=_json(Browser()))
    assert refused.status_code == 403
    assert (await reader.client.get(PUSH)).status_code == 401


async def test_a_revoked_token_loses_its_subscription(services: Services, make: Factory) -> None:
    alice = await make.person("alice")
    async with services.db.transaction() as tx:
        app = await create_oauth_app(tx, "Pusher", "urn:ietf:wg:oauth:2.0:oob", "push", None)
        token, _ = await issue_token(tx, user=alice.user, app_id=app.id, scopes="push")
    phone = Person(alice.account, alice.user, token, alice.client)
    assert (await phone.post(PUSH, json=_json(Browser()))).status_code == 200
    revoked = await alice.client.post(
        "/oauth/revoke",
        data={"client_id": app.client_id, "client_secret": app.client_secret, "token": token},
    )
    assert revoked.status_code == 200
    assert (await phone.get(PUSH)).status_code == 401


async def test_server_key_is_the_apps_vapid_key_and_survives_a_restart(
    services: Services, make: Factory
) -> None:
    alice = await make.person("alice")
    key = (await alice.post(PUSH, json=_json(Browser()))).json()["server_key"]
    app = await alice.client.post(
        "/api/v1/apps",
        data={"client_name": "Pusher", "redirect_uris": "urn:ietf:wg:oauth:2.0:oob"},
    )
    assert app.json()["vapid_key"] == key

    restarted = build(services.settings, pooled=False)
    try:
        assert (await vapid_keys(restarted.db)).public_key == key
    finally:
        await restarted.stop()


async def test_the_instance_shows_the_vapid_key(make: Factory) -> None:
    alice = await make.person("alice")
    instance = (await alice.client.get("/api/v2/instance")).json()
    key = instance["configuration"]["vapid"]["public_key"]
    assert len(unb64(key)) == 65
    made = (await alice.post(PUSH, json=_json(Browser()))).json()
    assert made["server_key"] == key
