"""A brand's desk and groups (issue 21, point 1): a brand owns a group for its community, and
its desk sees the group posts that mention it, as any mention; a private group's post that
mentions a brand outside the group never reaches that brand's desk."""

from __future__ import annotations

from typing import Any

from porina.services import Services
from tests.desk.inbox_support import Staff, brand_with_agent
from tests.factories import Factory

from .support import create, join, post_in


async def _mentioned(agent: Staff, status_id: str) -> list[dict[str, Any]]:
    """The desk's items of the status ``status_id``, over every conversation."""
    found = []
    for listed in await agent.conversations(view="all"):
        for item in (await agent.conversation(listed["id"]))["items"]:
            if item["status"] is not None and item["status"]["id"] == status_id:
                found.append(item)
    return found


async def test_a_brands_group_posts_that_mention_it_reach_its_desk(
    services: Services, make: Factory
) -> None:
    agent = await brand_with_agent(services, make, "kahvila")
    community = await create(agent.brand, "kahvila_friends", display_name="Kahvila's friends")
    assert community["role"] == "owner"
    members = await create(agent.brand, "kahvila_bakers", privacy="private")
    aino = await make.person("aino")
    await join(aino, community)
    public = await post_in(aino, community, "@kahvila are the buns vegan?")
    invited = await agent.brand.post(f"/api/porina/v1/groups/{members['id']}/invitations/{aino.id}")
    assert invited.status_code == 200, invited.text
    await join(aino, members)
    private = await post_in(aino, members, "@kahvila a recipe idea for the bakers")
    assert private["visibility"] == "private"
    for status in (public, private):
        items = await _mentioned(agent, status["id"])
        assert [item["kind"] for item in items] == ["mention"]
        assert items[0]["account"]["id"] == aino.id


async def test_a_private_groups_post_never_reaches_the_desk_of_a_brand_outside_it(
    services: Services, make: Factory
) -> None:
    agent = await brand_with_agent(services, make, "kahvila")
    owner = await make.person("bo")
    closed = await create(owner, "bo_circle", privacy="private")
    said = await post_in(owner, closed, "@kahvila their buns are dry, between us")
    opened = await create(owner, "bo_open")
    public = await post_in(owner, opened, "@kahvila best buns in town")
    assert await _mentioned(agent, said["id"]) == []
    assert [item["kind"] for item in await _mentioned(agent, public["id"])] == ["mention"]
    looked = await agent.get(f"/api/v1/statuses/{said['id']}")
    assert looked.status_code == 404
