"""``POST /api/v1/statuses/:id/translate``: Porina has no translation service, so, as Mastodon
without one, the answer is 404 (``/api/v2/instance`` says ``translation.enabled: false`` and
``/api/v1/instance/translation_languages`` is empty)."""

from __future__ import annotations

from typing import Any

from litestar import Request, post

from porina.api.mastodon import auth
from porina.core.errors import NotFound


@post("/api/v1/statuses/{status_id:str}/translate", status_code=200)
async def translate(request: Request[Any, Any, Any], status_id: str) -> None:
    await auth.optional(request, "read:statuses")
    raise NotFound()


ROUTES = [translate]
