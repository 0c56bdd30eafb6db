"""The content calendar's pages (issue 19; docs/calendar.md, "Pages"):

- ``/calendar?view=month|week&day=YYYY-MM-DD``: the month (six weeks from the Monday on or
  before the 1st) or week around ``day`` (today in the brand's time zone by default), every
  brand the reader serves, each post on its local day with its state; missed posts with
  their reason and a retry; drafts not planned yet below. A draft can be moved to another day
  with its small form (a date input: works without JavaScript) or by dragging it
  (``static/calendar.js`` fills and sends the same form).
- ``/calendar/drafts/new`` and ``/calendar/drafts/:id``: the draft editor (text, content
  warning, visibility, language, the time in the brand's zone) with submit, approve, request
  changes (a comment), retry, delete, and the draft's history.

Every write goes through ``calendar.actions`` as the account the session acts as, which checks
the role again; a refusal is shown on the editor in the reader's language.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from litestar import Request, get, post
from litestar.response import Redirect, Template

from porina.calendar import actions, queries
from porina.calendar.content import zone as zone_info
from porina.calendar.errors import DraftNotFound
from porina.calendar.models import CalendarDraft
from porina.core.clock import aware, now
from porina.core.errors import PorinaError
from porina.render import calendar_view
from porina.storage.db import Tx
from porina.web import i18n
from porina.web.common import Me, form, id_or_404, render, safe_next, see_other, signed_in
from porina.web.errors import message_for
from porina.web.i18n import N_
from porina.web.runtime import services

HOME = "/calendar"
STATES = {
    "draft": N_("Draft"),
    "submitted": N_("Waiting for approval"),
    "approved": N_("Approved"),
    "changes_requested": N_("Changes requested"),
    "scheduled": N_("Scheduled"),
    "published": N_("Published"),
    "missed": N_("Missed"),
}
NOTICES = {
    "created": N_("The draft is saved."),
    "saved": N_("The draft is saved."),
    "submit": N_("The draft is sent for approval."),
    "approve": N_("The post is approved. It will be published at its time."),
    "request_changes": N_("The draft is sent back with your comment."),
    "reschedule": N_("The post is moved."),
    "retry": N_("The post will be published again now."),
    "delete": N_("The draft is deleted."),
}
# The calendar's refusals (``calendar.actions``, ``calendar.access``), shown in the reader's
# language.
REFUSALS = (
    N_("Validation failed: comment must be 1 to 2000 characters"),
    N_("Validation failed: scheduled_at must be in the future"),
    N_("Validation failed: scheduled_at must be an ISO 8601 date and time"),
    N_("Validation failed: only a submitted post can be approved"),
    N_("Validation failed: only a missed post can be retried"),
    N_("Validation failed: a published post cannot be deleted here"),
    N_("Validation failed: Text can't be blank"),
    N_("An analyst can read the content calendar but not change it"),
    N_("Only the account's owners and managers can approve, send back or retry posts"),
    N_("The brand account is suspended"),
)
WEEKDAYS = (N_("Mon"), N_("Tue"), N_("Wed"), N_("Thu"), N_("Fri"), N_("Sat"), N_("Sun"))


@dataclass(frozen=True, slots=True)
class Grid:
    view: str
    anchor: date
    first: date
    last: date
    weeks: list[list[date]]
    previous: date
    next: date


def grid(view: str, anchor: date) -> Grid:
    """The days the view shows: a week from Monday, or six weeks around the month."""
    if view == "week":
        first = anchor - timedelta(days=anchor.weekday())
        weeks = 1
        previous, following = anchor - timedelta(days=7), anchor + timedelta(days=7)
    else:
        start = anchor.replace(day=1)
        first = start - timedelta(days=start.weekday())
        weeks = 6
        previous = (start - timedelta(days=1)).replace(day=1)
        following = (start + timedelta(days=32)).replace(day=1)
    days = [[first + timedelta(days=7 * w + d) for d in range(7)] for w in range(weeks)]
    return Grid(view, anchor, first, days[-1][-1], days, previous, following)


def _anchor(day: str | None, zone: str) -> date:
    try:
        return queries.days(day, day)[0]
    except PorinaError:
        return now().astimezone(zone_info(zone)).date()


async def _zone(request: Request[Any, Any, Any], me: Me) -> str:
    svc = services(request)
    async with svc.db.read() as session:
        return await calendar_view.brand_zone(session, me.id, svc.settings.default_time_zone)


@get(HOME, name="web:calendar")
async def calendar_page(
    request: Request[Any, Any, Any],
    view: str = "month",
    day: str | None = None,
    done: str | None = None,
) -> Template:
    me = await signed_in(request)
    zone = await _zone(request, me)
    shown = grid("week" if view == "week" else "month", _anchor(day, zone))
    svc = services(request)
    async with svc.db.read() as session:
        served = await calendar_view.brands(session, me.actor, svc.settings.default_time_zone)
        found = await calendar_view.entries(session, served, shown.first, shown.last)
        unplanned = await queries.unplanned(session, me.id, zone)
    by_day: dict[date, list[tuple[calendar_view.Brand, queries.Entry]]] = {}
    for brand, entry in found:
        if entry.local is not None:
            by_day.setdefault(entry.local.date(), []).append((brand, entry))
    return render(
        request,
        "pages/calendar.html",
        me=me,
        grid=shown,
        by_day=by_day,
        unplanned=unplanned,
        zone=zone,
        today=now().astimezone(zone_info(zone)).date(),
        states={k: i18n._(v) for k, v in STATES.items()},
        weekdays=[i18n._(d) for d in WEEKDAYS],
        notice=i18n._(NOTICES[done]) if done in NOTICES else None,
        back=f"{HOME}?view={shown.view}&day={shown.anchor.isoformat()}",
    )


def local_input(row: CalendarDraft | None, zone: str) -> str:
    """The planned time for the ``datetime-local`` field, in the brand's zone."""
    if row is None or row.planned_at is None:
        return ""
    return aware(row.planned_at).astimezone(zone_info(zone)).strftime("%Y-%m-%dT%H:%M")


async def _editor(
    request: Request[Any, Any, Any],
    me: Me,
    draft_id: int | None,
    *,
    error: str | None = None,
    notice: str | None = None,
    status_code: int = 200,
    data: dict[str, Any] | None = None,
) -> Template:
    svc = services(request)
    zone = await _zone(request, me)
    view = None
    if draft_id is not None:
        async with svc.db.transaction() as tx:
            row = await actions.own(tx, me.actor, draft_id)
            view = await calendar_view.draft_view(tx.session, row, zone)
    return render(
        request,
        "pages/calendar_draft.html",
        me=me,
        view=view,
        draft=view.draft if view else None,
        when=local_input(view.draft if view else None, zone),
        zone=zone,
        states={k: i18n._(v) for k, v in STATES.items()},
        data=data or {},
        error=error,
        notice=notice,
        status_code=status_code,
    )


@get(f"{HOME}/drafts/new", name="web:calendar-new")
async def new_draft_page(request: Request[Any, Any, Any], day: str | None = None) -> Template:
    me = await signed_in(request)
    when = f"{day}T09:00" if day and _anchor(day, "UTC").isoformat() == day else ""
    return await _editor(request, me, None, data={"scheduled_at": when})


@get(f"{HOME}/drafts/{{draft_id:str}}", name="web:calendar-draft")
async def draft_page(
    request: Request[Any, Any, Any], draft_id: str, done: str | None = None
) -> Template:
    me = await signed_in(request)
    notice = i18n._(NOTICES[done]) if done in NOTICES else None
    return await _editor(request, me, id_or_404(draft_id), notice=notice)


Work = Callable[[Tx, Me, dict[str, Any], str], Awaitable[CalendarDraft | None]]


async def _act(
    request: Request[Any, Any, Any], draft_id: int | None, done: str, work: Work
) -> Template | Redirect:
    """Run ``work(tx, me, data, zone)``; then the editor again (or ``back``), or the refusal
    on the editor."""
    me = await signed_in(request)
    data = await form(request)
    zone = await _zone(request, me)
    try:
        async with services(request).db.transaction() as tx:
            row = await work(tx, me, data, zone)
    except PorinaError as exc:
        status, message = message_for(exc)
        if draft_id is None or status == 404:
            return await _editor(request, me, None, error=message, status_code=status, data=data)
        return await _editor(request, me, draft_id, error=message, status_code=status)
    back = safe_next(str(data.get("back") or ""), "")
    if back:
        return see_other(f"{back}{'&' if '?' in back else '?'}done={done}")
    target = row.id if row is not None and row.state != "deleted" else None
    return see_other(f"{HOME}/drafts/{target}?done={done}" if target else f"{HOME}?done={done}")


@post(f"{HOME}/drafts", name="web:calendar-create")
async def create_draft(request: Request[Any, Any, Any]) -> Template | Redirect:
    async def work(tx: Tx, me: Me, data: dict[str, Any], zone: str) -> CalendarDraft:
        return await actions.create(tx, me.actor, data, zone)

    return await _act(request, None, "created", work)


@post(f"{HOME}/drafts/{{draft_id:str}}", name="web:calendar-save")
async def save_draft(request: Request[Any, Any, Any], draft_id: str) -> Template | Redirect:
    parsed = id_or_404(draft_id)

    async def work(tx: Tx, me: Me, data: dict[str, Any], zone: str) -> CalendarDraft:
        return await actions.edit(tx, me.actor, parsed, data, zone)

    return await _act(request, parsed, "saved", work)


def _moved(data: dict[str, Any], row: CalendarDraft, zone: str) -> object:
    """The form's new time: ``scheduled_at``, or ``date`` (the calendar's move form and
    drag) at the post's own time of day in the brand's zone (09:00 when it has none)."""
    if data.get("scheduled_at"):
        return data.get("scheduled_at")
    day = str(data.get("date") or "")
    hour = local_input(row, zone)[11:] or "09:00"
    return f"{day}T{hour}" if day else None


async def _step(
    tx: Tx, me: Me, action: str, *, draft_id: int, data: dict[str, Any], zone: str
) -> CalendarDraft | None:
    actor = me.actor
    if action == "submit":
        return await actions.submit(tx, actor, draft_id)
    if action == "approve":
        return await actions.approve(tx, actor, draft_id, str(data.get("comment") or "") or None)
    if action == "request_changes":
        return await actions.request_changes(tx, actor, draft_id, data.get("comment"))
    if action == "retry":
        return await actions.retry(tx, actor, draft_id)
    if action == "reschedule":
        row = await actions.own(tx, actor, draft_id)
        return await actions.reschedule(tx, actor, draft_id, _moved(data, row, zone), zone)
    await actions.delete(tx, actor, draft_id)
    return None


ACTIONS = ("submit", "approve", "request_changes", "reschedule", "retry", "delete")


@post(f"{HOME}/drafts/{{draft_id:str}}/{{action:str}}", name="web:calendar-step")
async def draft_step(
    request: Request[Any, Any, Any], draft_id: str, action: str
) -> Template | Redirect:
    """One step of the workflow (``ACTIONS``); anything else is a 404."""
    parsed = id_or_404(draft_id)
    if action not in ACTIONS:
        raise DraftNotFound()

    async def work(tx: Tx, me: Me, data: dict[str, Any], zone: str) -> CalendarDraft | None:
        return await _step(tx, me, action, draft_id=parsed, data=data, zone=zone)

    return await _act(request, parsed, action, work)


ROUTES = [calendar_page, new_draft_page, draft_page, create_draft, save_draft, draft_step]
