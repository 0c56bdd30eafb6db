"""The newsletter's campaign pages (issue 19, points 2-4; docs/newsletter.md, "Campaign
pages"), for the brand's owner or manager acting as the brand — the API's rules (someone
outside the team 404, another role 403):

- ``/newsletter/campaigns``: the brand's campaigns with their state and results (recipients,
  sent, bounced, unsubscribed, clicks);
- ``/newsletter/campaigns/new`` and ``/newsletter/campaigns/:id``: write or edit a campaign
  (subject, a Markdown body or a digest of recent posts, the lists), its preview (HTML and
  plain text, as a sample subscriber gets it), a test to the signed-in person's address,
  schedule or send now (confirmed first); while it sends its figures refresh by themselves
  (``…/progress``, ``static/newsletter-campaign.js``), with pause, resume and cancel
  (confirmed first).

Every write goes through ``newsletter.campaigns``/``campaigns_preview``; a refusal is shown on
the page in the reader's language.
"""

from __future__ import annotations

from datetime import UTC
from typing import Any

from litestar import Request, get, post
from litestar.response import Redirect, Template

from porina.core.clock import aware
from porina.core.errors import PorinaError
from porina.newsletter import campaign_views, campaigns, campaigns_preview, queries
from porina.newsletter.campaign_views import CampaignRow
from porina.newsletter.campaigns_errors import CampaignNotFound
from porina.newsletter.errors import ListNotFound
from porina.web import i18n
from porina.web.common import Me, form, id_or_404, render, see_other, signed_in
from porina.web.compose import scheduled_at
from porina.web.errors import message_for
from porina.web.i18n import N_
from porina.web.runtime import services

HOME = "/newsletter/campaigns"
STATE_NAMES = {
    "draft": N_("Draft"),
    "scheduled": N_("Scheduled"),
    "sending": N_("Sending"),
    "paused": N_("Paused"),
    "cancelled": N_("Cancelled"),
    "sent": N_("Sent"),
}
NOTICES = {
    "created": N_("The campaign is saved as a draft."),
    "saved": N_("The campaign is saved."),
    "scheduled": N_("The campaign is scheduled."),
    "unscheduled": N_("The campaign is a draft again."),
    "sending": N_("The campaign is being sent."),
    "paused": N_("The campaign is paused."),
    "resumed": N_("The campaign goes on."),
    "cancelled": N_("The campaign is cancelled."),
}
CONFIRMS = {
    "send": (
        N_("Send the campaign now?"),
        N_("It goes to every confirmed subscriber of its lists at once. You cannot undo this."),
        N_("Send now"),
    ),
    "cancel": (
        N_("Cancel the campaign?"),
        N_("Nobody who has not got it yet will get it, and it cannot be resumed."),
        N_("Cancel the campaign"),
    ),
}
# The campaigns' refusals without values (``newsletter.campaigns``), in the reader's language.
REFUSALS = (
    N_("Validation failed: subject can't be blank"),
    N_("Validation failed: subject may not contain line breaks"),
    N_("Validation failed: list_ids must name one or more lists"),
    N_("Validation failed: the campaign has no list"),
    N_("Validation failed: body can't be blank"),
    N_("Validation failed: scheduled_at must be a time in the future"),
    N_("Validation failed: email is not an e-mail address"),
)


def _states() -> dict[str, str]:
    return {key: i18n._(value) for key, value in STATE_NAMES.items()}


@get(HOME, name="web:newsletter-campaigns")
async def campaigns_page(request: Request[Any, Any, Any]) -> Template:
    me = await signed_in(request)
    rows: list[CampaignRow] | None
    try:
        async with services(request).db.transaction() as tx:
            rows = await campaign_views.overview(tx, me.actor)
    except ListNotFound:
        rows = None  # not acting as a brand the person serves
    return render(request, "pages/newsletter_campaigns.html", me=me, rows=rows, states=_states())


def _fields(data: dict[str, Any]) -> dict[str, Any]:
    """The editor's form as the campaign writers take it (no list ticked: an empty list)."""
    ids = data.get("list_ids", [])
    return {
        "subject": str(data.get("subject") or ""),
        "kind": str(data.get("kind") or "markdown"),
        "body": str(data.get("body") or ""),
        "list_ids": ids if isinstance(ids, list) else [ids],
    }


async def _page(
    request: Request[Any, Any, Any],
    me: Me,
    campaign_id: int | None,
    *,
    data: dict[str, Any] | None = None,
    error: str | None = None,
    notice: str | None = None,
    status_code: int = 200,
) -> Template:
    async with services(request).db.transaction() as tx:
        lists = await queries.lists(tx, me.actor)
        row = None if campaign_id is None else await campaign_views.one(tx, me.actor, campaign_id)
        preview = (
            await campaigns_preview.preview(tx, row.campaign)
            if row is not None and row.campaign.subject
            else None
        )
    return render(
        request,
        "pages/newsletter_campaign.html",
        me=me,
        row=row,
        c=row.campaign if row is not None else None,
        chosen=_chosen(row, data),
        when=_when(row),
        lists=lists,
        data=data,
        preview=preview,
        error=error,
        notice=notice,
        states=_states(),
        confirms={k: [i18n._(text) for text in v] for k, v in CONFIRMS.items()},
        status_code=status_code,
    )


def _chosen(row: CampaignRow | None, data: dict[str, Any] | None) -> set[str]:
    """The ids of the lists ticked: as posted when the form comes back refused, else saved."""
    if data is not None:
        return {str(i) for i in _fields(data)["list_ids"]}
    return {str(i) for i in row.list_ids} if row is not None else set()


def _when(row: CampaignRow | None) -> tuple[str, str] | None:
    """A scheduled time for the ``datetime-local`` field, in UTC (the form's meaning without
    JavaScript), and as ISO 8601 for ``static/pages.js`` to show in the writer's zone."""
    if row is None or row.campaign.scheduled_at is None:
        return None
    moment = aware(row.campaign.scheduled_at).astimezone(UTC)
    return moment.strftime("%Y-%m-%dT%H:%M"), moment.isoformat()


@get(f"{HOME}/new", name="web:newsletter-campaign-new")
async def new_campaign_page(request: Request[Any, Any, Any]) -> Template:
    return await _page(request, await signed_in(request), None)


@post(HOME, name="web:newsletter-campaign-create")
async def create_campaign(request: Request[Any, Any, Any]) -> Template | Redirect:
    me = await signed_in(request)
    data = _fields(await form(request))
    try:
        async with services(request).db.transaction() as tx:
            row = await campaigns.create(tx, me.actor, data)
    except PorinaError as exc:
        status, message = message_for(exc)
        return await _page(request, me, None, data=data, error=message, status_code=status)
    return see_other(f"{HOME}/{row.id}?done=created")


@get(f"{HOME}/{{campaign_id:str}}", name="web:newsletter-campaign")
async def campaign_page(
    request: Request[Any, Any, Any], campaign_id: str, done: str | None = None
) -> Template:
    notice = i18n._(NOTICES[done]) if done in NOTICES else None
    return await _page(request, await signed_in(request), id_or_404(campaign_id), notice=notice)


@get(f"{HOME}/{{campaign_id:str}}/progress", name="web:newsletter-campaign-progress")
async def progress(request: Request[Any, Any, Any], campaign_id: str) -> dict[str, Any]:
    """The figures of ``…/:id`` as JSON, for its script to refresh while the campaign sends."""
    me = await signed_in(request)
    async with services(request).db.transaction() as tx:
        row = await campaign_views.one(tx, me.actor, id_or_404(campaign_id))
    found: dict[str, Any] = row.progress()
    found["state_name"] = _states()[row.campaign.state]
    return found


async def _act(
    request: Request[Any, Any, Any], campaign_id: str, done: str, data: dict[str, Any] | None
) -> Template | Redirect:
    """Run ``done``'s action on the campaign; its page again with a notice or the refusal."""
    me = await signed_in(request)
    parsed = id_or_404(campaign_id)
    kept = data if done == "saved" else None  # the editor shows what was sent back
    try:
        async with services(request).db.transaction() as tx:
            done = await _apply(tx, me, parsed, done, data or {})
    except PorinaError as exc:  # a refusal (ComposeError: a time that is not one)
        if isinstance(exc, CampaignNotFound | ListNotFound):
            raise
        status, message = message_for(exc)
        return await _page(request, me, parsed, data=kept, error=message, status_code=status)
    return see_other(f"{HOME}/{parsed}?done={done}")


async def _apply(tx: Any, me: Me, campaign_id: int, done: str, data: dict[str, Any]) -> str:
    """The action of the form ``done`` names; the notice to show after it."""
    actor = me.actor
    if done == "saved":
        await campaigns.update(tx, actor, campaign_id, _fields(data))
    elif done == "scheduled":
        when = scheduled_at(data)
        await campaigns.schedule(tx, actor, campaign_id, when.isoformat() if when else None)
        return "scheduled" if when else "unscheduled"
    elif done == "sending":
        await campaigns.send_now(tx, actor, campaign_id)
    else:
        verb = {"paused": "pause", "resumed": "resume", "cancelled": "cancel"}[done]
        await campaigns.control(tx, actor, campaign_id, verb)
    return done


@post(f"{HOME}/{{campaign_id:str}}", name="web:newsletter-campaign-save")
async def save_campaign(request: Request[Any, Any, Any], campaign_id: str) -> Template | Redirect:
    return await _act(request, campaign_id, "saved", await form(request))


@post(f"{HOME}/{{campaign_id:str}}/schedule", name="web:newsletter-campaign-schedule")
async def schedule_campaign(
    request: Request[Any, Any, Any], campaign_id: str
) -> Template | Redirect:
    return await _act(request, campaign_id, "scheduled", await form(request))


@post(f"{HOME}/{{campaign_id:str}}/send", name="web:newsletter-campaign-send")
async def send_campaign(request: Request[Any, Any, Any], campaign_id: str) -> Template | Redirect:
    return await _act(request, campaign_id, "sending", None)


@post(f"{HOME}/{{campaign_id:str}}/pause", name="web:newsletter-campaign-pause")
async def pause_campaign(request: Request[Any, Any, Any], campaign_id: str) -> Template | Redirect:
    return await _act(request, campaign_id, "paused", None)


@post(f"{HOME}/{{campaign_id:str}}/resume", name="web:newsletter-campaign-resume")
async def resume_campaign(request: Request[Any, Any, Any], campaign_id: str) -> Template | Redirect:
    return await _act(request, campaign_id, "resumed", None)


@post(f"{HOME}/{{campaign_id:str}}/cancel", name="web:newsletter-campaign-cancel")
async def cancel_campaign(request: Request[Any, Any, Any], campaign_id: str) -> Template | Redirect:
    return await _act(request, campaign_id, "cancelled", None)


@get(f"{HOME}/{{campaign_id:str}}/confirm/{{verb:str}}", name="web:newsletter-campaign-confirm")
async def confirm_page(request: Request[Any, Any, Any], campaign_id: str, verb: str) -> Template:
    """The confirm step of sending now or cancelling, without JavaScript (with it, the same
    question opens as a dialog on the campaign's page)."""
    me = await signed_in(request)
    if verb not in CONFIRMS:
        raise CampaignNotFound()
    async with services(request).db.transaction() as tx:
        row = await campaign_views.one(tx, me.actor, id_or_404(campaign_id))
    title, question, button = (i18n._(text) for text in CONFIRMS[verb])
    return render(
        request,
        "pages/confirm.html",
        me=me,
        title=title,
        question=question,
        detail=row.campaign.subject,
        action=f"{HOME}/{row.campaign.id}/{verb}",
        button=button,
        back=f"{HOME}/{row.campaign.id}",
    )


@post(f"{HOME}/{{campaign_id:str}}/test", name="web:newsletter-campaign-test")
async def test_campaign(request: Request[Any, Any, Any], campaign_id: str) -> Template:
    """Send the campaign now to the signed-in person's own address, counted nowhere."""
    me = await signed_in(request)
    parsed = id_or_404(campaign_id)
    try:
        async with services(request).db.transaction() as tx:
            row = await campaigns.owned(tx, me.actor, parsed)
            sent_to = await campaigns_preview.test_send(tx, row, me.user.email)
    except PorinaError as exc:
        if isinstance(exc, CampaignNotFound | ListNotFound):
            raise
        status, message = message_for(exc)
        return await _page(request, me, parsed, error=message, status_code=status)
    notice = i18n._("A test was sent to %(email)s.") % {"email": sent_to}
    return await _page(request, me, parsed, notice=notice)


ROUTES = [
    campaigns_page,
    new_campaign_page,
    create_campaign,
    campaign_page,
    progress,
    save_campaign,
    schedule_campaign,
    send_campaign,
    pause_campaign,
    resume_campaign,
    cancel_campaign,
    confirm_page,
    test_campaign,
]
