"""Custom emoji both ways, as Mastodon federates them: ``Emoji`` tags.

- Incoming: the ``Emoji`` tags of a Note (``received``) are kept with the status
  (``Status.emojis``: shortcode and image URL, only those whose ``:shortcode:`` the text
  uses) and rendered in the Mastodon API's ``emojis``; the image stays on its server.
- Outgoing: a local post whose text uses ``:shortcode:`` of this server's custom emoji
  (``custom_emojis`` rows without a domain) carries their ``Emoji`` tags (``tags_for``).
"""

from __future__ import annotations

import mimetypes
import re
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from porina.core.clock import iso
from porina.posts.models import CustomEmoji

SHORTCODE_RE = re.compile(r"[a-zA-Z0-9_]{2,64}")
IN_TEXT_RE = re.compile(r":([a-zA-Z0-9_]{2,64}):")
MAX_EMOJI = 50
MAX_URL = 2048


def _icon_url(icon: Any) -> str | None:
    if isinstance(icon, list):
        icon = icon[0] if icon else None
    url = icon.get("url") if isinstance(icon, dict) else icon
    if isinstance(url, dict):
        url = url.get("href")
    if not isinstance(url, str) or len(url) > MAX_URL:
        return None
    return url if url.startswith(("https://", "http://")) else None


def used(*texts: str) -> set[str]:
    """The shortcodes that ``texts`` write as ``:shortcode:``."""
    return {code for text in texts for code in IN_TEXT_RE.findall(text)}


def received(obj: dict[str, Any], *texts: str) -> list[dict[str, Any]]:
    """The custom emoji of a Note or an actor, as the API's ``CustomEmoji`` (the remote
    image URL), only those ``texts`` use."""
    tags = obj.get("tag")
    wanted = used(*texts)
    out: dict[str, dict[str, Any]] = {}
    for tag in tags[:200] if isinstance(tags, list) else []:
        if not isinstance(tag, dict) or tag.get("type") != "Emoji":
            continue
        name = tag.get("name")
        code = name.strip(":") if isinstance(name, str) else ""
        url = _icon_url(tag.get("icon"))
        if url is None or not SHORTCODE_RE.fullmatch(code) or code not in wanted:
            continue
        out.setdefault(
            code, {"shortcode": code, "url": url, "static_url": url, "visible_in_picker": False}
        )
    return list(out.values())[:MAX_EMOJI]


def image_url(base: str, row: CustomEmoji) -> str:
    return row.image_remote_url or f"{base}/media/{row.image_path}"


def tag(base: str, row: CustomEmoji) -> dict[str, Any]:
    """A local custom emoji as an ``Emoji`` tag (Mastodon's shape)."""
    url = image_url(base, row)
    return {
        "id": f"{base}/emojis/{row.id}",
        "type": "Emoji",
        "name": f":{row.shortcode}:",
        "updated": iso(row.created_at),
        "icon": {"type": "Image", "mediaType": mimetypes.guess_type(url)[0], "url": url},
    }


async def tags_for(session: AsyncSession, base: str, *texts: str) -> list[dict[str, Any]]:
    """The ``Emoji`` tags for the local custom emoji ``texts`` use (no query when none)."""
    codes = used(*texts)
    if not codes:
        return []
    rows = await session.scalars(
        select(CustomEmoji)
        .where(CustomEmoji.domain.is_(None), CustomEmoji.shortcode.in_(sorted(codes)))
        .order_by(CustomEmoji.shortcode)
    )
    return [tag(base, row) for row in rows]
