"""The timelines' recurring work: each day at 04:00 UTC, forget the home feeds of accounts
idle longer than ``PORINA_FEED_ACTIVE_DAYS`` (``activity.drop_idle_feeds``), so Redis holds
the active accounts' feeds only, with no cron entry to keep."""

from __future__ import annotations

import logging
from datetime import timedelta

from porina.jobs.recurring import Period, recurring
from porina.timelines import activity
from porina.timelines.feeds import FeedContext

log = logging.getLogger(__name__)


@recurring("timelines.drop_idle_feeds", every=timedelta(days=1), at=timedelta(hours=4))
async def drop_idle_feeds(ctx: FeedContext, period: Period) -> None:
    dropped = await activity.drop_idle_feeds(ctx)
    log.info("dropped %d idle home feed(s) for the day from %s", dropped, period.start)
