"""What changes a quote's state after it arrived (FEP-044f, Mastodon 4.5).

- **Revoked here** (``QuoteRevoked``, from ``POST /api/v1/statuses/:id/quotes/:quoting_id/revoke``):
  in the transaction the authorization is marked revoked (its URL answers 404); after commit,
  when the quoted post is written here and the quote on another server, a ``Delete`` of the
  ``QuoteAuthorization`` goes to the quoting author's inbox and the quoted post's audience
  (its author's followers' servers), as Mastodon's ``RevokeQuoteService``.
- **Revoked elsewhere** (``on_delete``): a ``Delete`` of a ``QuoteAuthorization`` from the
  author of the quoted post (only theirs: the post must be the sender's) revokes the quote
  stored here (a local quote of their post, or another server's), through the same action.
- **Accepted later** (``authorize_pending``): a ``pending`` quote whose Note carries a
  ``quoteAuthorization`` (when it is delivered, ``Create``, or comes again, ``Update``): for
  a post written here, one this server gave and has not revoked; for another server's post,
  one on that post's origin, fetched through the guarded client in a job
  (``federation.verify_quote``) and taken only when it is a ``QuoteAuthorization`` by the
  quoted post's author naming exactly this quote (its id is then kept).
"""

from __future__ import annotations

import hashlib
from typing import Any

from sqlalchemy import select

from porina.accounts.models import Account
from porina.core import events as ev
from porina.core.actor import Actor
from porina.core.errors import PorinaError
from porina.federation import documents as doc
from porina.federation import fetching, notes, quotes
from porina.federation import quote_authorizations as authorizations
from porina.federation.dispatch import FederationContext, base_url, queue_delivery
from porina.federation.outbound import audience
from porina.federation.quote_models import QuoteAuthorization
from porina.federation.remote import origin
from porina.jobs.events import subscribe
from porina.jobs.queue import enqueue, handler
from porina.posts import quote_policy
from porina.posts.counters import bump
from porina.posts.models import Status
from porina.storage.db import Tx

VERIFY = "federation.verify_quote"
KIND = "QuoteAuthorization"


@subscribe(ev.QuoteRevoked)
async def withdrawn(tx: Tx, event: ev.QuoteRevoked) -> None:
    """The authorization of a revoked quote is revoked with it (its URL answers 404)."""
    quoted = await tx.session.get(Status, event.quoted_id)
    quoting = await tx.session.get(Status, event.status_id)
    if quoted is None or quoting is None:
        return
    base = tx.settings.base_url.rstrip("/")
    await authorizations.mark_revoked(
        tx.session, quoted, await notes.status_uri(tx.session, quoting, base)
    )


async def _theirs_of_ours(tx: Tx, event: ev.QuoteRevoked) -> bool:
    """The quoted post's author is here and the quoting one on another server."""
    rows = await tx.session.execute(
        select(Account.id, Account.domain).where(
            Account.id.in_((event.author_id, event.quoted_author_id))
        )
    )
    domains = {account_id: domain for account_id, domain in rows}
    return domains.get(event.quoted_author_id, "") is None and bool(domains.get(event.author_id))


@subscribe(ev.QuoteRevoked, job="federation.on_quote_revoked", needed=_theirs_of_ours)
async def quote_revoked(ctx: FederationContext, event: ev.QuoteRevoked) -> None:
    """``Delete`` of the ``QuoteAuthorization``, to the quoting author's inbox and the
    quoted post's audience."""
    base = base_url(ctx)
    async with ctx.db.read() as session:
        quoted = await session.get(Status, event.quoted_id)
        quoting = await session.get(Status, event.status_id)
        owner = await session.get(Account, event.quoted_author_id)
        quoter = await session.get(Account, event.author_id)
        if quoted is None or quoting is None or owner is None or quoter is None:
            return
        targets = [quoter.inbox_url, *await audience(session, quoted)]
        quoting_uri = await notes.status_uri(session, quoting, base)
    activity = delete_activity(base, owner.username, quoted.id, quoting_uri)
    async with ctx.db.transaction() as tx:
        for inbox in dict.fromkeys(t for t in targets if t):
            await queue_delivery(tx, owner.id, inbox, activity)


def delete_activity(base: str, username: str, quoted_id: int, quoting_uri: str) -> dict[str, Any]:
    """Mastodon's ``Delete`` of a ``QuoteAuthorization`` (the object embedded)."""
    authorization = authorizations.document(base, username, quoted_id, quoting_uri)
    return {
        "@context": authorizations.CONTEXT,
        "id": f"{authorization['id']}#delete",
        "type": "Delete",
        "actor": authorization["attributedTo"],
        "to": [doc.AS_PUBLIC],
        "object": authorization,
    }


async def _named(
    tx: Tx, base: str, obj: Any, uri: str
) -> tuple[Status | None, Status | None] | None:
    """The quoted and quoting statuses a deleted authorization names: by the id kept for it,
    else by the embedded object; None when ``obj`` is no authorization known here."""
    row = await tx.session.scalar(select(QuoteAuthorization).where(QuoteAuthorization.uri == uri))
    if row is not None:
        quoted = await tx.session.get(Status, row.quoted_status_id)
        return quoted, await notes.find_status(tx.session, base, row.quoting_uri)
    if not isinstance(obj, dict) or obj.get("type") != KIND:
        return None
    quoted = await notes.find_status(tx.session, base, obj.get("interactionTarget"))
    return quoted, await notes.find_status(tx.session, base, obj.get("interactingObject"))


async def on_delete(tx: Tx, sender: Account, activity: dict[str, Any], base: str) -> bool:
    """A ``Delete`` of a ``QuoteAuthorization`` the sender gave: the quote is revoked. False
    when the activity deletes no authorization known here (a status, an actor)."""
    obj = activity.get("object")
    uri = obj.get("id") if isinstance(obj, dict) else obj
    if not isinstance(uri, str) or (isinstance(obj, dict) and obj.get("type") != KIND):
        return False
    named = await _named(tx, base, obj, uri)
    if named is None:
        return False
    quoted, quoting = named
    if quoted is None or quoting is None or quoting.quote_of_id != quoted.id:
        return True
    if quoted.local or quoted.account_id != sender.id:
        return True  # only the quoted post's author, on its own server, revokes
    try:
        await quote_policy.revoke(tx, Actor(account_id=sender.id), quoted.id, quoting.id)
    except PorinaError:
        return True
    return True


async def authorize_pending(tx: Tx, sender: Account, note: dict[str, Any], base: str) -> None:
    """A pending quote's Note (just stored, or come again in an ``Update``) carries a
    ``quoteAuthorization``: accepted now when it is this server's own (a post written here),
    else verified in a job (only one on the quoted post's origin)."""
    given = quotes.authorization_of(note)
    quoting = await tx.session.scalar(
        select(Status).where(
            Status.uri == note.get("id"),
            Status.account_id == sender.id,
            Status.deleted_at.is_(None),
        )
    )
    if given is None or quoting is None or quoting.quote_state != quotes.PENDING:
        return
    quoted = await notes.find_status(tx.session, base, quotes.quoted_uri(note))
    if quoted is None or quoting.quote_of_id != quoted.id or quoting.uri is None:
        return
    if quoted.local:
        if await _given_here(tx, base, quoted, quoting.uri, given):
            await _accept(tx, quoting, quoted)
        return
    if _same_origin(given, quoted.uri):
        digest = hashlib.sha256(f"{quoting.id} {given}".encode()).hexdigest()[:32]
        payload = {"status_id": str(quoting.id), "authorization": given}
        await enqueue(tx, VERIFY, payload, key=f"{VERIFY}:{digest}")


async def _given_here(tx: Tx, base: str, quoted: Status, quoting_uri: str, given: str) -> bool:
    author = await tx.session.get(Account, quoted.account_id)
    row = await authorizations.row_of(tx.session, quoted.id, quoting_uri)
    if author is None or row is None or row.hash is None or row.revoked_at is not None:
        return False
    return given == authorizations.url_of(
        doc.status_url(base, author.username, quoted.id), quoting_uri
    )


def _same_origin(one: str | None, other: str | None) -> bool:
    try:
        return bool(one and other) and origin(str(one)) == origin(str(other))
    except PorinaError:
        return False


async def _accept(tx: Tx, quoting: Status, quoted: Status) -> None:
    quoting.quote_state = quotes.ACCEPTED
    await bump(tx, Status, quoted.id, "quotes_count", 1)
    await tx.session.flush()


def _value(value: Any) -> Any:
    return value.get("id") if isinstance(value, dict) else value


def matches(found: dict[str, Any], url: str, quoting: Status, quoted: Status, owner: str) -> bool:
    """A fetched authorization is the one the quote needs: a ``QuoteAuthorization`` at
    ``url``, by the quoted post's author, for exactly this quoting Note and quoted post."""
    return (
        found.get("type") == KIND
        and found.get("id") == url
        and _value(found.get("attributedTo")) == owner
        and _value(found.get("interactingObject")) == quoting.uri
        and _value(found.get("interactionTarget")) == quoted.uri
        and _same_origin(url, quoted.uri)
    )


@handler(VERIFY)
async def verify_quote(ctx: FederationContext, payload: dict[str, Any]) -> None:
    """The ``federation.verify_quote`` job: fetch the authorization a pending quote's Note
    names from the quoted post's origin, and accept the quote when it verifies."""
    status_id, url = int(payload["status_id"]), str(payload["authorization"])
    async with ctx.db.read() as session:
        quoting = await session.get(Status, status_id)
        quoted = await session.get(Status, quoting.quote_of_id) if quoting else None
        owner = await session.get(Account, quoted.account_id) if quoted else None
    if quoting is None or quoted is None or owner is None or not owner.uri:
        return
    if not _same_origin(url, quoted.uri):
        return
    try:
        found = await fetching.fetch_object(
            fetching.Fetcher(ctx.db, ctx.outbound, ctx.settings), url
        )
    except PorinaError:
        return
    if not matches(found, url, quoting, quoted, owner.uri):
        return
    async with ctx.db.transaction() as tx:
        again = await tx.session.get(Status, status_id)
        if again is None or again.quote_state != quotes.PENDING or again.quote_of_id != quoted.id:
            return
        if await authorizations.keep(tx.session, quoted.id, str(again.uri), url):
            await _accept(tx, again, quoted)
