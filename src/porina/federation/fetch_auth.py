"""Signed GETs of ActivityPub documents: who asked, and authorized-fetch mode.

``fetcher`` is the remote account whose valid signature (draft-cavage or RFC 9421, the same
checks as the inbox's) a GET carries, or None for an unsigned GET. A signature that does not
verify, or whose key is on a suspended domain, is 401 (``SignatureError``): a bad signature
is never read as "unsigned". With ``PORINA_FEDERATION_AUTHORIZED_FETCH`` on, ``require``
refuses an unsigned GET too (401), as Mastodon's secure mode does; the instance actor and
WebFinger never ask. Followers-only and direct posts are served to a signer allowed to see
them in either mode (``api/activitypub/actors.py``).
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
    domain = domains.domain_of(key_owner(presented.key_id))
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
    """``fetcher``, and in authorized-fetch mode a 401 for an unsigned GET."""
    account = await fetcher(db, client, target=target, headers=headers)
    if account is None and db.context.settings.federation_authorized_fetch:
        raise SignatureError("Request not signed", code="signature_missing")
    return account
