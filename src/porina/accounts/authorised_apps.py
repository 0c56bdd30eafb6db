"""Authorised apps: the OAuth clients a person has let act for them (tokens not revoked), and
revoking one, which revokes every token the person holds for that client at once.

The API has only RFC 7009's ``/oauth/revoke`` (the client revokes its own token); this is the
person's side of it, for the web's settings. Revoked tokens are announced after commit, so
every serving process forgets them (``storage.invalidation``), as ``oauth.revoke`` does.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import ColumnElement, select
from sqlalchemy.ext.asyncio import AsyncSession

from porina.accounts.models import OAuthApp, OAuthToken
from porina.core.clock import now
from porina.core.errors import NotFound
from porina.storage import invalidation
from porina.storage.db import Tx


class AppNotAuthorised(NotFound):
    """The person holds no live token for this app (or it does not exist)."""

    code = "app_not_authorised"


@dataclass(frozen=True, slots=True)
class AuthorisedApp:
    """One client with live tokens of the person: what it may do, since when, last use."""

    id: int
    name: str
    website: str | None
    scopes: list[str]
    first_authorised_at: datetime
    last_used_at: datetime | None
    tokens: int


def _live(user_id: int) -> list[ColumnElement[bool]]:
    return [
        OAuthToken.user_id == user_id,
        OAuthToken.revoked_at.is_(None),
        OAuthToken.app_id.is_not(None),
    ]


async def authorised_apps(session: AsyncSession, user_id: int) -> list[AuthorisedApp]:
    """The person's authorised apps, most recently used first (one query)."""
    rows = (
        await session.execute(
            select(OAuthApp, OAuthToken.scopes, OAuthToken.created_at, OAuthToken.last_used_at)
            .join(OAuthToken, OAuthToken.app_id == OAuthApp.id)
            .where(*_live(user_id))
            .order_by(OAuthApp.id)
        )
    ).all()
    grouped: dict[int, list[tuple[OAuthApp, str, datetime, datetime | None]]] = {}
    for app, scopes, created, used in rows:
        grouped.setdefault(app.id, []).append((app, scopes, created, used))
    found = [_summary(items) for items in grouped.values()]
    found.sort(key=lambda a: a.last_used_at or a.first_authorised_at, reverse=True)
    return found


def _summary(items: list[tuple[OAuthApp, str, datetime, datetime | None]]) -> AuthorisedApp:
    app = items[0][0]
    scopes = sorted({s for _, raw, _, _ in items for s in raw.split()})
    used = [u for _, _, _, u in items if u is not None]
    return AuthorisedApp(
        id=app.id,
        name=app.name,
        website=app.website,
        scopes=scopes,
        first_authorised_at=min(created for _, _, created, _ in items),
        last_used_at=max(used) if used else None,
        tokens=len(items),
    )


async def revoke_app(tx: Tx, user_id: int, app_id: int) -> int:
    """Revoke every live token ``user_id`` holds for ``app_id``; returns how many. An app the
    person has not authorised is a 404 (as one that does not exist)."""
    tokens = list(
        await tx.session.scalars(
            select(OAuthToken).where(*_live(user_id), OAuthToken.app_id == app_id)
        )
    )
    if not tokens:
        raise AppNotAuthorised()
    moment = now()
    for token in tokens:
        token.revoked_at = moment
        invalidation.after_commit(tx, invalidation.token_revoked(token.token_hash))
    await tx.session.flush()
    return len(tokens)
