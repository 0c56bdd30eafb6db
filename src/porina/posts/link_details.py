"""What a linked page says about itself: OpenGraph, Twitter and HTML ``<head>`` tags, and an
oEmbed endpoint it advertises (Mastodon's ``LinkDetailsExtractor`` and ``FetchOEmbedService``,
in their plainer parts). Pure functions of the bytes; ``posts/cards.py`` does the fetching.

Only the document's head is read (the tags live there; a page's body can be megabytes), with
the standard library's tolerant HTML parser, so a broken page gives what it can and never an
error.
"""

from __future__ import annotations

import codecs
import re
from dataclasses import dataclass, field
from datetime import datetime
from html import escape
from html.parser import HTMLParser
from typing import Any
from urllib.parse import urljoin, urlsplit

import nh3

HEAD_LIMIT = 256 * 1024
"""Characters of a page read at most when it has no ``</head>``."""
TEXT_LIMIT = 2000
"""Longest title, description or name kept (characters)."""
OEMBED_TYPES = ("application/json+oembed", "text/json+oembed")
_HEAD_END = re.compile(r"</head\s*>|<body[\s>]", re.IGNORECASE)
_SPACE = re.compile(r"\s+")
_CHARSET = re.compile(r"charset\s*=\s*[\"']?([A-Za-z0-9_.:-]+)", re.IGNORECASE)


@dataclass
class Details:
    """A page's card, as far as its tags tell it (Mastodon's ``PreviewCard`` fields)."""

    url: str
    type: str = "link"
    title: str = ""
    description: str = ""
    author_name: str = ""
    author_url: str = ""
    provider_name: str = ""
    provider_url: str = ""
    html: str = ""
    width: int = 0
    height: int = 0
    embed_url: str = ""
    image_url: str | None = None
    image_description: str = ""
    language: str | None = None
    published_at: datetime | None = None
    oembed_url: str | None = None
    """An oEmbed (JSON) endpoint the page advertises, to be asked next."""
    authors: list[dict[str, Any]] = field(default_factory=list)

    @property
    def usable(self) -> bool:
        """Mastodon keeps a card only with a title or embed HTML."""
        return bool(self.title.strip() or self.html)


class _Head(HTMLParser):
    """Collects ``<meta>``, ``<link rel=alternate>``, ``<title>`` and ``<html lang>``."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.meta: dict[str, str] = {}
        self.title: list[str] = []
        self.in_title = False
        self.lang: str | None = None
        self.oembed: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = {k.lower(): (v or "") for k, v in attrs}
        if tag == "html" and values.get("lang"):
            self.lang = values["lang"]
        elif tag == "title":
            self.in_title = True
        elif tag == "meta":
            content = values.get("content", "")
            for key in (values.get("property", ""), values.get("name", "")):
                for name in key.lower().split():
                    self.meta.setdefault(name, content)
        elif (
            tag == "link"
            and "alternate" in values.get("rel", "").lower().split()
            and values.get("type", "").lower() in OEMBED_TYPES
            and values.get("href")
        ):
            self.oembed = self.oembed or values["href"]

    def handle_endtag(self, tag: str) -> None:
        if tag == "title":
            self.in_title = False

    def handle_data(self, data: str) -> None:
        if self.in_title:
            self.title.append(data)


def _clean(value: str | None, limit: int = TEXT_LIMIT) -> str:
    return _SPACE.sub(" ", value or "").strip()[:limit]


def _http_url(base: str, value: str | None) -> str:
    """``value`` made absolute against ``base``, or "" unless it is http(s)."""
    if not value:
        return ""
    try:
        joined = urljoin(base, value.strip())
        parts = urlsplit(joined)
    except ValueError:
        return ""
    return joined if parts.scheme in ("http", "https") and parts.hostname else ""


def _int(value: object) -> int:
    try:
        number = int(str(value).strip())
    except (TypeError, ValueError):
        return 0
    return number if 0 <= number <= 100_000 else 0


def _moment(value: str | None) -> datetime | None:
    if not value:
        return None
    try:
        found = datetime.fromisoformat(value.strip().replace("Z", "+00:00"))
    except ValueError:
        return None
    return found if found.tzinfo is not None and 1970 <= found.year <= 2999 else None


def _language(value: str | None) -> str | None:
    code = (value or "").strip().replace("_", "-").split("-")[0].lower()
    return code if code.isalpha() and 2 <= len(code) <= 3 else None


def head_of(page: str) -> str:
    end = _HEAD_END.search(page, 0, HEAD_LIMIT)
    return page[: end.start()] if end else page[:HEAD_LIMIT]


def from_html(url: str, page: str) -> Details:
    """The card ``page`` (the HTML at ``url``) describes; ``usable`` says if there is one."""
    parser = _Head()
    try:
        parser.feed(head_of(page))
        parser.close()
    except (AssertionError, ValueError):  # the parser gives up on some broken markup
        pass
    meta = parser.meta
    found = Details(url=url)
    found.title = _clean(meta.get("og:title") or meta.get("twitter:title") or "".join(parser.title))
    found.description = _clean(
        meta.get("og:description") or meta.get("twitter:description") or meta.get("description")
    )
    found.image_url = _http_url(url, meta.get("og:image") or meta.get("twitter:image")) or None
    found.image_description = _clean(meta.get("og:image:alt") or meta.get("twitter:image:alt"))
    found.provider_name = _clean(meta.get("og:site_name"))
    found.author_name = _clean(meta.get("author") or meta.get("article:author"), 255)
    creator = _clean(meta.get("fediverse:creator"), 255)
    if found.author_name or creator:
        found.authors = [{"name": found.author_name or creator, "url": "", "account": None}]
    found.published_at = _moment(meta.get("article:published_time"))
    found.language = _language(meta.get("og:locale") or parser.lang)
    found.oembed_url = _http_url(url, parser.oembed) or None
    player = _http_url(url, meta.get("twitter:player"))
    if player.startswith("https://"):
        found.type = "video"
        found.width = _int(meta.get("twitter:player:width"))
        found.height = _int(meta.get("twitter:player:height"))
        found.html = oembed_html(
            f'<iframe src="{escape(player)}" width="{found.width}" height="{found.height}" '
            'frameborder="0" allowfullscreen></iframe>'
        )
    return found


def read_page(url: str, content: bytes, content_type: str) -> Details:
    """``from_html`` of a page's bytes, decoded by the charset its header names, else the
    one its ``<meta>`` declares, else UTF-8."""
    return from_html(url, content.decode(_charset(content, content_type), "replace"))


def _charset(content: bytes, content_type: str) -> str:
    declared = _CHARSET.search(content_type)
    if declared is None:
        declared = _CHARSET.search(content[:2048].decode("ascii", "replace"))
    if declared is not None:
        try:
            return codecs.lookup(declared.group(1)).name
        except LookupError:
            pass
    return "utf-8"


def oembed_html(html: str) -> str:
    """A video provider's embed, kept only as an https ``<iframe>`` (what Mastodon keeps)."""
    return nh3.clean(
        html,
        tags={"iframe"},
        attributes={"iframe": {"src", "width", "height", "allowfullscreen", "frameborder"}},
        url_schemes={"https"},
        link_rel=None,
    )


def with_oembed(found: Details, embed: object, endpoint: str) -> Details:
    """``found`` completed from an oEmbed answer (photo, video or link; "rich" embeds run
    scripts and are not kept, as Mastodon)."""
    if not isinstance(embed, dict) or embed.get("type") not in ("photo", "video", "link"):
        return found
    kind = str(embed["type"])
    title = _clean(str(embed.get("title") or "")) or found.title
    extra: dict[str, Any] = {
        "title": title,
        "author_name": _clean(str(embed.get("author_name") or ""), 255),
        "author_url": _http_url(endpoint, str(embed.get("author_url") or "")),
        "provider_name": _clean(str(embed.get("provider_name") or ""), 255) or found.provider_name,
        "provider_url": _http_url(endpoint, str(embed.get("provider_url") or "")),
    }
    thumbnail = _http_url(endpoint, str(embed.get("thumbnail_url") or "")) or found.image_url
    if kind == "photo":
        photo = _http_url(endpoint, str(embed.get("url") or ""))
        if not photo:
            return found
        extra.update(embed_url=photo, width=_int(embed.get("width")))
        extra.update(height=_int(embed.get("height")))
        thumbnail = photo
    elif kind == "video":
        html = oembed_html(str(embed.get("html") or ""))
        if "<iframe" not in html:
            return found
        extra.update(html=html, width=_int(embed.get("width")), height=_int(embed.get("height")))
    result = Details(**{**found.__dict__, **extra, "type": kind, "image_url": thumbnail})
    if result.author_name:
        result.authors = [{"name": result.author_name, "url": result.author_url, "account": None}]
    return result
