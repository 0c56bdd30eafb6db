"""Newsletter campaigns (docs/api.md, "Newsletter campaigns"; docs/newsletter.md,
"Campaigns"): ``/api/porina/v1/newsletter/campaigns``. The brand's owner or manager (a token
acting as the brand) writes, previews, tests, schedules, sends, pauses, resumes and cancels;
someone outside the team gets 404, an agent or analyst 403."""

from __future__ import annotations

from typing import Any

import msgspec
from litestar import Request, Response, delete, get, patch, post, put

from porina.api.mastodon.auth import actor_of, require, services_of
from porina.api.mastodon.pagination import Page, link_header
from porina.api.mastodon.params import Params
from porina.core.ids import parse_id
from porina.newsletter import campaigns, campaigns_preview, results
from porina.newsletter.campaigns_errors import CampaignNotFound
from porina.newsletter.campaigns_models import NewsletterCampaign
from porina.render.renderer import timestamp
from porina.storage.db import Tx

BASE = "/api/porina/v1/newsletter/campaigns"


class CampaignLinkClicks(msgspec.Struct, kw_only=True):
    url: str
    clicks: int


class CampaignEntity(msgspec.Struct, kw_only=True):
    id: str
    brand_account_id: str
    list_ids: list[str]
    subject: str
    kind: str
    body: str
    state: str
    scheduled_at: str | None
    started_at: str | None
    finished_at: str | None
    recipients: int
    sent: int
    failed: int
    duplicates: int
    bounced: int
    unsubscribed: int
    complaints: int
    """Recipients who reported the campaign's mail as spam (each once)."""
    clicks: int
    """Clicks on its links, when its lists count clicks (aggregates: nobody's clicks)."""
    links: list[CampaignLinkClicks]
    """Each counted link and its clicks, most clicked first."""
    pending: int
    created_at: str
    updated_at: str


def _id(raw: str) -> int:
    parsed = parse_id(raw)
    if parsed is None:
        raise CampaignNotFound()
    return parsed


async def _entity(tx: Tx, row: NewsletterCampaign) -> CampaignEntity:
    ids = await campaigns.list_ids(tx, row.id)
    done = row.sent + row.failed
    found = await results.campaign_results(tx.session, row.id)
    complaints, clicks, links = (
        (found.complaints, found.clicks, found.links) if found else (0, 0, ())
    )
    return CampaignEntity(
        id=str(row.id),
        brand_account_id=str(row.brand_account_id),
        list_ids=[str(i) for i in ids],
        subject=row.subject,
        kind=row.kind,
        body=row.body,
        state=row.state,
        scheduled_at=timestamp(row.scheduled_at),
        started_at=timestamp(row.started_at),
        finished_at=timestamp(row.finished_at),
        recipients=row.recipients,
        sent=row.sent,
        failed=row.failed,
        duplicates=row.duplicates,
        bounced=row.bounced,
        unsubscribed=row.unsubscribed,
        complaints=complaints,
        clicks=clicks,
        links=[CampaignLinkClicks(url=link.url, clicks=link.clicks) for link in links],
        pending=max(row.recipients - done, 0) if row.state not in {"cancelled", "sent"} else 0,
        created_at=timestamp(row.created_at) or "",
        updated_at=timestamp(row.updated_at) or "",
    )


@post(BASE, status_code=200)
async def create_campaign(request: Request[Any, Any, Any]) -> CampaignEntity:
    """``{list_ids, subject, body, kind?: markdown|digest, scheduled_at?}``: a draft (or a
    scheduled campaign with ``scheduled_at``)."""
    actor = actor_of(await require(request, "write:accounts"))
    params = await Params.of(request)
    async with services_of(request).db.transaction() as tx:
        row = await campaigns.create(tx, actor, params.data)
        if params.data.get("scheduled_at"):
            row = await campaigns.schedule(tx, actor, row.id, params.data["scheduled_at"])
        return await _entity(tx, row)


@get(BASE)
async def index_campaigns(request: Request[Any, Any, Any]) -> Response[Any]:
    """Newest first, paged by ``max_id``/``limit`` with a ``Link`` header."""
    actor = actor_of(await require(request, "read:accounts"))
    page = Page.of(await Params.of(request), default=20, maximum=100)
    async with services_of(request).db.transaction() as tx:
        rows = await campaigns.index(tx, actor, max_id=page.max_id, limit=page.limit)
        body = [await _entity(tx, r) for r in rows]
    return Response(body, headers=link_header(request, [r.id for r in rows], page))


@get(f"{BASE}/{{campaign_id:str}}")
async def show_campaign(request: Request[Any, Any, Any], campaign_id: str) -> CampaignEntity:
    actor = actor_of(await require(request, "read:accounts"))
    async with services_of(request).db.transaction() as tx:
        row = await campaigns.owned(tx, actor, _id(campaign_id))
        return await _entity(tx, row)


async def _update(request: Request[Any, Any, Any], campaign_id: str) -> CampaignEntity:
    actor = actor_of(await require(request, "write:accounts"))
    params = await Params.of(request)
    async with services_of(request).db.transaction() as tx:
        row = await campaigns.update(tx, actor, _id(campaign_id), params.data)
        return await _entity(tx, row)


@patch(f"{BASE}/{{campaign_id:str}}", status_code=200)
async def update_campaign(request: Request[Any, Any, Any], campaign_id: str) -> CampaignEntity:
    """Any of ``{list_ids, subject, body, kind, scheduled_at}`` of a draft or scheduled one."""
    return await _update(request, campaign_id)


@put(f"{BASE}/{{campaign_id:str}}", status_code=200)
async def replace_campaign(request: Request[Any, Any, Any], campaign_id: str) -> CampaignEntity:
    """As PATCH."""
    return await _update(request, campaign_id)


@delete(f"{BASE}/{{campaign_id:str}}", status_code=200)
async def delete_campaign(request: Request[Any, Any, Any], campaign_id: str) -> dict[str, Any]:
    """A draft or scheduled campaign; one that began sending stays (409)."""
    actor = actor_of(await require(request, "write:accounts"))
    async with services_of(request).db.transaction() as tx:
        await campaigns.remove(tx, actor, _id(campaign_id))
    return {}


@post(f"{BASE}/{{campaign_id:str}}/send", status_code=200)
async def send_campaign(request: Request[Any, Any, Any], campaign_id: str) -> CampaignEntity:
    """Start sending now: ``state`` becomes ``sending``, ``recipients`` is counted."""
    actor = actor_of(await require(request, "write:accounts"))
    async with services_of(request).db.transaction() as tx:
        row = await campaigns.send_now(tx, actor, _id(campaign_id))
        return await _entity(tx, row)


@post(f"{BASE}/{{campaign_id:str}}/schedule", status_code=200)
async def schedule_campaign(request: Request[Any, Any, Any], campaign_id: str) -> CampaignEntity:
    """``{scheduled_at}`` (ISO 8601, in the future; null or "" back to a draft)."""
    actor = actor_of(await require(request, "write:accounts"))
    params = await Params.of(request)
    async with services_of(request).db.transaction() as tx:
        row = await campaigns.schedule(tx, actor, _id(campaign_id), params.data.get("scheduled_at"))
        return await _entity(tx, row)


async def _control(request: Request[Any, Any, Any], campaign_id: str, verb: str) -> CampaignEntity:
    actor = actor_of(await require(request, "write:accounts"))
    async with services_of(request).db.transaction() as tx:
        row = await campaigns.control(tx, actor, _id(campaign_id), verb)
        return await _entity(tx, row)


@post(f"{BASE}/{{campaign_id:str}}/pause", status_code=200)
async def pause_campaign(request: Request[Any, Any, Any], campaign_id: str) -> CampaignEntity:
    """A sending or scheduled campaign stops after the batch in flight."""
    return await _control(request, campaign_id, "pause")


@post(f"{BASE}/{{campaign_id:str}}/resume", status_code=200)
async def resume_campaign(request: Request[Any, Any, Any], campaign_id: str) -> CampaignEntity:
    """A paused campaign goes on where it stopped."""
    return await _control(request, campaign_id, "resume")


@post(f"{BASE}/{{campaign_id:str}}/cancel", status_code=200)
async def cancel_campaign(request: Request[Any, Any, Any], campaign_id: str) -> CampaignEntity:
    """Stop for good: nobody not sent to yet gets it."""
    return await _control(request, campaign_id, "cancel")


@post(f"{BASE}/{{campaign_id:str}}/test", status_code=200)
async def test_campaign(request: Request[Any, Any, Any], campaign_id: str) -> dict[str, Any]:
    """``{email}``: one message to that address now, counted nowhere: ``{sent_to}``."""
    actor = actor_of(await require(request, "write:accounts"))
    params = await Params.of(request)
    async with services_of(request).db.transaction() as tx:
        row = await campaigns.owned(tx, actor, _id(campaign_id))
        sent_to = await campaigns_preview.test_send(tx, row, params.data.get("email"))
    return {"sent_to": sent_to}


@get(f"{BASE}/{{campaign_id:str}}/preview")
async def preview_campaign(request: Request[Any, Any, Any], campaign_id: str) -> dict[str, Any]:
    """``{subject, html, text, name, email}`` as a sample subscriber gets them."""
    actor = actor_of(await require(request, "read:accounts"))
    async with services_of(request).db.transaction() as tx:
        row = await campaigns.owned(tx, actor, _id(campaign_id))
        found = await campaigns_preview.preview(tx, row)
    return {k: getattr(found, k) for k in ("subject", "html", "text", "name", "email")}


ROUTES = [
    create_campaign,
    index_campaigns,
    show_campaign,
    update_campaign,
    replace_campaign,
    delete_campaign,
    send_campaign,
    schedule_campaign,
    pause_campaign,
    resume_campaign,
    cancel_campaign,
    test_campaign,
    preview_campaign,
]
