"""``GET /api/v1/statuses/:id/context`` on the home timeline's paths, signed in or not.

The thread's shape and the id the focus replies to are one prebuilt statement
(``posts.thread.around``), the page rows of the focus, its ancestors and descendants
(visibility, versions, the viewer's marks: ``timelines/page.py``) one statement per 64 of them
(a focus the reader may not see answers 404), and every rendering comes from the status cache
(``render/pages.rows_for``: the viewer's marks for a signed-in viewer, the public form for an
anonymous reader; the focus itself is not rendered). A thread of up to 63 posts around the focus
costs two statements when the cache is warm; what is shown, and in which order, is what
``posts.thread.thread`` gives (with Mastodon's smaller limits for anonymous readers,
``thread.MASTODON_ANONYMOUS``)."""

from __future__ import annotations

from porina.api.mastodon.auth import ApiRuntime
from porina.posts import thread
from porina.posts.errors import StatusNotFound
from porina.render import entities as e
from porina.render.pages import rows_for
from porina.timelines.page import PageRow, for_ids


async def context(
    svc: ApiRuntime, viewer_id: int | None, status_id: int, limits: thread.Limits
) -> e.Context:
    shape = await thread.around(svc.db, status_id, limits.read)
    if shape is None:
        raise StatusNotFound()
    reply_to, parent_of = shape
    above = thread.ancestors(parent_of, reply_to, limits.ancestors)
    up = set(above)
    below = [
        i for i, _ in thread.descendants(parent_of, status_id)[: limits.descendants] if i not in up
    ]
    rows = await for_ids(svc.db, viewer_id, [status_id, *above, *below], mutes=False)
    visible: dict[int, PageRow] = {row.id: row for row in rows if row.visible}
    if status_id not in visible:
        raise StatusNotFound()
    ordered = [visible[i] for i in (*above, *below) if i in visible]
    shown = await rows_for(svc, viewer_id, ordered)
    ancestors = {str(i) for i in above}
    return e.Context(
        ancestors=[s for s in shown if s.id in ancestors],
        descendants=[s for s in shown if s.id not in ancestors],
    )
