"""Accounts without a picture get a generated one (their initials on a colour from their id):
the API hands out a PNG that Mastodon apps can draw, pages use the SVG of the same URL, and
neither reads the database or changes for a given URL (cached for a year)."""

from __future__ import annotations

import io
from typing import Any

import httpx
from PIL import Image

from porina.accounts import avatars
from tests.factories import Factory


async def test_the_api_avatar_of_an_account_without_one_is_a_generated_png(
    make: Factory, client: httpx.AsyncClient
) -> None:
    alice = await make.person("alice")
    await alice.patch("/api/v1/accounts/update_credentials", data={"display_name": "Alice Aalto"})
    account = (await alice.get("/api/v1/accounts/verify_credentials")).json()
    assert account["avatar"] == account["avatar_static"]
    assert account["avatar"].endswith(f"/avatars/generated/{alice.id}-AA.png")
    path = "/" + account["avatar"].split("/", 3)[3]
    response = await client.get(path)
    assert response.status_code == 200
    assert response.headers["content-type"] == "image/png"
    assert "max-age=31536000" in response.headers["cache-control"]
    image = Image.open(io.BytesIO(response.content))
    assert image.size == (avatars.PNG_SIZE, avatars.PNG_SIZE)
    colours = {colour for _, colour in image.getcolors(maxcolors=100_000) or []}
    assert (255, 255, 255) in colours and len(colours) > 2  # white initials on a colour


async def test_pages_use_the_svg_and_different_accounts_differ(
    make: Factory, client: httpx.AsyncClient, signed_in: Any
) -> None:
    alice = await make.person("alice")
    await alice.status("hello from alice")
    bob = await make.person("bob")
    page = await (await signed_in(bob)).get("/@alice")
    assert f"/avatars/generated/{alice.id}-A.svg" in page.text
    svg = await client.get(f"/avatars/generated/{alice.id}-A.svg")
    assert svg.status_code == 200
    assert svg.headers["content-type"].startswith("image/svg+xml")
    assert ">A</text>" in svg.text
    palette = {avatars.colour(seed) for seed in range(1000, 1050)}
    assert len(palette) >= 8  # neighbouring ids get different colours


async def test_names_that_are_not_avatars_are_404(client: httpx.AsyncClient) -> None:
    for name in ("1-ABC.png", "x-A.png", "1-A.gif", "1-%3Cs%3E.svg", "1.png", "1-.png"):
        response = await client.get(f"/avatars/generated/{name}")
        assert response.status_code == 404, name


def test_initials() -> None:
    assert avatars.initials("Café Aurora", "cafe") == "CA"
    assert avatars.initials("", "ville") == "V"
    assert avatars.initials("  ", "ä_user") == "Ä"
    assert avatars.initials("🙂 Örö saari", "x") == "ÖS"
