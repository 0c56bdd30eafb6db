"""The demo's groups (``demo.groups_scene``), made through the groups' actions: the café's
public community group with members, a pinned discussion and replies, and a private bakers'
group whose discussion only its members read, one person still asking to join."""

from __future__ import annotations

from porina.demo import groups_scene
from porina.services import Services
from tests.factories import Factory

from .support import GROUPS, timeline


async def test_the_demo_has_the_cafes_community_group_and_a_private_one(
    services: Services, make: Factory
) -> None:
    cafe = await make.person("kahvila")
    people = [await make.person(n) for n in ("aino", "emma", "eero", "oliver", "helmi")]
    actors = {p.username: p.actor for p in (cafe, *people)}
    await groups_scene.seed(services, actors, "kahvila", [p.username for p in people])
    listed = {g["name"]: g for g in (await people[4].get(GROUPS)).json()}
    community, bakers = listed["kahvilayhteiso"], listed["kotileipurit"]
    assert (community["privacy"], community["member_count"]) == ("public", 6)
    assert community["account"]["group"] is True and len(community["rules"]) == 3
    assert len(await timeline(people[4], community)) == 2 and len(community["pinned"]) == 1
    assert (bakers["privacy"], bakers["member_count"]) == ("private", 2)
    shut = await people[4].get(f"{GROUPS}/{bakers['id']}/timeline")
    assert shut.status_code == 403
    assert len(await timeline(people[2], bakers)) == 1
    asking = (await people[3].get(f"{GROUPS}/{bakers['id']}")).json()
    assert asking["membership"] == "requested"
