"""A signed-in reader's home page is joined from posts' kept HTML (``web/reader_fragments.py``)
and equals, byte for byte, the page rendered whole for that reader: their own posts, the posts
they liked, boosted or bookmarked, a poll they voted in, a muted or blocked author, a private
post they may see, a deleted post; in English and in Finnish. No reader ever gets another
reader's marks: the property test draws readers and actions, reads the pages in a random
order and checks each against its complete rendering."""

from __future__ import annotations

import asyncio
import os
from datetime import datetime
from pathlib import Path
from typing import Any

import httpx
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from porina.core.clock import now
from porina.groups import actions as groups
from porina.services import Services
from porina.web import home_shell, i18n, reader_fragments, templating
from tests.factories import Factory, Person
from tests.support.world import Isolated, isolated
from tests.web.conftest import HTML, Browser, sign_in_as

ON_PG = bool(os.environ.get("PORINA_TEST_DATABASE_URL"))
EXAMPLES = settings(
    max_examples=3 if ON_PG else 6,
    deadline=None,
    derandomize=os.environ.get("CI", "").lower() == "true",
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)


Cookies = dict[str, dict[str, str]]


def freeze(monkeypatch: pytest.MonkeyPatch, moment: datetime) -> None:
    """The pages' clock stands still, so two renderings show the same ages."""
    for module in (i18n, templating, reader_fragments):
        monkeypatch.setattr(module, "now", lambda: moment)


async def _home(client: httpx.AsyncClient) -> str:
    response = await client.get("/home", headers=HTML)
    assert response.status_code == 200, response.text
    return response.text


async def _both(
    monkeypatch: pytest.MonkeyPatch, client: httpx.AsyncClient, cookies: dict[str, str]
) -> tuple[str, str]:
    """The reader's home as kept fragments and the kept shell join it, and as rendered
    whole (the page's template, every post through ``partials/status.html``)."""
    client.cookies.clear()
    client.cookies.update(cookies)
    joined = await _home(client)
    with monkeypatch.context() as patch:
        patch.setattr(reader_fragments, "fragments", lambda *a, **k: [])
        patch.setattr(home_shell, "covers", lambda *a, **k: False)
        complete = await _home(client)
    return joined, complete


async def _sign(services: Services, client: httpx.AsyncClient, people: list[Person]) -> Cookies:
    """Each reader's session and CSRF cookies, kept to switch between readers."""
    signed: Cookies = {}
    for person in people:
        client.cookies.clear()
        await sign_in_as(services, client, person)
        await Browser(client).get("/about")
        signed[person.id] = dict(client.cookies.items())
    return signed


async def _language(client: httpx.AsyncClient, cookies: dict[str, str], lang: str) -> None:
    client.cookies.clear()
    client.cookies.update(cookies)
    switched = await Browser(client).post("/lang", {"lang": lang, "next": "/home"})
    assert switched.status_code == 303, switched.text


async def _ok(response: httpx.Response) -> None:
    assert response.status_code == 200, response.text


async def _world(make: Factory) -> dict[str, Any]:
    """Two authors and four readers, with every kind of mark a post can carry."""
    alice, bob = await make.person("alice"), await make.person("bob")
    readers = [await make.person(name) for name in ("rauha", "sulo", "tuuli", "veera")]
    for reader in readers:
        await reader.follow(alice)
        await reader.follow(bob)
    await alice.follow(bob)
    buns = await alice.status("Morning buns are out")
    poll = await alice.status(
        "Which bread?", poll={"options": ["Rye", "Sourdough"], "expires_in": 7200}
    )
    quiet = await alice.status("Staff-only tasting at six", visibility="private")
    rye = await bob.status("Rye bread at noon")
    gone = await bob.status("A post about to go")
    await _ok(await bob.delete(f"/api/v1/statuses/{gone['id']}"))
    rauha, sulo, tuuli, veera = readers
    await _ok(await rauha.post(f"/api/v1/statuses/{buns['id']}/favourite"))
    await _ok(await sulo.post(f"/api/v1/statuses/{buns['id']}/reblog"))
    await _ok(await tuuli.post(f"/api/v1/statuses/{rye['id']}/bookmark"))
    await _ok(await rauha.post(f"/api/v1/polls/{poll['poll']['id']}/votes", json={"choices": [1]}))
    await _ok(await veera.post(f"/api/v1/accounts/{bob.id}/mute"))
    await _ok(await tuuli.post(f"/api/v1/accounts/{bob.id}/block"))
    return {"people": [alice, bob, *readers], "quiet": quiet, "buns": buns}


async def test_every_readers_home_equals_its_complete_rendering(
    services: Services, make: Factory, client: httpx.AsyncClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    world = await _world(make)
    people: list[Person] = world["people"]
    signed = await _sign(services, client, people)
    freeze(monkeypatch, now())
    for lang in ("en", "fi"):
        for person in people:
            await _language(client, signed[person.id], lang)
        for person in [*people, *people]:  # the second round is served from kept HTML
            joined, complete = await _both(monkeypatch, client, signed[person.id])
            assert joined == complete, (person.username, lang)
            assert f'<html lang="{lang}"' in joined
    rauha, sulo = people[2], people[3]
    rauha_home, _ = await _both(monkeypatch, client, signed[rauha.id])
    assert "Staff-only tasting" in rauha_home  # a private post a follower may see
    assert "A post about to go" not in rauha_home
    sulo_home, _ = await _both(monkeypatch, client, signed[sulo.id])
    liked = 'class="action action-favourite" aria-pressed="true"'
    boosted = 'class="action action-reblog" aria-pressed="true"'
    assert liked in rauha_home and boosted not in rauha_home
    assert boosted in sulo_home and liked not in sulo_home  # sulo's boost, not rauha's like


MARKS = ("favourite", "reblog", "bookmark", "vote", "mute", "block")
Action = tuple[int, str, int]


async def _act(reader: Person, mark: str, post: dict[str, Any], author: Person) -> None:
    if mark == "vote":
        if post.get("poll") is None:
            return
        done = await reader.post(f"/api/v1/polls/{post['poll']['id']}/votes", json={"choices": [0]})
        assert done.status_code in (200, 422), done.text  # 422: voted already
    elif mark in ("mute", "block"):
        await _ok(await reader.post(f"/api/v1/accounts/{author.id}/{mark}"))
    else:  # 404: a blocked author's post is gone for the reader; 403: a private post's boost
        done = await reader.post(f"/api/v1/statuses/{post['id']}/{mark}")
        assert done.status_code in (200, 403, 404), done.text


async def _random_world(env: Isolated, actions: list[Action]) -> list[Person]:
    alice, bob = await env.make.person("alice"), await env.make.person("bob")
    readers = [await env.make.person(name) for name in ("rauha", "sulo", "tuuli")]
    for reader in readers:
        await reader.follow(alice)
        await reader.follow(bob)
    posts = [
        (alice, await alice.status("Morning buns")),
        (alice, await alice.status("Bread?", poll={"options": ["Rye", "Oat"], "expires_in": 600})),
        (alice, await alice.status("Tasting for followers", visibility="private")),
        (bob, await bob.status("Rye at noon")),
    ]
    for who, mark, which in actions:
        author, post = posts[which]
        await _act(readers[who], mark, post, author)
    return [alice, bob, *readers]


def test_no_reader_ever_gets_another_readers_marks(template: Path | str) -> None:
    loop = asyncio.new_event_loop()
    world_cm = isolated(template)
    try:
        env = loop.run_until_complete(world_cm.__aenter__())
        action = st.tuples(st.integers(0, 2), st.sampled_from(MARKS), st.integers(0, 3))

        @EXAMPLES
        @given(
            st.lists(action, max_size=8),
            st.permutations(range(5)),
            st.lists(st.sampled_from(("en", "fi")), min_size=5, max_size=5),
        )
        def prop(actions: list[Action], order: list[int], langs: list[str]) -> None:
            async def go() -> None:
                await env.reset()
                people = await _random_world(env, actions)
                signed = await _sign(env.services, env.client, people)
                with pytest.MonkeyPatch.context() as patch:
                    freeze(patch, now())
                    for index, lang in zip(order, langs, strict=True):
                        cookies = signed[people[index].id]
                        await _language(env.client, cookies, lang)
                        joined, complete = await _both(patch, env.client, cookies)
                        assert joined == complete, (people[index].username, lang, actions)

            loop.run_until_complete(go())

        try:
            prop()
        finally:
            loop.run_until_complete(world_cm.__aexit__(None, None, None))
    finally:
        loop.close()


async def test_a_group_post_on_members_homes_equals_its_complete_rendering(
    services: Services, make: Factory, client: httpx.AsyncClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    owner, aino, bilbo = [await make.person(name) for name in ("owner", "aino", "bilbo")]
    async with services.db.transaction() as tx:
        group = await groups.create(tx, owner.actor, name="kerho", privacy="public", rules=[])
        await groups.join(tx, aino.actor, group.id)
    for reader in (owner, bilbo):
        await reader.follow(aino)
    await aino.status("For the club", porina_group_id=str(group.id))
    people = [owner, aino, bilbo]
    signed = await _sign(services, client, people)
    freeze(monkeypatch, now())
    pages: dict[str, str] = {}
    for person in [*people, *people]:
        joined, complete = await _both(monkeypatch, client, signed[person.id])
        assert joined == complete, person.username
        pages[person.username] = joined
    report = f'href="/groups/{group.id}/report?status_id='
    assert report in pages["owner"] and report not in pages["bilbo"]  # bilbo is no member
