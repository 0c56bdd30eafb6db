"""The signed-in home page's shell, rendered once per what it shows and kept (issue 14, ``/home``).

Around the posts, ``pages/timeline.html`` renders ``base.html`` (navigation, header tools,
tab bar, dialogs) and the side column's composer for every request: about half of a warm
page's CPU. Almost all of it is the same for every reader; what is the reader's own is
written into slots of the kept shell on each answer:

- the reader's name (the profile links of the navigation and the tab bar) and picture;
- the CSRF token (``page_cache.PLACEHOLDER``, as in the posts' kept HTML);
- the posts (each already kept per reader, ``reader_fragments``) and the "Older posts" link.

Everything else the shell shows is the shell's key: the language, the theme, the address
(path and query: the forms' ``next``), the count of follow requests waiting and the reader's
default visibility (the composer's choice). A page the shell does not cover goes the
complete way: an htmx request, a reader acting as a brand (the acting banner), a reader
whose e-mail address is not confirmed (the notice), an empty home (the welcome panel).
The shell is rendered with a stand-in reader that carries only those values (slots as its
name and picture), so nothing else of one reader can reach another's page.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from litestar import Request
from litestar.enums import MediaType
from litestar.response import Response
from litestar.utils.scope.state import ScopeState
from markupsafe import Markup, escape

from porina.render.status_cache import Bounded
from porina.web import i18n, icons
from porina.web.common import Me, is_htmx
from porina.web.page_cache import PLACEHOLDER, Key
from porina.web.reader_fragments import CSRF_PLACEHOLDER

SIZE = 256
"""Shells kept per process (about 25 KB each)."""
TEMPLATE = "pages/timeline.html"
NAME, PICTURE, MORE = "porinashellname7f3a", "porinashellpicture7f3a", "porinashellmore7f3a"
FIRST, SECOND = "porinashellfirst7f3a", "porinashellsecond7f3a"
SLOTS = (PLACEHOLDER, NAME, PICTURE, MORE)


@dataclass(frozen=True)
class _User:
    """What the shell reads of the reader's user row: confirmed (or the complete way) and
    the composer's default visibility."""

    settings: dict[str, Any]
    confirmed_at: bool = True


@dataclass(frozen=True)
class _Account:
    username: str = NAME


@dataclass(frozen=True)
class _Reader:
    """The stand-in ``me`` the shell is rendered for (``web.common.Me``'s shape)."""

    user: _User
    pending_requests: int
    account: _Account = field(default_factory=_Account)
    role: None = None
    own: None = None


@dataclass(frozen=True)
class Shell:
    """A kept shell: its text cut at the slots (``parts[i]`` then ``slots[i]``), the posts
    between ``head`` and ``tail`` joined by ``between``."""

    head: tuple[bytes, ...]
    head_slots: tuple[str, ...]
    between: bytes
    tail: tuple[bytes, ...]
    tail_slots: tuple[str, ...]


KEPT: Bounded[Key, Shell] = Bounded(SIZE)


def _privacy(me: Me) -> str | None:
    chosen = (me.user.settings or {}).get("privacy")
    return str(chosen) if chosen else None


def shell_key(request: Request[Any, Any, Any], me: Me, more: bool) -> Key:
    theme = request.cookies.get("theme", "")
    return (
        i18n.current(),
        theme if theme in ("light", "dark") else "",
        request.url.path,
        request.url.query,
        me.pending_requests,
        _privacy(me),
        more,
    )


def covers(request: Request[Any, Any, Any], me: Me, items: Sequence[Any]) -> bool:
    """Whether the kept shell can show this page (see the module)."""
    return (
        bool(items)
        and not is_htmx(request)
        and me.role is None
        and me.own is None
        and me.user.confirmed_at is not None
    )


def _cut(text: str) -> tuple[tuple[bytes, ...], tuple[str, ...]]:
    """``text`` cut at each of ``SLOTS``, in the order they appear, as UTF-8."""
    parts: list[bytes] = []
    slots: list[str] = []
    rest = text
    while True:
        found = [(rest.find(slot), slot) for slot in SLOTS if slot in rest]
        if not found:
            parts.append(rest.encode())
            return tuple(parts), tuple(slots)
        at, slot = min(found)
        parts.append(rest[:at].encode())
        slots.append(slot)
        rest = rest[at + len(slot) :]


def _render(request: Request[Any, Any, Any], me: Me, more: bool, title: str) -> Shell:
    engine: Any = request.app.template_engine
    stand_in = _Reader(_User({"privacy": _privacy(me)}), me.pending_requests)
    context = {
        "me": stand_in,
        "lang": i18n.current(),
        "path": request.url.path,
        "request": request,
        "csrf_input": CSRF_PLACEHOLDER,
        "own_avatar": lambda _: PICTURE,
        "title": title,
        "statuses": [None, None],
        "fragments": [Markup(FIRST), Markup(SECOND)],
        "more": MORE if more else None,
        "live": True,
        "welcome": None,
    }
    text = str(engine.get_template(TEMPLATE).render(**context))
    head, rest = text.split(FIRST)
    between, tail = rest.split(SECOND)
    head_parts, head_slots = _cut(head)
    tail_parts, tail_slots = _cut(tail)
    return Shell(head_parts, head_slots, between.encode(), tail_parts, tail_slots)


def _fill(
    out: list[bytes], parts: tuple[bytes, ...], slots: tuple[str, ...], values: dict[str, bytes]
) -> None:
    """``parts`` with each slot's value between them, onto ``out``."""
    for at, part in enumerate(parts):
        out.append(part)
        if at < len(slots):
            out.append(values[slots[at]])


def page(
    request: Request[Any, Any, Any],
    me: Me,
    title: str,
    posts: Sequence[Sequence[bytes]],
    more: str | None,
) -> Response[bytes]:
    """The home page: the kept shell (rendered and kept when missing) around ``posts``, each
    a post's UTF-8 HTML cut at the CSRF token's place (``reader_fragments.row_fragments``),
    joined once as bytes."""
    key = shell_key(request, me, more is not None)
    shell = KEPT.get(key)
    if shell is None:
        shell = _render(request, me, more is not None, title)
        KEPT.put(key, shell)
    state_token = ScopeState.from_scope(request.scope).csrf_token
    token = str(escape(state_token if isinstance(state_token, str) else "")).encode()
    values = {
        PLACEHOLDER: token,
        NAME: str(escape(me.account.username)).encode(),
        PICTURE: str(escape(icons.own_avatar(me.account))).encode(),
        MORE: str(escape(more or "")).encode(),
    }
    out: list[bytes] = []
    _fill(out, shell.head, shell.head_slots, values)
    for at, parts in enumerate(posts):
        if at:
            out.append(shell.between)
        out.append(token.join(parts))
    _fill(out, shell.tail, shell.tail_slots, values)
    return Response(b"".join(out), media_type=MediaType.HTML)
