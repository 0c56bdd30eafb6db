"""``/@user/:id/history``: a post's edit history, newest version first, linked from the
"Edited" marker on the post's page. Read through ``posts.history`` (the API's computation):
a post the reader may not see is a 404, never a hint that it exists."""

from __future__ import annotations

from typing import Any

from litestar import Request, get
from litestar.exceptions import NotFoundException
from litestar.response import Template

from porina.core.clock import iso
from porina.posts import history as posts_history
from porina.posts.errors import StatusNotFound
from porina.web.common import id_or_404, reader, render, renderer
from porina.web.runtime import services
from porina.web.statuses import check_handle


@get("/{handle:str}/{status_id:str}/history", name="web:status-history")
async def history_page(request: Request[Any, Any, Any], handle: str, status_id: str) -> Template:
    check_handle(handle)
    me = await reader(request)
    try:
        async with services(request).db.read() as session:
            found = await posts_history.history(
                session, me.id if me else None, id_or_404(status_id)
            )
    except StatusNotFound as exc:
        raise NotFoundException() from exc
    draw = renderer(request)
    author = draw.account(found.author)
    versions = [
        {
            "content": draw.content(v.content, found.author),
            "spoiler_text": v.spoiler_text,
            "sensitive": v.sensitive,
            "created_at": iso(v.created_at) or "",
            "media": [draw.media(m) for m in v.media or []],
            "poll": list(v.poll_options) if v.poll_options is not None else None,
        }
        for v in found.versions
    ]
    return render(
        request,
        "pages/history.html",
        me=me,
        author=author,
        link=f"/@{author.acct}/{found.status.id}",
        versions=list(reversed(versions)),
        count=len(versions),
    )


ROUTES = [history_page]
