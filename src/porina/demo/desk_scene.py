"""The demo café's desk (issue 16): opening hours and SLA targets, customers asking and
complaining (their conversations filed by the desk's subscribers, as in real use), a
question answered and resolved by an agent, one assigned, one with an internal note, and a
keyword watch that hears a public post as an outreach item — so the inbox, its sentiment,
SLA marks, listening, labels, contacts' tags and notes and the metrics have something to
show."""

from __future__ import annotations

from datetime import timedelta

from porina.core.actor import Actor
from porina.core.clock import back_dated
from porina.desk import actions, contacts, inbox, labels, rules, service_levels, triage, watches
from porina.posts.actions import NewStatus, create_status
from porina.storage.db import Tx

HOURS = {
    "time_zone": "Europe/Helsinki",
    "weekly": {
        **{day: [["07:30", "18:00"]] for day in ("mon", "tue", "wed", "thu", "fri")},
        "sat": [["09:00", "16:00"]],
        "sun": [["10:00", "16:00"]],
    },
    "holidays": ["2026-12-24", "2026-12-25", "2026-12-26"],
}
TARGETS = [
    {"priority": "none", "first_response_seconds": 2 * 3600, "resolution_seconds": 2 * 86400},
    {"priority": "urgent", "first_response_seconds": 30 * 60, "resolution_seconds": 4 * 3600},
]
ASKING = [
    ("aino", "fi", "@kahvila onko teillä tänään gluteenittomia korvapuusteja?", 95),
    ("emma", "en", "@kahvila the oat flat white this morning was perfect, thank you!", 80),
    (
        "oliver",
        "en",
        "@kahvila my pre-order for the Saturday cake still hasn't arrived "
        "in my email, and nobody answers the phone. Really disappointed.",
        70,
    ),
    ("helmi", "fi", "@kahvila ihana uusi syysmenu! 😍", 50),
    ("grace", "en", "@kahvila do you open earlier on weekdays?", 25),
]
"""(person, language, text, minutes ago)."""
RULE = {
    "name": "Allergiat",
    "conditions": {"channels": ["mention", "direct"], "keywords": ["gluteeni*", "allerg*"]},
    "actions": {"add_labels": ["allergiat"], "priority": "high"},
}
"""A desk rule: a question about allergies is labelled and made high priority."""
WATCH = {"kind": "keyword", "term": "korvapuusti*", "language": "fi"}
LABELS = [
    {"name": "allergiat", "colour": "#d97706", "description": "Allergia- ja ruokavaliokysymykset"},
    {"name": "tilaukset", "colour": "#2563eb", "description": "Ennakkotilaukset ja kakut"},
]
"""The café's label catalogue (allergies; pre-orders and cakes)."""
HEARD = ("lauri", "fi", "Missä Helsingissä saa parhaat korvapuustit? Suositelkaa!", 20)
"""A public post the café's watch hears (it names nobody): an outreach item in the inbox."""


async def _ask(tx: Tx, actors: dict[str, Actor], cafe: str) -> None:
    for who, lang, text, ago in ASKING:
        with back_dated(timedelta(minutes=ago)):
            await create_status(
                tx,
                actors[who],
                NewStatus(
                    text=text.replace("@kahvila", f"@{cafe}"), language=lang, visibility="public"
                ),
            )


async def _conversation(tx: Tx, brand: int, contact: int) -> int:
    found = await inbox.conversation_of(tx, brand, contact)
    assert found is not None  # filed by the desk's subscriber when the customer posted
    return found.id


async def seed(tx: Tx, actors: dict[str, Actor], cafe: str, staff: dict[str, str]) -> None:
    """``staff``: role -> username of the café's manager and agent."""
    brand = actors[cafe].account_id
    manager = Actor(brand, actors[staff["manager"]].user_id)
    agent = Actor(brand, actors[staff["agent"]].user_id)
    await service_levels.set_business_hours(tx, manager, HOURS)
    await service_levels.set_targets(tx, manager, TARGETS)
    for label in LABELS:
        await labels.create(tx, manager, label)
    await rules.create(tx, manager, RULE)
    await watches.create(tx, manager, WATCH)
    await _ask(tx, actors, cafe)
    who, lang, text, ago = HEARD
    with back_dated(timedelta(minutes=ago)):
        await create_status(
            tx, actors[who], NewStatus(text=text, language=lang, visibility="public")
        )
    aino = await _conversation(tx, brand, actors["aino"].account_id)
    with back_dated(timedelta(minutes=60)):
        await actions.reply(
            tx, agent, aino, "Kyllä on! Tänään uunista klo 10.", "public", resolve=True
        )
    oliver = await _conversation(tx, brand, actors["oliver"].account_id)
    with back_dated(timedelta(minutes=40)):
        await actions.assign(tx, manager, oliver, actors[staff["agent"]].account_id)
        await actions.add_note(
            tx,
            agent,
            oliver,
            f"@{staff['manager']} the cake order is in the kitchen system but the "
            "confirmation mail bounced. Can you call him?",
        )
        await triage.triage(tx, agent, oliver, labels=["tilaukset"])
        await contacts.add_note(
            tx, agent, actors["oliver"].account_id, "Orders a cake every month; prefers email."
        )
    await contacts.set_tags(tx, agent, actors["emma"].account_id, ["kanta-asiakas"])
