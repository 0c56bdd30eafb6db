"""The Jinja environment of the pages: i18n (``web.i18n``) and the filters templates use."""

from __future__ import annotations

from typing import Any

import nh3
from markupsafe import Markup

from porina.web import i18n, icons

# What a post's HTML may contain when shown (defence in depth: posts are sanitized when
# written; this makes a page safe even if a stored body is not).
TAGS = {
    "p",
    "br",
    "a",
    "span",
    "strong",
    "em",
    "b",
    "i",
    "u",
    "del",
    "s",
    "code",
    "pre",
    "blockquote",
    "ul",
    "ol",
    "li",
}
ATTRIBUTES = {"a": {"href", "class", "title"}, "span": {"class"}}


def sanitize(html: str | None) -> Markup:
    cleaned = nh3.clean(html or "", tags=TAGS, attributes=ATTRIBUTES, link_rel="nofollow noopener")
    return Markup(cleaned)


def configure_engine(engine: Any) -> None:
    """``TemplateConfig(engine_callback=...)``: Litestar's Jinja engine exposes ``.engine``."""
    env = engine.engine
    i18n.install(env)
    env.filters["sanitize"] = sanitize
    env.filters["avatar_src"] = icons.avatar_src
    env.globals["icon"] = icons.icon
    env.globals["own_avatar"] = icons.own_avatar
    env.globals["sprite_url"] = icons.sprite_url
