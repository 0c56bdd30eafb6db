from __future__ import annotations

import httpx

from porina.posts.models import Status
from porina.services import Services

from ..factories import Factory
from ..timelines import support as s
from ..timelines.support import ids


async def test_trending_tags_rank_by_people_using_them(
    services: Services, make: Factory, client: httpx.AsyncClient
) -> None:
    alice, bob = await make.person("alice"), await make.person("bob")
    await s.post(services, alice, tags=("coffee",))
    await s.post(services, bob, tags=("coffee",))
    await s.post(services, alice, tags=("tea",))
    await s.post(services, alice, tags=("secret",), visibility="private")
    for path in ("/api/v1/trends/tags", "/api/v1/trends"):
        body = (await client.get(path)).json()
        assert [t["name"] for t in body] == ["coffee", "tea"]
        assert body[0]["history"][0]["accounts"] == "2"


async def test_trending_statuses_are_public_ones_with_interactions(
    services: Services, make: Factory, client: httpx.AsyncClient
) -> None:
    alice, bob = await make.person("alice"), await make.person("bob")
    liked = await s.post(services, alice, "liked")
    await s.post(services, alice, "ignored")
    hidden = await s.post(services, alice, "private", visibility="private")
    await s.favourite(services, bob, liked)
    async with services.db.transaction() as tx:
        for sid in (liked["id"], hidden["id"]):
            row = await tx.session.get(Status, int(sid))
            assert row is not None
            row.favourites_count = 1
    assert ids(await client.get("/api/v1/trends/statuses")) == [liked["id"]]
    assert (await client.get("/api/v1/trends/links")).json() == []
