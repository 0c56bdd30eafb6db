from __future__ import annotations

from porina.services import Services

from ..factories import Factory
from ..interactions.support import post, tag


async def test_tag_shows_seven_days_of_history_and_following(
    make: Factory, services: Services
) -> None:
    alice, bob = await make.person("alice"), await make.person("bob")
    cats = await tag(services, "Cats")
    await post(services, alice, "#Cats", tag=cats)
    await post(services, alice, "more #Cats", tag=cats)
    await post(services, bob, "#Cats too", tag=cats)
    await post(services, bob, "secret #Cats", tag=cats, visibility="private")
    response = await alice.get("/api/v1/tags/cats")
    assert response.status_code == 200
    body = response.json()
    assert body["name"] == "Cats" and body["id"] == str(cats.id)
    assert body["following"] is False
    assert len(body["history"]) == 7
    assert body["history"][0]["uses"] == "3" and body["history"][0]["accounts"] == "2"
    assert all(day["uses"] == "0" for day in body["history"][1:])
    assert int(body["history"][0]["day"]) > int(body["history"][1]["day"])


async def test_follow_unfollow_and_followed_tags(make: Factory) -> None:
    alice = await make.person("alice")
    followed = await alice.post("/api/v1/tags/Dogs/follow")
    assert followed.status_code == 200 and followed.json()["following"] is True
    again = await alice.post("/api/v1/tags/dogs/follow")
    assert again.status_code == 200
    listed = await alice.get("/api/v1/followed_tags")
    assert [t["name"] for t in listed.json()] == ["Dogs"]
    assert (await alice.get("/api/v1/tags/dogs")).json()["following"] is True
    gone = await alice.post("/api/v1/tags/dogs/unfollow")
    assert gone.json()["following"] is False
    assert (await alice.get("/api/v1/followed_tags")).json() == []


async def test_unknown_tag_renders_empty_and_invalid_name_is_404(make: Factory) -> None:
    alice = await make.person("alice")
    unknown = await alice.get("/api/v1/tags/nothinghere")
    assert unknown.status_code == 200 and unknown.json()["history"] == []
    assert (await alice.get("/api/v1/tags/not%20a%20tag")).status_code == 404
    assert (await alice.post("/api/v1/tags/nope/unfollow")).status_code == 404


async def test_featured_tags_is_an_empty_list(make: Factory) -> None:
    alice = await make.person("alice")
    assert (await alice.get("/api/v1/featured_tags")).json() == []
