"""A contest's fraud review (docs/api.md, "Contest review"): ``GET`` and ``POST
/api/porina/v1/contests/:id/review``. Only people acting as the contest's brand with a role
that may review (the brand itself, owners, managers) see it; anyone else gets 404, so the
flags, their reasons and the e-mail behind a duplicate never leave the brand's staff."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

import msgspec
from litestar import Request, Response, get, post

from porina.api.mastodon.auth import actor_of, require, services_of
from porina.api.mastodon.params import Params
from porina.campaigns import fraud, review_actions
from porina.campaigns.fraud import ContestNotFound, Flagged
from porina.core.ids import parse_id
from porina.render.renderer import timestamp

BASE = "/api/porina/v1/contests/{contest_id:str}/review"


class ContestFlag(msgspec.Struct, kw_only=True):
    code: str
    reason: str


class ReviewedEntrant(msgspec.Struct, kw_only=True):
    account_id: str
    acct: str
    account_created_at: str
    first_entry_at: str
    flags: list[ContestFlag]
    decision: str | None
    decision_reason: str | None


class ReviewDecision(msgspec.Struct, kw_only=True):
    acct: str
    decision: str
    reason: str
    decided_at: str


def _entity(item: Flagged) -> ReviewedEntrant:
    return ReviewedEntrant(
        account_id=str(item.facts.account_id),
        acct=item.facts.acct,
        account_created_at=timestamp(item.facts.created_at) or "",
        first_entry_at=timestamp(item.facts.first_entry_at) or "",
        flags=[ContestFlag(code=f.code, reason=f.reason) for f in item.flags],
        decision=item.decision,
        decision_reason=item.decision_reason,
    )


def _id(raw: str) -> int:
    parsed = parse_id(raw)
    if parsed is None:
        raise ContestNotFound()
    return parsed


PAGE = 40
MAX_PAGE = 200


@get(BASE)
async def contest_review(
    request: Request[Any, Any, Any], contest_id: str
) -> Response[list[ReviewedEntrant]]:
    """The flagged entrants (and those staff decided on) with every flag's reason; undecided
    first. Staff of the contest's brand only (others: 404). Paged by ``limit`` (40, at most
    200) and ``offset``, with ``Link`` rel="next"/"prev" (the flags are computed over every
    entrant, so the order is the queue's, not an id's)."""
    actor = actor_of(await require(request, "read:statuses"))
    svc = services_of(request)
    params = await Params.of(request)
    limit = params.limit(PAGE, MAX_PAGE)
    offset = params.int("offset", 0, lo=0) or 0
    async with svc.db.read() as session:
        queue = await fraud.review(session, actor, _id(contest_id), svc.settings.local_domain)
    shown = [_entity(item) for item in queue[offset : offset + limit]]
    return Response(shown, headers=_links(request, offset, limit, len(queue)))


def _links(request: Request[Any, Any, Any], offset: int, limit: int, total: int) -> dict[str, str]:
    base = f"{request.base_url}".rstrip("/") + request.url.path
    links = []
    if offset + limit < total:
        links.append(
            f'<{base}?{urlencode({"limit": limit, "offset": offset + limit})}>; rel="next"'
        )
    if offset > 0:
        before = max(0, offset - limit)
        links.append(f'<{base}?{urlencode({"limit": limit, "offset": before})}>; rel="prev"')
    return {"Link": ", ".join(links)} if links else {}


@post(BASE, status_code=200)
async def decide_entrant(request: Request[Any, Any, Any], contest_id: str) -> ReviewDecision:
    """``{acct, decision: allow|disqualify, reason}``: a disqualified entrant is left out at
    close. A later decision replaces the earlier one. 422 for a bad decision, a blank reason
    or an acct that did not enter."""
    actor = actor_of(await require(request, "write:statuses"))
    params = await Params.of(request)
    svc = services_of(request)
    local = svc.settings.local_domain
    async with svc.db.transaction() as tx:
        row = await review_actions.decide(tx, actor, _id(contest_id), params.data, local)
        acct = str(params.data.get("acct", "")).strip().lstrip("@")
    return ReviewDecision(
        acct=acct if "@" in acct else f"{acct}@{local}",
        decision=row.decision,
        reason=row.reason,
        decided_at=timestamp(row.decided_at) or "",
    )


ROUTES = [contest_review, decide_entrant]
