"""A campaign's preview (rendered for a sample subscriber) and its test send (one message to
one address, counted nowhere) — docs/newsletter.md, "Campaigns"."""

from __future__ import annotations

from dataclasses import dataclass

import aiosmtplib
from sqlalchemy import select

from porina.accounts.models import Account
from porina.core.i18n import N_
from porina.mail import outbox
from porina.mail.compose import ADDRESS, Draft
from porina.mail.errors import DeliveryFailed
from porina.newsletter import campaign_render, verp
from porina.newsletter.campaign_render import Recipient, Sender
from porina.newsletter.campaigns import list_ids
from porina.newsletter.campaigns_digest import digest
from porina.newsletter.campaigns_errors import InvalidCampaign
from porina.newsletter.campaigns_models import NewsletterCampaign
from porina.newsletter.models import NewsletterSubscriber
from porina.newsletter.texts import list_unsubscribe_headers
from porina.storage.db import Tx

SAMPLE_NAME = "Aino Esimerkki"
SAMPLE_EMAIL = "aino@example.com"
TEST = "newsletter_test"
"""The outbox's ``kind`` of a test message (``PORINA_MAIL=outbox``)."""


@dataclass(frozen=True, slots=True)
class Preview:
    subject: str
    html: str
    text: str
    name: str
    email: str
    fragment: str
    """The HTML part's body alone (sanitised, personalised), for a page to show inline."""


async def _sender(tx: Tx, row: NewsletterCampaign) -> Sender:
    markdown = row.body
    if row.kind == "digest" and row.state in {"draft", "scheduled"}:
        markdown = await digest(tx, row)
    brand = await tx.session.get(Account, row.brand_account_id)
    name = (brand.display_name or brand.username) if brand is not None else ""
    body = campaign_render.render_body(row.subject, markdown)
    return campaign_render.sender_for(tx.settings, row.id, name or tx.settings.instance_title, body)


async def _sample(tx: Tx, row: NewsletterCampaign) -> NewsletterSubscriber:
    ids = await list_ids(tx, row.id)
    found = await tx.session.scalar(
        select(NewsletterSubscriber)
        .where(NewsletterSubscriber.list_id.in_(ids), NewsletterSubscriber.status == "confirmed")
        .order_by(NewsletterSubscriber.id)
        .limit(1)
    )
    if found is not None:
        return found
    return NewsletterSubscriber(
        id=0, list_id=ids[0] if ids else 0, email=SAMPLE_EMAIL, name=SAMPLE_NAME, token="preview"
    )


async def preview(tx: Tx, row: NewsletterCampaign) -> Preview:
    """The campaign as the first confirmed subscriber of its lists (or a made-up one) gets it."""
    sender = await _sender(tx, row)
    sample = await _sample(tx, row)
    name = campaign_render.safe_name(sample.name)
    body = sender.body
    return Preview(
        subject=campaign_render.personalise(body.subject, name, sample.email, escape=False),
        html=campaign_render.personalise(
            campaign_render.page_html(body), name, sample.email, escape=True
        ),
        text=campaign_render.personalise(body.text, name, sample.email, escape=False),
        name=name,
        email=sample.email,
        fragment=campaign_render.personalise(body.html, name, sample.email, escape=True),
    )


async def test_send(tx: Tx, row: NewsletterCampaign, address: object) -> str:
    """Send the campaign to ``address`` now, as the sample subscriber would get it (same
    headers and signature; its unsubscribe link is the sample's); nothing is counted. With
    ``PORINA_MAIL=outbox`` it goes into the outbox (``kind`` ``TEST``)."""
    email = address.strip().lower() if isinstance(address, str) else ""
    if not ADDRESS.match(email) or len(email) > 320:
        raise InvalidCampaign("Validation failed: email is not an e-mail address")
    sender = await _sender(tx, row)
    sample = await _sample(tx, row)
    headers = list_unsubscribe_headers(
        tx.settings.base_url, verp.unsubscribe_address(tx.settings), sample
    )
    recipient = Recipient(0, email, sample.name, headers)
    if tx.settings.mail != "smtp":  # PORINA_MAIL=outbox: into the outbox, like all mail
        found = campaign_render.parts(sender, recipient)
        extra = {**headers, "Precedence": "bulk"}
        await outbox.queue(tx, Draft(email, found.subject, found.text, found.html, TEST, extra))
        return email
    data = campaign_render.build(sender, recipient)
    try:
        await aiosmtplib.send(
            data,
            sender=tx.settings.mail_from,
            recipients=[email],
            hostname=tx.settings.smtp_host,
            port=tx.settings.smtp_port,
            timeout=30,
        )
    except (aiosmtplib.SMTPException, OSError) as exc:
        raise DeliveryFailed.filled(
            N_("The test message could not be sent: %(error)s"), error=str(exc)
        ) from exc
    return email
