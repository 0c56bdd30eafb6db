from __future__ import annotations

import httpx

from porina.lists import actions as lists
from porina.services import Services

from ..factories import Factory
from ..timelines import support as s
from ..timelines.support import ids


async def test_home_timeline_shows_followed_posts_newest_first_with_link_header(
    services: Services, make: Factory
) -> None:
    alice, bob = await make.person("alice"), await make.person("bob")
    await s.follow(services, bob, alice)
    first = await s.post(services, alice, "one")
    second = await s.post(services, alice, "two")
    response = await bob.get("/api/v1/timelines/home")
    assert ids(response) == [second["id"], first["id"]]
    assert 'rel="next"' in response.headers["link"]
    older = await bob.get("/api/v1/timelines/home", params={"max_id": second["id"]})
    assert ids(older) == [first["id"]]
    newer = await bob.get("/api/v1/timelines/home", params={"min_id": first["id"]})
    assert ids(newer) == [second["id"]]


async def test_home_timeline_page_costs_three_queries(services: Services, make: Factory) -> None:
    alice, bob = await make.person("alice"), await make.person("bob")
    await s.follow(services, bob, alice)
    for n in range(25):
        status = await s.post(services, alice, f"post {n}")
        await s.favourite(services, bob, status)
    await bob.get("/api/v1/timelines/home")  # warms the token cache
    before = services.db.query_count
    await services.runner.drain()  # the test client drains jobs after every response
    drain_cost = services.db.query_count - before
    before = services.db.query_count
    response = await bob.get("/api/v1/timelines/home", params={"limit": 20})
    assert len(ids(response)) == 20
    assert all(item["favourited"] for item in response.json())
    assert services.db.query_count - before - drain_cost <= 3


async def test_home_timeline_hides_muted_accounts_at_read_time(
    services: Services, make: Factory
) -> None:
    alice, bob = await make.person("alice"), await make.person("bob")
    await s.follow(services, bob, alice)
    await s.post(services, alice)
    await s.mute(services, bob, alice)
    assert ids(await bob.get("/api/v1/timelines/home")) == []


async def test_empty_home_feed_is_rebuilt_from_followed_accounts(
    services: Services, make: Factory
) -> None:
    alice, bob = await make.person("alice"), await make.person("bob")
    await s.follow(services, bob, alice)
    status = await s.post(services, alice)
    await services.feeds.remove(None, int(status["id"]))
    assert ids(await bob.get("/api/v1/timelines/home")) == [status["id"]]


async def test_home_timeline_requires_a_token(client: httpx.AsyncClient) -> None:
    response = await client.get("/api/v1/timelines/home")
    assert response.status_code == 401
    assert "error" in response.json()


async def test_public_timeline_lists_public_posts_only_and_filters(
    services: Services, make: Factory
) -> None:
    alice = await make.person("alice")
    public = await s.post(services, alice, "hello")
    with_media = await s.post(services, alice, "pic", media=True)
    await s.post(services, alice, "quiet", visibility="unlisted")
    await s.post(services, alice, "friends", visibility="private")
    await s.post(services, alice, reblog_of=public)
    anonymous = await alice.client.get("/api/v1/timelines/public")
    assert ids(anonymous) == [with_media["id"], public["id"]]
    media = await alice.client.get("/api/v1/timelines/public", params={"only_media": "1"})
    assert ids(media) == [with_media["id"]]
    assert ids(await alice.client.get("/api/v1/timelines/public", params={"remote": "true"})) == []
    assert len(ids(await alice.client.get("/api/v1/timelines/public", params={"local": "1"}))) == 2


async def test_public_timeline_hides_blocked_accounts(services: Services, make: Factory) -> None:
    alice, bob = await make.person("alice"), await make.person("bob")
    await s.post(services, alice)
    await s.block(services, bob, alice)
    assert ids(await bob.get("/api/v1/timelines/public")) == []


async def test_a_tag_is_the_same_tag_in_any_case_non_ascii_letters_too(
    services: Services, make: Factory
) -> None:
    """Tags are stored lower-cased and looked up by name (its index): a post tagged
    ``#Kahvipäivä`` is on the timeline of ``KAHVIPÄIVÄ``, and a new post tagged
    ``#KAHVIPÄIVÄ`` joins the same tag."""
    alice = await make.person("alice")
    first = await s.post(services, alice, tags=("Kahvipäivä",))
    second = await s.post(services, alice, tags=("KAHVIPÄIVÄ",))
    other = await s.post(services, alice, tags=("kahvipaiva",))
    found = ids(await alice.client.get("/api/v1/timelines/tag/KAHVIPÄIVÄ"))
    assert found == [second["id"], first["id"]] and other["id"] not in found
    tag = await alice.client.get("/api/v1/tags/kahviPÄIVÄ")
    assert tag.status_code == 200, tag.text
    assert tag.json()["name"].lower() == "kahvipäivä"


async def test_tag_timeline_supports_any_all_and_none(services: Services, make: Factory) -> None:
    alice = await make.person("alice")
    coffee = await s.post(services, alice, tags=("coffee",))
    both = await s.post(services, alice, tags=("coffee", "tea"))
    tea = await s.post(services, alice, tags=("tea",))
    await s.post(services, alice, tags=("coffee",), visibility="private")
    client = alice.client
    assert ids(await client.get("/api/v1/timelines/tag/coffee")) == [both["id"], coffee["id"]]
    assert ids(await client.get("/api/v1/timelines/tag/Coffee", params={"any[]": "tea"})) == [
        tea["id"],
        both["id"],
        coffee["id"],
    ]
    assert ids(await client.get("/api/v1/timelines/tag/coffee", params={"all[]": "tea"})) == [
        both["id"]
    ]
    assert ids(await client.get("/api/v1/timelines/tag/coffee", params={"none[]": "tea"})) == [
        coffee["id"]
    ]


async def test_list_timeline_shows_members_and_refuses_other_peoples_lists(
    services: Services, make: Factory
) -> None:

    alice, bob, carol = (
        await make.person("alice"),
        await make.person("bob"),
        await make.person("carol"),
    )
    await s.follow(services, bob, alice)
    async with services.db.transaction() as tx:
        list_id = (await lists.create(tx, bob.account.id, "friends")).id
        await lists.add_accounts(tx, bob.account.id, list_id, [alice.account.id])
    status = await s.post(services, alice)
    await s.post(services, carol)
    assert ids(await bob.get(f"/api/v1/timelines/list/{list_id}")) == [status["id"]]
    assert (await carol.get(f"/api/v1/timelines/list/{list_id}")).status_code == 404
    assert (await carol.get("/api/v1/timelines/list/nonsense")).status_code == 404


async def test_direct_timeline_shows_only_conversations_with_me(
    services: Services, make: Factory
) -> None:
    alice, bob, carol = (
        await make.person("alice"),
        await make.person("bob"),
        await make.person("carol"),
    )
    dm = await s.post(services, alice, visibility="direct", mention=(bob,))
    assert ids(await bob.get("/api/v1/timelines/direct")) == [dm["id"]]
    assert ids(await carol.get("/api/v1/timelines/direct")) == []


async def test_malformed_pagination_id_is_a_json_error(make: Factory) -> None:
    alice = await make.person("alice")
    response = await alice.get("/api/v1/timelines/home", params={"max_id": "abc"})
    assert response.status_code == 422
    assert "error" in response.json()


async def test_posting_and_following_through_the_api_fill_the_home_timeline(make: Factory) -> None:
    alice, bob = await make.person("alice"), await make.person("bob")
    early = await alice.status("before the follow")
    await bob.follow(alice)
    late = await alice.status("after the follow")
    assert ids(await bob.get("/api/v1/timelines/home")) == [late["id"], early["id"]]
    assert (await alice.delete(f"/api/v1/statuses/{late['id']}")).status_code == 200
    assert ids(await bob.get("/api/v1/timelines/home")) == [early["id"]]


async def test_home_timeline_shows_each_status_as_its_own_page_does(
    services: Services, make: Factory
) -> None:
    """The home page joins cached JSON; a status's own page renders its entity. A viewer sees
    the same status both ways: their marks, their poll votes, their pins, inside reblogs too."""
    alice, bob, carol = [await make.person(n) for n in ("alice", "bob", "carol")]
    await s.follow(services, bob, alice)
    poll = {"options": ["yes", "no"], "expires_in": 3600}
    voted = await carol.status("vote!", poll=poll)
    await bob.post(f"/api/v1/polls/{voted['poll']['id']}/votes", json={"choices": [1]})
    marked = await carol.status("liked, kept and muted")
    for action in ("favourite", "bookmark", "mute"):
        await bob.post(f"/api/v1/statuses/{marked['id']}/{action}")
    for reblogged in (voted, marked):
        await alice.post(f"/api/v1/statuses/{reblogged['id']}/reblog")
    await alice.status("plain", poll=poll)
    own = await bob.status("mine, pinned")
    await bob.post(f"/api/v1/statuses/{own['id']}/pin")

    home = (await bob.get("/api/v1/timelines/home")).json()
    assert len(home) == 4
    inner = [item["reblog"] for item in home if item["reblog"]]
    assert [r["poll"]["own_votes"] for r in inner if r["poll"]] == [[1]]
    assert [(r["favourited"], r["bookmarked"], r["muted"]) for r in inner if not r["poll"]] == [
        (True, True, True)
    ]
    assert [item["pinned"] for item in home if "pinned" in item] == [True]
    for item in home:
        alone = await bob.get(f"/api/v1/statuses/{item['id']}")
        assert item == alone.json()
