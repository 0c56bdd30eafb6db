"""Quote posts as Mastodon 4.5 federates them (FEP-044f).

- Incoming: a Note names the post it quotes in ``quote`` (FEP-044f), else ``quoteUri``
  (Fedibird) or ``_misskey_quote`` (Misskey) (``quoted_uri``). When that post is here, the
  stored status quotes it (``of_note``): accepted when the quote is authorised (a post written
  here: its author's quote policy allows the sender, ``posts/quote_policy.py``; the sender's
  own post; another server's post: a ``quoteAuthorization`` from that post's server),
  else ``pending`` (shown without the quoted post, as Mastodon does).
- A ``QuoteRequest`` for a post written here (``on_quote_request``) is answered by its
  author: ``Accept`` with a ``QuoteAuthorization`` (``result``) when the quote policy lets
  the sender quote it, ``Reject`` otherwise; an embedded ``instrument`` (the quoting Note) is
  stored as a delivered Note is.
- Outgoing: a local quote post's Note carries ``quote``, ``quoteUri`` and
  ``_misskey_quote`` (``note_fields``), and every local post its ``interactionPolicy``
  (``canQuote``) from its quote policy.
"""

from __future__ import annotations

import hashlib
from typing import Any
from urllib.parse import urlsplit

from sqlalchemy.ext.asyncio import AsyncSession

from porina.accounts.models import Account
from porina.core.ids import new_id
from porina.federation import documents as doc
from porina.federation.dispatch import queue_delivery
from porina.posts import quote_policy
from porina.posts.models import Status
from porina.storage.db import Tx

QUOTE_KEYS = ("quote", "quoteUri", "quoteUrl", "_misskey_quote")
ACCEPTED = "accepted"
PENDING = "pending"


def quoted_uri(note: dict[str, Any]) -> str | None:
    for key in QUOTE_KEYS:
        value = note.get(key)
        if isinstance(value, str) and value.startswith(("https://", "http://")):
            return value
    return None


def _origin(url: Any) -> str | None:
    if not isinstance(url, str):
        return None
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc.lower()}" if parts.netloc else None


async def state_of(
    session: AsyncSession, sender: Account, note: dict[str, Any], quoted: Status
) -> str:
    """Whether the quote of ``quoted`` that ``sender``'s Note makes is authorised."""
    if quoted.account_id == sender.id:
        return ACCEPTED if quoted.visibility != "direct" else PENDING
    if quoted.local:
        allowed = await quote_policy.may_quote(session, sender.id, quoted)
        return ACCEPTED if allowed else PENDING
    authorization = note.get("quoteAuthorization")
    if isinstance(authorization, dict):
        authorization = authorization.get("id")
    same = _origin(authorization) is not None and _origin(authorization) == _origin(quoted.uri)
    return ACCEPTED if same else PENDING


def approval_uri(quoted_uri_: str, quoting_uri: str) -> str:
    """The id of the ``QuoteAuthorization`` a local author gives (stable per quote)."""
    digest = hashlib.sha256(quoting_uri.encode()).hexdigest()[:24]
    return f"{quoted_uri_}/quote_authorizations/{digest}"


def can_quote(policy: str, visibility: str, actor: str) -> dict[str, Any]:
    """Mastodon 4.5's ``interactionPolicy.canQuote`` for a local post."""
    automatic = [actor]
    chosen = quote_policy.automatic(policy, visibility)
    if "public" in chosen:
        automatic.append(doc.AS_PUBLIC)
    if "followers" in chosen:
        automatic.append(f"{actor}/followers")
    return {"canQuote": {"automaticApproval": automatic, "manualApproval": []}}


def note_fields(status: Status, actor: str, quoted_uri_: str | None) -> dict[str, Any]:
    """What a local post's Note adds: its quote policy, and the post it quotes."""
    fields: dict[str, Any] = {
        "interactionPolicy": can_quote(status.quote_policy, status.visibility, actor)
    }
    if quoted_uri_ is not None and status.quote_state in (None, ACCEPTED):
        fields.update(
            {"quote": quoted_uri_, "quoteUri": quoted_uri_, "_misskey_quote": quoted_uri_}
        )
    return fields


async def answer_request(
    tx: Tx, sender: Account, activity: dict[str, Any], quoted: Status, *, author: Account, base: str
) -> bool:
    """Accept or refuse ``sender``'s ``QuoteRequest`` for the local post ``quoted``, as its
    author; True when accepted."""
    allowed = await quote_policy.may_quote(tx.session, sender.id, quoted)
    instrument = activity.get("instrument")
    quoting = instrument.get("id") if isinstance(instrument, dict) else instrument
    me = doc.actor_url(base, author.username)
    quoted_url = doc.status_url(base, author.username, quoted.id)
    answer: dict[str, Any] = {
        "@context": doc.CONTEXT,
        "id": f"{me}#{'accepts' if allowed else 'rejects'}/quote_requests/{new_id()}",
        "type": "Accept" if allowed else "Reject",
        "actor": me,
        "object": {k: v for k, v in activity.items() if k != "@context"},
    }
    if allowed and isinstance(quoting, str):
        answer["result"] = approval_uri(quoted_url, quoting)
    if sender.inbox_url:
        await queue_delivery(tx, author.id, sender.inbox_url, answer)
    return allowed
