"""The remote media proxy (issue 20, point 5), against a real HTTP server on loopback: a
remote image comes back re-encoded by Porina, with safe headers, cached; a token Porina did
not sign, a page that is not an image, one too large, a decompression bomb and a domain the
admin suspended or took media from are all 404."""

from __future__ import annotations

import dataclasses
import io
import random
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler
from typing import Any

import httpx
import pytest
from PIL import Image

from porina.federation import domain_blocks, domains, media_proxy
from porina.services import Services
from porina.settings import Settings
from tests.federation.peers import loopback


def _png(size: tuple[int, int], mode: str = "RGBA") -> bytes:
    out = io.BytesIO()
    Image.new(mode, size, (200, 100, 50, 128) if mode == "RGBA" else 0).save(out, "PNG")
    return out.getvalue()


def _jpeg(size: tuple[int, int]) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, (10, 20, 30)).save(out, "JPEG")
    return out.getvalue()


def _noise(size: tuple[int, int]) -> bytes:
    """A real image too large for an emoji (noise does not compress)."""
    pixels = random.Random(7).randbytes(size[0] * size[1] * 3)
    out = io.BytesIO()
    Image.frombytes("RGB", size, pixels).save(out, "PNG")
    return out.getvalue()


FILES: dict[str, tuple[str, bytes]] = {
    "/cat.png": ("image/png", _png((40, 30))),
    "/wide.jpg": ("image/jpeg", _jpeg((3000, 1000))),
    "/page": ("text/html", b"<html>not an image</html>"),
    "/huge.jpg": ("image/jpeg", b"\xff" * (media_proxy.MAX_FETCH_BYTES + 10)),
    "/bomb.png": ("image/png", _png((8000, 8000), mode="1")),
    "/noise.png": ("image/png", _noise((400, 300))),
}


class Origin:
    def __init__(self) -> None:
        self.hits: list[str] = []
        self.down = False
        origin = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                origin.hits.append(self.path)
                media_type, body = FILES.get(self.path, ("text/plain", b""))
                self.send_response(500 if origin.down else 200)
                self.send_header("Content-Type", media_type)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args: Any) -> None:
                return

        self.server = loopback(Handler)

    @property
    def host(self) -> str:
        return f"127.0.0.1:{self.server.server_address[1]}"

    def url(self, path: str) -> str:
        return f"http://{self.host}{path}"


@pytest.fixture(scope="module")
def origin() -> Iterator[Origin]:
    server = Origin()
    yield server
    server.server.shutdown()


@pytest.fixture
def settings(settings: Settings, origin: Origin) -> Settings:
    origin.hits.clear()
    origin.down = False
    domains.forget()
    hosts = ",".join(filter(None, [settings.federation_allow_http_hosts, origin.host]))
    return dataclasses.replace(settings, federation_allow_http_hosts=hosts)


def local(settings: Settings, url: str, limits: media_proxy.Limits = media_proxy.MEDIA) -> str:
    return media_proxy.proxy_url(settings, url, limits).removeprefix(settings.base_url)


async def test_a_remote_image_is_served_reencoded_and_cached(
    client: httpx.AsyncClient, settings: Settings, origin: Origin
) -> None:
    path = local(settings, origin.url("/cat.png"))
    response = await client.get(path)
    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == "image/png"
    assert response.headers["x-content-type-options"] == "nosniff"
    assert "sandbox" in response.headers["content-security-policy"]
    image = Image.open(io.BytesIO(response.content))
    assert (image.format, image.size, image.mode) == ("PNG", (40, 30), "RGBA")
    origin.down = True  # the copy here is served without asking again
    again = await client.get(path)
    assert (again.status_code, again.content) == (200, response.content)
    assert origin.hits == ["/cat.png"]
    origin.down = False
    wide = await client.get(local(settings, origin.url("/wide.jpg")))
    assert wide.headers["content-type"] == "image/jpeg"
    assert Image.open(io.BytesIO(wide.content)).size == (media_proxy.MAX_SIDE, 683)


async def test_what_is_not_a_usable_image_is_404(
    client: httpx.AsyncClient, settings: Settings, origin: Origin
) -> None:
    for path in ("/page", "/huge.jpg", "/bomb.png", "/missing.png"):
        response = await client.get(local(settings, origin.url(path)))
        assert response.status_code == 404, path
        assert "error" in response.json()
    token = local(settings, origin.url("/cat.png")).rsplit("/", 1)[1]
    other = media_proxy.proxy_url(settings, origin.url("/wide.jpg")).rsplit("/", 1)[1]
    forged = token.split(".")[0] + "." + other.split(".")[1]
    for bad in (forged, "nothing", "a.b"):
        assert (await client.get(f"/media/proxy/{bad}")).status_code == 404
    assert "/cat.png" not in origin.hits


async def test_a_remote_custom_emoji_is_held_to_the_emoji_limits(
    client: httpx.AsyncClient, settings: Settings, origin: Origin
) -> None:
    emoji = media_proxy.EMOJI
    wide = await client.get(local(settings, origin.url("/wide.jpg"), emoji))
    assert wide.status_code == 200
    assert Image.open(io.BytesIO(wide.content)).size == (media_proxy.EMOJI_MAX_SIDE, 43)
    noise = local(settings, origin.url("/noise.png"))
    assert len(FILES["/noise.png"][1]) > media_proxy.EMOJI_MAX_BYTES
    assert (await client.get(noise)).status_code == 200  # as an attachment: fine
    assert (await client.get(local(settings, origin.url("/noise.png"), emoji))).status_code == 404
    assert (await client.get(f"{noise}.emoji")).status_code == 404  # not signed as an emoji
    page = await client.get(local(settings, origin.url("/page"), emoji))
    assert page.status_code == 404 and "error" in page.json()


@pytest.mark.parametrize(
    "fields", [{"severity": "suspend"}, {"severity": "noop", "reject_media": True}]
)
async def test_a_domain_the_admin_refuses_media_from_is_not_fetched(
    client: httpx.AsyncClient,
    services: Services,
    settings: Settings,
    origin: Origin,
    fields: dict[str, Any],
) -> None:
    async with services.db.transaction() as tx:
        await domain_blocks.create(tx, origin.host, domain_blocks.BlockFields(**fields))
    response = await client.get(local(settings, origin.url("/wide.jpg")))
    assert response.status_code == 404
    assert origin.hits == []


def test_the_cache_keeps_to_its_limit(tmp_path: Any) -> None:
    for n in range(5):
        (tmp_path / f"{n}.jpg").write_bytes(b"x" * 100)
    assert media_proxy.prune(tmp_path, 250) == 3
    assert len(list(tmp_path.iterdir())) == 2
