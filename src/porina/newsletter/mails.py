"""The newsletter's mails (issue 19, point 1): the confirmation of a double opt-in sign-up and
the welcome mail (with the list's gift) once confirmed. Queued in the action's transaction
through the outbox, so they leave only after it commits; each carries the subscriber's
``List-Unsubscribe`` headers (``texts.list_unsubscribe_headers``)."""

from __future__ import annotations

from typing import Any

from porina.accounts.models import Account
from porina.jobs.events import subscribe
from porina.mail import templates
from porina.mail.compose import Draft
from porina.mail.outbox import queue
from porina.newsletter import verp
from porina.newsletter.events import NewsletterConfirmed, NewsletterSubscribed
from porina.newsletter.models import NewsletterList, NewsletterSubscriber
from porina.newsletter.texts import confirm_url, list_unsubscribe_headers, preferences_url
from porina.storage.db import Tx


async def _context(
    tx: Tx, subscriber: NewsletterSubscriber
) -> tuple[NewsletterList, dict[str, Any]]:
    listing = await tx.session.get(NewsletterList, subscriber.list_id)
    assert listing is not None  # the subscriber's list: a foreign key
    brand = await tx.session.get(Account, listing.brand_account_id)
    context = {
        "name": subscriber.name or subscriber.email,
        "list_name": listing.name,
        "title": listing.name,
        "brand": (brand.display_name or brand.username) if brand is not None else "",
        "frequency": listing.frequency,
        "instance": tx.settings.instance_title,
        "preferences": preferences_url(tx.settings.base_url, subscriber),
    }
    return listing, context


async def _send(tx: Tx, subscriber: NewsletterSubscriber, kind: str, extra: dict[str, Any]) -> None:
    _, context = await _context(tx, subscriber)
    rendered = templates.render(kind, subscriber.locale, {**context, **extra})
    headers = list_unsubscribe_headers(
        tx.settings.base_url, verp.unsubscribe_address(tx.settings), subscriber
    )
    draft = Draft(
        to=subscriber.email,
        subject=rendered.subject,
        text=rendered.text,
        html=rendered.html,
        kind=kind,
        headers=headers,
    )
    await queue(tx, draft)


@subscribe(NewsletterSubscribed, when=lambda event: event.mail)
async def send_confirmation(tx: Tx, event: NewsletterSubscribed) -> None:
    subscriber = await tx.session.get(NewsletterSubscriber, event.subscriber_id)
    if subscriber is not None:
        link = confirm_url(tx.settings.base_url, subscriber)
        await _send(tx, subscriber, "newsletter_confirm", {"link": link})


@subscribe(NewsletterConfirmed)
async def send_welcome(tx: Tx, event: NewsletterConfirmed) -> None:
    subscriber = await tx.session.get(NewsletterSubscriber, event.subscriber_id)
    listing = await tx.session.get(NewsletterList, event.list_id)
    if subscriber is None or listing is None:
        return
    gift = listing.gift_url or ""
    if gift.startswith("/"):
        gift = tx.settings.base_url.rstrip("/") + gift
    extra = {"gift_url": gift, "gift_label": listing.gift_label or gift}
    await _send(tx, subscriber, "newsletter_welcome", extra)
