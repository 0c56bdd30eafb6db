"""Sending a campaign (issue 19, point 4; docs/newsletter.md, "Sending").

``start`` writes one send record (``newsletter_sends``) per address that is confirmed on one
of the campaign's lists and blocklisted on none — one per address, however many of the lists
it is on — and queues the job ``newsletter.campaign.send``. The job takes the campaign
(``sender``, ``heartbeat_at``: one sender at a time), then repeats: claim a batch of pending
records (``sending``, in one transaction, before any mail leaves), build and DKIM-sign each
message, hand it over ``PORINA_NEWSLETTER_SMTP_CONNECTIONS`` reused SMTP connections at most
``PORINA_NEWSLETTER_SEND_RATE`` a second, and record the batch's outcome in one transaction.
Pause and cancel are seen at the next batch.

A crash leaves the records of the batch in flight ``sending``: the sender that takes over
(the job again once its lease runs out, or the one the scheduler queues when the heartbeat is
older than ``STALE``) marks them ``retry`` and sends them again, counting each in the
campaign's ``duplicates`` — so no recipient is lost and at most one batch is sent twice.
"""

from __future__ import annotations

import os
import secrets
import socket
from datetime import datetime, timedelta

from sqlalchemy import and_, func, or_, select, text, update

from porina.core.actor import Actor
from porina.core.clock import now
from porina.core.i18n import N_
from porina.jobs.events import emit
from porina.jobs.queue import TICK_AT_MOST, enqueue, on_tick
from porina.newsletter.campaigns_digest import freeze
from porina.newsletter.campaigns_errors import CampaignState
from porina.newsletter.campaigns_events import (
    CampaignCancelled,
    CampaignFinished,
    CampaignPaused,
    CampaignResumed,
    CampaignStarted,
)
from porina.newsletter.campaigns_models import NewsletterCampaign, NewsletterSend
from porina.storage.db import Database, Tx

SEND = "newsletter.campaign.send"
STALE = timedelta(seconds=30)
"""A sender that has not written its heartbeat for this long is taken to be dead."""
TICK = TICK_AT_MOST
"""How often every process that runs jobs looks for due and orphaned campaigns: the job
engine's slowest tick (a minute), so this ticker makes no other run more often; a campaign
starts within a minute of its time, and a dead sender is replaced within STALE + a minute."""

MATERIALISE = """
INSERT INTO newsletter_sends (campaign_id, subscriber_id, email, state, attempts)
SELECT :campaign_id, MIN(CASE WHEN s.status = 'confirmed' THEN s.id END), s.email, 'pending', 0
FROM newsletter_subscribers AS s
JOIN newsletter_campaign_lists AS cl ON cl.list_id = s.list_id AND cl.campaign_id = :campaign_id
GROUP BY s.email
HAVING SUM(CASE WHEN s.status = 'confirmed' THEN 1 ELSE 0 END) > 0
   AND SUM(CASE WHEN s.status = 'blocklisted' THEN 1 ELSE 0 END) = 0
"""


def sender_name() -> str:
    return f"{socket.gethostname()}:{os.getpid()}:{secrets.token_hex(4)}"


async def _queue_job(tx: Tx, campaign_id: int, key: str) -> None:
    await enqueue(
        tx, SEND, {"campaign_id": campaign_id}, key=f"{SEND}:{campaign_id}:{key}", max_attempts=50
    )


async def start(tx: Tx, row: NewsletterCampaign, actor: Actor | None) -> None:
    """Write the send records and queue the sender (from ``draft`` or ``scheduled``)."""
    await freeze(tx, row)
    await tx.session.flush()
    await tx.session.execute(text(MATERIALISE), {"campaign_id": row.id})
    count = await tx.session.scalar(
        select(func.count()).select_from(NewsletterSend).where(NewsletterSend.campaign_id == row.id)
    )
    moment = now()
    row.state, row.started_at, row.updated_at = "sending", moment, moment
    row.recipients, row.sender, row.heartbeat_at = int(count or 0), None, None
    await _queue_job(tx, row.id, "start")
    await emit(
        tx,
        CampaignStarted(
            actor=actor,
            brand_account_id=row.brand_account_id,
            campaign_id=row.id,
            recipients=row.recipients,
        ),
    )


async def pause(tx: Tx, row: NewsletterCampaign, actor: Actor | None, reason: str) -> None:
    if row.state not in {"sending", "scheduled"}:
        raise CampaignState.filled(N_("A %(state)s campaign cannot be paused"), state=row.state)
    row.state, row.updated_at = "paused", now()
    await emit(
        tx,
        CampaignPaused(
            actor=actor, brand_account_id=row.brand_account_id, campaign_id=row.id, reason=reason
        ),
    )


async def resume(tx: Tx, row: NewsletterCampaign, actor: Actor | None) -> None:
    if row.state != "paused":
        raise CampaignState.filled(N_("A %(state)s campaign cannot be resumed"), state=row.state)
    if row.started_at is None:
        await start(tx, row, actor)
    else:
        row.state, row.updated_at = "sending", now()
        await _queue_job(tx, row.id, f"resume{secrets.token_hex(4)}")
    await emit(
        tx, CampaignResumed(actor=actor, brand_account_id=row.brand_account_id, campaign_id=row.id)
    )


async def cancel(tx: Tx, row: NewsletterCampaign, actor: Actor | None) -> None:
    if row.state not in {"scheduled", "sending", "paused"}:
        raise CampaignState.filled(N_("A %(state)s campaign cannot be cancelled"), state=row.state)
    row.state, row.finished_at, row.updated_at = "cancelled", now(), now()
    await emit(
        tx,
        CampaignCancelled(actor=actor, brand_account_id=row.brand_account_id, campaign_id=row.id),
    )


async def take(db: Database, campaign_id: int, me: str) -> bool:
    """Become the campaign's sender, if it is sending and nobody alive sends it; the records
    left ``sending`` by a dead sender become ``retry``."""
    moment = now()
    async with db.transaction() as tx:
        taken = await tx.session.execute(
            update(NewsletterCampaign)
            .where(
                NewsletterCampaign.id == campaign_id,
                NewsletterCampaign.state == "sending",
                or_(
                    NewsletterCampaign.sender.is_(None),
                    NewsletterCampaign.heartbeat_at.is_(None),
                    NewsletterCampaign.heartbeat_at < moment - STALE,
                ),
            )
            .values(sender=me, heartbeat_at=moment)
        )
        if getattr(taken, "rowcount", 0) != 1:
            return False
        await tx.session.execute(
            update(NewsletterSend)
            .where(NewsletterSend.campaign_id == campaign_id, NewsletterSend.state == "sending")
            .values(state="retry")
        )
    return True


async def finish(db: Database, campaign_id: int, me: str) -> None:
    async with db.transaction() as tx:
        row = await tx.session.get(NewsletterCampaign, campaign_id)
        if row is None or row.sender != me or row.state != "sending":
            return
        row.state, row.sender, row.finished_at, row.updated_at = "sent", None, now(), now()
        await emit(
            tx,
            CampaignFinished(
                brand_account_id=row.brand_account_id,
                campaign_id=row.id,
                sent=row.sent,
                failed=row.failed,
                duplicates=row.duplicates,
            ),
        )


async def let_go(db: Database, campaign_id: int, me: str) -> None:
    """Stop being the sender (paused or cancelled), so a resume starts at once."""
    async with db.transaction() as tx:
        await tx.session.execute(
            update(NewsletterCampaign)
            .where(NewsletterCampaign.id == campaign_id, NewsletterCampaign.sender == me)
            .values(sender=None, heartbeat_at=None)
        )


@on_tick
async def scheduler(db: Database, at: datetime) -> datetime:
    """Start the scheduled campaigns that are due, and queue a sender for any campaign whose
    sender stopped writing its heartbeat (a crashed process)."""
    async with db.read() as session:
        found = await session.execute(
            select(
                NewsletterCampaign.id, NewsletterCampaign.state, NewsletterCampaign.heartbeat_at
            ).where(
                or_(
                    and_(
                        NewsletterCampaign.state == "scheduled",
                        NewsletterCampaign.scheduled_at <= at,
                    ),
                    and_(
                        NewsletterCampaign.state == "sending",
                        or_(
                            NewsletterCampaign.heartbeat_at.is_(None),
                            NewsletterCampaign.heartbeat_at < at - STALE,
                        ),
                    ),
                )
            )
        )
        rows = list(found)
    for campaign_id, state, heartbeat in rows:
        await _wake(db, campaign_id, state, _wake_key(heartbeat, at))
    return at + TICK


def _wake_key(heartbeat: datetime | None, at: datetime) -> str:
    """One replacement sender per silent heartbeat: keyed by the dead sender's last heartbeat,
    so it never collides with a job the dead process still holds under its lease (a wake job
    that became the sender and was killed keeps its key until that lease runs out); a campaign
    no sender ever took is woken once per ``STALE`` period."""
    if heartbeat is not None:
        return f"wake{heartbeat.isoformat()}"
    return f"wake{int(at.timestamp() // STALE.total_seconds())}"


async def _wake(db: Database, campaign_id: int, state: str, key: str) -> None:
    async with db.transaction() as tx:
        row = await tx.session.get(NewsletterCampaign, campaign_id)
        if row is None or row.state != state:
            return
        if state == "scheduled":
            await start(tx, row, None)
        else:
            await _queue_job(tx, campaign_id, key)
