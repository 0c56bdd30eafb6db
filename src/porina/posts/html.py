"""Status text -> HTML, the way Mastodon formats a local status.

Blank lines make paragraphs, single newlines ``<br>``; URLs, ``@mentions`` and ``#hashtags``
become links; everything else is escaped, and the result passes through ``nh3`` with a
strict allow-list. The module is pure: the caller resolves mentioned accounts (a database
lookup) and passes them in as ``Profile``s; mentions that name no known account stay text.

Character counting follows Mastodon's ``StatusLengthValidator``: every URL counts 23, a
mention counts only its ``@username`` part, and characters are Unicode code points (not
grapheme clusters, as recent Mastodon counts them: one base character with 400,000 combining
marks is one grapheme and 800 KB; see docs/decisions.md, "Status length in code points").
"""

from __future__ import annotations

import html as _html
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field

import nh3

URL_LENGTH = 23
DISPLAY_URL_CHARS = 30

USERNAME_PAT = r"[A-Za-z0-9_]+(?:[.-]+[A-Za-z0-9_]+)*"
DOMAIN_PAT = r"[A-Za-z0-9](?:[A-Za-z0-9.-]*[A-Za-z0-9])?(?::\d+)?"
URL_RE = re.compile(r"https?://[^\s<>\"'\u200b]+", re.IGNORECASE)
MENTION_RE = re.compile(rf"(?<![\w/@.])@(?P<user>{USERNAME_PAT})(?:@(?P<domain>{DOMAIN_PAT}))?")
HASHTAG_RE = re.compile(r"(?<![\w/)#])#(?P<tagname>\w*[^\W\d]\w*)")
TOKEN_RE = re.compile(
    rf"(?P<url>{URL_RE.pattern})|(?P<mention>{MENTION_RE.pattern})|(?P<tag>{HASHTAG_RE.pattern})",
    re.IGNORECASE,
)
_TRAILING = ".,:;!?'\""
_URL_PREFIX = re.compile(r"^https?://(?:www\.)?", re.IGNORECASE)

ALLOWED_TAGS = {"p", "br", "a", "span"}
ALLOWED_ATTRIBUTES = {
    "a": {"href", "rel", "class", "target", "translate"},
    "span": {"class", "translate"},
}
ALLOWED_CLASSES = {"h-card", "u-url", "mention", "hashtag", "invisible", "ellipsis"}


@dataclass(frozen=True, slots=True)
class Profile:
    """A mentioned account as the formatter needs it."""

    id: int
    username: str
    acct: str
    url: str
    group: bool = False
    """The account is a group's (``actor_type`` Group): mentioning it posts into the group."""


@dataclass(frozen=True, slots=True)
class Formatted:
    html: str
    mentions: list[Profile] = field(default_factory=list)
    tags: list[str] = field(default_factory=list)


@dataclass(frozen=True, slots=True)
class Token:
    kind: str  # "text", "url", "mention", "tag"
    raw: str
    name: str = ""
    domain: str | None = None


def _trim_url(url: str) -> str:
    while url and url[-1] in _TRAILING:
        url = url[:-1]
    while url.endswith(")") and url.count(")") > url.count("("):
        url = url[:-1]
    return url


def tokens(text: str) -> Iterator[Token]:
    """The text cut into plain runs, URLs, mentions and hashtags, in order."""
    pos = 0
    for match in TOKEN_RE.finditer(text):
        start = match.start()
        if start < pos:
            continue
        if match.group("url"):
            raw = _trim_url(match.group("url"))
            token = Token("url", raw)
        elif match.group("mention"):
            raw = match.group("mention")
            token = Token("mention", raw, match.group("user"), match.group("domain"))
        else:
            raw = match.group("tag")
            start = match.start("tag")
            token = Token("tag", raw, match.group("tagname"))
        if start > pos:
            yield Token("text", text[pos:start])
        yield token
        pos = start + len(raw)
    if pos < len(text):
        yield Token("text", text[pos:])


def has_link(text: str) -> bool:
    """Whether ``text`` holds an http(s) link, as ``render`` would make one."""
    return "http" in text.lower() and any(t.kind == "url" for t in tokens(normalize(text)))


def normalize(text: str) -> str:
    return text.replace("\r\n", "\n").replace("\r", "\n")


def mention_refs(text: str, local_domain: str) -> list[tuple[str, str | None]]:
    """``(username, domain)`` of each mention, lower-cased, local ones with domain None."""
    out: dict[tuple[str, str | None], None] = {}
    for token in tokens(normalize(text)):
        if token.kind == "mention":
            out[_key(token.name, token.domain, local_domain)] = None
    return list(out)


def tag_names(text: str) -> list[str]:
    """Hashtags as written (first spelling wins), without duplicates ignoring case."""
    seen: dict[str, str] = {}
    for token in tokens(normalize(text)):
        if token.kind == "tag":
            seen.setdefault(token.name.lower(), token.name)
    return list(seen.values())


def _key(username: str, domain: str | None, local_domain: str) -> tuple[str, str | None]:
    if domain is not None and domain.lower() == local_domain.lower():
        domain = None
    return username.lower(), (domain.lower() if domain else None)


def _esc(text: str) -> str:
    return _html.escape(text, quote=True)


def _link(url: str) -> str:
    prefix = _URL_PREFIX.match(url)
    head = prefix.group(0) if prefix else ""
    rest = url[len(head) :]
    shown, hidden = rest[:DISPLAY_URL_CHARS], rest[DISPLAY_URL_CHARS:]
    shown_class = ' class="ellipsis"' if hidden else ""
    return (
        f'<a href="{_esc(url)}" target="_blank" rel="nofollow noopener noreferrer" '
        f'translate="no"><span class="invisible">{_esc(head)}</span>'
        f"<span{shown_class}>{_esc(shown)}</span>"
        f'<span class="invisible">{_esc(hidden)}</span></a>'
    )


def _mention(profile: Profile) -> str:
    return (
        f'<span class="h-card" translate="no"><a href="{_esc(profile.url)}" '
        f'class="u-url mention">@<span>{_esc(profile.username)}</span></a></span>'
    )


def _hashtag(name: str, base_url: str) -> str:
    return (
        f'<a href="{_esc(base_url)}/tags/{_esc(name)}" class="mention hashtag" rel="tag">'
        f"#<span>{_esc(name)}</span></a>"
    )


def _inline(
    text: str,
    base_url: str,
    local_domain: str,
    profiles: Mapping[tuple[str, str | None], Profile],
    found: dict[int, Profile],
) -> str:
    parts: list[str] = []
    for token in tokens(text):
        if token.kind == "url":
            parts.append(_link(token.raw))
        elif token.kind == "mention":
            profile = profiles.get(_key(token.name, token.domain, local_domain))
            if profile is None:
                parts.append(_esc(token.raw))
            else:
                found.setdefault(profile.id, profile)
                parts.append(_mention(profile))
        elif token.kind == "tag":
            parts.append(_hashtag(token.name, base_url))
        else:
            parts.append(_esc(token.raw).replace("\n", "<br>"))
    return "".join(parts)


def _keep_class(tag: str, attr: str, value: str) -> str | None:
    if attr != "class":
        return value
    kept = [c for c in value.split() if c in ALLOWED_CLASSES]
    return " ".join(kept) if kept else None


def sanitize(html: str) -> str:
    """The final pass every status HTML goes through."""
    return nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes={"http", "https"},
        link_rel=None,
        strip_comments=True,
        attribute_filter=_keep_class,
    )


def render(
    text: str,
    *,
    base_url: str,
    local_domain: str,
    profiles: Mapping[tuple[str, str | None], Profile],
) -> Formatted:
    """HTML for ``text`` with the mentions that resolved and the hashtags it holds."""
    base = base_url.rstrip("/")
    body = normalize(text).strip()
    if not body:
        return Formatted("", [], [])
    found: dict[int, Profile] = {}
    paragraphs = [p.strip("\n") for p in re.split(r"\n{2,}", body)]
    html = "".join(
        f"<p>{_inline(p, base, local_domain, profiles, found)}</p>" for p in paragraphs if p
    )
    return Formatted(sanitize(html), list(found.values()), tag_names(body))


def countable(text: str) -> str:
    """The text as Mastodon counts it: URLs as 23 characters, mentions as ``@username``."""
    parts: list[str] = []
    for token in tokens(normalize(text)):
        if token.kind == "url":
            parts.append("x" * URL_LENGTH)
        elif token.kind == "mention":
            parts.append(f"@{token.name}")
        else:
            parts.append(token.raw)
    return "".join(parts)


def length(text: str, spoiler_text: str = "") -> int:
    """The length a status's limit applies to: code points of the content warning and of the
    countable text (an emoji with a skin tone is two, a ZWJ family five, ``e`` and a combining
    accent two)."""
    return len(spoiler_text) + len(countable(text))
