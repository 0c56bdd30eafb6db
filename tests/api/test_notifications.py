from __future__ import annotations

from porina.services import Services

from ..factories import Factory
from ..interactions.support import block, favourite, follow, mute, post


async def test_mention_and_follow_are_listed_newest_first_with_link_header(
    make: Factory, services: Services
) -> None:
    alice, bob = await make.person("alice"), await make.person("bob")
    await follow(services, bob, alice)
    sid = await post(services, bob, "hi @alice", mention=(alice,))
    response = await alice.get("/api/v1/notifications")
    assert response.status_code == 200
    body = response.json()
    assert [n["type"] for n in body] == ["mention", "follow"]
    assert body[0]["status"]["id"] == str(sid)
    assert body[0]["account"]["id"] == bob.id
    assert 'rel="next"' in response.headers["link"]


async def test_types_and_exclude_types_filter_the_list(make: Factory, services: Services) -> None:
    alice, bob = await make.person("alice"), await make.person("bob")
    await follow(services, bob, alice)
    await post(services, bob, "hi @alice", mention=(alice,))
    only = await alice.get("/api/v1/notifications", params={"types[]": "follow"})
    assert [n["type"] for n in only.json()] == ["follow"]
    without = await alice.get("/api/v1/notifications", params={"exclude_types[]": "follow"})
    assert [n["type"] for n in without.json()] == ["mention"]


async def test_blocked_account_produces_no_notifications(make: Factory, services: Services) -> None:
    alice, bob = await make.person("alice"), await make.person("bob")
    await block(services, alice, bob)
    await post(services, bob, "hi @alice", mention=(alice,))
    refused = await bob.post(f"/api/v1/accounts/{alice.id}/follow")
    assert refused.status_code == 403
    assert (await alice.get("/api/v1/notifications")).json() == []


async def test_muted_with_notifications_produces_none_but_plain_mute_still_notifies(
    make: Factory, services: Services
) -> None:
    alice, bob, carol = [await make.person(n) for n in ("alice", "bob", "carol")]
    await mute(services, alice, bob, notifications=True)
    await mute(services, alice, carol, notifications=False)
    await post(services, bob, "hi @alice", mention=(alice,))
    await post(services, carol, "hey @alice", mention=(alice,))
    body = (await alice.get("/api/v1/notifications")).json()
    assert [n["account"]["id"] for n in body] == [carol.id]


async def test_notification_disappears_when_sender_is_blocked_later(
    make: Factory, services: Services
) -> None:
    alice, bob = await make.person("alice"), await make.person("bob")
    await post(services, bob, "hi @alice", mention=(alice,))
    assert len((await alice.get("/api/v1/notifications")).json()) == 1
    await block(services, alice, bob)
    assert (await alice.get("/api/v1/notifications")).json() == []


async def test_show_dismiss_and_clear(make: Factory, services: Services) -> None:
    alice, bob = await make.person("alice"), await make.person("bob")
    await post(services, bob, "one @alice", mention=(alice,))
    await post(services, bob, "two @alice", mention=(alice,))
    first, second = (await alice.get("/api/v1/notifications")).json()
    shown = await alice.get(f"/api/v1/notifications/{first['id']}")
    assert shown.status_code == 200 and shown.json()["id"] == first["id"]
    assert (await bob.get(f"/api/v1/notifications/{first['id']}")).status_code == 404
    assert (await alice.post(f"/api/v1/notifications/{first['id']}/dismiss")).status_code == 200
    assert (await alice.get(f"/api/v1/notifications/{first['id']}")).status_code == 404
    assert [n["id"] for n in (await alice.get("/api/v1/notifications")).json()] == [second["id"]]
    assert (await alice.post("/api/v1/notifications/clear")).status_code == 200
    assert (await alice.get("/api/v1/notifications")).json() == []


async def test_malformed_ids_are_404_not_500(make: Factory) -> None:
    alice = await make.person("alice")
    for path in (
        "/api/v1/notifications/abc",
        "/api/v1/notifications/99999999999999999999",
        "/api/v1/notifications/9223372036854775807",  # the largest id: its page bound overflowed
    ):
        response = await alice.get(path)
        assert response.status_code == 404
        assert "error" in response.json()
    assert (await alice.post("/api/v1/notifications/x/dismiss")).status_code == 404


async def test_notifications_need_a_token(client: object, make: Factory) -> None:
    alice = await make.person("alice")
    response = await alice.client.get("/api/v1/notifications")
    assert response.status_code == 401


async def test_unread_count_follows_the_notifications_marker(
    make: Factory, services: Services
) -> None:
    alice, bob = await make.person("alice"), await make.person("bob")
    await post(services, bob, "one @alice", mention=(alice,))
    await post(services, bob, "two @alice", mention=(alice,))
    assert (await alice.get("/api/v1/notifications/unread_count")).json() == {"count": 2}
    newest = (await alice.get("/api/v1/notifications")).json()[0]["id"]
    saved = await alice.post("/api/v1/markers", data={"notifications[last_read_id]": newest})
    assert saved.status_code == 200
    assert (await alice.get("/api/v1/notifications/unread_count")).json() == {"count": 0}


async def test_pagination_with_max_id_and_min_id(make: Factory, services: Services) -> None:
    alice, bob = await make.person("alice"), await make.person("bob")
    for n in range(5):
        await post(services, bob, f"{n} @alice", mention=(alice,))
    all_ids = [n["id"] for n in (await alice.get("/api/v1/notifications")).json()]
    first = (await alice.get("/api/v1/notifications", params={"limit": 2})).json()
    assert [n["id"] for n in first] == all_ids[:2]
    nxt = await alice.get("/api/v1/notifications", params={"limit": 2, "max_id": all_ids[1]})
    assert [n["id"] for n in nxt.json()] == all_ids[2:4]
    newer = await alice.get("/api/v1/notifications", params={"limit": 2, "min_id": all_ids[4]})
    assert [n["id"] for n in newer.json()] == all_ids[2:4]


async def test_grouped_v2_folds_three_favourites_of_one_status_into_one_group(
    make: Factory, services: Services
) -> None:
    alice = await make.person("alice")
    fans = [await make.person(f"fan{i}") for i in range(3)]
    sid = await post(services, alice, "like me")
    for fan in fans:
        await favourite(services, fan, sid)
    mention_from = await make.person("dave")
    await post(services, mention_from, "hi @alice", mention=(alice,))
    response = await alice.get("/api/v2/notifications")
    assert response.status_code == 200
    body = response.json()
    groups = body["notification_groups"]
    assert [g["type"] for g in groups] == ["mention", "favourite"]
    fav = groups[1]
    assert fav["notifications_count"] == 3
    assert fav["group_key"] == f"favourite-{sid}"
    assert fav["status_id"] == str(sid)
    assert set(fav["sample_account_ids"]) == {f.id for f in fans}
    assert fav["page_min_id"] <= fav["page_max_id"] == fav["most_recent_notification_id"]
    assert {a["id"] for a in body["accounts"]} == {*(f.id for f in fans), mention_from.id}
    assert str(sid) in {s["id"] for s in body["statuses"]}

    ungrouped = await alice.get("/api/v2/notifications", params={"grouped_types[]": "follow"})
    assert [g["notifications_count"] for g in ungrouped.json()["notification_groups"]] == [1] * 4

    one = await alice.get(f"/api/v2/notifications/favourite-{sid}")
    assert one.json()["notification_groups"][0]["notifications_count"] == 3
    accounts = await alice.get(f"/api/v2/notifications/favourite-{sid}/accounts")
    assert [a["id"] for a in accounts.json()] == [f.id for f in reversed(fans)]
    assert (await alice.get("/api/v2/notifications/unread_count")).json() == {"count": 2}

    dismissed = await alice.post(f"/api/v2/notifications/favourite-{sid}/dismiss")
    assert dismissed.status_code == 200
    left = (await alice.get("/api/v2/notifications")).json()["notification_groups"]
    assert [g["type"] for g in left] == ["mention"]
    assert (await alice.get(f"/api/v2/notifications/favourite-{sid}")).status_code == 404


async def test_grouped_v2_pages_by_groups(make: Factory, services: Services) -> None:
    alice = await make.person("alice")
    people = [await make.person(f"p{i}") for i in range(3)]
    for person in people:
        await post(services, person, "hi @alice", mention=(alice,))
    first = await alice.get("/api/v2/notifications", params={"limit": 2})
    groups = first.json()["notification_groups"]
    assert len(groups) == 2
    rest = await alice.get(
        "/api/v2/notifications", params={"limit": 2, "max_id": groups[-1]["page_min_id"]}
    )
    assert [g["sample_account_ids"] for g in rest.json()["notification_groups"]] == [[people[0].id]]


async def test_favourites_through_the_api_group_in_v2_and_list_singly_in_v1(
    make: Factory,
) -> None:
    alice = await make.person("alice")
    fans = [await make.person(f"fan{i}") for i in range(3)]
    status = await alice.status("rate my cat")
    for fan in fans:
        assert (await fan.post(f"/api/v1/statuses/{status['id']}/favourite")).status_code == 200
    v1 = (await alice.get("/api/v1/notifications")).json()
    assert [n["type"] for n in v1] == ["favourite"] * 3
    groups = (await alice.get("/api/v2/notifications")).json()["notification_groups"]
    assert [(g["type"], g["notifications_count"]) for g in groups] == [("favourite", 3)]
