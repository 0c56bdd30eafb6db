"""OAuth endpoints for machines: ``/oauth/token``, ``/oauth/revoke`` and the RFC 8414 metadata.
The consent page (``/oauth/authorize``) is a web page: ``web/oauth_pages.py``."""

from __future__ import annotations

import base64
import binascii
from typing import Any
from urllib.parse import unquote

from litestar import Request, Response, get, post

from porina.accounts import oauth
from porina.accounts import scopes as scope_rules
from porina.accounts.throttle import LoginThrottled
from porina.api.mastodon import auth
from porina.api.mastodon.params import Params
from porina.core.errors import PorinaError
from porina.render.runtime import Runtime

GRANT_TYPES = ["authorization_code", "password", "client_credentials"]
NO_STORE = {"Cache-Control": "no-store", "Pragma": "no-cache"}


def oauth_error(exc: PorinaError) -> Response[dict[str, str]]:
    code = exc.code if isinstance(exc, oauth.OAuthError) else "invalid_request"
    return Response(
        {"error": code, "error_description": exc.message}, status_code=exc.status, headers=NO_STORE
    )


def client_credentials_of(
    request: Request[Any, Any, Any], params: Params
) -> tuple[str | None, str | None]:
    """``client_id``/``client_secret`` from the body, or HTTP Basic (RFC 6749 2.3.1)."""
    header = request.headers.get("authorization", "")
    if header[:6].lower() == "basic ":
        try:
            decoded = base64.b64decode(header[6:].strip(), validate=True).decode()
        except (binascii.Error, UnicodeDecodeError):
            return None, None
        cid, _, secret = decoded.partition(":")
        return unquote(cid), unquote(secret)
    return params.str("client_id"), params.str("client_secret")


@post("/oauth/token", status_code=200)
async def token(request: Request[Any, Any, Any]) -> Response[Any]:
    svc = auth.services_of(request)
    try:
        params = await Params.of(request)
        host = request.client.host if request.client else None
        grant = await _grant(svc, host, params, *client_credentials_of(request, params))
    except LoginThrottled as exc:  # Mastodon's (Rack::Attack's) 429
        return Response({"error": "Too many requests"}, status_code=429, headers=exc.headers())
    except oauth.CodeReused as exc:
        async with svc.db.transaction() as tx:
            await oauth.revoke_reused_code(tx, exc.code_hash)
        return oauth_error(exc)
    except PorinaError as exc:
        return oauth_error(exc)
    body = {
        "access_token": grant.access_token,
        "token_type": "Bearer",
        "scope": grant.scope,
        "created_at": grant.created_at,
    }
    return Response(body, headers=NO_STORE)


async def _grant(
    svc: Runtime,
    host: str | None,
    params: Params,
    client_id: str | None,
    client_secret: str | None,
) -> oauth.Grant:
    db = svc.db
    grant_type = params.str("grant_type")
    scope = params.str("scope") or params.str("scopes")
    if grant_type == "password":  # opens its own transaction once the password is checked
        return await oauth.password_grant(
            db,
            client_id=client_id,
            client_secret=client_secret,
            username=params.str("username"),
            password=params.str("password"),
            scope=scope,
            throttle=svc.login_throttle,
            host=host,
        )
    if grant_type not in GRANT_TYPES:
        raise oauth.OAuthError(
            "unsupported_grant_type",
            "The authorization grant type is not supported by the authorization server.",
        )
    async with db.transaction() as tx:
        if grant_type == "authorization_code":
            return await oauth.exchange_code(
                tx,
                client_id=client_id,
                client_secret=client_secret,
                code=params.str("code"),
                redirect_uri=params.str("redirect_uri"),
                verifier=params.str("code_verifier"),
            )
        return await oauth.client_credentials(
            tx, client_id=client_id, client_secret=client_secret, scope=scope
        )


@post("/oauth/revoke", status_code=200)
async def revoke(request: Request[Any, Any, Any]) -> Response[Any]:
    try:
        params = await Params.of(request)
        client_id, client_secret = client_credentials_of(request, params)
        svc = auth.services_of(request)
        async with svc.db.transaction() as tx:
            await oauth.revoke(
                tx, client_id=client_id, client_secret=client_secret, token=params.str("token")
            )
    except PorinaError as exc:
        return oauth_error(exc)
    return Response({})


@get("/.well-known/oauth-authorization-server")
async def metadata(request: Request[Any, Any, Any]) -> dict[str, Any]:
    base = auth.services_of(request).settings.base_url.rstrip("/")
    return {
        "issuer": f"{base}/",
        "service_documentation": "https://docs.joinmastodon.org/",
        "authorization_endpoint": f"{base}/oauth/authorize",
        "token_endpoint": f"{base}/oauth/token",
        "revocation_endpoint": f"{base}/oauth/revoke",
        "app_registration_endpoint": f"{base}/api/v1/apps",
        "scopes_supported": sorted(scope_rules.ALL),
        "response_types_supported": ["code"],
        "response_modes_supported": ["query", "fragment", "form_post"],
        "grant_types_supported": GRANT_TYPES,
        "code_challenge_methods_supported": list(oauth.CHALLENGE_METHODS),
        "token_endpoint_auth_methods_supported": [
            "client_secret_basic",
            "client_secret_post",
            "none",
        ],
    }


ROUTES = [token, revoke, metadata]
