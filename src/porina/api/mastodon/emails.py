"""``POST /api/v1/emails/confirmations``: mail the confirmation link again, for the app a
person signed up with, while their address awaits confirmation (as Mastodon)."""

from __future__ import annotations

from typing import Any

from litestar import Request, post
from sqlalchemy import select

from porina.accounts import recovery
from porina.accounts.models import OAuthToken, User
from porina.api.mastodon import auth
from porina.core.errors import Forbidden

NOT_THE_APP = "This method is only available to the application the user originally signed-up with"
CONFIRMED = "This method is only available while the e-mail is awaiting confirmation"


@post("/api/v1/emails/confirmations", status_code=200)
async def resend_confirmation(request: Request[Any, Any, Any]) -> dict[str, Any]:
    """The app a person signed up with is the app of their first token (sign-up through the
    API issues it); ``email`` (changing the address on the way) is not supported."""
    viewer = await auth.require(request, "write:accounts")
    async with auth.services_of(request).db.transaction() as tx:
        user = await tx.session.get(User, viewer.user_id) if viewer.user_id else None
        first_app = await tx.session.scalar(
            select(OAuthToken.app_id)
            .where(OAuthToken.user_id == viewer.user_id)
            .order_by(OAuthToken.id)
            .limit(1)
        )
        if user is None or first_app is None or first_app != viewer.app_id:
            raise Forbidden(NOT_THE_APP)
        if user.confirmed_at is not None:
            raise Forbidden(CONFIRMED)
        await recovery.send_confirmation(tx, user)
    return {}


ROUTES = [resend_confirmation]
