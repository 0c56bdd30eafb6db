"""The demo café's content calendar (issue 19), written through the same actions as real use:
a post the manager approved that is already out, one approved for later in the week, an
agent's draft waiting for approval tomorrow, one sent back with a comment, and an idea with no
time yet — each in the café's time zone."""

from __future__ import annotations

from datetime import datetime, time, timedelta

from porina.calendar import actions
from porina.calendar.content import zone
from porina.core.actor import Actor
from porina.core.clock import now
from porina.render.calendar_view import brand_zone
from porina.services import Services

PUBLISHED = "Joulukuun ensimmäinen glögi on kuumana! ☕ Tervetuloa lämmittelemään."
LATER = "Lauantaina joululeivonnaiset: pipareita, joulutorttuja ja tähtikakkua. 🎄"
WAITING = "Uusi talvimenu maistiaisineen torstaina klo 14, kerro kaverillekin!"
SENT_BACK = "Aukiolo joulun aikaan: 24.-26.12. kiinni, 27.12. alkaen taas normaalisti."
COMMENT = "Lisää vielä uudenvuodenaaton aukiolo, kiitos."
IDEA = "Kanta-asiakkaiden kuvat seinälle? Kysytään ensin lupa."


def _at(zone_name: str, days: int, hour: int) -> str:
    """A wall-clock time ``days`` from today in the café's zone (the editor's form)."""
    day = now().astimezone(zone(zone_name)).date() + timedelta(days=days)
    return datetime.combine(day, time(hour)).strftime("%Y-%m-%dT%H:%M")


async def seed(svc: Services, actors: dict[str, Actor], cafe: str, staff: dict[str, str]) -> None:
    """``staff`` maps a role to the person holding it on the café's team."""
    brand = actors[cafe].account_id
    manager = Actor(brand, actors[staff["manager"]].user_id, operated=True)
    agent = Actor(brand, actors[staff["agent"]].user_id, operated=True)
    async with svc.db.read() as session:
        here = await brand_zone(session, brand, svc.settings.default_time_zone)
    async with svc.db.transaction() as tx:
        out = await actions.create(tx, manager, {"status": PUBLISHED}, here)
        await actions.submit(tx, manager, out.id)
        await actions.approve(tx, manager, out.id)
        later = await actions.create(
            tx, manager, {"status": LATER, "scheduled_at": _at(here, 3, 10)}, here
        )
        await actions.submit(tx, manager, later.id)
        await actions.approve(tx, manager, later.id, "Hyvä!")
        waiting = await actions.create(
            tx, agent, {"status": WAITING, "scheduled_at": _at(here, 1, 14)}, here
        )
        await actions.submit(tx, agent, waiting.id)
        back = await actions.create(
            tx, agent, {"status": SENT_BACK, "scheduled_at": _at(here, 2, 9)}, here
        )
        await actions.submit(tx, agent, back.id)
        await actions.request_changes(tx, manager, back.id, COMMENT)
        await actions.create(tx, agent, {"status": IDEA}, here)
    await svc.runner.drain()
