"""Browser sign-in: a random session id in an HttpOnly, SameSite=Lax cookie; only its hash
is stored (``web_sessions``). Used by the web app and the OAuth consent page."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from litestar import Request, Response
from litestar.datastructures import Cookie
from sqlalchemy import delete, select

from porina.accounts.models import Account, User, WebSession
from porina.accounts.tokens import digest, new_secret
from porina.core.clock import now
from porina.render.runtime import Runtime
from porina.timelines import activity
from porina.web.runtime import services

COOKIE = "porina_session"
LIFETIME = timedelta(days=30)


def _secure(svc: Runtime) -> bool:
    return svc.settings.base_url.startswith("https://")


async def current_user(request: Request[Any, Any, Any]) -> tuple[User, Account] | None:
    """The signed-in user and their account, cached on the request."""
    if "porina_user" in request.scope.get("state", {}):
        cached: tuple[User, Account] | None = request.scope["state"]["porina_user"]
        return cached
    found: tuple[User, Account] | None = None
    raw = request.cookies.get(COOKIE)
    if raw:
        svc = services(request)
        async with svc.db.read() as session:
            row = (
                await session.execute(
                    select(User, Account, WebSession.last_seen_at)
                    .join(WebSession, WebSession.user_id == User.id)
                    .join(Account, Account.id == User.account_id)
                    .where(WebSession.id_hash == digest(raw))
                )
            ).first()
        alive = row is not None and not row[0].disabled and row[1].suspended_at is None
        if row is not None and alive and row[2] + LIFETIME > now():
            found = (row[0], row[1])
            await activity.seen(svc, row[1].id, row[1].last_active_at)
    request.scope.setdefault("state", {})["porina_user"] = found
    return found


async def sign_in(svc: Runtime, user: User, user_agent: str = "") -> Cookie:
    """Create a session for ``user``; returns the cookie to set."""
    raw = new_secret()
    moment = now()
    async with svc.db.transaction() as tx:
        tx.session.add(
            WebSession(
                id_hash=digest(raw),
                user_id=user.id,
                created_at=moment,
                last_seen_at=moment,
                user_agent=user_agent[:500],
            )
        )
        db_user = await tx.session.get(User, user.id)
        if db_user is not None:
            db_user.last_sign_in_at = moment
    return Cookie(
        key=COOKIE,
        value=raw,
        httponly=True,
        samesite="lax",
        secure=_secure(svc),
        max_age=int(LIFETIME.total_seconds()),
        path="/",
    )


async def sign_out(svc: Runtime, request: Request[Any, Any, Any], response: Response[Any]) -> None:
    raw = request.cookies.get(COOKIE)
    if raw:
        async with svc.db.transaction() as tx:
            await tx.session.execute(delete(WebSession).where(WebSession.id_hash == digest(raw)))
    response.delete_cookie(COOKIE, path="/")
