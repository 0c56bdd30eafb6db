"""``/api/v1/apps``: registering OAuth applications."""

from __future__ import annotations

from typing import Any

from litestar import Request, get, post

from porina.accounts.actions import create_oauth_app
from porina.accounts.models import OAuthApp
from porina.accounts.oauth import normalise_redirect_uris, redirect_uris
from porina.api.mastodon import auth
from porina.api.mastodon.params import Params
from porina.core.errors import Unauthorized, Unprocessable
from porina.notifications.push.keys import vapid_keys
from porina.render import entities as e


def application(app: OAuthApp, *, credentials: bool, vapid_key: str) -> e.CredentialApplication:
    """The app entity; ``vapid_key`` is the instance's Web Push key (Mastodon's, deprecated
    there in favour of the instance's ``configuration.vapid.public_key``)."""
    uris = redirect_uris(app)
    entity = e.CredentialApplication(
        id=str(app.id),
        name=app.name,
        website=app.website,
        scopes=app.scopes.split(),
        redirect_uri="\n".join(uris),
        redirect_uris=uris,
        vapid_key=vapid_key,
    )
    if credentials:
        entity.client_id = app.client_id
        entity.client_secret = app.client_secret
        entity.client_secret_expires_at = 0
    return entity


@post("/api/v1/apps", status_code=200)
async def create_app(request: Request[Any, Any, Any]) -> e.CredentialApplication:
    params = await Params.of(request)
    name = params.text("client_name", max_len=255)
    if not name.strip():
        raise Unprocessable("Validation failed: Application name can't be blank")
    raw_uris = params.raw("redirect_uris")
    if isinstance(raw_uris, list):
        uris = normalise_redirect_uris([str(u) for u in raw_uris])
    else:
        uris = normalise_redirect_uris(params.text("redirect_uris"))
    website = params.str("website", max_len=2000) or None
    scopes = params.text("scopes", "read", max_len=2000) or "read"
    svc = auth.services_of(request)
    async with svc.db.transaction() as tx:
        app = await create_oauth_app(tx, name, uris, scopes, website)
    return application(app, credentials=True, vapid_key=(await vapid_keys(svc.db)).public_key)


@get("/api/v1/apps/verify_credentials")
async def verify_app(request: Request[Any, Any, Any]) -> e.CredentialApplication:
    token = auth.bearer(request)
    svc = auth.services_of(request)
    viewer = await auth.load_viewer(svc, token) if token else None
    if viewer is None or viewer.app_id is None:
        raise Unauthorized("The access token is invalid")
    async with svc.db.read() as session:
        app = await session.get(OAuthApp, viewer.app_id)
    if app is None:
        raise Unauthorized("The access token is invalid")
    return application(app, credentials=False, vapid_key=(await vapid_keys(svc.db)).public_key)


ROUTES = [create_app, verify_app]
