"""An incoming ``QuoteRequest`` (Mastodon 4.5, FEP-044f): someone on another server asks to
quote a post written here. Its author answers at once by the post's quote policy
(``quotes.answer_request``: ``Accept`` with a ``QuoteAuthorization``, or ``Reject``); an
accepted request's embedded quoting Note (``instrument``) is stored as a delivered one,
quoting the post."""

from __future__ import annotations

from typing import Any

from porina.accounts.models import Account
from porina.core.errors import PorinaError
from porina.federation import notes, quotes
from porina.federation.remote import origin
from porina.storage.db import Tx


def _own(sender: Account, instrument: dict[str, Any]) -> bool:
    """The instrument is a Note of the sender's, on its origin."""
    if not isinstance(instrument.get("id"), str):
        return False
    if not sender.uri:
        return False
    try:
        same = origin(instrument["id"]) == origin(sender.uri)
    except PorinaError:
        return False
    return same and instrument.get("attributedTo") == sender.uri


async def on_quote_request(tx: Tx, sender: Account, activity: dict[str, Any], base: str) -> None:
    quoted = await notes.find_status(tx.session, base, activity.get("object"))
    if quoted is None or not quoted.local or quoted.reblog_of_id is not None:
        return
    author = await tx.session.get(Account, quoted.account_id)
    if author is None or author.domain is not None:
        return
    accepted = await quotes.answer_request(tx, sender, activity, quoted, author=author, base=base)
    instrument = activity.get("instrument")
    if not accepted or not isinstance(instrument, dict) or not _own(sender, instrument):
        return
    if quotes.quoted_uri(instrument) is not None:
        await notes.receive_note(tx, sender, instrument)
