"""``/desk``: the inbox of the brand the session acts as, and ``/desk/conversations/:id``,
one conversation with its items and the forms of desk work (assign, status and snooze until a
time, reply with a saved reply's text, note, triage, a message's sentiment).
Reads are ``desk.queries`` (the API's), writes are ``desk.actions`` (the API's), so their
checks hold: someone on no team of the brand gets 404, an analyst 403, another brand's
conversation is a 404."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import datetime
from typing import Any

from litestar import Request, get, post
from litestar.response import Redirect, Template
from sqlalchemy.ext.asyncio import AsyncSession

from porina.accounts import operators
from porina.core.clock import now
from porina.core.errors import NotFound, PorinaError
from porina.desk import (
    access,
    actions,
    moods,
    presence,
    queries,
    saved_replies,
    service_levels,
    triage,
)
from porina.desk import web_queries as shown_by
from porina.desk.errors import InvalidDeskRequest
from porina.desk.models import PRIORITIES, STATUSES
from porina.storage.db import Tx
from porina.web import calls, i18n
from porina.web import desk_presence as presence_words
from porina.web.common import (
    Me,
    flag,
    form,
    id_or_404,
    is_htmx,
    render,
    see_other,
    signed_in,
    text,
)
from porina.web.errors import message_for
from porina.web.i18n import N_
from porina.web.runtime import services

HOME = "/desk"
VIEW_NAMES = {
    "mine": N_("Mine"),
    "unassigned": N_("Unassigned"),
    "mentioned": N_("Mentioned me"),
    "all": N_("All"),
}
STATUS_NAMES = {
    "open": N_("Open"),
    "pending": N_("Pending"),
    "snoozed": N_("Snoozed"),
    "resolved": N_("Resolved"),
}
KIND_NAMES = {
    "mention": N_("Mention"),
    "reply": N_("Reply"),
    "direct": N_("Direct message"),
    "quote": N_("Quote"),
    "favourite": N_("Favourite"),
    "reblog": N_("Boost"),
    "follow": N_("Follow"),
    "outreach": N_("Heard by a watch"),
    "note": N_("Internal note"),
    "sent": N_("Sent"),
    "call": N_("Call"),
}
PRIORITY_NAMES = {
    "low": N_("Low"),
    "medium": N_("Medium"),
    "high": N_("High"),
    "urgent": N_("Urgent"),
}
SENTIMENT_NAMES = {"positive": N_("Positive"), "neutral": N_("Neutral"), "negative": N_("Negative")}
DONE = {
    "assigned": N_("The conversation is assigned."),
    "status": N_("The status is changed."),
    "sent": N_("The reply is sent."),
    "noted": N_("The note is added."),
    "triaged": N_("The priority and labels are saved."),
    "snoozed": N_("The conversation is snoozed."),
    "sentiment": N_("The sentiment is corrected."),
}
SNOOZE_NAMES = {
    "hour": N_("In 1 hour"),
    "tomorrow": N_("Tomorrow 9:00"),
    "monday": N_("Next Monday 9:00"),
}
NOT_A_TIME = N_("Validation failed: snooze until a date and time")
# What the desk's actions refuse with (their exact words), marked so the catalogue keeps
# their Finnish: ``errors.message_for`` looks each refusal up as it is.
DESK_ERRORS = (
    N_("An analyst can read the desk's metrics but not its conversations"),
    N_("Only the brand's owners and managers can change its labels"),
    N_("Only the brand's owners and managers can change its service levels"),
    N_("Only the brand's owners and managers can change its watches"),
    N_("Only the brand's owners and managers can write rules"),
    N_("Only the brand's owners and managers can write saved replies"),
    N_("Validation failed: a hashtag is letters, digits or '_'"),
    N_("Validation failed: a holiday is a date (YYYY-MM-DD)"),
    N_("Validation failed: a keyword is words, with '*' only at the end (a prefix)"),
    N_("Validation failed: a label is 1-40 letters, digits, spaces, '-' or '_'"),
    N_("Validation failed: a tag is 1-40 letters, digits, spaces, '-' or '_'"),
    N_("Validation failed: assignee_id must be a member of the team who works conversations"),
    N_("Validation failed: at most 20 labels"),
    N_("Validation failed: at most 200 labels"),
    N_("Validation failed: at most 500 saved replies"),
    N_("Validation failed: at most 200 watches"),
    N_("Validation failed: at most 20 tags"),
    N_("Validation failed: at most 100 rules"),
    N_("Validation failed: body is 1-5000 characters"),
    N_("Validation failed: colour is #rrggbb"),
    N_("Validation failed: description is at most 200 characters"),
    N_("Validation failed: each target names a priority (low, medium, high, urgent, none)"),
    N_("Validation failed: holidays are up to 400 dates"),
    N_("Validation failed: item_id is not a message of this conversation"),
    N_("Validation failed: kind must be keyword or hashtag"),
    N_("Validation failed: language is an ISO 639 code such as en, fi"),
    N_("Validation failed: language must be en or fi"),
    N_("Validation failed: one target per priority"),
    N_("Validation failed: priority must be one of low, medium, high, urgent"),
    N_("Validation failed: sentiment must be one of positive, neutral, negative"),
    N_("Validation failed: shortcut is 1-40 letters, digits, '-' or '_'"),
    N_("Validation failed: snooze_until is only for status snoozed"),
    N_("Validation failed: snooze_until must be a time in the future"),
    N_("Validation failed: status must be one of open, pending, snoozed, resolved"),
    N_("Validation failed: tags is a list"),
    N_("Validation failed: targets is a list"),
    N_("Validation failed: term can't be blank"),
    N_("Validation failed: term is too long (maximum is 100)"),
    N_("Validation failed: text can't be blank"),
    N_("Validation failed: text is 1-5000 characters"),
    N_("Validation failed: text is too long (maximum is 5000)"),
    N_(
        "Validation failed: this person has no public message to reply to; "
        "reply with visibility direct"
    ),
    N_("Validation failed: view must be one of mine, unassigned, mentioned, all, label"),
    N_("Validation failed: view=label needs label"),
    N_("Validation failed: visibility must be public or direct"),
    N_("Validation failed: warning_percent is a whole number"),
    N_("Validation failed: warning_percent is between 1 and 99"),
    N_("Validation failed: weekly maps weekdays (mon…sun) to intervals"),
    N_("Validation failed: conditions.keywords are 1-50 words or phrases, '*' only at the end"),
    N_("Validation failed: conditions.languages are two-letter language codes (en, fi)"),
    N_("Validation failed: conditions.followers_min is more than followers_max"),
    N_("Validation failed: actions.reply is 1-500 characters"),
    N_("Validation failed: actions.assign must be round_robin or the account id of a team member"),
    N_("Validation failed: actions.priority must be one of low, medium, high, urgent"),
    N_(
        "Validation failed: actions must do something: "
        "assign, add_labels, priority, reply or resolve"
    ),
    N_("Validation failed: name is 1-80 characters"),
    N_("Validation failed: position must be a whole number from 1 to 100"),
    N_("Validation failed: enabled must be true or false"),
)


async def _staff(session: AsyncSession, me: Me) -> access.Staff:
    """The desk is worked while acting as a brand; a person's own account has no desk."""
    if not me.actor.operated:
        raise NotFound()
    return await access.worker(session, me.actor)


def _names() -> dict[str, Any]:
    return {
        "statuses": {k: i18n._(v) for k, v in STATUS_NAMES.items() if k in STATUSES},
        "priorities": {k: i18n._(PRIORITY_NAMES[k]) for k in PRIORITIES},
        "sentiments": {k: i18n._(v) for k, v in SENTIMENT_NAMES.items()},
        "kinds": {k: i18n._(v) for k, v in KIND_NAMES.items()},
    }


@get(HOME, name="web:desk")
async def inbox(
    request: Request[Any, Any, Any],
    view: str = "mine",
    status: str = "open",
    label: str | None = None,
    max_id: str | None = None,
) -> Template:
    me = await signed_in(request)
    view = view if view in VIEW_NAMES or (view == "label" and label) else "mine"
    status = status if status in STATUS_NAMES else "open"
    cursor = queries.Cursor(max_id=id_or_404(max_id) if max_id else None, limit=20)
    async with services(request).db.read() as session:
        staff = await _staff(session, me)
        listed = await queries.page(
            session, staff, view=view, status=status, cursor=cursor, label=label or None
        )
        slas = await service_levels.slas(
            session, staff.brand_id, [(e.conversation.id, e.conversation.priority) for e in listed]
        )
        shown = await shown_by.rows(session, listed, slas)
    older = (
        f"{HOME}?view={view}&status={status}&max_id={shown[-1].id}"
        if len(listed) == 20 and shown
        else None
    )
    return render(
        request,
        "pages/desk.html",
        fragment="partials/desk_list.html",  # static/desk-live.js refreshes the list live
        me=me,
        rows=shown,
        view=view,
        status=status,
        label=label or "",
        views={k: i18n._(v) for k, v in VIEW_NAMES.items()},
        older=older,
        **_names(),
    )


async def _saved_text(
    session: AsyncSession, me: Me, found: queries.Listed, saved_reply: str | None
) -> str:
    """The text of the chosen saved reply, its variables filled for this conversation."""
    if not saved_reply:
        return ""
    if not saved_reply.isdigit():
        raise saved_replies.SavedReplyNotFound()
    return await saved_replies.fill(session, me.actor, int(saved_reply), found.conversation)


def _snooze_choices(zone: Any) -> dict[str, Any]:
    moment = now()
    picks = {k: shown_by.snooze_pick(k, moment, zone) for k in SNOOZE_NAMES}
    return {
        "zone": str(zone),
        "snooze_default": shown_by.local_input(picks["tomorrow"] or moment, zone),
        "snooze_min": shown_by.local_input(moment, zone),
        "snooze_picks": [(k, i18n._(v), picks[k]) for k, v in SNOOZE_NAMES.items()],
    }


async def _presence(
    request: Request[Any, Any, Any], session: AsyncSession, staff: access.Staff, cid: int
) -> dict[str, Any]:
    """Who else of the team is on the conversation, in words (``web/desk_presence.py``)."""
    found = await presence.others(
        services(request).desk_presence, staff.brand_id, staff.user_id, cid
    )
    people = await presence.people(session, {e.user_id for e in found})
    return {
        "presence_line": presence_words.line(found, people),
        "typing_warning": presence_words.typing_warning(found, people),
    }


async def _live_part(request: Request[Any, Any, Any], me: Me, conversation_id: int) -> Template:
    """What ``static/desk-live.js`` refreshes of the page: the status line and the items."""
    async with services(request).db.read() as session:
        staff = await _staff(session, me)
        found = await queries.one(session, staff, conversation_id)
        entries = await calls.with_desk_calls(
            session,
            me.actor,
            found.conversation.id,
            await shown_by.entries(session, await queries.items(session, found.conversation.id)),
            services(request).settings.call_ring_seconds,
        )
        row = (await shown_by.rows(session, [found]))[0]
    return render(
        request,
        "partials/desk_live.html",
        me=me,
        row=row,
        conversation=found.conversation,
        items=entries,
        **_names(),
    )


async def _conversation_page(
    request: Request[Any, Any, Any],
    conversation_id: int,
    *,
    notice: str | None = None,
    error: str | None = None,
    status_code: int = 200,
    saved_reply: str | None = None,
) -> Template:
    me = await signed_in(request)
    async with services(request).db.read() as session:
        staff = await _staff(session, me)
        found = await queries.one(session, staff, conversation_id)
        entries = await calls.with_desk_calls(
            session,
            me.actor,
            found.conversation.id,
            await shown_by.entries(session, await queries.items(session, found.conversation.id)),
            services(request).settings.call_ring_seconds,
        )
        row = (await shown_by.rows(session, [found]))[0]
        members = await operators.team(session, staff.brand_id)
        replies = await saved_replies.listed(session, me.actor, None)
        zone = await shown_by.zone_of(session, staff.brand_id)
        here = await _presence(request, session, staff, found.conversation.id)
        try:
            reply_text = await _saved_text(session, me, found, saved_reply)
        except PorinaError as exc:
            status_code, why = message_for(exc)
            error, reply_text = i18n._("That did not work: %(why)s") % {"why": why}, ""
    return render(
        request,
        "pages/desk_conversation.html",
        me=me,
        row=row,
        conversation=found.conversation,
        items=entries,
        members=[(m.account_id, m.username) for m in members if m.role in access.WORKERS],
        notice=notice,
        error=error,
        status_code=status_code,
        saved_replies=replies,
        saved_reply=saved_reply or "",
        reply_text=reply_text,
        **here,
        **_snooze_choices(zone),
        **_names(),
    )


@get(HOME + "/conversations/{conversation_id:str}", name="web:desk-conversation")
async def conversation_page(
    request: Request[Any, Any, Any],
    conversation_id: str,
    done: str | None = None,
    saved_reply: str | None = None,
) -> Template:
    """The conversation; ``saved_reply`` (an id) fills the reply with that saved reply. Asked
    by htmx (``static/desk-live.js``): only its status line and items."""
    if is_htmx(request):
        return await _live_part(request, await signed_in(request), id_or_404(conversation_id))
    notice = DONE.get(done or "")
    return await _conversation_page(
        request,
        id_or_404(conversation_id),
        notice=i18n._(notice) if notice else None,
        saved_reply=saved_reply,
    )


async def _refused(request: Request[Any, Any, Any], wanted: int, exc: PorinaError) -> Template:
    status, message = message_for(exc)
    shown = i18n._("That did not work: %(why)s") % {"why": message}
    return await _conversation_page(request, wanted, error=shown, status_code=status)


def _back(wanted: int, done: str) -> Redirect:
    return see_other(f"{HOME}/conversations/{wanted}?done={done}")


Form = dict[str, Any]
Work = Callable[[Tx, Me, Form, int], Awaitable[str]]
"""One form's desk work on conversation ``wanted``; returns the ``DONE`` key to show."""


async def _work(
    request: Request[Any, Any, Any], conversation_id: str, work: Work
) -> Template | Redirect:
    """Run ``work`` in a transaction: back to the conversation with its notice, or the page
    again with the refusal's reason and status."""
    me = await signed_in(request)
    wanted = id_or_404(conversation_id)
    data = await form(request)
    try:
        async with services(request).db.transaction() as tx:
            done = await work(tx, me, data, wanted)
    except PorinaError as exc:
        return await _refused(request, wanted, exc)
    return _back(wanted, done)


async def _assign(tx: Tx, me: Me, data: Form, wanted: int) -> str:
    raw = text(data, "assignee")
    target = me.user.account_id if raw == "me" else (int(raw) if raw.isdigit() else None)
    await actions.assign(tx, me.actor, wanted, target)
    return "assigned"


async def _snooze_until(session: AsyncSession, me: Me, data: Form) -> datetime:
    staff = await _staff(session, me)
    zone = await shown_by.zone_of(session, staff.brand_id)
    pick = text(data, "pick")
    if pick:
        until = shown_by.snooze_pick(pick, now(), zone)
    else:
        until = shown_by.parse_local(text(data, "until"), zone)
    if until is None:
        raise InvalidDeskRequest(NOT_A_TIME)
    return until


async def _status(tx: Tx, me: Me, data: Form, wanted: int) -> str:
    status = text(data, "status")
    until = await _snooze_until(tx.session, me, data) if status == "snoozed" else None
    await actions.set_status(tx, me.actor, wanted, status, until)
    return "snoozed" if status == "snoozed" else "status"


async def _sentiment(tx: Tx, me: Me, data: Form, wanted: int) -> str:
    raw = text(data, "item_id")
    if not raw.isdigit():
        raise InvalidDeskRequest("Validation failed: item_id is not a message of this conversation")
    await moods.override(tx, me.actor, wanted, int(raw), text(data, "sentiment"))
    return "sentiment"


async def _reply(tx: Tx, me: Me, data: Form, wanted: int) -> str:
    visibility = "direct" if text(data, "visibility") == "direct" else "public"
    resolve = flag(data, "resolve")
    await actions.reply(tx, me.actor, wanted, text(data, "text"), visibility, resolve=resolve)
    return "sent"


async def _note(tx: Tx, me: Me, data: Form, wanted: int) -> str:
    await actions.add_note(tx, me.actor, wanted, text(data, "text"))
    return "noted"


async def _triage(tx: Tx, me: Me, data: Form, wanted: int) -> str:
    labels = [w.strip() for w in text(data, "labels").split(",") if w.strip()]
    priority = text(data, "priority") or None
    await triage.triage(tx, me.actor, wanted, priority=priority, labels=labels)
    return "triaged"


@post(HOME + "/conversations/{conversation_id:str}/assign", name="web:desk-assign")
async def assign(request: Request[Any, Any, Any], conversation_id: str) -> Template | Redirect:
    """To me (``assignee=me``), to a colleague (their account id), or to nobody."""
    return await _work(request, conversation_id, _assign)


@post(HOME + "/conversations/{conversation_id:str}/status", name="web:desk-status")
async def change_status(
    request: Request[Any, Any, Any], conversation_id: str
) -> Template | Redirect:
    """A status; ``snoozed`` until ``until`` (a local date and time in the brand's time zone)
    or a quick ``pick`` (``hour``, ``tomorrow``, ``monday``)."""
    return await _work(request, conversation_id, _status)


@post(HOME + "/conversations/{conversation_id:str}/sentiment", name="web:desk-sentiment")
async def correct_sentiment(
    request: Request[Any, Any, Any], conversation_id: str
) -> Template | Redirect:
    """A staff member's sentiment for one incoming message (``moods.override``)."""
    return await _work(request, conversation_id, _sentiment)


@post(HOME + "/conversations/{conversation_id:str}/reply", name="web:desk-reply")
async def reply(request: Request[Any, Any, Any], conversation_id: str) -> Template | Redirect:
    """Public in the thread or direct; ``resolve`` resolves it in the same action."""
    return await _work(request, conversation_id, _reply)


@post(HOME + "/conversations/{conversation_id:str}/notes", name="web:desk-note")
async def note(request: Request[Any, Any, Any], conversation_id: str) -> Template | Redirect:
    return await _work(request, conversation_id, _note)


@post(HOME + "/conversations/{conversation_id:str}/triage", name="web:desk-triage")
async def set_triage(request: Request[Any, Any, Any], conversation_id: str) -> Template | Redirect:
    """The priority and the labels (comma-separated)."""
    return await _work(request, conversation_id, _triage)


ROUTES = [
    inbox,
    conversation_page,
    assign,
    change_status,
    correct_sentiment,
    reply,
    note,
    set_triage,
]
