"""A local author's ``QuoteAuthorization`` at the URL its ``Accept`` gave
(``…/users/NAME/statuses/ID/quote_authorizations/HASH``), as Mastodon 4.5 serves it; 404 once
revoked, or when unknown (``federation/quote_authorizations.py``). In authorized-fetch mode
the GET must be signed, as for every other document (``federation.fetch_auth``)."""

from __future__ import annotations

from typing import Any

from litestar import Request, Response, get

from porina.api.activitypub.actors import AP_TYPE
from porina.core.errors import NotFound
from porina.core.inputs import has_nul
from porina.federation import fetch_auth
from porina.federation import quote_authorizations as authorizations
from porina.federation.dispatch import FederationContext

PATH = "/users/{username:str}/statuses/{status_id:str}/quote_authorizations/{digest:str}"


def _well_formed(username: str, status_id: str, digest: str) -> bool:
    return (
        status_id.isascii()
        and status_id.isdigit()
        and len(status_id) <= 19
        and int(status_id) < 2**63  # a BIGINT: a larger id names nothing
        and not has_nul(username)
        and digest.isascii()
        and digest.isalnum()
        and len(digest) <= 64
    )


@get(PATH, name="ap:quote-authorization")
async def quote_authorization(
    request: Request[Any, Any, Any], username: str, status_id: str, digest: str
) -> Response[dict[str, Any]]:
    if not _well_formed(username, status_id, digest):
        raise NotFound()
    svc: FederationContext = request.app.state.services
    if svc.settings.federation_authorized_fetch:
        headers = {k.lower(): v for k, v in request.headers.items()}
        target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
        await fetch_auth.require(svc.db, svc.outbound, target=target, headers=headers)
    base = svc.settings.base_url.rstrip("/")
    async with svc.db.read() as session:
        body = await authorizations.served(session, base, username, int(status_id), digest)
    if body is None:
        raise NotFound()
    return Response(body, media_type=f"{AP_TYPE}; charset=utf-8", headers={"Vary": "Accept"})


ROUTES = [quote_authorization]
