"""Who is asking: bearer tokens (header, query or WebSocket subprotocol) and scope checks."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Protocol

from litestar.connection import ASGIConnection
from sqlalchemy import bindparam, func, select
from sqlalchemy.orm import aliased

from porina.accounts import scopes as scope_rules
from porina.accounts.models import Account, OAuthToken, User
from porina.accounts.tokens import digest as token_hash
from porina.core.actor import Actor
from porina.core.errors import Forbidden, Unauthorized
from porina.render.runtime import Runtime
from porina.storage.fastread import Prebuilt, as_datetime
from porina.timelines import activity

CACHE_SECONDS = 10.0


@dataclass(frozen=True, slots=True)
class Viewer:
    """The authenticated caller. ``account_id`` is who acts (maybe a team-operated account);
    ``user_id`` is the person at the keyboard, recorded as the operator."""

    token_id: int
    account_id: int | None
    user_id: int | None
    app_id: int | None
    scopes: frozenset[str]
    role: str = "user"
    locale: str = "en"
    operated: bool = False
    """The token acts as an account other than its user's own (staff acting as a brand)."""

    @property
    def is_admin(self) -> bool:
        return self.role in {"admin", "moderator"}

    def require_account(self) -> int:
        if self.account_id is None:
            raise Unauthorized("This method requires an authenticated user")
        return self.account_id


def actor_of(viewer: Viewer) -> Actor:
    """The ``Actor`` an action needs: the acting account, the person operating it, the app."""
    return Actor(viewer.require_account(), viewer.user_id, viewer.app_id, viewer.operated)


viewer_actor = actor_of


def services_of(conn: ASGIConnection[Any, Any, Any, Any]) -> ApiRuntime:
    """The running system, as the API sees it (the app keeps ``Services`` in its state)."""
    svc: ApiRuntime = conn.app.state.services
    return svc


def bearer(conn: ASGIConnection[Any, Any, Any, Any]) -> str | None:
    header = conn.headers.get("authorization", "")
    if header[:7].lower() == "bearer ":
        return header[7:].strip() or None
    token: str | None = conn.query_params.get("access_token")
    if token:
        return token
    protocol = conn.headers.get("sec-websocket-protocol")
    return protocol.split(",")[0].strip() if protocol else None


class TokenCache:
    """Who holds each recently seen token, for ``CACHE_SECONDS``, per serving process.

    Revoking a token or restricting an account is announced to every process
    (``streaming/invalidation.py``); this cache listens, so revocation takes effect at once
    everywhere, and the expiry bounds it if an announcement is lost. Open streams ``watch``
    their token: a revocation calls them back, and they close."""

    LIMIT = 50_000

    def __init__(self) -> None:
        self._entries: dict[str, tuple[float, Viewer | None]] = {}
        self._watchers: dict[str, dict[int, Callable[[], None]]] = {}

    def get(self, hashed: str) -> tuple[float, Viewer | None] | None:
        return self._entries.get(hashed)

    def put(self, hashed: str, viewer: Viewer | None) -> None:
        if len(self._entries) > self.LIMIT:
            self._entries.clear()
        self._entries[hashed] = (time.monotonic() + CACHE_SECONDS, viewer)

    def forget(self, hashed: str) -> None:
        self._entries.pop(hashed, None)

    def clear(self) -> None:
        self._entries.clear()

    def watch(self, hashed: str, revoked: Callable[[], None]) -> Callable[[], None]:
        """Call ``revoked`` when the token ``hashed`` is revoked; returns the unwatch."""
        key = id(revoked)
        self._watchers.setdefault(hashed, {})[key] = revoked

        def unwatch() -> None:
            watchers = self._watchers.get(hashed, {})
            watchers.pop(key, None)
            if not watchers:
                self._watchers.pop(hashed, None)

        return unwatch

    def on_invalidation(self, message: dict[str, Any]) -> None:
        if message.get("event") == "token.revoked":
            hashed = str(message.get("token_hash", ""))
            self.forget(hashed)
            for revoked in list(self._watchers.pop(hashed, {}).values()):
                revoked()
        elif message.get("event") == "account.restricted":  # rare: forget everyone
            self.clear()


class ApiRuntime(Runtime, Protocol):
    """What the API needs of the running system: the front ends' ``Runtime`` and the
    process's token cache (``Services`` creates it and has it listen for invalidations)."""

    @property
    def token_cache(self) -> TokenCache: ...


ACTING = aliased(Account, name="acting")

_TOKEN = Prebuilt(
    select(
        OAuthToken.id,
        OAuthToken.account_id,
        OAuthToken.user_id,
        OAuthToken.app_id,
        OAuthToken.scopes,
        User.role,
        User.locale,
        User.disabled,
        User.account_id,
        Account.suspended_at.is_not(None),
        ACTING.last_active_at,
    )
    .outerjoin(User, User.id == OAuthToken.user_id)
    .outerjoin(Account, Account.id == User.account_id)
    .outerjoin(ACTING, ACTING.id == func.coalesce(OAuthToken.account_id, User.account_id))
    .where(OAuthToken.token_hash == bindparam("hashed"), OAuthToken.revoked_at.is_(None))
)


async def load_viewer(svc: ApiRuntime, token: str) -> Viewer | None:
    """Who holds ``token``, cached for ``CACHE_SECONDS``; one indexed read on a miss."""
    hashed = token_hash(token)
    cache = svc.token_cache
    hit = cache.get(hashed)
    if hit is not None and hit[0] > time.monotonic():
        return hit[1]
    rows = await svc.db.fast.fetch(_TOKEN, {"hashed": hashed})
    viewer: Viewer | None = None
    if rows:
        tid, acting, user_id, app_id, scopes, role, locale, disabled, own, suspended, last = rows[0]
        if not disabled and not suspended:
            viewer = Viewer(
                token_id=tid,
                account_id=acting or own,
                user_id=user_id,
                app_id=app_id,
                scopes=frozenset(scopes.split()),
                role=role or "user",
                locale=locale or "en",
                operated=acting is not None and own is not None and acting != own,
            )
    cache.put(hashed, viewer)
    if viewer is not None and viewer.account_id is not None:
        await activity.seen(svc, viewer.account_id, as_datetime(last) if last else None)
    return viewer


async def optional(conn: ASGIConnection[Any, Any, Any, Any], scope: str) -> Viewer | None:
    """The caller if a valid token came with the request (scope checked), else None.
    A token that was sent but is invalid is an error, as in Mastodon."""
    token = bearer(conn)
    if token is None:
        return None
    viewer = await load_viewer(services_of(conn), token)
    if viewer is None:
        raise Unauthorized("The access token is invalid")
    if not scope_rules.grants(viewer.scopes, scope):
        raise Forbidden("This action is outside the authorized scopes")
    return viewer


async def require(conn: ASGIConnection[Any, Any, Any, Any], scope: str) -> Viewer:
    """The caller, who must hold ``scope`` and act as an account."""
    viewer = await optional(conn, scope)
    if viewer is None:
        raise Unauthorized("The access token is invalid")
    viewer.require_account()
    return viewer


async def require_app(conn: ASGIConnection[Any, Any, Any, Any], scope: str) -> Viewer:
    """An app or user token (client-credentials tokens allowed)."""
    viewer = await optional(conn, scope)
    if viewer is None:
        raise Unauthorized("The access token is invalid")
    return viewer


async def require_admin(conn: ASGIConnection[Any, Any, Any, Any], scope: str) -> Viewer:
    viewer = await require(conn, scope)
    if not viewer.is_admin:
        raise Forbidden("This action is not allowed")
    return viewer
