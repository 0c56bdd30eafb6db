"""The groups' pages: starting a private group from the directory, a discussion pinned and
locked by its owner, someone asking to join (in Finnish) and the owner approving them from
the moderation panel; a non-member reads no discussion."""

from __future__ import annotations

import html

import httpx

from porina.services import Services
from tests.factories import Factory
from tests.web.conftest import Browser, sign_in_as, text_of


def words(page: httpx.Response) -> str:
    return html.unescape(text_of(page.text))


async def test_a_private_group_on_the_web(
    services: Services, client: httpx.AsyncClient, make: Factory
) -> None:
    owner, aino = await make.person("owner"), await make.person("aino", locale="fi")
    browser = Browser(client)
    await sign_in_as(services, client, owner)
    made = await browser.post(
        "/groups",
        {"name": "kerho", "display_name": "Kerho", "privacy": "private", "rules": "Be kind"},
    )
    assert made.status_code == 303, made.text
    page_url = made.headers["location"]
    posted = await browser.post(f"{page_url}/post", {"status": "First meeting on Friday"})
    assert posted.status_code == 303
    [thread] = (
        await owner.get(f"/api/porina/v1/groups/{page_url.rsplit('/', 1)[1]}/timeline")
    ).json()
    for change in ("pin", "lock"):
        done = await browser.post(f"{page_url}/threads/{thread['id']}/{change}")
        assert done.status_code == 303
    page = words(await browser.get(page_url))
    assert "Be kind" in page and "Private group" in page and "1 member" in page
    assert "Pinned" in page and "Locked" in page and "First meeting on Friday" in page
    assert "Kerho" in words(await browser.get("/groups"))

    await sign_in_as(services, client, aino)
    outside = words(await browser.get(page_url))
    assert "Pyydä päästä jäseneksi" in outside and "First meeting" not in outside
    assert (await browser.post(f"{page_url}/join")).status_code == 303
    assert "Liittymispyyntösi odottaa" in words(await browser.get(page_url))

    await sign_in_as(services, client, owner)
    panel = words(await browser.get(page_url))
    assert "Join requests" in panel and "@aino" in panel
    approved = await browser.post(f"{page_url}/requests/{aino.id}/approve")
    assert approved.status_code == 303

    await sign_in_as(services, client, aino)
    inside = words(await browser.get(page_url))
    assert "First meeting on Friday" in inside and "Kiinnitetty" in inside and "2 jäsentä" in inside
