"""Muted and blocked accounts page: the reader's own mutes and blocks; unmute at once,
unblock after a confirm step (through accounts.graph, as the API); someone the reader does
not block has no confirm page; in Finnish too."""

from __future__ import annotations

import html
from typing import Any

from tests.factories import Factory
from tests.web.conftest import text_of as raw_text


def text_of(page: str) -> str:
    return html.unescape(raw_text(page))


async def test_signed_out_goes_to_sign_in(browser: Any) -> None:
    response = await browser.get("/settings/relations")
    assert response.status_code == 303
    assert response.headers["location"].startswith("/auth/sign_in")


async def test_unmute_and_unblock(make: Factory, signed_in: Any) -> None:
    alice, bob, carol, dave = [await make.person(n) for n in ("alice", "bob", "carol", "dave")]
    await alice.post(f"/api/v1/accounts/{bob.id}/mute")
    await alice.post(f"/api/v1/accounts/{dave.id}/mute", json={"duration": 3600})
    await alice.post(f"/api/v1/accounts/{carol.id}/block")
    await dave.post(f"/api/v1/accounts/{alice.id}/block")  # dave's block is not alice's
    browser = await signed_in(alice)

    page = await browser.get("/settings/relations")
    assert page.status_code == 200
    muted = page.text.split('id="muted"')[1].split("</ul>")[0]
    blocked = page.text.split('id="blocked"')[1].split("</ul>")[0]
    assert "@bob" in muted and "@carol" not in muted
    assert "@carol" in blocked and "@bob" not in blocked
    assert "@dave" not in blocked  # dave blocks alice: that is not alice's block
    assert text_of(muted).count("Muted until") == 1  # dave's mute ends in an hour

    unmuted = await browser.post(f"/settings/relations/{bob.id}/unmute")
    assert unmuted.status_code == 303
    assert unmuted.headers["location"] == "/settings/relations?done=unmuted"
    rel = (await alice.get(f"/api/v1/accounts/relationships?id[]={bob.id}")).json()[0]
    assert rel["muting"] is False

    confirm = await browser.get(f"/settings/relations/{carol.id}/unblock")
    assert confirm.status_code == 200
    assert "Unblock @carol?" in text_of(confirm.text)
    rel = (await alice.get(f"/api/v1/accounts/relationships?id[]={carol.id}")).json()[0]
    assert rel["blocking"] is True
    done = await browser.post(f"/settings/relations/{carol.id}/unblock")
    assert done.status_code == 303
    rel = (await alice.get(f"/api/v1/accounts/relationships?id[]={carol.id}")).json()[0]
    assert rel["blocking"] is False
    words = text_of((await browser.get("/settings/relations?done=unblocked")).text)
    assert "Unblocked." in words
    assert "You have not blocked anyone." in words


async def test_no_confirm_page_for_someone_not_blocked(make: Factory, signed_in: Any) -> None:
    alice, bob, dave = [await make.person(n) for n in ("alice", "bob", "dave")]
    await dave.post(f"/api/v1/accounts/{bob.id}/block")
    browser = await signed_in(alice)
    assert (await browser.get(f"/settings/relations/{bob.id}/unblock")).status_code == 404
    assert (await browser.get("/settings/relations/x/unblock")).status_code == 404
    # Alice's unblock changes only Alice's blocks: Dave still blocks Bob.
    assert (await browser.post(f"/settings/relations/{bob.id}/unblock")).status_code == 303
    rel = (await dave.get(f"/api/v1/accounts/relationships?id[]={bob.id}")).json()[0]
    assert rel["blocking"] is True


async def test_in_finnish(make: Factory, signed_in: Any) -> None:
    aino, bob = await make.person("aino", locale="fi"), await make.person("bob")
    await aino.post(f"/api/v1/accounts/{bob.id}/block")
    browser = await signed_in(aino)
    page = text_of((await browser.get("/settings/relations")).text)
    assert "Mykistetyt ja estetyt" in page and "Et ole mykistänyt ketään." in page
    assert "Poista esto…" in page
    confirm = text_of((await browser.get(f"/settings/relations/{bob.id}/unblock")).text)
    assert "Poistetaanko käyttäjän @bob esto?" in confirm


async def test_unmute_with_htmx_swaps_the_row(make: Factory, signed_in: Any) -> None:
    alice, bob = await make.person("alice"), await make.person("bob")
    await alice.post(f"/api/v1/accounts/{bob.id}/mute")
    browser = await signed_in(alice)
    row = await browser.htmx(f"/settings/relations/{bob.id}/unmute")
    assert row.status_code == 200 and row.text.lstrip().startswith("<li")
    assert "@bob is unmuted" in text_of(row.text) and "<html" not in row.text
    rel = (await alice.get(f"/api/v1/accounts/relationships?id[]={bob.id}")).json()[0]
    assert rel["muting"] is False
