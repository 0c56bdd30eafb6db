"""oEmbed for public posts of this server; nothing for private posts, direct messages or
other addresses."""

from __future__ import annotations

import httpx

from ..factories import Factory
from ..support.openapi import assert_response

BASE = "http://testserver.local"


async def test_oembed_of_a_public_post_embeds_its_embed_view(
    make: Factory, client: httpx.AsyncClient
) -> None:
    alice = await make.person("alice", display_name="Alice A.")
    post = await alice.status("embed me")
    response = await client.get("/api/oembed", params={"url": f"{BASE}/@alice/{post['id']}"})
    body = assert_response(response, "/api/oembed")
    assert (body["type"], body["author_name"], body["width"]) == ("rich", "Alice A.", 400)
    src = f"{BASE}/@alice/{post['id']}/embed"
    assert f'src="{src}"' in body["html"]
    assert (await client.get(src.removeprefix(BASE))).status_code == 200
    by_uri = await client.get("/api/oembed", params={"url": post["uri"], "maxwidth": "300"})
    assert by_uri.status_code == 200 and by_uri.json()["width"] == 300


async def test_no_oembed_for_private_direct_or_foreign_addresses(
    make: Factory, client: httpx.AsyncClient
) -> None:
    alice = await make.person("alice")
    await make.person("bob")
    private = await alice.status("mine", visibility="private")
    direct = await alice.status("@bob hi", visibility="direct")
    public = await alice.status("public")
    for url in (
        f"{BASE}/@alice/{private['id']}",
        f"{BASE}/@alice/{direct['id']}",
        f"{BASE}/@bob/{public['id']}",
        f"https://elsewhere.example/@alice/{public['id']}",
        f"{BASE}/about",
        "",
    ):
        response = await client.get("/api/oembed", params={"url": url})
        assert (response.status_code, response.json()) == (404, {"error": "Record not found"}), url


async def test_the_link_timeline_knows_no_trending_link(make: Factory) -> None:
    alice = await make.person("alice")
    await alice.status("read https://example.com/story")
    assert (await alice.get("/api/v1/trends/links")).json() == []
    response = await alice.get(
        "/api/v1/timelines/link", params={"url": "https://example.com/story"}
    )
    assert (response.status_code, response.json()) == (404, {"error": "Record not found"})
