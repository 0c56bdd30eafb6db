"""Quote posts as Mastodon 4.5 federates them (FEP-044f).

- Incoming: a Note names the post it quotes in ``quote`` (FEP-044f), else ``quoteUri``
  (Fedibird) or ``_misskey_quote`` (Misskey) (``quoted_uri``). When that post is here, the
  stored status quotes it (``of_note``): accepted when the quote is authorised (a post written
  here: its author's quote policy allows the sender, ``posts/quote_policy.py``; the sender's
  own post), else ``pending`` (shown without the quoted post, as Mastodon does). The
  ``quoteAuthorization`` the Note (or a later ``Update`` of it) carries accepts a pending
  quote when it verifies (another server's post: fetched from that post's origin;
  ``quote_updates.py``).
- A ``QuoteRequest`` for a post written here (``on_quote_request``) is answered by its
  author: ``Accept`` with a ``QuoteAuthorization`` (``result``, recorded and served:
  ``quote_authorizations.py``) when the quote policy lets the sender quote it and its
  author has not revoked that quote, ``Reject`` otherwise; an embedded ``instrument`` (the
  quoting Note) is stored as a delivered Note is.
- Outgoing: a local quote post's Note carries ``quote``, ``quoteUri`` and
  ``_misskey_quote`` (``note_fields``), and every local post its ``interactionPolicy``
  (``canQuote``) from its quote policy.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

from sqlalchemy.ext.asyncio import AsyncSession

from porina.accounts.models import Account
from porina.core.ids import new_id
from porina.federation import documents as doc
from porina.federation import quote_authorizations as authorizations
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
    """Whether the quote of ``quoted`` that ``sender``'s Note makes is authorised (another
    server's post: never yet, its ``quoteAuthorization`` is verified after the Note is
    stored, ``quote_updates.authorize_pending``)."""
    if quoted.account_id == sender.id:
        return ACCEPTED if quoted.visibility != "direct" else PENDING
    quoting = note.get("id")
    if not isinstance(quoting, str):
        return PENDING
    if quoted.local:
        allowed = await quote_policy.may_quote(session, sender.id, quoted)
        known = await authorizations.row_of(session, quoted.id, quoting)
        return ACCEPTED if allowed and (known is None or known.revoked_at is None) else PENDING
    return PENDING


def authorization_of(note: dict[str, Any]) -> str | None:
    """The id of the ``quoteAuthorization`` a Note carries (by id or embedded)."""
    value = note.get("quoteAuthorization")
    value = value.get("id") if isinstance(value, dict) else value
    return value if isinstance(value, str) else None


def approval_uri(quoted_uri_: str, quoting_uri: str) -> str:
    """The id of the ``QuoteAuthorization`` a local author gives (stable per quote)."""
    return authorizations.url_of(quoted_uri_, quoting_uri)


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
    if allowed and isinstance(quoting, str):  # the sender's own Note; refused once revoked
        own = _origin(quoting) is not None and _origin(quoting) == _origin(sender.uri)
        allowed = own and await authorizations.give(tx.session, quoted, quoting)
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
