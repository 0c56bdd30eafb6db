"""``QuoteRequest`` both ways (Mastodon 4.5, FEP-044f).

- Incoming (``on_quote_request``): someone on another server asks to quote a post written
  here. Its author answers at once by the post's quote policy (``quotes.answer_request``:
  ``Accept`` with a ``QuoteAuthorization``, or ``Reject``); an accepted request's embedded
  quoting Note (``instrument``) is stored as a delivered one, quoting the post.
- Outgoing (``quote_created``): a local quote of another server's post sends its author a
  ``QuoteRequest`` (the quoting Note as ``instrument``). Its ``Accept`` sends the Note again
  as an ``Update`` with the ``quoteAuthorization`` it gave (``on_answer``; its id is kept,
  so that author's later ``Delete`` of it revokes the quote: ``quote_updates.py``); its ``Reject``
  marks the quote ``rejected`` (the quoted post is no longer shown in it).
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from porina.accounts.models import Account
from porina.core import events as ev
from porina.core.errors import PorinaError
from porina.federation import documents as doc
from porina.federation import notes, quotes
from porina.federation import quote_authorizations as authorizations
from porina.federation.dispatch import FederationContext, base_url, queue_delivery
from porina.federation.outbound import audience
from porina.federation.remote import origin
from porina.jobs.events import subscribe
from porina.posts.counters import bump
from porina.posts.models import Status
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


REQUEST = "#quote_request"
"""A local quote post's ``QuoteRequest`` id: the post's id with this suffix."""


def request_activity(note: dict[str, Any], quoted_uri: str) -> dict[str, Any]:
    """Mastodon 4.5's request to quote ``quoted_uri``, the quoting Note as ``instrument``."""
    return {
        "@context": doc.CONTEXT,
        "id": f"{note['id']}{REQUEST}",
        "type": "QuoteRequest",
        "actor": note["attributedTo"],
        "object": quoted_uri,
        "instrument": note,
    }


def _local_quote(event: ev.StatusCreated) -> bool:
    return event.local and event.quoted_id is not None


async def _remote_quoted(tx: Tx, event: ev.StatusCreated) -> bool:
    """The quoted post's author is on another server (one read)."""
    domain = await tx.session.scalar(
        select(Account.domain).where(Account.id == event.quoted_author_id)
    )
    return domain is not None


@subscribe(
    ev.StatusCreated, job="federation.on_quote_created", when=_local_quote, needed=_remote_quoted
)
async def quote_created(ctx: FederationContext, event: ev.StatusCreated) -> None:
    """A local quote of another server's post asks that post's author (``QuoteRequest``)."""
    async with ctx.db.read() as session:
        status = await session.get(Status, event.status_id)
        quoted = await session.get(Status, event.quoted_id) if event.quoted_id else None
        author = await session.get(Account, status.account_id) if status else None
        owner = await session.get(Account, quoted.account_id) if quoted else None
        if status is None or quoted is None or author is None or owner is None:
            return
        if owner.domain is None or not owner.inbox_url or not quoted.uri:
            return
        note = await notes.note_for(session, status, author, base_url(ctx))
    async with ctx.db.transaction() as tx:
        await queue_delivery(tx, author.id, owner.inbox_url, request_activity(note, quoted.uri))


async def on_answer(
    tx: Tx, sender: Account, activity: dict[str, Any], base: str, *, accepted: bool
) -> bool:
    """An ``Accept`` or ``Reject`` of a local post's ``QuoteRequest``, from the quoted post's
    author: the quote is accepted (and its Note sent again with the ``quoteAuthorization``)
    or rejected. False when the activity answers no quote request."""
    obj = activity.get("object")
    request_id = obj.get("id") if isinstance(obj, dict) else obj
    if not isinstance(request_id, str) or not request_id.endswith(REQUEST):
        return False
    status = await notes.find_status(tx.session, base, request_id.removesuffix(REQUEST))
    quoted = (
        await tx.session.get(Status, status.quote_of_id) if status and status.quote_of_id else None
    )
    if status is None or quoted is None or quoted.account_id != sender.id or not status.local:
        return True  # only the quoted post's author answers for it
    if not accepted:
        if status.quote_state != "rejected":
            if status.quote_state in (None, quotes.ACCEPTED):
                await bump(tx, Status, quoted.id, "quotes_count", -1)
            status.quote_state = "rejected"
            await tx.session.flush()
        return True
    result = activity.get("result")
    if isinstance(result, str) and _same_origin(result, sender):
        quoting_uri = await notes.status_uri(tx.session, status, base)
        if await authorizations.keep(tx.session, quoted.id, quoting_uri, result):
            await _send_authorized(tx, status, base, result)
    return True


def _same_origin(url: str, sender: Account) -> bool:
    try:
        return bool(sender.uri) and origin(url) == origin(str(sender.uri))
    except PorinaError:
        return False


async def _send_authorized(tx: Tx, status: Status, base: str, authorization: str) -> None:
    """The quote post's Note again (``Update``), now with its ``quoteAuthorization``."""
    author = await tx.session.get(Account, status.account_id)
    if author is None:
        return
    note = await notes.note_for(tx.session, status, author, base)
    note["quoteAuthorization"] = authorization
    activity = {**doc.update_activity(note), "id": f"{note['id']}#updates/quote-authorized"}
    for inbox in await audience(tx.session, status):
        await queue_delivery(tx, author.id, inbox, activity)
