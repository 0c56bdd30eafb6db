"""The demo café's newsletter (``demo.newsletter_scene``), made through the newsletter's
actions: a double opt-in list with its gift, three confirmed subscribers and one waiting, a
campaign draft and a scheduled digest; nothing sent."""

from __future__ import annotations

from porina.demo import newsletter_scene
from porina.services import Services
from tests.calendar.calendar_world import team
from tests.factories import Factory

API = "/api/porina/v1/newsletter"


async def test_the_demo_cafe_has_a_list_subscribers_and_campaigns(
    services: Services, make: Factory
) -> None:
    t = await team(services, make)
    actors = {"kahvila": t.brand.actor, "mari": t.manager.person.actor}
    signing = [(f"{n}@porina.example", n.title()) for n in ("aino", "emma", "eero", "oliver")]
    await newsletter_scene.seed(services, actors, "kahvila", "mari", signing)
    (listing,) = (await t.manager.get(f"{API}/lists")).json()
    assert listing["double_opt_in"] and listing["gift_url"]
    rows = (await t.manager.get(f"{API}/lists/{listing['id']}/subscribers")).json()
    states = {row["email"]: row["status"] for row in rows}
    assert states == {
        "aino@porina.example": "confirmed",
        "emma@porina.example": "confirmed",
        "eero@porina.example": "confirmed",
        "oliver@porina.example": "unconfirmed",
    }
    found = (await t.manager.get(f"{API}/campaigns")).json()
    assert sorted((c["kind"], c["state"], c["sent"]) for c in found) == [
        ("digest", "scheduled", 0),
        ("markdown", "draft", 0),
    ]
