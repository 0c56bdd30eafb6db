"""Timeline writes that are not reactions to events: rebuilding a home feed on demand.

Feed work that follows from what people do (fan-out, removal, merges) is in
``timelines/subscribers.py``; the job kinds of ``timelines/jobs.py`` stay registered, so a job
queued by an earlier release still runs.
"""

from __future__ import annotations

from porina.timelines import jobs
from porina.timelines.feeds import FeedContext


async def rebuild_home(svc: FeedContext, account_id: int) -> bool:
    """Refill an empty home feed from followed accounts' recent statuses."""
    return await jobs.rebuild_home(svc, account_id)
