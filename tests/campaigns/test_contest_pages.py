"""The contest's public pages without JavaScript: before the draw the commitment and the
entrant count show and the secret does not; a contest on a post only followers may see is a
404, for the page and its rules, as one that does not exist."""

from __future__ import annotations

import httpx
from sqlalchemy import select

from porina.campaigns.draw import pseudonym
from porina.campaigns.models import Contest
from porina.services import Services
from tests.factories import Factory
from tests.web.conftest import HTML, sign_in_as, text_of

from .contest_world import contest, enter, world


async def test_an_open_contest_shows_its_commitment_and_never_its_secret(
    services: Services, client: httpx.AsyncClient, make: Factory
) -> None:
    w = await world(services, make)
    async with services.db.read() as session:
        row = (await session.scalars(select(Contest).where(Contest.id == w.contest_id))).one()
    page = await client.get(f"/contests/{w.contest_id}", headers=HTML)
    assert page.status_code == 200
    text = text_of(page.text)
    assert row.commitment in text and row.secret.hex() not in page.text
    assert "4 people have entered." in text and "Open for entries" in text
    assert "favourite the contest post: 1 ticket(s)" in text
    assert "verify-draw" not in page.text.replace("/static/verify-draw.js", "")
    fi = await client.get(f"/contests/{w.contest_id}", headers={**HTML, "accept-language": "fi"})
    assert "4 henkilöä on osallistunut." in text_of(fi.text)
    rules = await client.get(f"/contests/{w.contest_id}/rules", headers=HTML)
    assert "Who can take part" in rules.text and row.secret.hex() not in rules.text


async def test_a_contest_on_a_followers_only_post_is_not_found(
    services: Services, client: httpx.AsyncClient, make: Factory
) -> None:
    brand = await make.person("puoti")
    post = await brand.status("Only for followers", visibility="private")
    hidden = await contest(services, brand, post["id"])
    for path in (f"/contests/{hidden}", f"/contests/{hidden}/rules", "/contests/12345"):
        assert (await client.get(path, headers=HTML)).status_code == 404


async def test_an_entrant_sees_how_they_are_listed_and_a_private_one_their_pseudonym(
    services: Services, client: httpx.AsyncClient, make: Factory
) -> None:
    w = await world(services, make)
    quiet = await make.person("hiljainen")
    await enter(services, w.contest_id, quiet, "reply", private=True)
    async with services.db.read() as session:
        row = (await session.scalars(select(Contest).where(Contest.id == w.contest_id))).one()
    name = pseudonym(row.pseudonym_key, quiet.account.id)
    page = f"/contests/{w.contest_id}"
    await sign_in_as(services, client, quiet)
    assert f"You have entered as {name}, with 2 tickets." in text_of(
        (await client.get(page, headers=HTML)).text
    )
    await sign_in_as(services, client, w.entrants[2])
    shown = text_of((await client.get(page, headers=HTML)).text)
    assert "You have entered as oliver@" in shown and "with 1 ticket." in shown
    assert name not in shown
    client.cookies.clear()
    assert name not in (await client.get(page, headers=HTML)).text
