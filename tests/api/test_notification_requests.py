"""Filtered notifications (Mastodon 4.3): the policy, and the requests holding what it
filtered, through the API as a client sees them."""

from __future__ import annotations

from typing import Any

from porina.services import Services

from ..factories import Factory, Person
from ..interactions.support import block, favourite, follow, post
from ..support.openapi import assert_component, assert_response

POLICY = "/api/v2/notifications/policy"
REQUESTS = "/api/v1/notifications/requests"


async def _filter_strangers(person: Person) -> dict[str, Any]:
    response = await person.patch(POLICY, json={"for_not_following": "filter"})
    body: dict[str, Any] = assert_response(response, POLICY, "patch")
    return body


async def test_policy_defaults_update_and_validation(make: Factory) -> None:
    alice = await make.person("alice")
    shown = assert_response(await alice.get(POLICY), POLICY)
    assert shown["for_not_following"] == "accept"
    assert shown["summary"] == {"pending_requests_count": 0, "pending_notifications_count": 0}
    changed = await alice.patch(
        POLICY, json={"for_not_following": "filter", "for_new_accounts": "drop"}
    )
    body = assert_response(changed, POLICY, "patch")
    assert (body["for_not_following"], body["for_new_accounts"]) == ("filter", "drop")
    assert assert_response(await alice.get(POLICY), POLICY)["for_new_accounts"] == "drop"
    wrong = await alice.patch(POLICY, json={"for_not_followers": "maybe"})
    assert wrong.status_code == 422 and "error" in wrong.json()
    v1 = (await alice.get("/api/v1/notifications/policy")).json()
    assert_component(v1, "V1NotificationPolicy")
    assert v1["filter_not_following"] is True and v1["filter_private_mentions"] is False
    assert (await make.client.get(POLICY)).status_code == 401


async def test_filtered_notifications_wait_in_a_request_per_sender(
    make: Factory, services: Services
) -> None:
    alice, bob, carol = [await make.person(n) for n in ("alice", "bob", "carol")]
    await follow(services, alice, carol)  # alice follows carol: carol passes
    await _filter_strangers(alice)
    sid = await post(services, bob, "hi @alice", mention=(alice,))
    await favourite(services, bob, await post(services, alice, "mine"))
    await post(services, carol, "hey @alice", mention=(alice,))

    listed = (await alice.get("/api/v1/notifications")).json()
    assert [n["account"]["id"] for n in listed] == [carol.id]
    grouped = (await alice.get("/api/v2/notifications")).json()
    assert {a["id"] for a in grouped["accounts"]} == {carol.id}
    assert (await alice.get("/api/v1/notifications/unread_count")).json() == {"count": 1}
    everything = (await alice.get("/api/v1/notifications?include_filtered=true")).json()
    assert sorted(n["account"]["id"] for n in everything) == sorted([carol.id, bob.id, bob.id])
    assert [n.get("filtered", False) for n in everything] == [False, True, True]

    requests = assert_response(await alice.get(REQUESTS), REQUESTS)
    assert [(r["account"]["id"], r["notifications_count"]) for r in requests] == [(bob.id, "2")]
    assert requests[0]["last_status"]["id"] == str(sid)
    one = await alice.get(f"{REQUESTS}/{requests[0]['id']}")
    assert assert_response(one, f"{REQUESTS}/{{id}}")["id"] == requests[0]["id"]
    summary = (await alice.get(POLICY)).json()["summary"]
    assert summary == {"pending_requests_count": 1, "pending_notifications_count": 2}
    merged = await alice.get(f"{REQUESTS}/merged")
    assert merged.json() == {"merged": True}


async def test_accepting_a_request_moves_its_notifications_and_lets_later_ones_pass(
    make: Factory, services: Services
) -> None:
    alice, bob = await make.person("alice"), await make.person("bob")
    await _filter_strangers(alice)
    first = await post(services, bob, "hi @alice", mention=(alice,))
    request_id = (await alice.get(REQUESTS)).json()[0]["id"]
    accepted = await alice.post(f"{REQUESTS}/{request_id}/accept")
    assert_response(accepted, f"{REQUESTS}/{{id}}/accept", "post")
    assert (await alice.get(REQUESTS)).json() == []
    assert [n["status"]["id"] for n in (await alice.get("/api/v1/notifications")).json()] == [
        str(first)
    ]
    later = await post(services, bob, "again @alice", mention=(alice,))
    shown = (await alice.get("/api/v1/notifications")).json()
    assert [n["status"]["id"] for n in shown] == [str(later), str(first)]
    assert (await alice.get(f"{REQUESTS}/{request_id}")).status_code == 404


async def test_dismissing_drops_the_notifications_and_the_next_one_is_filtered_again(
    make: Factory, services: Services
) -> None:
    alice, bob = await make.person("alice"), await make.person("bob")
    await _filter_strangers(alice)
    await post(services, bob, "hi @alice", mention=(alice,))
    request_id = (await alice.get(REQUESTS)).json()[0]["id"]
    dismissed = await alice.post(f"{REQUESTS}/{request_id}/dismiss")
    assert_response(dismissed, f"{REQUESTS}/{{id}}/dismiss", "post")
    assert (await alice.get(REQUESTS)).json() == []
    assert (await alice.get("/api/v1/notifications?include_filtered=true")).json() == []
    await post(services, bob, "again @alice", mention=(alice,))
    assert (await alice.get("/api/v1/notifications")).json() == []
    assert [r["notifications_count"] for r in (await alice.get(REQUESTS)).json()] == ["1"]


async def test_bulk_accept_and_dismiss_take_id_lists_and_touch_only_ones_own(
    make: Factory, services: Services
) -> None:
    alice, bob, carol, dave = [await make.person(n) for n in ("alice", "bob", "carol", "dave")]
    await _filter_strangers(alice)
    await _filter_strangers(dave)
    await post(services, bob, "hi @alice", mention=(alice,))
    await post(services, carol, "hi @alice @dave", mention=(alice, dave))
    by_sender = {r["account"]["id"]: r["id"] for r in (await alice.get(REQUESTS)).json()}
    daves = (await dave.get(REQUESTS)).json()[0]["id"]
    accepted = await alice.post(
        f"{REQUESTS}/accept", data={"id[]": [by_sender[bob.id], daves, "junk"]}
    )
    assert_response(accepted, f"{REQUESTS}/accept", "post")
    assert [n["account"]["id"] for n in (await alice.get("/api/v1/notifications")).json()] == [
        bob.id
    ]
    assert [r["id"] for r in (await dave.get(REQUESTS)).json()] == [daves]  # not alice's
    assert (await dave.post(f"{REQUESTS}/{by_sender[carol.id]}/accept")).status_code == 404
    dismissed = await alice.post(f"{REQUESTS}/dismiss", data={"id[]": [by_sender[carol.id]]})
    assert_response(dismissed, f"{REQUESTS}/dismiss", "post")
    assert (await alice.get(REQUESTS)).json() == []


async def test_drop_stores_nothing_and_followed_accounts_always_pass(
    make: Factory, services: Services
) -> None:
    alice, bob, carol = [await make.person(n) for n in ("alice", "bob", "carol")]
    await follow(services, alice, carol)
    await alice.patch(POLICY, json={"for_not_following": "drop"})
    await post(services, bob, "hi @alice", mention=(alice,))
    await post(services, carol, "hey @alice", mention=(alice,))
    everything = (await alice.get("/api/v1/notifications?include_filtered=true")).json()
    assert [n["account"]["id"] for n in everything] == [carol.id]
    assert (await alice.get(REQUESTS)).json() == []


async def test_private_mentions_filter_only_unsolicited_direct_statuses(
    make: Factory, services: Services
) -> None:
    alice, bob = await make.person("alice"), await make.person("bob")
    await alice.patch(POLICY, json={"for_private_mentions": "filter"})
    public = await bob.status(f"@alice hello {bob.id}")
    direct = await bob.status("@alice psst", visibility="direct")
    mine = await alice.status("@bob what do you think?", visibility="direct")
    answer = await bob.status("@alice this", visibility="direct", in_reply_to_id=mine["id"])
    shown = [n["status"]["id"] for n in (await alice.get("/api/v1/notifications")).json()]
    assert shown == [answer["id"], public["id"]]
    held = (await alice.get(REQUESTS)).json()
    assert [r["last_status"]["id"] for r in held] == [direct["id"]]


async def test_a_request_never_shows_what_the_recipient_may_not_see(
    make: Factory, services: Services
) -> None:
    alice, bob, carol = [await make.person(n) for n in ("alice", "bob", "carol")]
    await _filter_strangers(alice)
    gone = await bob.status("@alice soon deleted")
    await carol.status("@alice from carol")
    assert len((await alice.get(REQUESTS)).json()) == 2
    assert (await bob.delete(f"/api/v1/statuses/{gone['id']}")).status_code == 200
    await block(services, alice, carol)
    assert (await alice.get(REQUESTS)).json() == []
    summary = (await alice.get(POLICY)).json()["summary"]
    assert summary == {"pending_requests_count": 0, "pending_notifications_count": 0}


async def test_filtered_notifications_are_not_streamed(make: Factory, services: Services) -> None:
    alice, bob, carol = [await make.person(n) for n in ("alice", "bob", "carol")]
    await follow(services, alice, carol)
    await _filter_strangers(alice)
    published: list[tuple[str, str]] = []
    original = services.broker.publish

    async def spy(channel: str, message: dict[str, Any]) -> None:
        published.append((channel, str(message.get("event"))))
        await original(channel, message)

    services.broker.publish = spy  # type: ignore[method-assign]
    try:
        await post(services, bob, "hi @alice", mention=(alice,))
        assert (f"user:{alice.id}", "notification") not in published
        await post(services, carol, "hey @alice", mention=(alice,))
        assert (f"user:{alice.id}", "notification") in published
    finally:
        services.broker.publish = original  # type: ignore[method-assign]


async def test_new_limited_and_not_following_back_conditions(
    make: Factory, services: Services
) -> None:
    mod = await make.person("mod", role="moderator", scopes="read write admin:read admin:write")
    alice, bob, carol, dave = [await make.person(n) for n in ("alice", "bob", "carol", "dave")]
    await follow(services, alice, dave)
    await alice.patch(POLICY, json={"for_new_accounts": "filter"})
    await post(services, bob, "new here @alice", mention=(alice,))  # every account is new here
    await post(services, dave, "followed @alice", mention=(alice,))  # alice follows dave: passes
    assert [n["account"]["id"] for n in (await alice.get("/api/v1/notifications")).json()] == [
        dave.id
    ]
    assert [r["account"]["id"] for r in (await alice.get(REQUESTS)).json()] == [bob.id]

    silenced = await mod.post(f"/api/v1/admin/accounts/{carol.id}/action", data={"type": "silence"})
    assert silenced.status_code == 200, silenced.text
    await alice.patch(POLICY, json={"for_new_accounts": "accept", "for_limited_accounts": "drop"})
    await post(services, carol, "limited @alice", mention=(alice,))
    everything = (await alice.get("/api/v1/notifications?include_filtered=true")).json()
    assert carol.id not in {n["account"]["id"] for n in everything}

    # a follower of less than three days is not yet a follower to the policy (as Mastodon)
    await alice.patch(POLICY, json={"for_not_followers": "filter"})
    await follow(services, bob, alice)
    shown = {n["type"] for n in (await alice.get("/api/v1/notifications")).json()}
    assert "follow" not in shown
    counts = {
        r["account"]["id"]: r["notifications_count"] for r in (await alice.get(REQUESTS)).json()
    }
    assert counts == {bob.id: "2"}
