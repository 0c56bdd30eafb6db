"""A browser's own subscription ("Notifications on this device" in the web app's settings).

The web app has no access token: it is signed in by a session cookie. So a browser subscribes
with a token of its own, made here for the purpose: scope ``push`` only (it can do nothing but
manage its own subscription), bound to the web session (``OAuthToken.web_session_hash``). The
subscription is the token's, as every Mastodon subscription is, and ends with it: signing out,
a password reset or the account's deletion deletes the session, the database deletes the token
with it (``ON DELETE CASCADE``) and the subscription with the token. A session that expires
(``SESSION_LIFETIME`` after it was last seen) is pushed nothing more either: the push job
treats it as ended and removes its subscription. Subscribing again from the same session
replaces the token and the subscription; unsubscribing deletes both.
"""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import delete, select
from sqlalchemy.ext.asyncio import AsyncSession

from porina.accounts.actions import issue_token
from porina.accounts.models import OAuthToken, User
from porina.core.errors import NotFound
from porina.notifications.push import actions
from porina.notifications.push.models import WebPushSubscription
from porina.storage.db import Tx

SCOPE = "push"
SESSION_LIFETIME = timedelta(days=30)
"""A web session's lifetime (``web.sessions.LIFETIME``; a test keeps them equal):
a browser's subscription is not pushed to once its session has expired, and is then removed."""


async def subscription_of(session: AsyncSession, session_hash: str) -> WebPushSubscription | None:
    """The subscription the web session made, if any (its token not revoked)."""
    found: WebPushSubscription | None = await session.scalar(
        select(WebPushSubscription)
        .join(OAuthToken, OAuthToken.id == WebPushSubscription.token_id)
        .where(OAuthToken.web_session_hash == session_hash, OAuthToken.revoked_at.is_(None))
    )
    return found


async def _end(tx: Tx, session_hash: str) -> None:
    tokens = select(OAuthToken.id).where(OAuthToken.web_session_hash == session_hash)
    await tx.session.execute(
        delete(WebPushSubscription).where(WebPushSubscription.token_id.in_(tokens))
    )
    await tx.session.execute(delete(OAuthToken).where(OAuthToken.web_session_hash == session_hash))


async def subscribe(
    tx: Tx, user_id: int, session_hash: str, sub: actions.Subscription, data: actions.Alerts
) -> WebPushSubscription:
    """Replace the session's subscription (and its token) by a new one."""
    actions.validate(sub, data)
    user = await tx.session.get(User, user_id)
    if user is None:
        raise NotFound()
    await _end(tx, session_hash)
    plain, token = await issue_token(tx, user=user, app_id=None, scopes=SCOPE)
    token.web_session_hash = session_hash
    holder = actions.Holder(
        token_id=token.id, token=plain, account_id=user.account_id, user_id=user.id
    )
    return await actions.subscribe(tx, holder, sub, data)


async def unsubscribe(tx: Tx, session_hash: str) -> None:
    """The session's subscription and its token end (nothing to do when there is none)."""
    await _end(tx, session_hash)
