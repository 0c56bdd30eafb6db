"""The contests' jobs (issue 18): ``campaigns.close_due``, once a minute, closes and draws
every open contest whose ``ends_at`` has passed, one transaction per contest. Crash-safe and
idempotent: a contest is closed in the same transaction that draws it, under a row lock, and
``close`` returns a drawn contest untouched, so a re-run (or the staff's close at the same
moment) changes nothing."""

from __future__ import annotations

import logging
from datetime import timedelta

from porina.campaigns import contests
from porina.core.clock import now
from porina.jobs.queue import JobContext
from porina.jobs.recurring import Period, recurring
from porina.storage.db import Database

log = logging.getLogger(__name__)


async def close_due(db: Database) -> int:
    """Close every contest past its end; the number closed now."""
    async with db.read() as session:
        due = await contests.due(session, now())
    for contest_id in due:
        async with db.transaction() as tx:
            await contests.close(tx, contest_id)
    return len(due)


@recurring("campaigns.close_due", every=timedelta(minutes=1))
async def close_job(ctx: JobContext, period: Period) -> None:
    closed = await close_due(ctx.db)
    if closed:
        log.info("contests: %d closed and drawn at %s", closed, period.start)
