"""``/settings/scheduled``: the reader's scheduled posts, soonest first, each with a form to
move it (``posts.actions.reschedule``) and a cancel button behind a confirm step
(``posts.actions.cancel_scheduled``), the actions ``/api/v1/scheduled_statuses`` uses. Only
the reader's own: another person's scheduled post is a 404, as one that does not exist."""

from __future__ import annotations

from datetime import UTC
from typing import Any

from litestar import Request, get, post
from litestar.response import Redirect, Template

from porina.core.clock import aware
from porina.core.errors import PorinaError
from porina.posts import actions as posts
from porina.posts import scheduling
from porina.posts.errors import ScheduledStatusNotFound
from porina.posts.models import ScheduledStatus
from porina.web import i18n
from porina.web.common import Me, form, id_or_404, render, see_other, signed_in
from porina.web.compose import ComposeError, scheduled_at
from porina.web.errors import message_for
from porina.web.runtime import services

HOME = "/settings/scheduled"


async def _page(
    request: Request[Any, Any, Any],
    me: Me,
    *,
    notice: str | None = None,
    error: str | None = None,
    failed: int | None = None,
    status_code: int = 200,
) -> Template:
    async with services(request).db.read() as session:
        rows = await scheduling.scheduled_of(session, me.id)
    return render(
        request,
        "pages/scheduled.html",
        me=me,
        rows=rows,
        times={row.id: when_fields(row) for row in rows},
        notice=notice,
        error=error,
        failed=failed,
        status_code=status_code,
    )


def when_fields(row: ScheduledStatus) -> tuple[str, str]:
    """The time for the ``datetime-local`` field, in UTC (what the form means without
    JavaScript, ``tz_offset`` 0), and as ISO 8601 for ``static/pages.js`` to show it in the
    writer's time zone (when ``app.js`` sends their offset)."""
    moment = aware(row.scheduled_at).astimezone(UTC)
    return moment.strftime("%Y-%m-%dT%H:%M"), moment.isoformat()


async def _own(request: Request[Any, Any, Any], me: Me, scheduled_id: int) -> ScheduledStatus:
    async with services(request).db.read() as session:
        row = await session.get(ScheduledStatus, scheduled_id)
    if row is None or row.account_id != me.id:
        raise ScheduledStatusNotFound()
    return row


@get(HOME, name="web:scheduled")
async def scheduled_page(request: Request[Any, Any, Any], done: str | None = None) -> Template:
    me = await signed_in(request)
    notice = {
        "moved": i18n._("The post is rescheduled."),
        "cancelled": i18n._("The scheduled post is cancelled."),
    }.get(done or "")
    return await _page(request, me, notice=notice)


@post(HOME + "/{scheduled_id:str}/reschedule", name="web:scheduled-reschedule")
async def reschedule(request: Request[Any, Any, Any], scheduled_id: str) -> Template | Redirect:
    me = await signed_in(request)
    wanted = id_or_404(scheduled_id)
    data = await form(request)
    try:
        when = scheduled_at(data)
        if when is None:
            raise ComposeError(i18n._("Choose when to publish the post."))
        async with services(request).db.transaction() as tx:
            await posts.reschedule(tx, me.actor, wanted, when)
    except ScheduledStatusNotFound:
        raise
    except PorinaError as exc:
        status, message = message_for(exc)
        return await _page(request, me, error=message, failed=wanted, status_code=status)
    return see_other(HOME + "?done=moved")


@get(HOME + "/{scheduled_id:str}/cancel", name="web:scheduled-cancel-confirm")
async def cancel_confirm(request: Request[Any, Any, Any], scheduled_id: str) -> Template:
    me = await signed_in(request)
    row = await _own(request, me, id_or_404(scheduled_id))
    text = str(row.params.get("text") or "")
    return render(
        request,
        "pages/confirm.html",
        me=me,
        title=i18n._("Cancel the scheduled post?"),
        question=i18n._("The post will not be published, and you cannot undo this."),
        detail=text[:280],
        action=f"{HOME}/{row.id}/cancel",
        button=i18n._("Cancel the post"),
        back=HOME,
    )


@post(HOME + "/{scheduled_id:str}/cancel", name="web:scheduled-cancel")
async def cancel(request: Request[Any, Any, Any], scheduled_id: str) -> Redirect:
    me = await signed_in(request)
    wanted = id_or_404(scheduled_id)
    async with services(request).db.transaction() as tx:
        await posts.cancel_scheduled(tx, me.actor, wanted)
    return see_other(HOME + "?done=cancelled")


ROUTES = [scheduled_page, reschedule, cancel_confirm, cancel]
