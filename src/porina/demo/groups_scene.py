"""The demo's groups (issue 21, point 1), made through the groups' actions as real use makes
them: the café's public community group, with rules, members, discussions and replies (one
pinned by the café), and a private bakers' group of a few regulars, with a discussion only
its members read and one person still asking to join."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from porina.core.actor import Actor
from porina.core.clock import back_dated
from porina.groups import actions
from porina.posts.compose import NewStatus
from porina.services import Services
from porina.storage.db import Tx


@dataclass(frozen=True, slots=True)
class Spec:
    name: str
    display_name: str
    description: str
    rules: tuple[str, ...]


STARTED = timedelta(days=25)
"""The groups were started weeks ago, as the people joined (their posts are today's)."""
COMMUNITY = Spec(
    "kahvilayhteiso",
    "Kahvilan yhteisö",
    "Kanta-asiakkaiden kohtaamispaikka: toiveet, tapahtumat ja kahvipuheet.",
    ("Ole ystävällinen.", "Ei mainoksia.", "Pidä keskustelu aiheessa."),
)
BAKERS = Spec(
    "kotileipurit",
    "Kotileipurit",
    "Reseptejä ja leivontavinkkejä, vain jäsenille.",
    ("Jaa reseptit lähteineen.",),
)


async def _create(tx: Tx, actor: Actor, spec: Spec, privacy: str) -> int:
    group = await actions.create(
        tx,
        actor,
        name=spec.name,
        display_name=spec.display_name,
        privacy=privacy,
        description=spec.description,
        rules=spec.rules,
    )
    return group.id


async def _post(svc: Services, actor: Actor, group_id: int, text: str, reply: int | None) -> int:
    async with svc.db.transaction() as tx:
        status = await actions.post(tx, actor, group_id, NewStatus(text=text, in_reply_to_id=reply))
    return status.id


async def _community(svc: Services, cafe: Actor, people: list[Actor]) -> None:
    with back_dated(STARTED):
        async with svc.db.transaction() as tx:
            group_id = await _create(tx, cafe, COMMUNITY, "public")
            for person in people:
                await actions.join(tx, person, group_id)
    hours = await _post(
        svc, cafe, group_id, "Joulun aukioloajat: 24.12. klo 8-12. Tervetuloa!", None
    )
    wish = await _post(
        svc, people[0], group_id, "Toive: voisiko kardemummapullia olla myös sunnuntaisin?", None
    )
    await _post(svc, people[1], group_id, "Yes please, Sunday buns would be perfect!", wish)
    await _post(svc, cafe, group_id, "Kokeillaan tammikuussa! Kiitos toiveesta.", wish)
    async with svc.db.transaction() as tx:
        await actions.change_thread(tx, cafe, group_id, hours, "pin")


async def _bakers(svc: Services, people: list[Actor]) -> None:
    owner, member, asking = people[0], people[2], people[3]
    with back_dated(STARTED):
        async with svc.db.transaction() as tx:
            group_id = await _create(tx, owner, BAKERS, "private")
            await actions.join(tx, member, group_id)
            await actions.approve(tx, owner, group_id, member.account_id)
            await actions.join(tx, asking, group_id)
    recipe = await _post(svc, owner, group_id, "Juuri valmistui hapanjuurileipä. Resepti:", None)
    await _post(svc, member, group_id, "Kiitos! Montako tuntia taikina kohoaa?", recipe)


async def seed(svc: Services, actors: dict[str, Actor], cafe: str, people: list[str]) -> None:
    """``cafe``'s community group and a private group of ``people`` (at least four; their
    first is the bakers' group's owner, their fourth still asks to join it)."""
    members = [actors[name] for name in people]
    await _community(svc, actors[cafe], members)
    await _bakers(svc, members)
