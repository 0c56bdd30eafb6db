"""Contacts (issue 16, point 7): a person's whole history with the brand — their
conversation, what they sent and what the brand sent them — with the team's tags and
internal notes; searched by name or acct and filtered by tag, paged with ``Link``. Analysts
get a 403, other brands a 404, bad input a 422, in Mastodon's error shape; what other domains
register as a section shows on the page. The tags' and notes' privacy over random sequences
is a property (``test_contact_notes_reach_no_one_else``)."""

from __future__ import annotations

import asyncio
import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy.ext.asyncio import AsyncSession

from porina.desk import contacts
from porina.services import Services

from ..factories import Factory
from ..support.world import isolated
from .inbox_support import BASE, Staff, brand_with_agent, staff

CONTACTS = "/api/porina/v1/desk/contacts"


async def put(member: Staff, path: str, body: dict[str, Any]) -> httpx.Response:
    return await member.client.put(path, headers=member.headers, json=body)


async def test_a_contact_shows_the_whole_history_with_tags_and_notes(
    services: Services, make: Factory
) -> None:
    desk = await brand_with_agent(services, make)
    emma = await make.person("emma", display_name="Emma Clarke")
    first = await emma.status("@cafe is the terrace open?")
    await emma.status("@cafe and do you have oat milk?")
    await emma.status("@cafe my order number is 12", visibility="direct")
    (listed,) = await desk.conversations()
    sent = await desk.post(f"{BASE}/{listed['id']}/reply", json={"text": "Yes to both!"})
    assert sent.status_code == 200, sent.text
    tagged = await put(desk, f"{CONTACTS}/{emma.id}/tags", {"tags": ["VIP", "oat milk", "vip"]})
    assert tagged.status_code == 200, tagged.text
    assert tagged.json() == {"tags": ["oat milk", "vip"]}
    note = await desk.post(f"{CONTACTS}/{emma.id}/notes", json={"text": "Prefers DMs"})
    assert note.status_code == 200, note.text
    assert note.json()["author"]["username"] == "cafe_aino"

    shown = await desk.get(f"{CONTACTS}/{emma.id}")
    assert shown.status_code == 200, shown.text
    body = shown.json()
    assert body["account"]["username"] == "emma"
    assert body["tags"] == ["oat milk", "vip"]
    assert [n["text"] for n in body["notes"]] == ["Prefers DMs"]
    assert [c["id"] for c in body["conversations"]] == [listed["id"]]
    assert body["counts"] == {"messages": 3, "replies_sent": 1, "directs": 1}
    assert first["created_at"] <= body["first_seen_at"] < body["last_seen_at"]
    assert body["sections"] == {}

    removed = await desk.client.delete(
        f"{CONTACTS}/{emma.id}/notes/{note.json()['id']}", headers=desk.headers
    )
    assert removed.status_code == 200, removed.text
    assert (await desk.get(f"{CONTACTS}/{emma.id}")).json()["notes"] == []


async def test_contacts_are_searched_filtered_by_tag_and_paged(
    services: Services, make: Factory
) -> None:
    desk = await brand_with_agent(services, make)
    people = [
        await make.person("emma", display_name="Emma Clarke"),
        await make.person("olli", display_name="Olli Oja"),
        await make.person("aada", display_name="Aada"),
    ]
    for person in people:
        await person.status("@cafe hello")
    await make.person("stranger")  # no conversation: not a contact
    await put(desk, f"{CONTACTS}/{people[1].id}/tags", {"tags": ["vip"]})

    async def usernames(**params: str) -> list[str]:
        response = await desk.get(CONTACTS, params=params)
        assert response.status_code == 200, response.text
        return [c["account"]["username"] for c in response.json()]

    assert await usernames() == ["aada", "olli", "emma"]
    assert await usernames(q="clarke") == ["emma"]
    assert await usernames(q="@olli") == ["olli"]
    assert await usernames(tag="VIP") == ["olli"]
    assert await usernames(q="stranger") == []
    first = await desk.get(CONTACTS, params={"limit": "2"})
    assert [c["account"]["username"] for c in first.json()] == ["aada", "olli"]
    assert first.json()[1]["tags"] == ["vip"]
    following = first.headers["link"].split(";")[0].strip("<>")
    rest = await desk.client.get(following, headers=desk.headers)
    assert [c["account"]["username"] for c in rest.json()] == ["emma"]


async def test_who_may_see_and_change_a_contact(services: Services, make: Factory) -> None:
    desk = await brand_with_agent(services, make)
    numbers = await staff(services, make, desk.brand, "cafe_numbers", "analyst")
    bakery = await brand_with_agent(services, make, "bakery")
    emma = await make.person("emma")
    await emma.status("@cafe hello")
    path = f"{CONTACTS}/{emma.id}"
    await desk.post(f"{path}/notes", json={"text": "secret"})

    for response in (
        await numbers.get(path),
        await numbers.get(CONTACTS),
        await numbers.post(f"{path}/notes", json={"text": "x"}),
    ):
        assert response.status_code == 403
        assert set(response.json()) == {"error"}
    for response in (
        await bakery.get(path),
        await bakery.post(f"{path}/notes", json={"text": "x"}),
        await put(bakery, f"{path}/tags", {"tags": ["x"]}),
        await desk.get(f"{CONTACTS}/{desk.person.id}"),  # no conversation with the brand
        await desk.get(f"{CONTACTS}/nonsense"),
    ):
        assert response.status_code == 404
        assert set(response.json()) == {"error"}
    assert (await bakery.get(CONTACTS)).json() == []
    note_id = (await desk.get(path)).json()["notes"][0]["id"]
    stolen = await bakery.client.delete(f"{path}/notes/{note_id}", headers=bakery.headers)
    assert stolen.status_code == 404
    for bad in (
        await put(desk, f"{path}/tags", {"tags": "vip"}),
        await put(desk, f"{path}/tags", {"tags": ["no!"]}),
        await desk.post(f"{path}/notes", json={"text": "  "}),
    ):
        assert bad.status_code == 422
        assert set(bad.json()) == {"error"}
    assert [n["text"] for n in (await desk.get(path)).json()["notes"]] == ["secret"]


@pytest.fixture
def newsletter_section() -> Iterator[None]:
    async def newsletter(
        session: AsyncSession, brand_id: int, contact_id: int
    ) -> dict[str, Any] | None:
        return {"subscribed": True, "brand": str(brand_id)}

    real = contacts.registered_sections().get("newsletter")
    contacts.register_section("newsletter", newsletter)
    yield
    contacts._SECTIONS.pop("newsletter")
    if real is not None:  # the newsletter's own section (porina.services)
        contacts.register_section("newsletter", real)


async def test_a_registered_section_shows_on_the_contact(
    services: Services, make: Factory, newsletter_section: None
) -> None:
    desk = await brand_with_agent(services, make)
    emma = await make.person("emma")
    await emma.status("@cafe hello")
    body = (await desk.get(f"{CONTACTS}/{emma.id}")).json()
    assert body["sections"] == {"newsletter": {"subscribed": True, "brand": desk.brand.id}}


# --- privacy, as a property ----------------------------------------------------------------

ON_PG = bool(os.environ.get("PORINA_TEST_DATABASE_URL"))
EXAMPLES = settings(
    max_examples=3 if ON_PG else 5,
    deadline=None,
    derandomize=os.environ.get("CI", "").lower() == "true",
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
OPS = st.lists(
    st.tuples(st.sampled_from(["message", "note", "tag"]), st.integers(0, 1), st.integers(0, 1)),
    min_size=1,
    max_size=6,
)


def _paths(customers: list[Any], brands: list[Staff]) -> list[str]:
    paths = ["/api/v1/timelines/home", "/api/v1/notifications", "/api/v1/conversations"]
    paths += ["/api/v2/search?q=zqcontact&resolve=false", CONTACTS]
    for person in [*customers, *(b.brand for b in brands)]:
        paths += [f"/api/v1/accounts/{person.id}", f"/api/v1/accounts/{person.id}/statuses"]
        paths += [f"{CONTACTS}/{person.id}"]
    return paths


def test_contact_notes_reach_no_one_else(template: Path | str) -> None:
    """Over random messages, contact notes and tags on two brands: a marker written on brand
    A's contact reaches A's agents only — never the customer, an analyst, anyone anonymous,
    or brand B's staff — and A's agents do see it."""
    loop = asyncio.new_event_loop()
    world_cm = isolated(template)
    try:
        env = loop.run_until_complete(world_cm.__aenter__())

        @EXAMPLES
        @given(OPS)
        def prop(ops: list[tuple[str, int, int]]) -> None:
            async def go() -> None:
                await env.reset()
                brands = [
                    await brand_with_agent(env.services, env.make, "cafe"),
                    await brand_with_agent(env.services, env.make, "bakery"),
                ]
                analyst = await staff(env.services, env.make, brands[0].brand, "n", "analyst")
                customers = [await env.make.person("emma"), await env.make.person("olli")]
                written: list[tuple[int, str]] = []
                shown: dict[tuple[int, int], list[str]] = {}
                """What each brand's agents must still see per customer: every note, and
                the latest tags (tags are replaced)."""
                for n, (what, who, which) in enumerate(ops):
                    desk, customer = brands[which], customers[who]
                    if what == "message":
                        await customer.status(f"@{desk.brand.account.username} hi {n}")
                        continue
                    marker = f"zqcontact{which}x{n}"
                    path = f"{CONTACTS}/{customer.id}"
                    if what == "note":
                        done = await desk.post(f"{path}/notes", json={"text": marker})
                    else:
                        done = await put(desk, f"{path}/tags", {"tags": [marker]})
                    if done.status_code != 200:
                        assert done.status_code == 404  # no conversation yet
                        continue
                    written.append((which, marker))
                    kept = shown.setdefault((which, who), [])
                    if what == "tag":
                        kept[:] = [m for m in kept if not m.startswith("tag:")]
                    kept.append(f"{what}:{marker}")
                paths = _paths(customers, brands)
                every = [m for _, m in written]
                outsiders: list[Any] = [env.client, *customers, analyst]
                for reader in outsiders:
                    for path in paths:
                        text = (await reader.get(path)).text
                        assert not [m for m in every if m in text], path
                for which, desk in enumerate(brands):
                    theirs = [m for b, m in written if b != which]
                    seen = "".join([(await desk.get(p)).text for p in paths])
                    assert not [m for m in theirs if m in seen]
                    for (brand, _), kept in shown.items():
                        if brand == which:
                            assert all(k.split(":")[1] in seen for k in kept), kept

            loop.run_until_complete(go())

        try:
            prop()
        finally:
            loop.run_until_complete(world_cm.__aexit__(None, None, None))
    finally:
        loop.close()
