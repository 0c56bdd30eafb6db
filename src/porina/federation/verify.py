"""Who signed a request: the one path the inbox (``federation/inbox.py``) and authorized
fetch (``federation/fetch_auth.py``) take to a verified remote account.

A request with ``Signature-Input`` is read as RFC 9421 (``rfc9421``), anything else as
draft-cavage (``signatures``); both are checked (covered components, digest, replay window)
before the key is fetched. The key is the remote actor's, fetched through the guarded client
by the ``keyId``'s actor (the part before ``#``) and kept with the remote account; a
signature that fails under the kept key makes one fresh fetch (the actor may have rotated
its key).
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime

from porina.accounts.models import Account
from porina.federation import rfc9421
from porina.federation.remote import resolve_actor
from porina.federation.signatures import Presented, SignatureError, present_cavage
from porina.http.client import OutboundClient
from porina.storage.db import Database


def present(
    method: str, target: str, headers: Mapping[str, str], body: bytes, *, base: str, now: datetime
) -> Presented:
    """The request's signature, checked but for the key. ``target`` is the path and query
    as received, ``base`` this server's public URL (RFC 9421 signs the whole target URI);
    ``headers`` lower-cased."""
    if "signature-input" in headers:
        return rfc9421.present(method, f"{base}{target}", headers, body, now)
    return present_cavage(method, target, headers, body, now)


def key_owner(key_id: str) -> str:
    """The actor a ``keyId`` belongs to (Mastodon's ``actor#main-key``)."""
    return key_id.split("#", 1)[0]


async def signer(db: Database, client: OutboundClient, presented: Presented) -> Account:
    """The remote account whose key made ``presented``, or ``SignatureError``."""
    owner = key_owner(presented.key_id)
    account = await resolve_actor(db, client, owner)
    try:
        presented.verify(account.public_key_pem or "")
    except SignatureError:
        account = await resolve_actor(db, client, owner, fresh=True)
        presented.verify(account.public_key_pem or "")
    return account
