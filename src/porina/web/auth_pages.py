"""``/auth/sign_in`` and ``/auth/sign_out``: browser sessions for pages and OAuth consent."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from litestar import Request, Response, get, post
from litestar.response import Redirect, Template

from porina.accounts.models import Account, User
from porina.accounts.oauth import throttled_check
from porina.accounts.throttle import LoginThrottled
from porina.core.clock import now
from porina.web import sessions
from porina.web.common import Me
from porina.web.i18n import N_, _, fmt_ago
from porina.web.runtime import services

# Shown in the reader's language (the ``page_locale`` middleware has chosen it).
BAD_CREDENTIALS = N_("Invalid email/username or password.")
THROTTLED = N_("Too many failed password attempts. Try again %(when)s.")


def throttled(exc: LoginThrottled) -> str:
    """The refusal in the reader's language ("... Try again in 5 minutes.")."""
    return _(THROTTLED) % {"when": fmt_ago(now() + timedelta(seconds=exc.retry_after))}


def safe_next(value: object) -> str:
    """Only same-site paths: never an open redirect."""
    if isinstance(value, str) and value.startswith("/") and not value.startswith(("//", "/\\")):
        return value
    return "/"


async def form_of(request: Request[Any, Any, Any]) -> dict[str, str]:
    ctype = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if ctype not in {"application/x-www-form-urlencoded", "multipart/form-data"}:
        return {}
    form = await request.form()
    return {k: v for k, v in form.items() if isinstance(v, str)}


def page(
    found: tuple[User, Account] | None,
    *,
    next_path: str,
    login: str = "",
    error: str | None = None,
    status_code: int = 200,
    headers: dict[str, str] | None = None,
) -> Template:
    return Template(
        template_name="auth/sign_in.html",
        status_code=status_code,
        headers=headers,
        media_type="text/html",
        context={
            "me": Me(*found) if found else None,
            "user": found[0] if found else None,
            "user_acct": found[1].username if found else "",
            "next": next_path,
            "login": login,
            "error": error,
        },
    )


@get("/auth/sign_in")
async def sign_in_page(request: Request[Any, Any, Any]) -> Template:
    found = await sessions.current_user(request)
    return page(found, next_path=safe_next(request.query_params.get("next")))


@post("/auth/sign_in", status_code=303)
async def sign_in(request: Request[Any, Any, Any]) -> Response[Any]:
    form = await form_of(request)
    login = form.get("login", "")[:255]
    svc = services(request)
    host = request.client.host if request.client else None
    try:
        user = await throttled_check(
            svc.db, svc.login_throttle, host, login, form.get("password", "")
        )
    except LoginThrottled as exc:
        return page(
            None,
            next_path=safe_next(form.get("next")),
            login=login,
            error=throttled(exc),
            status_code=429,
            headers=exc.headers(),
        )
    if user is None:
        return page(
            None,
            next_path=safe_next(form.get("next")),
            login=login,
            error=_(BAD_CREDENTIALS),
            status_code=401,
        )
    cookie = await sessions.sign_in(svc, user, request.headers.get("user-agent", ""))
    return Redirect(safe_next(form.get("next")), status_code=303, cookies=[cookie])


@post("/auth/sign_out", status_code=303)
async def sign_out(request: Request[Any, Any, Any]) -> Response[Any]:
    response: Response[Any] = Redirect("/auth/sign_in", status_code=303)
    await sessions.sign_out(services(request), request, response)
    return response


ROUTES = [sign_in_page, sign_in, sign_out]
