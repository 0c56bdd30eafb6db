"""Link preview cards: a status linking a page shows that page's card once the job has run.

The linked pages are served by a real HTTP server on 127.0.0.1 (``tests/http/server.py``),
reached through the guarded outbound client with that server allow-listed; everything else
private stays refused.
"""

from __future__ import annotations

import asyncio
import io
from typing import Any

import httpx
from PIL import Image
from sqlalchemy import func, select

from porina.http import OutboundLimits
from porina.jobs.models import Job
from porina.posts.card_models import PreviewCard
from porina.services import Services

from ..factories import Factory, Person
from ..http.server import Exchange, LocalServer, answer
from ..http.support import client_for
from ..support.openapi import assert_response

ARTICLE = b"""<!doctype html><html lang="fi"><head>
<meta charset="utf-8"><title>Plain title</title>
<meta property="og:title" content="Kahvilan uusi latte">
<meta property="og:description" content="Kaura ja kardemumma &amp; muuta.">
<meta property="og:site_name" content="Kahvila News">
<meta property="og:image" content="/latte.png">
<meta property="og:image:alt" content="A cup">
<meta property="article:published_time" content="2026-11-30T08:00:00Z">
<meta name="author" content="Aino">
</head><body><p>Hello</p></body></html>"""


def png(width: int = 900, height: int = 600) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (width, height), (200, 120, 40)).save(out, "PNG")
    return out.getvalue()


def html(body: bytes) -> Any:
    return answer(body, headers={"Content-Type": "text/html; charset=utf-8"})


def site(**extra: Any) -> LocalServer:
    routes = {
        "/article": html(ARTICLE),
        "/latte.png": answer(png(), headers={"Content-Type": "image/png"}),
        **extra,
    }
    return LocalServer(routes)


async def card_of(person: Person, status_id: str) -> Any:
    response = await person.get(f"/api/v1/statuses/{status_id}")
    body = assert_response(response, "/api/v1/statuses/{id}")
    return body["card"]


async def failed_jobs(services: Services) -> int:
    async with services.db.read() as session:
        return int(await session.scalar(select(func.count()).where(Job.state == "failed")) or 0)


async def test_a_status_linking_a_page_shows_its_card(
    make: Factory, services: Services, client: httpx.AsyncClient
) -> None:
    async with site() as server:
        services.outbound = client_for(server)
        alice = await make.person("alice")
        posted = await alice.status(f"Look: {server.url('/article')} #latte")
        card = await card_of(alice, posted["id"])
        assert card is not None
        assert card["url"] == server.url("/article")
        assert card["title"] == "Kahvilan uusi latte"
        assert card["description"] == "Kaura ja kardemumma & muuta."
        assert card["provider_name"] == "Kahvila News"
        assert card["type"] == "link"
        assert card["language"] == "fi"
        assert card["author_name"] == "Aino"
        assert card["authors"][0]["name"] == "Aino"
        assert card["image_description"] == "A cup"
        assert card["published_at"].startswith("2026-11-30T08:00:00")
        assert (card["width"], card["height"]) == (640, 427)
        assert card["blurhash"]
        image = await client.get(card["image"])
        assert image.status_code == 200
        assert Image.open(io.BytesIO(image.content)).size == (640, 427)
        bob = await make.person("bob")
        await bob.follow(alice)
        public = await client.get(f"/api/v1/accounts/{alice.id}/statuses")
        assert public.json()[0]["card"]["title"] == "Kahvilan uusi latte"
    assert await failed_jobs(services) == 0


async def test_a_status_rendered_before_its_card_arrived_shows_it_after(
    make: Factory, services: Services, client: httpx.AsyncClient
) -> None:
    async with site() as server:
        services.outbound = client_for(server)
        alice = await make.person("alice")
        hooks = list(client.event_hooks["response"])
        client.event_hooks["response"].clear()  # the card job waits until drained below
        try:
            posted = await alice.status(f"Look: {server.url('/article')}")
            assert await card_of(alice, posted["id"]) is None  # rendered and cached
            await services.runner.drain()
        finally:
            client.event_hooks["response"][:] = hooks
        assert (await card_of(alice, posted["id"]))["title"] == "Kahvilan uusi latte"
        home = assert_response(await alice.get("/api/v1/timelines/home"), "/api/v1/timelines/home")
        assert home[0]["card"]["title"] == "Kahvilan uusi latte"


async def test_statuses_linking_one_url_share_one_card_fetched_once(
    make: Factory, services: Services
) -> None:
    async with site() as server:
        services.outbound = client_for(server)
        alice = await make.person("alice")
        first = await alice.status(f"{server.url('/article')}")
        second = await alice.status(f"again {server.url('/article')}")
        assert (await card_of(alice, first["id"]))["title"] == "Kahvilan uusi latte"
        assert (await card_of(alice, second["id"]))["title"] == "Kahvilan uusi latte"
        pages = [r for r in server.requests if r.path == "/article"]
        assert len(pages) == 1
    async with services.db.read() as session:
        assert await session.scalar(select(func.count()).select_from(PreviewCard)) == 1


async def test_editing_the_link_changes_the_card_and_removing_it_drops_it(
    make: Factory, services: Services
) -> None:
    other = b"<html><head><title>Another page</title></head></html>"
    async with site(**{"/other": html(other)}) as server:
        services.outbound = client_for(server)
        alice = await make.person("alice")
        posted = await alice.status(f"{server.url('/article')}")
        assert (await card_of(alice, posted["id"]))["title"] == "Kahvilan uusi latte"
        edited = await alice.put(
            f"/api/v1/statuses/{posted['id']}", json={"status": f"{server.url('/other')}"}
        )
        assert edited.status_code == 200
        card = await card_of(alice, posted["id"])
        assert (card["title"], card["image"]) == ("Another page", None)
        plain = await alice.put(f"/api/v1/statuses/{posted['id']}", json={"status": "no link"})
        assert plain.status_code == 200
        assert await card_of(alice, posted["id"]) is None


async def test_mentions_hashtags_and_this_servers_pages_are_not_cards(
    make: Factory, services: Services
) -> None:
    async with site() as server:
        services.outbound = client_for(server)
        alice = await make.person("alice")
        await make.person("bob")
        posted = await alice.status(
            f"@bob #latte http://testserver.local/@bob then {server.url('/article')}"
        )
        assert (await card_of(alice, posted["id"]))["url"] == server.url("/article")


async def test_a_private_address_is_not_fetched_and_nothing_fails(
    make: Factory, services: Services
) -> None:
    async with site() as server:
        services.outbound = client_for()  # the local server is not allow-listed
        alice = await make.person("alice")
        first = await alice.status(f"{server.url('/article')}")
        second = await alice.status("http://10.0.0.1/admin and http://169.254.169.254/latest")
        assert await card_of(alice, first["id"]) is None
        assert await card_of(alice, second["id"]) is None
        assert server.requests == []
    assert await failed_jobs(services) == 0


async def test_a_huge_or_endless_page_gives_no_card(make: Factory, services: Services) -> None:
    huge = b"<html><head><title>" + b"x" * (2 * 1024 * 1024) + b"</title></head></html>"

    async def endless(exchange: Exchange) -> None:
        await exchange.head(200, {"Content-Type": "text/html"})
        await exchange.send(b"<html><head><title>Never ends")
        await asyncio.Event().wait()  # the client gives up; the server holds the line

    async with site(**{"/huge": html(huge), "/endless": endless}) as server:
        services.outbound = client_for(server, limits=OutboundLimits(total_timeout=0.5))
        alice = await make.person("alice")
        big = await alice.status(f"{server.url('/huge')}")
        slow = await alice.status(f"{server.url('/endless')}")
        assert await card_of(alice, big["id"]) is None
        assert await card_of(alice, slow["id"]) is None
    assert await failed_jobs(services) == 0


async def test_a_direct_message_link_is_never_fetched(make: Factory, services: Services) -> None:
    async with site() as server:
        services.outbound = client_for(server)
        alice = await make.person("alice")
        bob = await make.person("bob")
        dm = await alice.status(f"@bob secret {server.url('/article')}", visibility="direct")
        assert await card_of(bob, dm["id"]) is None
        assert server.requests == []


async def test_a_private_status_card_is_seen_only_with_the_status(
    make: Factory, services: Services
) -> None:
    async with site() as server:
        services.outbound = client_for(server)
        alice = await make.person("alice")
        follower = await make.person("follower")
        stranger = await make.person("stranger")
        await follower.follow(alice)
        posted = await alice.status(f"{server.url('/article')}", visibility="private")
        assert (await card_of(follower, posted["id"]))["title"] == "Kahvilan uusi latte"
        hidden = await stranger.get(f"/api/v1/statuses/{posted['id']}")
        assert hidden.status_code == 404
        assert "Kahvilan" not in hidden.text


async def test_an_oembed_video_keeps_only_its_https_iframe(
    make: Factory, services: Services
) -> None:
    embed = (
        b'{"type": "video", "title": "Latte art", "provider_name": "Tube", "width": 480,'
        b' "height": 270, "html": "<iframe src=\\"https://tube.example/embed/1\\" width=\\"480\\"'
        b' height=\\"270\\"></iframe><script>alert(1)</script>"}'
    )
    async with LocalServer({}) as server:
        page = (
            b'<html><head><title>Video</title><link rel="alternate" '
            b'type="application/json+oembed" href="/oembed?u=1"></head></html>'
        )
        server.routes = {
            "/watch": html(page),
            "/oembed": answer(embed, headers={"Content-Type": "application/json"}),
        }
        services.outbound = client_for(server)
        alice = await make.person("alice")
        posted = await alice.status(f"{server.url('/watch')}")
        card = await card_of(alice, posted["id"])
        assert (card["type"], card["title"], card["provider_name"]) == (
            "video",
            "Latte art",
            "Tube",
        )
        assert (card["width"], card["height"]) == (480, 270)
        assert card["html"].startswith('<iframe src="https://tube.example/embed/1"')
        assert "script" not in card["html"]


async def test_the_status_page_shows_the_card_in_the_readers_language(
    make: Factory, services: Services, client: httpx.AsyncClient
) -> None:
    async with site() as server:
        services.outbound = client_for(server)
        alice = await make.person("alice")
        posted = await alice.status(f"{server.url('/article')}")
        card = await card_of(alice, posted["id"])
        page = await client.get(f"/@alice/{posted['id']}", headers={"Accept-Language": "fi"})
        english = await client.get(f"/@alice/{posted['id']}", headers={"Accept-Language": "en"})
    assert page.status_code == english.status_code == 200
    assert 'aria-label="Linkin esikatselu"' in page.text
    assert 'aria-label="Link preview"' in english.text
    assert "Kahvilan uusi latte" in page.text
    assert "Kaura ja kardemumma &amp; muuta." in page.text
    assert f'src="{card["image"]}"' in page.text
    assert f'href="{server.url("/article")}"' in page.text
