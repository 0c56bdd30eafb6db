"""Hashtag challenges (issue 18, point 4): submissions come from public posts with the
hashtag in the window, votes are favourites from others, a jury of staff scores, the
leaderboard is live, the brand announces the results."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from porina.core import clock
from porina.core.clock import now
from porina.services import Services
from tests.desk.inbox_support import staff
from tests.factories import Factory, Person

API = "/api/porina/v1/challenges"
LEADERBOARD_STATEMENTS = 3
"""An anonymous read of the leaderboard: the challenge, the scored submissions joined to
their statuses and authors (2); the test client's look for due jobs after the response (1).
However many votes there are, the scores are kept, never counted here."""


def window(start_hours: float, end_hours: float) -> dict[str, str]:
    moment = now()
    return {
        "starts_at": (moment + timedelta(hours=start_hours)).isoformat(),
        "ends_at": (moment + timedelta(hours=end_hours)).isoformat(),
    }


def board(response: Any) -> list[tuple[str, int]]:
    assert response.status_code == 200, response.text
    return [(item["acct"], item["score"]) for item in response.json()]


async def test_votes_are_favourites_from_others_and_the_board_follows_undo_and_delete(
    services: Services, make: Factory
) -> None:
    brand = await make.person("leipomo")
    manager = await staff(services, make, brand, "leipomo_mari", "manager")
    body = {"hashtag": "#Pullakuva", "title": "Best bun photo", "scoring": "votes"}
    created = await manager.post(API, json={**body, **window(-1, 24)})
    assert created.status_code == 200, created.text
    challenge = created.json()
    assert (challenge["hashtag"], challenge["scoring"]) == ("pullakuva", "votes")
    assert challenge["url"].endswith(f"/challenges/{challenge['id']}")
    alice, bob, carol = [await make.person(n) for n in ("alice", "bob", "carol")]
    a = await alice.status("my bun #pullakuva", visibility="public")
    b = await bob.status("#PullaKuva here", visibility="public")
    await carol.status("quiet #pullakuva", visibility="unlisted")
    await alice.status("no tag at all", visibility="public")
    await brand.status("Post yours with #pullakuva!", visibility="public")
    for who, sid in ((bob, a), (carol, a), (alice, a), (alice, b)):
        assert (await who.post(f"/api/v1/statuses/{sid['id']}/favourite")).status_code == 200
    path = f"{API}/{challenge['id']}/leaderboard"
    before = services.db.query_count
    assert board(await make.client.get(path)) == [("alice", 2), ("bob", 1)]
    assert services.db.query_count - before == LEADERBOARD_STATEMENTS, (
        services.db.query_count - before
    )

    await carol.post(f"/api/v1/statuses/{a['id']}/unfavourite")
    await alice.post(f"/api/v1/statuses/{a['id']}/unfavourite")  # a self-vote never counted
    assert board(await make.client.get(path)) == [("alice", 1), ("bob", 1)]
    await bob.delete(f"/api/v1/statuses/{b['id']}")
    assert board(await make.client.get(path)) == [("alice", 1)]
    shown = await make.client.get(f"{API}/{challenge['id']}")
    assert shown.status_code == 200 and shown.json()["title"] == "Best bun photo"
    early = await manager.post(f"{API}/{challenge['id']}/announce", json={})
    assert early.status_code == 422 and "not ended" in early.json()["error"]


async def test_bad_challenges_are_422_and_only_organisers_create(
    services: Services, make: Factory
) -> None:
    brand = await make.person("leipomo")
    manager = await staff(services, make, brand, "leipomo_mari", "manager")
    agent = await staff(services, make, brand, "leipomo_aino")
    good = {"hashtag": "pulla", "title": "Buns", "scoring": "jury", **window(1, 48)}
    assert (await manager.post(API, json=good)).status_code == 200
    for bad in (
        {**good, **window(5, 4)},
        {**good, "hashtag": "#"},
        {**good, "hashtag": "two words"},
        {**good, "hashtag": "2024"},
        {**good, "scoring": "likes"},
        {**good, "title": " "},
        {**good, "starts_at": "tomorrow"},
        {**good, **window(30, 60)},  # overlaps the first on the same hashtag
    ):
        refused = await manager.post(API, json=bad)
        assert refused.status_code == 422, (bad, refused.text)
        assert "error" in refused.json()
    assert (await manager.post(API, json={**good, **window(49, 60)})).status_code == 200
    assert (await agent.post(API, json={**good, "hashtag": "kakku"})).status_code == 403
    assert (await make.client.post(API, json=good)).status_code == 401
    assert (await make.client.get(f"{API}/123")).status_code == 404


async def _jury_world(services: Services, make: Factory) -> tuple[Any, Any, list[Person], str]:
    brand = await make.person("leipomo")
    manager = await staff(services, make, brand, "leipomo_mari", "manager")
    agent = await staff(services, make, brand, "leipomo_aino")
    people = [await make.person(n) for n in ("alice", "bob")]
    with clock.back_dated(timedelta(hours=2)):
        for person in people:
            await person.status(f"{person.username}'s cake #kakkukisa", visibility="public")
    body = {"hashtag": "kakkukisa", "title": "Cake contest", "scoring": "jury", **window(-3, -1)}
    created = await manager.post(API, json=body)
    assert created.status_code == 200, created.text
    return manager, agent, people, created.json()["id"]


async def test_a_jury_scores_and_the_brand_announces_the_top(
    services: Services, make: Factory
) -> None:
    manager, agent, (alice, _bob), cid = await _jury_world(services, make)
    listed = board(await make.client.get(f"{API}/{cid}/leaderboard"))
    assert sorted(listed) == [("alice", 0), ("bob", 0)]  # posted before the challenge existed
    sids = {
        i["acct"]: i["status_id"]
        for i in (await make.client.get(f"{API}/{cid}/leaderboard")).json()
    }
    scores = f"{API}/{cid}/scores"
    for judge, who, points in ((agent, "alice", 7), (manager, "alice", 5), (manager, "bob", 9)):
        scored = await judge.post(scores, json={"status_id": sids[who], "score": points})
        assert scored.status_code == 200, scored.text
    again = await manager.post(scores, json={"status_id": sids["bob"], "score": 4})
    assert again.json()["score"] == 4  # the judge's later score replaces theirs
    assert board(await make.client.get(f"{API}/{cid}/leaderboard")) == [("alice", 12), ("bob", 4)]
    for bad in ({"status_id": sids["bob"], "score": 11}, {"status_id": "1", "score": 3}, {}):
        assert (await manager.post(scores, json=bad)).status_code == 422
    assert (
        await alice.post(scores, json={"status_id": sids["bob"], "score": 1})
    ).status_code == 404

    assert (await agent.post(f"{API}/{cid}/announce", json={})).status_code == 403
    told = await manager.post(f"{API}/{cid}/announce", json={"top": 2})
    assert told.status_code == 200, told.text
    text = told.json()["text"]
    assert "Cake contest" in text and text.index("@alice (12)") < text.index("@bob (4)")
    post = await make.client.get(f"/api/v1/statuses/{told.json()['status_id']}")
    assert post.status_code == 200 and post.json()["account"]["username"] == "leipomo"
    assert (await manager.post(f"{API}/{cid}/announce", json={})).status_code == 422
    shown = (await make.client.get(f"{API}/{cid}")).json()
    assert shown["announced_status_id"] == told.json()["status_id"]


async def test_an_edit_that_adds_or_removes_the_hashtag_enters_or_leaves_the_challenge(
    services: Services, make: Factory
) -> None:
    brand = await make.person("leipomo")
    manager = await staff(services, make, brand, "leipomo_mari", "manager")
    body = {"hashtag": "pullakuva", "title": "Best bun photo", "scoring": "votes"}
    created = await manager.post(API, json={**body, **window(-1, 24)})
    assert created.status_code == 200, created.text
    path = f"{API}/{created.json()['id']}/leaderboard"
    alice, bob, carol = [await make.person(n) for n in ("alice", "bob", "carol")]
    post = await alice.status("my bun, forgot the tag", visibility="public")
    for who in (bob, carol):
        assert (await who.post(f"/api/v1/statuses/{post['id']}/favourite")).status_code == 200
    assert board(await make.client.get(path)) == []
    edited = await alice.put(f"/api/v1/statuses/{post['id']}", json={"status": "my bun #pullakuva"})
    assert edited.status_code == 200, edited.text
    assert board(await make.client.get(path)) == [("alice", 2)]  # the votes it had count
    await alice.put(f"/api/v1/statuses/{post['id']}", json={"status": "my bun #pullakuva!"})
    assert board(await make.client.get(path)) == [("alice", 2)]  # still in, once
    await alice.put(f"/api/v1/statuses/{post['id']}", json={"status": "my bun, no tag"})
    assert board(await make.client.get(path)) == []


async def test_a_post_with_many_hashtags_enters_every_running_challenge_it_names(
    services: Services, make: Factory
) -> None:
    brand = await make.person("leipomo")
    manager = await staff(services, make, brand, "leipomo_mari", "manager")
    ids = []
    for tag in ("pullakuva", "kahvikuva"):
        body = {"hashtag": f"#{tag}", "title": tag, "scoring": "votes"}
        created = await manager.post(API, json={**body, **window(-1, 24)})
        assert created.status_code == 200, created.text
        ids.append(created.json()["id"])
    ended = await manager.post(
        API, json={"hashtag": "#vanha", "title": "old", "scoring": "votes", **window(-48, -24)}
    )
    assert ended.status_code in (200, 422), ended.text
    alice, bob = await make.person("alice"), await make.person("bob")
    text = "#a #b #c #kahvikuva #d #e #pullakuva #vanha"  # eight tags: a padded list of 16
    post = await alice.status(text, visibility="public")
    only = await alice.status("#kahvikuva only", visibility="public")
    await bob.post(f"/api/v1/statuses/{post['id']}/favourite")
    await bob.post(f"/api/v1/statuses/{only['id']}/favourite")
    for cid in ids:
        shown = board(await make.client.get(f"{API}/{cid}/leaderboard"))
        # a board lists submissions: the kahvikuva one has both posts, each with bob's vote
        assert shown == ([("alice", 1)] * (2 if cid == ids[1] else 1)), (cid, shown)
