"""The job ``newsletter.campaign.send``: batches of send records over reused SMTP connections
(docs/newsletter.md, "Sending"; the protocol is ``campaigns_sending``'s docstring)."""

from __future__ import annotations

import asyncio
import contextlib
import time
from dataclasses import dataclass, field, replace
from typing import Any
from urllib.parse import urlsplit

import aiosmtplib
from sqlalchemy import select, update

from porina.accounts.models import Account
from porina.core.clock import now
from porina.jobs.queue import JobContext, handler
from porina.mail import outbox
from porina.mail.compose import Draft
from porina.newsletter import campaign_render, clicks, verp
from porina.newsletter.campaign_render import Recipient, Sender
from porina.newsletter.campaigns_models import (
    NewsletterCampaign,
    NewsletterCampaignList,
    NewsletterSend,
)
from porina.newsletter.campaigns_sending import SEND, finish, let_go, sender_name, take
from porina.newsletter.models import NewsletterSubscriber
from porina.newsletter.texts import list_unsubscribe_headers
from porina.settings import Settings
from porina.storage.db import Database

BATCH = 200
MAX_ATTEMPTS = 5
"""Attempts of one recipient (SMTP down or a 4xx answer) before it is ``failed``."""
TIMEOUT = 30.0
KIND = "newsletter_campaign"
"""The outbox's ``kind`` of a campaign's mail (``PORINA_MAIL=outbox``)."""


@dataclass
class Claimed:
    recipient: Recipient
    retry: bool


@dataclass
class Outcome:
    sent: list[Claimed] = field(default_factory=list)
    refused: list[Claimed] = field(default_factory=list)
    later: list[Claimed] = field(default_factory=list)
    outboxed: list[tuple[Claimed, Draft]] = field(default_factory=list)
    """With ``PORINA_MAIL=outbox``: each recipient's message, put into the mail outbox."""


class Rate:
    """At most ``per_second`` starts a second (0: no limit), shared by the connections."""

    def __init__(self, per_second: float) -> None:
        self.interval = 1.0 / per_second if per_second > 0 else 0.0
        self.next_at = time.monotonic()

    async def wait(self) -> None:
        if not self.interval:
            return
        moment = time.monotonic()
        self.next_at = max(self.next_at, moment) + self.interval
        delay = self.next_at - self.interval - moment
        if delay > 0:
            await asyncio.sleep(delay)


async def _sender(db: Database, settings: Settings, campaign_id: int) -> Sender | None:
    async with db.read() as session:
        row = await session.get(NewsletterCampaign, campaign_id)
        if row is None:
            return None
        brand = await session.get(Account, row.brand_account_id)
        tracked = await clicks.tracking_on(session, await list_ids_of(session, row.id))
    name = (brand.display_name or brand.username) if brand is not None else ""
    body = campaign_render.render_body(row.subject, row.body)
    if tracked:  # the brand turned click counting on for every list (newsletter/clicks.py)
        body = replace(body, html=clicks.rewrite_links(body.html, row.id, settings))
    return campaign_render.sender_for(settings, row.id, name or settings.instance_title, body)


async def list_ids_of(session: Any, campaign_id: int) -> list[int]:
    found = await session.scalars(
        select(NewsletterCampaignList.list_id).where(
            NewsletterCampaignList.campaign_id == campaign_id
        )
    )
    return list(found)


@handler(SEND)
async def send_campaign(ctx: JobContext, payload: dict[str, Any]) -> None:
    db, settings = ctx.db, ctx.settings
    campaign_id = int(payload["campaign_id"])
    me = sender_name()
    if not await take(db, campaign_id, me):
        return
    sender = await _sender(db, settings, campaign_id)
    if sender is None:
        return
    rate = Rate(settings.newsletter_send_rate)
    pools = [Pool(settings, sender, rate) for _ in range(max(1, settings.newsletter_concurrency))]
    try:
        await _run(db, settings, pools, me)
    finally:
        for pool in pools:
            await pool.close()


async def _run(db: Database, settings: Settings, pools: list[Pool], me: str) -> None:
    """``PORINA_NEWSLETTER_CONCURRENCY`` lanes, each claiming and sending its own batches.
    Claims take turns (``turn``), so the lanes' batches are disjoint on either database. The
    campaign is finished only when every lane found nothing left: the last lane's last claim
    comes after every other lane recorded its last batch, so nothing was left pending."""
    campaign_id = pools[0].sender.campaign_id
    turn = asyncio.Lock()
    lanes = [_lane(db, settings, pool, me, turn) for pool in pools]
    if all(await asyncio.gather(*lanes)):
        await finish(db, campaign_id, me)
    else:
        await let_go(db, campaign_id, me)


async def _lane(db: Database, settings: Settings, pool: Pool, me: str, turn: asyncio.Lock) -> bool:
    """Batches until none is left (True) or this process is no longer the sender (False)."""
    campaign_id = pool.sender.campaign_id
    idle = 0
    while True:
        async with turn:
            batch = await claim(db, settings, campaign_id, me)
        if batch is None:
            return False
        if not batch:
            return True
        outcome = await pool.deliver(batch)
        await record(db, campaign_id, outcome)
        idle = idle + 1 if outcome.later and not outcome.sent else 0
        if idle:
            await asyncio.sleep(min(2**idle, 60))


async def claim(
    db: Database, settings: Settings, campaign_id: int, me: str
) -> list[Claimed] | None:
    """The next batch, marked ``sending`` before any of it leaves; None when this process is
    no longer the sender (paused, cancelled, taken over); [] when nothing is left. Addresses
    unsubscribed or blocklisted since the start are ``skipped`` (a batch of only those is
    passed over for the next, so it never reads as the end)."""
    async with db.transaction() as tx:
        beat = await tx.session.execute(
            update(NewsletterCampaign)
            .where(
                NewsletterCampaign.id == campaign_id,
                NewsletterCampaign.sender == me,
                NewsletterCampaign.state == "sending",
            )
            .values(heartbeat_at=now())
        )
        if getattr(beat, "rowcount", 0) != 1:
            return None
        while True:
            found = await _take_batch(tx, settings, campaign_id)
            if found is not None:
                return found


async def _take_batch(tx: Any, settings: Settings, campaign_id: int) -> list[Claimed] | None:
    """Up to BATCH pending records: the live ones marked ``sending``, the rest ``skipped``;
    None when every one of them was skipped."""
    rows = (
        await tx.session.execute(
            select(NewsletterSend.subscriber_id, NewsletterSend.state)
            .where(
                NewsletterSend.campaign_id == campaign_id,
                NewsletterSend.state.in_(("pending", "retry")),
            )
            .limit(BATCH)  # in no order: the index stops at BATCH rows, no sort of the rest
        )
    ).all()
    ids = [subscriber_id for subscriber_id, _ in rows]
    found = await tx.session.scalars(
        select(NewsletterSubscriber).where(NewsletterSubscriber.id.in_(ids))
    )
    live = {s.id: s for s in found if s.status == "confirmed"}
    await _mark(tx, campaign_id, [i for i in ids if i not in live], state="skipped")
    await _mark(tx, campaign_id, list(live), state="sending", attempt=True)
    if rows and not live:
        return None
    return [
        Claimed(_recipient(settings, live[i]), state == "retry") for i, state in rows if i in live
    ]


def _recipient(settings: Settings, row: NewsletterSubscriber) -> Recipient:
    headers = list_unsubscribe_headers(settings.base_url, verp.unsubscribe_address(settings), row)
    return Recipient(row.id, row.email, row.name, headers)


async def _mark(
    tx: Any, campaign_id: int, ids: list[int], *, state: str, attempt: bool = False, **extra: Any
) -> None:
    if not ids:
        return
    values: dict[str, Any] = {"state": state, **extra}
    if attempt:
        values["attempts"] = NewsletterSend.attempts + 1
    await tx.session.execute(
        update(NewsletterSend)
        .where(NewsletterSend.campaign_id == campaign_id, NewsletterSend.subscriber_id.in_(ids))
        .values(**values)
    )


async def _attempts(tx: Any, campaign_id: int, ids: list[int]) -> dict[int, int]:
    if not ids:
        return {}
    found = await tx.session.execute(
        select(NewsletterSend.subscriber_id, NewsletterSend.attempts).where(
            NewsletterSend.campaign_id == campaign_id, NewsletterSend.subscriber_id.in_(ids)
        )
    )
    return {subscriber_id: attempts for subscriber_id, attempts in found.all()}


async def record(db: Database, campaign_id: int, outcome: Outcome) -> None:
    """The batch's outcome and the campaign's counts, in one transaction."""
    async with db.transaction() as tx:
        sent = [c.recipient.subscriber_id for c in outcome.sent]
        for _claimed, draft in outcome.outboxed:
            await outbox.queue(tx, draft)
        sent += [c.recipient.subscriber_id for c, _draft in outcome.outboxed]
        await _mark(tx, campaign_id, sent, state="sent", sent_at=now())
        refused = [c.recipient.subscriber_id for c in outcome.refused]
        later = [c.recipient.subscriber_id for c in outcome.later]
        attempts = await _attempts(tx, campaign_id, later)
        refused += [i for i in later if attempts.get(i, 0) >= MAX_ATTEMPTS]
        await _mark(tx, campaign_id, refused, state="failed")
        again = [
            c for c in outcome.later if attempts.get(c.recipient.subscriber_id, 0) < MAX_ATTEMPTS
        ]
        await _mark(
            tx,
            campaign_id,
            [c.recipient.subscriber_id for c in again if not c.retry],
            state="pending",
        )
        await _mark(
            tx, campaign_id, [c.recipient.subscriber_id for c in again if c.retry], state="retry"
        )
        await tx.session.execute(
            update(NewsletterCampaign)
            .where(NewsletterCampaign.id == campaign_id)
            .values(
                sent=NewsletterCampaign.sent + len(sent),
                failed=NewsletterCampaign.failed + len(refused),
                duplicates=NewsletterCampaign.duplicates
                + sum(c.retry for c in outcome.sent)
                + sum(c.retry for c, _draft in outcome.outboxed),
            )
        )


class Pool:
    """``PORINA_NEWSLETTER_SMTP_CONNECTIONS`` SMTP connections, each kept open across messages
    and batches (reconnected after an error)."""

    def __init__(self, settings: Settings, sender: Sender, rate: Rate | None = None) -> None:
        self.settings, self.sender = settings, sender
        self.size = max(1, settings.newsletter_smtp_connections)
        self.rate = rate or Rate(settings.newsletter_send_rate)
        self.connections: list[aiosmtplib.SMTP | None] = [None] * self.size

    async def _connection(self, slot: int) -> aiosmtplib.SMTP:
        found = self.connections[slot]
        if found is not None and found.is_connected:
            return found
        client = aiosmtplib.SMTP(
            hostname=self.settings.smtp_host,
            port=self.settings.smtp_port,
            local_hostname=urlsplit(self.settings.base_url).hostname or "localhost",
            timeout=TIMEOUT,
        )
        await client.connect()
        self.connections[slot] = client
        return client

    async def _drop(self, slot: int) -> None:
        found, self.connections[slot] = self.connections[slot], None
        if found is not None:
            found.close()

    async def close(self) -> None:
        for slot, found in enumerate(self.connections):
            if found is not None and found.is_connected:
                with contextlib.suppress(aiosmtplib.SMTPException, OSError):
                    await found.quit()
            await self._drop(slot)

    async def deliver(self, batch: list[Claimed]) -> Outcome:
        outcome = Outcome()
        if self.settings.mail != "smtp":  # PORINA_MAIL=outbox: into the outbox, like all mail
            outcome.outboxed.extend((item, self.draft(item.recipient)) for item in batch)
            return outcome
        items = iter(batch)
        await asyncio.gather(*(self._work(slot, items, outcome) for slot in range(self.size)))
        return outcome

    def draft(self, recipient: Recipient) -> Draft:
        found = campaign_render.parts(self.sender, recipient)
        headers = {**recipient.headers, "Precedence": "bulk"}
        return Draft(recipient.email, found.subject, found.text, found.html, KIND, headers)

    async def _work(self, slot: int, items: Any, outcome: Outcome) -> None:
        for item in items:
            recipient = item.recipient
            data = campaign_render.build(self.sender, recipient)
            envelope = verp.return_path(
                self.settings, self.sender.campaign_id, recipient.subscriber_id
            )
            await self.rate.wait()
            try:
                client = await self._connection(slot)
                await client.sendmail(envelope, [recipient.email], data)
            except aiosmtplib.SMTPRecipientsRefused as exc:
                codes = [r.code for r in exc.recipients]
                permanent = bool(codes) and all(500 <= c < 600 for c in codes)
                (outcome.refused if permanent else outcome.later).append(item)
            except aiosmtplib.SMTPResponseException as exc:
                (outcome.refused if 500 <= exc.code < 600 else outcome.later).append(item)
                await self._drop(slot)
            except (aiosmtplib.SMTPException, OSError, TimeoutError):
                outcome.later.append(item)
                await self._drop(slot)
            else:
                outcome.sent.append(item)
