"""Sign-up, confirmation, unsubscribe, preferences and erasure of a subscriber (issue 19,
points 1, 3 and 6). The token of the self-service links is the only authority on the
subscriber's side: no account, no cookie."""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import delete, select
from sqlalchemy.ext.asyncio import AsyncSession

from porina.core.clock import aware, now
from porina.core.ids import new_id
from porina.jobs.events import emit
from porina.newsletter.actions import RESEND_AFTER, clean_name, clean_source, normalise_email
from porina.newsletter.errors import ListNotFound, SubscriberNotFound
from porina.newsletter.events import (
    NewsletterConfirmed,
    NewsletterErased,
    NewsletterSubscribed,
    NewsletterUnsubscribed,
)
from porina.newsletter.models import NewsletterConsent, NewsletterList, NewsletterSubscriber
from porina.newsletter.texts import consent_text, lang_of
from porina.storage.db import Tx


@dataclass(frozen=True, slots=True)
class SignUp:
    email: str
    name: str
    source: str | None
    locale: str


def sign_up(data: dict[str, Any], locale: str) -> SignUp:
    """The checked form or JSON body; ``InvalidSubscription`` (422) before anything is written."""
    return SignUp(
        email=normalise_email(data.get("email")),
        name=clean_name(data.get("name")),
        source=clean_source(data.get("source")),
        locale=lang_of(locale),
    )


async def get_list(session: AsyncSession, list_id: int) -> NewsletterList:
    row = await session.get(NewsletterList, list_id)
    if row is None:
        raise ListNotFound()
    return row


async def by_token(session: AsyncSession, token: str) -> NewsletterSubscriber:
    if not token or len(token) > 64:
        raise SubscriberNotFound()
    row = await session.scalar(
        select(NewsletterSubscriber).where(NewsletterSubscriber.token == token)
    )
    if row is None:
        raise SubscriberNotFound()
    return row


def _due(row: NewsletterSubscriber, moment: datetime) -> bool:
    return row.mailed_at is None or aware(row.mailed_at) + RESEND_AFTER <= moment


async def subscribe(tx: Tx, list_id: int, form: SignUp) -> None:
    """Sign ``form.email`` up; the same outcome for the caller whatever the address's state."""
    listing = await get_list(tx.session, list_id)
    row = await tx.session.scalar(
        select(NewsletterSubscriber)
        .where(NewsletterSubscriber.list_id == list_id, NewsletterSubscriber.email == form.email)
        .with_for_update()
    )
    moment = now()
    if row is None:
        row = NewsletterSubscriber(
            id=new_id(),
            list_id=list_id,
            email=form.email,
            name=form.name,
            locale=form.locale,
            status="unconfirmed",
            source=form.source,
            token=secrets.token_urlsafe(32),
            created_at=moment,
        )
        tx.session.add(row)
        await tx.session.flush()
    elif row.status in {"confirmed", "blocklisted"}:
        return  # nothing to do, and nothing the caller can tell apart
    elif row.status == "unsubscribed":
        row.status, row.unsubscribed_at = "unconfirmed", None
    if not listing.double_opt_in:
        await _confirm(tx, listing, row, moment)
        return
    mail = _due(row, moment)
    if mail:
        row.mailed_at = moment
    await emit(
        tx,
        NewsletterSubscribed(list_id=list_id, subscriber_id=row.id, source=row.source, mail=mail),
    )


async def _confirm(
    tx: Tx, listing: NewsletterList, row: NewsletterSubscriber, moment: datetime
) -> None:
    row.status, row.confirmed_at, row.unsubscribed_at = "confirmed", moment, None
    tx.session.add(
        NewsletterConsent(
            id=new_id(),
            subscriber_id=row.id,
            list_id=listing.id,
            text=consent_text(listing, row.locale),
            at=moment,
        )
    )
    await emit(tx, NewsletterConfirmed(list_id=listing.id, subscriber_id=row.id))


async def confirm(tx: Tx, token: str) -> NewsletterSubscriber:
    """The confirm page's button (a POST; opening the link confirms nobody)."""
    row = await by_token(tx.session, token)
    if row.status == "unconfirmed":
        listing = await get_list(tx.session, row.list_id)
        await _confirm(tx, listing, row, now())
    return row


async def unsubscribe(tx: Tx, token: str, how: str) -> NewsletterSubscriber:
    row = await by_token(tx.session, token)
    if row.status in {"unconfirmed", "confirmed"}:
        row.status, row.unsubscribed_at = "unsubscribed", now()
        await emit(tx, NewsletterUnsubscribed(list_id=row.list_id, subscriber_id=row.id, how=how))
    return row


async def update_preferences(tx: Tx, token: str, data: dict[str, Any]) -> NewsletterSubscriber:
    row = await by_token(tx.session, token)
    if "name" in data:
        row.name = clean_name(data.get("name"))
    if data.get("locale") in {"en", "fi"}:
        row.locale = str(data["locale"])
    return row


async def erase(tx: Tx, token: str) -> None:
    """Delete the subscriber and its consents: nothing of the address is kept."""
    row = await by_token(tx.session, token)
    list_id, subscriber_id = row.list_id, row.id
    await tx.session.execute(
        delete(NewsletterConsent).where(NewsletterConsent.subscriber_id == subscriber_id)
    )
    await tx.session.delete(row)
    await emit(tx, NewsletterErased(list_id=list_id, subscriber_id=subscriber_id))


async def export(session: AsyncSession, token: str) -> dict[str, Any]:
    """Everything kept about the subscriber (the preferences page's download)."""
    row = await by_token(session, token)
    listing = await get_list(session, row.list_id)
    consents = await session.scalars(
        select(NewsletterConsent).where(NewsletterConsent.subscriber_id == row.id)
    )

    def when(value: datetime | None) -> str | None:
        return aware(value).isoformat() if value is not None else None

    return {
        "list": {"id": str(listing.id), "name": listing.name},
        "email": row.email,
        "name": row.name,
        "locale": row.locale,
        "status": row.status,
        "source": row.source,
        "created_at": when(row.created_at),
        "confirmed_at": when(row.confirmed_at),
        "unsubscribed_at": when(row.unsubscribed_at),
        "consents": [{"at": when(c.at), "text": c.text} for c in consents],
    }
