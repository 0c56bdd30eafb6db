"""What every page handler shares: who is reading, in which language, and how a page is drawn.

Handlers start with ``me = await reader(request)`` (anyone) or ``await signed_in(request)``
(redirects to sign-in), which also chooses the language for the rest of the request. They end
with ``render(request, "template.html", ...)``; an htmx request gets the ``fragment`` template
instead when one is named.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote

from litestar import Request, Response
from litestar.datastructures import Cookie
from litestar.enums import ScopeType
from litestar.exceptions import HTTPException
from litestar.response import Redirect, Template
from litestar.status_codes import HTTP_303_SEE_OTHER
from litestar.types import ASGIApp, Receive, Scope, Send
from sqlalchemy.ext.asyncio import AsyncSession

from porina.accounts.models import Account, User
from porina.accounts.queries import follow_requests_count
from porina.core import inputs
from porina.core.actor import Actor
from porina.core.errors import Unprocessable
from porina.core.ids import parse_id
from porina.interactions.viewer import viewer_state
from porina.posts.queries import Bundle
from porina.render import entities as e
from porina.render.quotes import render_bundles
from porina.render.renderer import Renderer
from porina.web import acting, i18n, sessions
from porina.web.groups_audience import group_audience
from porina.web.runtime import services

STATE_LOCALE = "porina_locale"


@dataclass(frozen=True, slots=True)
class Me:
    """The signed-in person and the account they act as."""

    user: User
    account: Account
    # Follow requests waiting for approval (counted for locked accounts only; see ``reader``).
    pending_requests: int = 0
    # Acting as a brand (web/acting.py): the person's own account, and their role on ``account``.
    own: Account | None = None
    role: str | None = None

    @property
    def id(self) -> int:
        return self.account.id

    @property
    def actor(self) -> Actor:
        return Actor(
            self.account.id, self.user.id, operated=self.account.id != self.user.account_id
        )


class SignInRequired(HTTPException):
    """Raised by ``signed_in``; the error handler answers with a redirect to the sign-in page."""

    status_code = 401
    detail = "Sign in required"


def choose_locale(request: Request[Any, Any, Any], user: User | None) -> str:
    locale = i18n.choose(
        user.locale if user is not None else None,
        request.cookies.get(i18n.COOKIE),
        request.headers.get("accept-language"),
    )
    i18n.activate(locale)
    request.scope.setdefault("state", {})[STATE_LOCALE] = locale
    return locale


async def reader(request: Request[Any, Any, Any]) -> Me | None:
    """The signed-in person, if any; chooses the page language. A locked account also gets
    the number of follow requests waiting (one small count, shown in the nav)."""
    found = await sessions.current_user(request)
    me = Me(*found) if found is not None else None
    choose_locale(request, me.user if me else None)
    brand = await sessions.acting(request)
    if me is not None and brand is not None and not acting.as_person(request):
        acting.check(request, brand.role)
        me = Me(me.user, brand.account, own=me.account, role=brand.role)
    if me is not None and me.account.locked:
        async with services(request).db.read() as session:
            waiting = await follow_requests_count(session, me.id)
        me = Me(me.user, me.account, waiting, me.own, me.role)
    return me


async def signed_in(request: Request[Any, Any, Any]) -> Me:
    me = await reader(request)
    if me is None:
        raise SignInRequired()
    return me


def renderer(request: Request[Any, Any, Any]) -> Renderer:
    return Renderer(services(request).settings)


def is_htmx(request: Request[Any, Any, Any]) -> bool:
    return request.headers.get("hx-request") == "true"


def render(
    request: Request[Any, Any, Any],
    template: str,
    *,
    me: Me | None = None,
    fragment: str | None = None,
    status_code: int = 200,
    cookies: Sequence[Cookie] = (),
    **context: Any,
) -> Template:
    name = fragment if fragment is not None and is_htmx(request) else template
    return Template(
        template_name=name,
        context={"me": me, "lang": i18n.current(), "path": request.url.path, **context},
        status_code=status_code,
        cookies=list(cookies),
        media_type="text/html",
    )


def see_other(url: str, cookies: Sequence[Cookie] = ()) -> Redirect:
    """After a form post: go to ``url`` with GET (303)."""
    return Redirect(path=url, status_code=HTTP_303_SEE_OTHER, cookies=list(cookies))


def safe_next(value: str | None, default: str = "/") -> str:
    """A local path to return to after a form (never another site)."""
    if not value or not value.startswith("/") or value.startswith("//") or "\\" in value:
        return default
    return value


def sign_in_url(next_path: str) -> str:
    return f"/auth/sign_in?next={quote(next_path, safe='/')}"


def id_or_404(value: str) -> int:
    found = parse_id(value)
    if found is None:
        raise HTTPException(status_code=404, detail="Record not found")
    return found


async def statuses(
    request: Request[Any, Any, Any], session: AsyncSession, me: Me | None, items: list[Bundle]
) -> list[e.Status]:
    """Render bundles for the reader (one more query for what the reader did to them, one
    more for quoted posts when some are quote posts: ``render/quotes.py``, two for the
    groups of group posts: ``groups_audience.py``)."""
    viewer_id = me.id if me else None
    state = await viewer_state(session, viewer_id, items)
    if me is not None:
        await acting.written_by(request, session, me.user, items)
    await group_audience(request, session, viewer_id, items)
    return await render_bundles(renderer(request), session, items, state, viewer_id)


async def form(request: Request[Any, Any, Any]) -> dict[str, Any]:
    """The posted form as a dict; repeated keys become lists. Text holding a NUL character, or
    more than ``MAX_FIELD_BYTES`` of UTF-8, is refused (422, ``core.inputs``), for every field
    at once."""
    data = await request.form()
    out: dict[str, Any] = {}
    for key, value in data.multi_items():
        if inputs.has_nul(key) or (isinstance(value, str) and inputs.has_nul(value)):
            raise Unprocessable(f"Validation failed: {key} must not contain a NUL character")
        if inputs.too_big(key) or (isinstance(value, str) and inputs.too_big(value)):
            raise Unprocessable(f"Validation failed: {key[:100]} is too long")
        if key in out:
            existing = out[key]
            out[key] = [*existing, value] if isinstance(existing, list) else [existing, value]
        else:
            out[key] = value
    return out


def text(data: dict[str, Any], key: str, default: str = "") -> str:
    value = data.get(key, default)
    if isinstance(value, list):
        value = value[-1]
    return value if isinstance(value, str) else default


def texts(data: dict[str, Any], key: str) -> list[str]:
    value = data.get(key, [])
    items = value if isinstance(value, list) else [value]
    return [v for v in items if isinstance(v, str)]


def flag(data: dict[str, Any], key: str) -> bool:
    return text(data, key) in {"1", "true", "on", "yes"}


def html_response(body: str, status_code: int = 200) -> Response[str]:
    return Response(body, status_code=status_code, media_type="text/html")


PAGE_SKIP = ("/api/", "/static/", "/media/", "/oauth/token", "/oauth/revoke", "/.well-known/")


def page_locale(app: ASGIApp) -> ASGIApp:
    """ASGI middleware: choose the language of every page before any handler runs (so pages
    that do not call ``reader``, such as sign-in and OAuth consent, and error pages, speak it
    too). The signed-in person is looked up once and cached on the request."""

    async def middleware(scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == ScopeType.HTTP and not scope["path"].startswith(PAGE_SKIP):
            request: Request[Any, Any, Any] = Request(scope, receive, send)
            found = await sessions.current_user(request)
            choose_locale(request, found[0] if found else None)
        await app(scope, receive, send)

    return middleware
