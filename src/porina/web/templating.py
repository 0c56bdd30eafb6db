"""The Jinja environment of the pages: i18n (``web.i18n``) and the filters templates use."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta
from functools import lru_cache
from typing import Any

import nh3
from markupsafe import Markup, escape

from porina.core.clock import iso, now
from porina.web import fixed_texts, i18n, icons

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
    return _sanitized(html or "")


@lru_cache(maxsize=4096)
def _sanitized(html: str) -> Markup:
    """A body's cleaning is kept (``nh3.clean``: about 40 us a post): the same post is shown
    on a profile, a timeline, a hashtag page and to each signed-in reader."""
    cleaned = nh3.clean(html, tags=TAGS, attributes=ATTRIBUTES, link_rel="nofollow noopener")
    return Markup(cleaned)


RELATIVE_FOR = timedelta(days=7)
"""How long a time reads as relative (``5 minutes ago``); further away it is a date."""


def _ago(value: datetime) -> str:
    if abs(now() - value) < RELATIVE_FOR:
        return i18n.fmt_ago(value)
    return i18n.fmt_date(value)


# A time's text as the server writes it (UTC; what a reader without JavaScript sees);
# static/time.js rewrites it in the page's language and the browser's time zone.
TIME_STYLES: dict[str, Callable[[datetime], str]] = {
    "short": i18n.fmt_ago_short,  # a post header: 5m, 3h, 2d, then the date
    "ago": _ago,  # 5 minutes ago, then the date
    "datetime": i18n.fmt_datetime,  # Dec 4, 2026, 2:56:00 PM
    "long": lambda value: i18n.fmt_datetime(value, "long"),  # a post's own page
}


def time_tag(value: i18n.Moment, style: str = "ago", css: str = "") -> Markup:
    """``<time datetime="2026-12-04T14:56:00.000Z" data-time="ago" title="…">``: a moment
    in one of ``TIME_STYLES``; the title is the absolute time. Empty for no moment."""
    found = i18n.moment(value)
    if found is None:
        return Markup("")
    text = TIME_STYLES[style](found)
    title = i18n.fmt_datetime(found, "long")
    css_attr = f' class="{escape(css)}"' if css else ""
    return Markup(
        f'<time{css_attr} datetime="{escape(iso(found))}" data-time="{escape(style)}"'
        f' title="{escape(title)}">{escape(text)}</time>'
    )


def configure_engine(engine: Any) -> None:
    """``TemplateConfig(engine_callback=...)``: Litestar's Jinja engine exposes ``.engine``."""
    env = engine.engine
    # Templates are read once per process, like the code: with Jinja's default every
    # ``{% include %}`` (two a post) stats its file to see whether it changed.
    env.auto_reload = False
    i18n.install(env)
    env.filters["sanitize"] = sanitize
    env.filters["avatar_src"] = icons.avatar_src
    env.filters["time_tag"] = time_tag
    env.globals["icon"] = icons.icon
    env.globals["ICON"] = icons.ICON
    env.globals["T"] = fixed_texts.T
    env.globals["own_avatar"] = icons.own_avatar
    env.globals["sprite_url"] = icons.sprite_url
