"""The web app as an installable app: ``/manifest.webmanifest`` (W3C Web App Manifest) with the
icons drawn by scripts/app-icons.py from static/favicon.svg's mark."""

from __future__ import annotations

from typing import Any

from litestar import Response, get

MANIFEST_TYPE = "application/manifest+json"

_ICONS = [
    {"src": "/static/icon-192.png", "sizes": "192x192", "type": "image/png", "purpose": "any"},
    {"src": "/static/icon-512.png", "sizes": "512x512", "type": "image/png", "purpose": "any"},
    {
        "src": "/static/icon-maskable-512.png",
        "sizes": "512x512",
        "type": "image/png",
        "purpose": "maskable",
    },
    {"src": "/static/favicon.svg", "sizes": "any", "type": "image/svg+xml", "purpose": "any"},
]


def manifest() -> dict[str, Any]:
    """Colours are porina.css's light tokens (the bar takes the mark's colour)."""
    return {
        "name": "Porina",
        "short_name": "Porina",
        "id": "/home",
        "start_url": "/home",
        "scope": "/",
        "display": "standalone",
        "background_color": "#f4f5f7",
        "theme_color": "#2b5f75",
        "icons": _ICONS,
    }


@get("/manifest.webmanifest", name="web:manifest")
async def web_manifest() -> Response[dict[str, Any]]:
    return Response(manifest(), media_type=MANIFEST_TYPE)


ROUTES = [web_manifest]
