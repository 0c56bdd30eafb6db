"""``GET /api/v1/statuses/:id/context`` on the home timeline's paths, signed in or not.

The focus is one page row (visibility, versions, the viewer's marks: ``timelines/page.py``),
the thread's shape one prebuilt statement (``posts.thread.shape``), the ancestors and
descendants page rows again (a statement per 64 of them), and every rendering comes from the
status cache (``render/pages.rows_for``: the viewer's marks for a signed-in viewer, the public
form for an anonymous reader). A thread of up to 63 visible posts costs three statements when
the cache is warm; what is shown, and in which order, is what ``posts.thread.thread`` gives
(with Mastodon's smaller limits for anonymous readers, ``thread.MASTODON_ANONYMOUS``).
"""

from __future__ import annotations

from porina.api.mastodon.auth import ApiRuntime
from porina.posts import thread
from porina.posts.errors import StatusNotFound
from porina.render import entities as e
from porina.render.pages import rows_for
from porina.render.status_cache import Found
from porina.timelines.page import PageRow, for_ids


async def _focus(svc: ApiRuntime, viewer_id: int | None, status_id: int) -> Found:
    rows = [r for r in await for_ids(svc.db, viewer_id, [status_id], mutes=False) if r.visible]
    found = svc.status_cache.find(rows[0]) if rows else None
    if rows and found is None:
        async with svc.db.read() as session:
            found = (await svc.status_cache.fill(session, viewer_id, rows))[0]
    if found is None:
        raise StatusNotFound()
    return found


async def context(
    svc: ApiRuntime, viewer_id: int | None, status_id: int, limits: thread.Limits
) -> e.Context:
    focus = (await _focus(svc, viewer_id, status_id)).status.status
    parent_of = await thread.shape(svc.db, focus.thread_id or focus.id, limits.read)
    above = thread.ancestors(parent_of, focus.in_reply_to_id, limits.ancestors)
    up = set(above)
    below = [
        i for i, _ in thread.descendants(parent_of, focus.id)[: limits.descendants] if i not in up
    ]
    visible: dict[int, PageRow] = {
        row.id: row
        for row in await for_ids(svc.db, viewer_id, [*above, *below], mutes=False)
        if row.visible
    }
    ordered = [visible[i] for i in (*above, *below) if i in visible]
    shown = await rows_for(svc, viewer_id, ordered)
    ancestors = {str(i) for i in above}
    return e.Context(
        ancestors=[s for s in shown if s.id in ancestors],
        descendants=[s for s in shown if s.id not in ancestors],
    )
