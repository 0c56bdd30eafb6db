"""Signed GETs of ActivityPub documents: who asked, and authorized-fetch mode.

``fetcher`` is the remote account whose valid signature (draft-cavage or RFC 9421, the same
checks as the inbox's) a GET carries, or None for an unsigned GET; a signature that does not
verify, or whose key is on a suspended domain, is a ``SignatureError``. With
``PORINA_FEDERATION_AUTHORIZED_FETCH`` on, ``require`` answers 401 for that and for an
unsigned GET, as Mastodon's secure mode does; off, it reads a bad signature as none (public
documents only). The instance actor and WebFinger never ask. Followers-only and direct
posts are served to a signer allowed to see them in either mode
(``api/activitypub/actors.py``).
"""

from __future__ import annotations

from collections.abc import Mapping

from porina.accounts.models import Account
from porina.core.clock import now
from porina.core.errors import BadRequest, NotFound
from porina.federation import domains
from porina.federation.signatures import SignatureError
from porina.federation.verify import key_owner, present, signer
from porina.http.client import OutboundClient
from porina.storage.db import Database


async def fetcher(
    db: Database, client: OutboundClient, *, target: str, headers: Mapping[str, str]
) -> Account | None:
    """The verified remote signer of this GET (``headers`` lower-cased), None unsigned."""
    if "signature" not in headers and "signature-input" not in headers:
        return None
    base = db.context.settings.base_url.rstrip("/")
    presented = present("GET", target, headers, b"", base=base, now=now())
    try:
        domain = domains.domain_of(key_owner(presented.key_id))
    except ValueError:  # urlsplit: a keyId that is no URL (an unclosed "[" host)
        domain = ""
    async with db.read() as session:
        if not domain or await domains.suspended(session, domain):
            raise SignatureError("This server does not federate with yours", code="domain_blocked")
    try:
        return await signer(db, client, presented)
    except (NotFound, BadRequest):
        raise SignatureError(
            "The signing key could not be fetched", code="key_unavailable"
        ) from None


async def require(
    db: Database, client: OutboundClient, *, target: str, headers: Mapping[str, str]
) -> Account | None:
    """In authorized-fetch mode, ``fetcher`` and a 401 for an unsigned GET. Otherwise a
    signature that cannot be verified counts as none (the GET gets what anyone gets: public
    documents), as Mastodon outside secure mode."""
    if not db.context.settings.federation_authorized_fetch:
        try:
            return await fetcher(db, client, target=target, headers=headers)
        except SignatureError:
            return None
    account = await fetcher(db, client, target=target, headers=headers)
    if account is None:
        raise SignatureError("Request not signed", code="signature_missing")
    return account
