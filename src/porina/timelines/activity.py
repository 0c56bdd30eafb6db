"""Who is active, for fan-out. As in Mastodon, a new post goes only into the home feeds of
followers seen in the last ``feed_active_days`` (the author and mentioned accounts always get
it); a follower back after longer has their feed rebuilt on their first request, before it is
read. A business with 100,000 followers, most of them long gone, fans out to those still here.

``accounts.last_active_at`` is kept to the day: ``seen`` reads nothing and writes at most once
a day per account (one conditional ``UPDATE``). It is called where a request's caller is
already loaded: the API's token look-up (``api/mastodon/auth.py``, streaming included) and the
web session (``web/sessions.py``). Never seen (NULL, e.g. rows from before this column) counts
as active.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import or_, select, update

from porina.accounts.models import Account
from porina.core.clock import now
from porina.timelines import jobs
from porina.timelines.feeds import FeedContext
from porina.timelines.queries import active_since

TOUCH_EVERY = timedelta(days=1)
CHUNK = 1000


async def seen(svc: FeedContext, account_id: int, last: datetime | None) -> None:
    """``account_id`` is using Porina now; ``last`` is its ``last_active_at`` as the caller
    read it. Nothing happens when that was today. Otherwise the day is recorded, and if the
    account had been away longer than fan-out waits, its home feed takes what it missed."""
    moment = now()
    if last is not None and last >= moment - TOUCH_EVERY:
        return
    async with svc.db.transaction() as tx:
        result = await tx.session.execute(
            update(Account)
            .where(
                Account.id == account_id,
                or_(
                    Account.last_active_at.is_(None),
                    Account.last_active_at < moment - TOUCH_EVERY,
                ),
            )
            .values(last_active_at=moment)
            .execution_options(synchronize_session=False)
        )
        recorded = bool(getattr(result, "rowcount", 0))
    since = active_since(svc.settings)
    if recorded and last is not None and since is not None and last < since:
        await jobs.rebuild_home(svc, account_id)  # one process wins the UPDATE, and rebuilds


async def drop_idle_feeds(svc: FeedContext) -> int:
    """Forget the home feeds of local accounts idle for longer than ``feed_active_days``
    (``porina admin drop-idle-feeds``, for a daily cron): fan-out no longer reaches them, so
    their feeds only hold memory until they return, when ``seen`` rebuilds them. Returns how
    many feeds were dropped."""
    since = active_since(svc.settings)
    if since is None:
        return 0
    idle = (
        select(Account.id)
        .where(Account.domain.is_(None), Account.last_active_at < since)
        .order_by(Account.id)
    )
    dropped = 0
    async with svc.db.read() as session:
        result = await session.stream_scalars(idle)
        async for chunk in result.partitions(CHUNK):
            await svc.feeds.drop_many(list(chunk))
            dropped += len(chunk)
    return dropped
