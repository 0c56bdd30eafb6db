"""The demo café's calendar (``demo.calendar_scene``), made through the calendar's actions:
one post out, one scheduled, one waiting for approval, one sent back with a comment, one
idea without a time."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from porina.demo import calendar_scene
from porina.services import Services
from tests.calendar.calendar_world import CALENDAR, DRAFTS, team
from tests.factories import Factory


async def test_the_demo_cafe_has_a_calendar_in_every_state(
    services: Services, make: Factory
) -> None:
    t = await team(services, make)
    actors = {
        "kahvila": t.brand.actor,
        "mari": t.manager.person.actor,
        "aino": t.agent.person.actor,
    }
    await calendar_scene.seed(services, actors, "kahvila", {"manager": "mari", "agent": "aino"})
    drafts = (await t.manager.get(DRAFTS)).json()
    states = {d["status"]: (d["state"], d["review_comment"]) for d in drafts}
    assert states == {
        calendar_scene.PUBLISHED: ("published", None),
        calendar_scene.LATER: ("scheduled", None),
        calendar_scene.WAITING: ("submitted", None),
        calendar_scene.SENT_BACK: ("changes_requested", calendar_scene.COMMENT),
        calendar_scene.IDEA: ("draft", None),
    }
    today = datetime.now(UTC).date()
    params = {"from": str(today - timedelta(days=1)), "to": str(today + timedelta(days=5))}
    entries = (await t.manager.get(CALENDAR, params=params)).json()
    assert len(entries) == 4  # the idea has no time yet
