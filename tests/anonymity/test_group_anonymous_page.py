"""A group's anonymous posts on the web (``/groups/:id/anonymous``): its owners and moderators
choose open, moderated or off and approve or reject the held posts, in English and Finnish,
never seeing who wrote them; a plain member is refused the page and each form (nothing is
written)."""

from __future__ import annotations

import html

import httpx

from porina.groups import actions
from porina.services import Services
from tests.factories import Factory, Person
from tests.web.conftest import Browser, sign_in_as, text_of

from .support import API, anonymously, leaks


def words(page: httpx.Response) -> str:
    return html.unescape(text_of(page.text))


async def _group(services: Services, owner: Person, *members: Person) -> str:
    async with services.db.transaction() as tx:
        group = await actions.create(tx, owner.actor, name="kerho", privacy="public")
        for person in members:
            await actions.join(tx, person.actor, group.id)
    return str(group.id)


async def test_moderators_set_the_policy_and_decide_the_queue_without_the_author(
    services: Services, client: httpx.AsyncClient, make: Factory
) -> None:
    owner, alice = await make.person("owner", locale="fi"), await make.person("alice")
    pekka = await make.person("pekka")
    gid = await _group(services, owner, alice, pekka)
    url, browser = f"/groups/{gid}", Browser(client)
    await sign_in_as(services, client, owner)
    assert f'href="{url}/anonymous"' in (await browser.get(url)).text
    page = await browser.get(f"{url}/anonymous")
    assert "Nimettömät viestit ryhmässä kerho" in words(page)
    assert 'value="off" checked' in page.text
    saved = await browser.post(f"{url}/anonymous/policy", {"policy": "moderated"})
    assert saved.status_code == 303
    assert (await alice.get(f"{API}/policy/{gid}")).json()["mode"] == "moderated"
    first = (await anonymously(alice, "Rye bread club?", group_id=gid)).json()
    second = (await anonymously(alice, "Buy my stuff", group_id=gid)).json()
    page = await browser.get(f"{url}/anonymous")
    assert "Rye bread club?" in words(page) and "Buy my stuff" in words(page)
    assert "Hyväksy" in words(page) and leaks(page.text, alice) == []

    await sign_in_as(services, client, pekka)
    refused = await browser.get(f"{url}/anonymous")
    assert refused.status_code == 403
    for path, data in [
        (f"{url}/anonymous/policy", {"policy": "off"}),
        (f"{url}/anonymous/{first['id']}/approve", {}),
        (f"{url}/anonymous/{second['id']}/reject", {}),
    ]:
        assert (await browser.post(path, data)).status_code == 403
    assert len((await alice.get(f"{API}/pending")).json()) == 2
    assert (await alice.get(f"{API}/policy/{gid}")).json()["mode"] == "moderated"

    await sign_in_as(services, client, owner)
    assert (await browser.post(f"{url}/anonymous/{first['id']}/approve")).status_code == 303
    assert (await browser.post(f"{url}/anonymous/{second['id']}/reject")).status_code == 303
    public = (await pekka.get("/api/v1/timelines/public")).json()
    assert [s["content"] for s in public] == ["<p>Rye bread club?</p>"]
    assert public[0]["account"]["id"] != alice.id
    page = await browser.get(f"{url}/anonymous")
    assert "Nimettömiä viestejä ei odota." in words(page)
