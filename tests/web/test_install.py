"""The web app is installable: a manifest with icons (plain and maskable) that exist, linked from
every page with the Apple touch icon."""

from __future__ import annotations

import io

import httpx
from PIL import Image


async def test_the_manifest_makes_porina_installable(client: httpx.AsyncClient) -> None:
    reply = await client.get("/manifest.webmanifest")
    assert reply.status_code == 200
    assert reply.headers["content-type"].startswith("application/manifest+json")
    manifest = reply.json()
    assert manifest["name"] == manifest["short_name"] == "Porina"
    assert manifest["start_url"] == "/home" and manifest["display"] == "standalone"
    assert manifest["theme_color"].startswith("#") and manifest["background_color"].startswith("#")
    pngs = {
        (i["sizes"], i["purpose"]): i["src"] for i in manifest["icons"] if i["type"] == "image/png"
    }
    assert {("192x192", "any"), ("512x512", "any"), ("512x512", "maskable")} <= set(pngs)
    for (sizes, _), src in pngs.items():
        icon = await client.get(src)
        assert icon.status_code == 200 and icon.headers["content-type"] == "image/png"
        width, height = Image.open(io.BytesIO(icon.content)).size
        assert f"{width}x{height}" == sizes


async def test_every_page_links_the_manifest_and_the_touch_icon(client: httpx.AsyncClient) -> None:
    for path in ("/", "/auth/sign_in", "/about"):
        page = await client.get(path)
        assert '<link rel="manifest" href="/manifest.webmanifest">' in page.text, path
        assert '<link rel="apple-touch-icon" href="/static/icon-180.png">' in page.text, path
    touch = await client.get("/static/icon-180.png")
    assert Image.open(io.BytesIO(touch.content)).size == (180, 180)
