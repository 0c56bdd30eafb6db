"""Quote authorizations kept and served (FEP-044f, Mastodon 4.5's ``QuoteAuthorization``).

- **Given here** (``give``): a local author's ``Accept`` of a ``QuoteRequest`` records its
  consent to that quote (``quote_authorizations``: the quoted post, the quoting Note's id, the
  hash its URL ends with), and ``document`` serves it at
  ``…/users/NAME/statuses/ID/quote_authorizations/HASH`` while it is not revoked. A quote
  once revoked stays refused: the same Note asking again is answered ``Reject``.
- **Given elsewhere** (``keep``): the id of the authorization another server gave for a quote
  of its post (a local quote's ``Accept``, or a received Note's ``quoteAuthorization``) is
  kept, so its later ``Delete`` finds the quote.
- **Revoked** (``mark_revoked``): the row's ``revoked_at``; one is written when the quote had
  none (a quote accepted by the policy alone), so its URL answers 404 from then on.

What changes a quote's state after it arrived (revocation both ways, an authorization that
comes later) is ``quote_updates.py``.
"""

from __future__ import annotations

import hashlib
from typing import Any

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from porina.accounts import queries as account_queries
from porina.core.clock import now
from porina.core.ids import new_id
from porina.federation import documents as doc
from porina.federation.quote_models import QuoteAuthorization
from porina.posts.models import Status

SEGMENT = "/quote_authorizations/"
CONTEXT: list[Any] = [
    "https://www.w3.org/ns/activitystreams",
    {
        "gts": "https://gotosocial.org/ns#",
        "QuoteAuthorization": "https://w3id.org/fep/044f#QuoteAuthorization",
        "quoteAuthorization": {
            "@id": "https://w3id.org/fep/044f#quoteAuthorization",
            "@type": "@id",
        },
        "interactingObject": {"@id": "gts:interactingObject", "@type": "@id"},
        "interactionTarget": {"@id": "gts:interactionTarget", "@type": "@id"},
    },
]


def digest(quoting_uri: str) -> str:
    """The last segment of a local authorization's URL (stable per quoting Note)."""
    return hashlib.sha256(quoting_uri.encode()).hexdigest()[:24]


def url_of(quoted_url: str, quoting_uri: str) -> str:
    return f"{quoted_url}{SEGMENT}{digest(quoting_uri)}"


async def row_of(
    session: AsyncSession, quoted_id: int, quoting_uri: str
) -> QuoteAuthorization | None:
    found: QuoteAuthorization | None = await session.scalar(
        select(QuoteAuthorization).where(
            QuoteAuthorization.quoted_status_id == quoted_id,
            QuoteAuthorization.quoting_uri == quoting_uri,
        )
    )
    return found


async def _insert(session: AsyncSession, row: QuoteAuthorization) -> QuoteAuthorization | None:
    """Insert ``row``; None when a concurrent writer stored the same quote's first."""
    try:
        async with session.begin_nested():
            session.add(row)
    except IntegrityError:
        return None
    return row


async def give(session: AsyncSession, quoted: Status, quoting_uri: str) -> bool:
    """The local author of ``quoted`` consents to the quote ``quoting_uri``; False when they
    revoked it before (it stays refused)."""
    found = await row_of(session, quoted.id, quoting_uri)
    if found is None:
        row = QuoteAuthorization(
            id=new_id(),
            quoted_status_id=quoted.id,
            quoting_uri=quoting_uri,
            hash=digest(quoting_uri),
            created_at=now(),
        )
        found = await _insert(session, row) or await row_of(session, quoted.id, quoting_uri)
    return found is not None and found.revoked_at is None


async def keep(session: AsyncSession, quoted_id: int, quoting_uri: str, uri: str) -> bool:
    """Keep the id of the authorization another server gave for a quote of its post; False
    when that quote was revoked here before."""
    found = await row_of(session, quoted_id, quoting_uri)
    if found is None:
        row = QuoteAuthorization(
            id=new_id(),
            quoted_status_id=quoted_id,
            quoting_uri=quoting_uri,
            uri=uri,
            created_at=now(),
        )
        return await _insert(session, row) is not None
    if found.revoked_at is not None:
        return False
    found.uri = found.uri or uri
    return True


async def mark_revoked(
    session: AsyncSession, quoted: Status, quoting_uri: str
) -> QuoteAuthorization:
    """The consent to ``quoting_uri``'s quote of ``quoted`` is withdrawn (a row is written
    when there was none)."""
    found = await row_of(session, quoted.id, quoting_uri)
    if found is None:
        found = QuoteAuthorization(
            id=new_id(),
            quoted_status_id=quoted.id,
            quoting_uri=quoting_uri,
            hash=digest(quoting_uri) if quoted.local else None,
            created_at=now(),
        )
        session.add(found)
    found.revoked_at = found.revoked_at or now()
    await session.flush()
    return found


def document(base: str, username: str, quoted_id: int, quoting_uri: str) -> dict[str, Any]:
    """Mastodon 4.5's ``QuoteAuthorization`` (its ``@context`` left to the caller)."""
    quoted_url = doc.status_url(base, username, quoted_id)
    return {
        "id": url_of(quoted_url, quoting_uri),
        "type": "QuoteAuthorization",
        "attributedTo": doc.actor_url(base, username),
        "interactingObject": quoting_uri,
        "interactionTarget": quoted_url,
    }


async def served(
    session: AsyncSession, base: str, username: str, status_id: int, hash_: str
) -> dict[str, Any] | None:
    """The authorization at ``…/users/username/statuses/status_id/quote_authorizations/hash_``;
    None when it is unknown, revoked, or its post is gone."""
    account = await account_queries.local(session, username)
    quoted = await session.get(Status, status_id)
    if account is None or account_queries.hidden_group(account) or quoted is None:
        return None
    if quoted.account_id != account.id or quoted.deleted_at is not None:
        return None
    row = await session.scalar(
        select(QuoteAuthorization).where(
            QuoteAuthorization.quoted_status_id == quoted.id,
            QuoteAuthorization.hash == hash_,
            QuoteAuthorization.revoked_at.is_(None),
        )
    )
    if row is None:
        return None
    return {"@context": CONTEXT, **document(base, account.username, quoted.id, row.quoting_uri)}
