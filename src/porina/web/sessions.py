"""Browser sign-in: a random session id in an HttpOnly, SameSite=Lax cookie; only its hash
is stored (``web_sessions``). Used by the web app and the OAuth consent page.

Acting as: a staff member signed in as themselves may act as a brand account they serve
(``web_sessions.acting_account_id``, set by ``set_acting``). The same read that finds the
session checks, on every request, that they still hold a role that may act on the web
(owner, manager, agent: ``ACTING_ROLES``) and that the brand is not suspended; removal from
the team ends it at once (``acting`` answers None, and ``accounts.operators`` clears the
column).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from litestar import Request, Response
from litestar.datastructures import Cookie
from sqlalchemy import and_, bindparam, delete, exists, or_, select, update
from sqlalchemy.orm import aliased

from porina.accounts.models import Account, AccountOperator, User, WebSession
from porina.accounts.operators import Role, role_named
from porina.accounts.tokens import digest, new_secret
from porina.core.clock import now
from porina.render.runtime import Runtime
from porina.storage.driver_rows import Models
from porina.storage.fastread import Prebuilt, as_datetime
from porina.timelines import activity
from porina.web.runtime import services

COOKIE = "porina_session"
LIFETIME = timedelta(days=30)
ACTING_ROLES = ("owner", "manager", "agent")
STATE_ACTING = "porina_acting"
STATE_STAFF = "porina_staff"
BRAND = aliased(Account, name="brand")


@dataclass(frozen=True, slots=True)
class Acting:
    """The brand account a signed-in staff member acts as, and their role on it."""

    account: Account
    role: Role


# Whether the person is on any team (serves a brand, or their own account has one): only
# they can be shown which staff member wrote a brand's post.
_TEAM = aliased(AccountOperator, name="team")
_STAFF = (
    exists()
    .where(or_(_TEAM.user_id == User.id, _TEAM.account_id == User.account_id))
    .label("staff")
)


_MODELS = Models(User, Account, BRAND)
# The session, its user and own account, and the brand it acts as if the user still holds a
# role on it: one indexed read, prebuilt, its rows built into models on the driver
# (``storage/driver_rows.py``): through the ORM session, building the statement and loading
# its objects were a quarter of a signed-in page's CPU.
_SESSION = Prebuilt(
    select(*_MODELS.columns, WebSession.last_seen_at, AccountOperator.role, _STAFF)
    .select_from(User)
    .join(WebSession, WebSession.user_id == User.id)
    .join(Account, Account.id == User.account_id)
    .outerjoin(
        AccountOperator,
        and_(
            AccountOperator.account_id == WebSession.acting_account_id,
            AccountOperator.user_id == User.id,
        ),
    )
    .outerjoin(BRAND, BRAND.id == AccountOperator.account_id)
    .where(WebSession.id_hash == bindparam("id_hash"))
)


def _acting(brand: Account | None, stored: str | None) -> Acting | None:
    role = role_named(stored)
    if brand is None or role not in ACTING_ROLES or brand.suspended_at is not None:
        return None
    return Acting(brand, role)


def _secure(svc: Runtime) -> bool:
    return svc.settings.base_url.startswith("https://")


async def current_user(request: Request[Any, Any, Any]) -> tuple[User, Account] | None:
    """The signed-in user and their account, cached on the request."""
    if "porina_user" in request.scope.get("state", {}):
        cached: tuple[User, Account] | None = request.scope["state"]["porina_user"]
        return cached
    found: tuple[User, Account] | None = None
    acting: Acting | None = None
    staff = False
    raw = request.cookies.get(COOKIE)
    if raw:
        svc = services(request)
        rows = await svc.db.fast.fetch(_SESSION, {"id_hash": digest(raw)})
        if rows:
            user, account, brand = _MODELS.build(rows[0], svc.db.fast.dialect)
            last_seen, role, in_team = rows[0][-3:]
            alive = not user.disabled and account.suspended_at is None
            if alive and as_datetime(last_seen) + LIFETIME > now():
                found = (user, account)
                acting = _acting(brand, role)
                staff = bool(in_team)
                await activity.seen(svc, account.id, account.last_active_at)
    state = request.scope.setdefault("state", {})
    state["porina_user"] = found
    state[STATE_ACTING] = acting
    state[STATE_STAFF] = staff
    return found


def is_staff(request: Request[Any, Any, Any]) -> bool:
    """Whether the signed-in person is on a team (after ``current_user``)."""
    return bool(request.scope.get("state", {}).get(STATE_STAFF))


async def acting(request: Request[Any, Any, Any]) -> Acting | None:
    """The brand the signed-in person acts as on the web, if any (checked this request)."""
    await current_user(request)
    found: Acting | None = request.scope["state"].get(STATE_ACTING)
    return found


async def set_acting(svc: Runtime, request: Request[Any, Any, Any], account_id: int | None) -> None:
    """Make this browser session act as ``account_id`` (None: the person's own account).
    The caller has checked the person's role on it."""
    raw = request.cookies.get(COOKIE)
    if not raw:
        return
    async with svc.db.transaction() as tx:
        await tx.session.execute(
            update(WebSession)
            .where(WebSession.id_hash == digest(raw))
            .values(acting_account_id=account_id)
        )


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
