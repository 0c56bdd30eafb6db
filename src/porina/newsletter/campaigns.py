"""Newsletter campaigns (issue 19, points 2-4; docs/newsletter.md, "Campaigns"): the writers.

Staff (the brand's owner or manager, as for lists) write a draft — a subject, a Markdown body
or a digest of the brand's recent public posts, one or more of the brand's lists — edit or
delete it, preview it, send a test, schedule it or send it now; pause, resume and cancel it
while it goes out. States: ``draft`` → ``scheduled`` → ``sending`` ⇄ ``paused`` → ``sent``;
``cancelled`` from scheduled, sending or paused. Starting writes one send record per confirmed
address (``campaigns_sending.start``); the sending job does the rest.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

from sqlalchemy import delete, select

from porina.core.actor import Actor
from porina.core.clock import aware, now
from porina.core.i18n import N_
from porina.core.ids import new_id
from porina.core.inputs import moment
from porina.jobs.events import emit
from porina.newsletter import campaign_render, campaigns_sending
from porina.newsletter.actions import require_staff
from porina.newsletter.campaigns_errors import CampaignNotFound, CampaignState, InvalidCampaign
from porina.newsletter.campaigns_events import (
    CampaignCreated,
    CampaignEdited,
    CampaignScheduled,
)
from porina.newsletter.campaigns_models import KINDS, NewsletterCampaign, NewsletterCampaignList
from porina.newsletter.errors import ListNotFound
from porina.newsletter.models import NewsletterList
from porina.storage.db import Tx

MAX_SUBJECT = 200
MAX_BODY = 200_000
"""Characters of a campaign's Markdown (a long newsletter is a few tens of thousands)."""
MAX_LISTS = 50


async def owned(tx: Tx, actor: Actor, campaign_id: int) -> NewsletterCampaign:
    """The campaign, when it is the acting brand's and ``actor`` is its owner or manager."""
    await require_staff(tx.session, actor)
    row = await tx.session.get(NewsletterCampaign, campaign_id)
    if row is None or row.brand_account_id != actor.account_id:
        raise CampaignNotFound()
    return row


async def list_ids(tx: Tx, campaign_id: int) -> list[int]:
    found = await tx.session.scalars(
        select(NewsletterCampaignList.list_id)
        .where(NewsletterCampaignList.campaign_id == campaign_id)
        .order_by(NewsletterCampaignList.list_id)
    )
    return list(found)


def _subject(value: Any) -> str:
    if not isinstance(value, str) or not value.strip():
        raise InvalidCampaign("Validation failed: subject can't be blank")
    if campaign_render.CONTROL.search(value):
        raise InvalidCampaign("Validation failed: subject may not contain line breaks")
    if len(value) > MAX_SUBJECT:
        raise InvalidCampaign.filled(
            N_("Validation failed: subject is over %(limit)s characters"), limit=MAX_SUBJECT
        )
    return value.strip()


def _body(value: Any) -> str:
    if not isinstance(value, str) or "\0" in value:
        raise InvalidCampaign("Validation failed: body must be text")
    if len(value) > MAX_BODY:
        raise InvalidCampaign.filled(
            N_("Validation failed: body is over %(limit)s characters"), limit=MAX_BODY
        )
    return value


async def _lists(tx: Tx, actor: Actor, value: Any) -> list[int]:
    """The ids, each a list of the acting brand (404 for another brand's or an unknown one)."""
    raw = value if isinstance(value, list) else [value]
    if not raw or value is None or len(raw) > MAX_LISTS:
        raise InvalidCampaign("Validation failed: list_ids must name one or more lists")
    ids: set[int] = set()
    for item in raw:
        try:
            ids.add(int(str(item)))
        except ValueError:
            raise ListNotFound() from None
    found = set(
        await tx.session.scalars(
            select(NewsletterList.id).where(
                NewsletterList.id.in_(ids), NewsletterList.brand_account_id == actor.account_id
            )
        )
    )
    if found != ids:
        raise ListNotFound()
    return sorted(ids)


async def _apply(tx: Tx, actor: Actor, row: NewsletterCampaign, data: Mapping[str, Any]) -> None:
    if "subject" in data:
        row.subject = _subject(data["subject"])
    if "body" in data:
        row.body = _body(data["body"])
    if "kind" in data:
        if data["kind"] not in KINDS:
            raise InvalidCampaign("Validation failed: kind must be markdown or digest")
        row.kind = str(data["kind"])
    if "list_ids" in data or "list_ids[]" in data:
        ids = await _lists(tx, actor, data.get("list_ids", data.get("list_ids[]")))
        await tx.session.execute(
            delete(NewsletterCampaignList).where(NewsletterCampaignList.campaign_id == row.id)
        )
        tx.session.add_all([NewsletterCampaignList(campaign_id=row.id, list_id=i) for i in ids])
    row.updated_at = now()


async def create(tx: Tx, actor: Actor, data: Mapping[str, Any]) -> NewsletterCampaign:
    """``{list_ids, subject, body, kind?}``: a draft."""
    await require_staff(tx.session, actor)
    if "list_ids" not in data and "list_ids[]" not in data:
        raise InvalidCampaign("Validation failed: list_ids must name one or more lists")
    moment_ = now()
    row = NewsletterCampaign(
        id=new_id(),
        brand_account_id=actor.account_id,
        subject="",
        kind="markdown",
        body="",
        state="draft",
        created_at=moment_,
        updated_at=moment_,
        **{name: 0 for name in COUNTS},
    )
    tx.session.add(row)
    await tx.session.flush()
    await _apply(tx, actor, row, {"subject": data.get("subject"), "body": "", **data})
    await emit(
        tx, CampaignCreated(actor=actor, brand_account_id=actor.account_id, campaign_id=row.id)
    )
    return row


COUNTS = ("recipients", "sent", "failed", "duplicates", "bounced", "unsubscribed")


NOT_DRAFT = {
    "edited": N_("A %(state)s campaign cannot be edited"),
    "deleted": N_("A %(state)s campaign cannot be deleted"),
    "scheduled": N_("A %(state)s campaign cannot be scheduled"),
    "sent": N_("A %(state)s campaign cannot be sent"),
}


def _draft(row: NewsletterCampaign, doing: str) -> None:
    if row.state not in {"draft", "scheduled"}:
        raise CampaignState.filled(NOT_DRAFT[doing], state=row.state)


async def update(
    tx: Tx, actor: Actor, campaign_id: int, data: Mapping[str, Any]
) -> NewsletterCampaign:
    """Change a draft (or a scheduled campaign, which stays scheduled)."""
    row = await owned(tx, actor, campaign_id)
    _draft(row, "edited")
    await _apply(tx, actor, row, data)
    if "scheduled_at" in data:
        await _schedule(tx, actor, row, data["scheduled_at"])
    await emit(
        tx,
        CampaignEdited(
            actor=actor, brand_account_id=row.brand_account_id, campaign_id=row.id, deleted=False
        ),
    )
    return row


async def remove(tx: Tx, actor: Actor, campaign_id: int) -> None:
    """Delete a draft (or a scheduled one); a campaign that began sending stays as a record."""
    row = await owned(tx, actor, campaign_id)
    _draft(row, "deleted")
    await tx.session.delete(row)
    await emit(
        tx,
        CampaignEdited(
            actor=actor, brand_account_id=row.brand_account_id, campaign_id=row.id, deleted=True
        ),
    )


async def _schedule(tx: Tx, actor: Actor, row: NewsletterCampaign, value: Any) -> None:
    if value is None or value == "":
        row.state, row.scheduled_at = "draft", None
        return
    when = moment(str(value))
    if when is None or when <= now():
        raise InvalidCampaign("Validation failed: scheduled_at must be a time in the future")
    row.state, row.scheduled_at = "scheduled", when
    await emit(
        tx,
        CampaignScheduled(
            actor=actor,
            brand_account_id=row.brand_account_id,
            campaign_id=row.id,
            scheduled_at=aware(when).isoformat(),
        ),
    )


async def schedule(tx: Tx, actor: Actor, campaign_id: int, value: Any) -> NewsletterCampaign:
    """Send at ``value`` (ISO 8601, in the future); None or "" makes it a draft again."""
    row = await owned(tx, actor, campaign_id)
    _draft(row, "scheduled")
    await _ready(tx, row)
    await _schedule(tx, actor, row, value)
    return row


async def _ready(tx: Tx, row: NewsletterCampaign) -> None:
    if not await list_ids(tx, row.id):
        raise InvalidCampaign("Validation failed: the campaign has no list")
    if row.kind == "markdown" and not row.body.strip():
        raise InvalidCampaign("Validation failed: body can't be blank")


def due(row: NewsletterCampaign, at: datetime) -> bool:
    return (
        row.state == "scheduled" and row.scheduled_at is not None and aware(row.scheduled_at) <= at
    )


async def send_now(tx: Tx, actor: Actor, campaign_id: int) -> NewsletterCampaign:
    """Start sending a draft or scheduled campaign at once."""
    row = await owned(tx, actor, campaign_id)
    _draft(row, "sent")
    await _ready(tx, row)
    await campaigns_sending.start(tx, row, actor)
    return row


async def control(tx: Tx, actor: Actor, campaign_id: int, verb: str) -> NewsletterCampaign:
    """``pause``, ``resume`` or ``cancel``."""
    row = await owned(tx, actor, campaign_id)
    if verb == "pause":
        await campaigns_sending.pause(tx, row, actor, "staff")
    elif verb == "resume":
        await campaigns_sending.resume(tx, row, actor)
    else:
        await campaigns_sending.cancel(tx, row, actor)
    return row


async def index(
    tx: Tx, actor: Actor, *, max_id: int | None, limit: int
) -> list[NewsletterCampaign]:
    await require_staff(tx.session, actor)
    query = select(NewsletterCampaign).where(
        NewsletterCampaign.brand_account_id == actor.account_id
    )
    if max_id is not None:
        query = query.where(NewsletterCampaign.id < max_id)
    found = await tx.session.scalars(query.order_by(NewsletterCampaign.id.desc()).limit(limit))
    return list(found)
