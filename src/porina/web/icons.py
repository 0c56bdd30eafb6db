"""Icons and generated avatars in templates.

``icon("heart")`` draws a Lucide icon from the vendored sprite
(``static/vendor/icons/sprite.svg``, built by ``npm run vendor``): an inline ``<svg>`` that
``<use>``s the sprite, hidden from assistive technology (the control around it carries the
name). The sprite's URL carries a hash of its bytes, so browsers cache it until it changes.

``avatar_src(url)`` turns a generated avatar's PNG URL (what the API hands out) into its SVG,
which pages prefer; any other URL is returned as it is.
"""

from __future__ import annotations

import hashlib
import re
from functools import lru_cache
from pathlib import Path
from typing import Any

from markupsafe import Markup

from porina.accounts.avatars import PREFIX, path_for

SPRITE = Path(__file__).parent / "static" / "vendor" / "icons" / "sprite.svg"
NAMES = re.compile(r'<symbol id="([a-z0-9-]+)"')


@lru_cache(maxsize=1)
def sprite() -> tuple[str, frozenset[str]]:
    """The sprite's versioned URL and the icon names in it."""
    data = SPRITE.read_bytes()
    version = hashlib.sha256(data).hexdigest()[:10]
    names = frozenset(NAMES.findall(data.decode()))
    return f"/static/vendor/icons/sprite.svg?v={version}", names


def icon(name: str, extra: str = "") -> Markup:
    url, names = sprite()
    if name not in names:
        raise KeyError(f"icon {name!r} is not in the sprite (scripts/icon-sprite.mjs)")
    css = f"icon {extra}".strip()
    return Markup(
        f'<svg class="{css}" aria-hidden="true" focusable="false" width="20" height="20">'
        f'<use href="{url}#{name}"></use></svg>'
    )


class Icons:
    """``ICON["heart"]``: ``icon("heart")`` drawn once per name (a template global: a
    lookup, not a call through Jinja's context, for the ten icons of each post)."""

    def __init__(self) -> None:
        self._drawn: dict[str, Markup] = {}

    def __getitem__(self, name: str) -> Markup:
        found = self._drawn.get(name)
        if found is None:
            try:
                found = self._drawn[name] = icon(name)
            except KeyError as missing:  # Jinja would show a missing key as nothing
                raise ValueError(str(missing)) from None
        return found


ICON = Icons()


def sprite_url() -> str:
    return sprite()[0]


def avatar_src(url: str | None) -> str:
    if url and PREFIX in url and url.endswith(".png"):
        return url[:-4] + ".svg"
    return url or ""


def own_avatar(account: Any) -> str:
    """The picture of a signed-in person's account (a model row, not an entity)."""
    if account.avatar_remote_url:
        return str(account.avatar_remote_url)
    if account.avatar_path:
        return f"/media/{account.avatar_path}"
    return avatar_src(path_for(account.id, account.display_name or "", account.username))
