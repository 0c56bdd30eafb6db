"""``/settings/moving`` (issue 20, Move): naming an old account elsewhere (an alias, published
as ``alsoKnownAs``), removing it, and the move form's refusals, in English and Finnish."""

from __future__ import annotations

import html
from typing import Any

from porina.services import Services
from tests.factories import Factory
from tests.federation.conftest import peer_servers, peers, settings
from tests.federation.peers import BASE, Peer, remote_account
from tests.web.conftest import text_of

__all__ = ["peer_servers", "peers", "settings"]  # the loopback peers the page fetches from


async def test_aliases_and_moving_on_the_settings_page(
    services: Services, make: Factory, signed_in: Any, peers: tuple[Peer, Peer]
) -> None:
    near, _ = peers
    aino = await make.person("aino")
    await remote_account(services, near, "bo")
    browser = await signed_in(aino)
    page = await browser.get("/settings/moving")
    assert page.status_code == 200 and "No old accounts named yet." in text_of(page.text)
    added = await browser.post("/settings/moving/aliases", {"acct": near.actor("bo")})
    assert added.status_code == 303
    [alias] = (await aino.get("/api/porina/v1/aliases")).json()
    shown = html.unescape(text_of((await browser.get("/settings/moving?done=added")).text))
    assert f"@bo@{near.host}" in shown and "The old account was added." in shown
    unsure = await browser.post("/settings/moving/move", {"acct": near.actor("bo")})
    assert unsure.status_code == 422 and "Tick the box to move." in unsure.text
    local = await browser.post("/settings/moving/move", {"acct": f"{BASE}/users/aino", "sure": "1"})
    assert local.status_code == 422 and 'role="alert"' in local.text
    removed = await browser.post(f"/settings/moving/aliases/{alias['id']}/delete")
    assert removed.status_code == 303
    assert (await aino.get("/api/porina/v1/aliases")).json() == []


async def test_the_moving_page_refuses_in_finnish(
    services: Services, make: Factory, signed_in: Any, peers: tuple[Peer, Peer]
) -> None:
    aino = await make.person("aino", locale="fi")
    browser = await signed_in(aino)
    page = await browser.get("/settings/moving")
    assert "Tilin muutto" in page.text
    local = await browser.post("/settings/moving/move", {"acct": f"{BASE}/users/aino", "sure": "1"})
    assert local.status_code == 422 and "Kohdetiliin ei voi muuttaa" in html.unescape(local.text)


async def test_moving_to_a_local_account_and_the_cool_down_in_finnish(
    make: Factory, signed_in: Any, peers: tuple[Peer, Peer]
) -> None:
    aino = await make.person("aino", locale="fi")
    for name in ("aino2", "aino3"):
        new = await make.person(name)
        assert (await new.post("/api/porina/v1/aliases", json={"acct": "aino"})).status_code == 200
    browser = await signed_in(aino)
    moved = await browser.post("/settings/moving/move", {"acct": "aino2", "sure": "1"})
    assert moved.status_code == 303
    again = await browser.post("/settings/moving/move", {"acct": "aino3", "sure": "1"})
    assert again.status_code == 422
    assert "Tili muutti alle 30 päivää sitten" in html.unescape(again.text)
    assert "@aino2" in html.unescape(again.text)
