"""``/api/v1/instance``, ``/api/v2/instance`` and friends."""

from __future__ import annotations

from typing import Any

from litestar import Request, get

from porina import __version__
from porina.api.mastodon.auth import services_of

MASTODON_COMPAT = "4.3.0"


def version_string() -> str:
    return f"{MASTODON_COMPAT} (compatible; Porina {__version__})"


@get(["/api/v2/instance"])
async def instance_v2(request: Request[Any, Any, Any]) -> dict[str, Any]:
    svc = services_of(request)
    s = svc.settings
    return {
        "domain": s.local_domain,
        "title": s.instance_title,
        "version": version_string(),
        "source_url": "https://example.invalid/porina",
        "api_versions": {"mastodon": 6},
    }


ROUTES = [instance_v2]
