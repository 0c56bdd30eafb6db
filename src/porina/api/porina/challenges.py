"""Hashtag challenges (docs/api.md, "Challenges"): ``/api/porina/v1/challenges``. The brand's
owner or manager creates and announces; its staff (owner, manager, agent) score a jury
challenge; anyone reads a challenge and its live leaderboard."""

from __future__ import annotations

from typing import Any

import msgspec
from litestar import Request, get, post

from porina.api.mastodon.auth import actor_of, optional, require, services_of
from porina.api.mastodon.params import Params
from porina.campaigns import campaign_queries, challenges
from porina.campaigns.campaign_queries import Standing
from porina.campaigns.challenge_models import Challenge as ChallengeRow
from porina.campaigns.challenges import ChallengeNotFound
from porina.core.ids import parse_id
from porina.render.renderer import timestamp

BASE = "/api/porina/v1/challenges"


class Challenge(msgspec.Struct, kw_only=True):
    id: str
    brand_account_id: str
    hashtag: str
    title: str
    starts_at: str
    ends_at: str
    scoring: str
    url: str
    announced_status_id: str | None
    created_at: str


class LeaderboardEntry(msgspec.Struct, kw_only=True):
    rank: int
    status_id: str
    account_id: str
    acct: str
    score: int
    submitted_at: str


class Scored(msgspec.Struct, kw_only=True):
    status_id: str
    score: int


class Announced(msgspec.Struct, kw_only=True):
    id: str
    status_id: str
    text: str


def _entity(row: ChallengeRow, base_url: str) -> Challenge:
    return Challenge(
        id=str(row.id),
        brand_account_id=str(row.brand_account_id),
        hashtag=row.hashtag,
        title=row.title,
        starts_at=timestamp(row.starts_at) or "",
        ends_at=timestamp(row.ends_at) or "",
        scoring=row.scoring,
        url=f"{base_url.rstrip('/')}/challenges/{row.id}",
        announced_status_id=str(row.announced_status_id) if row.announced_status_id else None,
        created_at=timestamp(row.created_at) or "",
    )


def _standing(item: Standing) -> LeaderboardEntry:
    return LeaderboardEntry(
        rank=item.rank,
        status_id=str(item.status_id),
        account_id=str(item.account_id),
        acct=item.acct,
        score=item.score,
        submitted_at=timestamp(item.submitted_at) or "",
    )


def _id(raw: str) -> int:
    parsed = parse_id(raw)
    if parsed is None:
        raise ChallengeNotFound()
    return parsed


@post(BASE, status_code=200)
async def create_challenge(request: Request[Any, Any, Any]) -> Challenge:
    """``{hashtag, title, starts_at, ends_at, scoring: votes|jury}`` for the brand the token
    acts as (owner or manager)."""
    actor = actor_of(await require(request, "write:statuses"))
    params = await Params.of(request)
    svc = services_of(request)
    async with svc.db.transaction() as tx:
        row = await challenges.create(tx, actor, params.data)
    return _entity(row, svc.settings.base_url)


@get(f"{BASE}/{{challenge_id:str}}")
async def show_challenge(request: Request[Any, Any, Any], challenge_id: str) -> Challenge:
    """Public. A token, when sent, must allow reading (as Mastodon's public reads)."""
    await optional(request, "read:statuses")
    svc = services_of(request)
    async with svc.db.read() as session:
        row = await challenges.get(session, _id(challenge_id))
    return _entity(row, svc.settings.base_url)


@get(f"{BASE}/{{challenge_id:str}}/leaderboard")
async def challenge_leaderboard(
    request: Request[Any, Any, Any], challenge_id: str
) -> list[LeaderboardEntry]:
    """Public, live: the best public submissions first (``limit``, 20 by default, up to 100)."""
    await optional(request, "read:statuses")
    params = await Params.of(request)
    svc = services_of(request)
    async with svc.db.read() as session:
        row = await challenges.get(session, _id(challenge_id))
        board = await campaign_queries.leaderboard(session, row.id, params.limit(20, 100))
    return [_standing(item) for item in board]


@post(f"{BASE}/{{challenge_id:str}}/scores", status_code=200)
async def score_submission(request: Request[Any, Any, Any], challenge_id: str) -> Scored:
    """``{status_id, score}`` (0-10) by a judge of a jury challenge; the submission's total."""
    actor = actor_of(await require(request, "write:statuses"))
    params = await Params.of(request)
    async with services_of(request).db.transaction() as tx:
        total = await challenges.score(tx, actor, _id(challenge_id), params.data)
    return Scored(status_id=str(params.data.get("status_id")), score=total)


@post(f"{BASE}/{{challenge_id:str}}/announce", status_code=200)
async def announce_challenge(request: Request[Any, Any, Any], challenge_id: str) -> Announced:
    """``{text?, top?}`` after the end: the brand's public post naming the top ``top`` (3 by
    default, up to 20); ``text`` replaces the default wording."""
    actor = actor_of(await require(request, "write:statuses"))
    params = await Params.of(request)
    top = params.int("top", 3, lo=1, hi=challenges.MAX_TOP) or 3
    text = params.str("text")
    async with services_of(request).db.transaction() as tx:
        row = await challenges.get(tx.session, _id(challenge_id))
        board = await campaign_queries.leaderboard(tx.session, row.id, top)
        ranked = [(s.acct, s.score) for s in board]
        status = await challenges.announce(tx, actor, row.id, text, ranked)
    return Announced(id=str(row.id), status_id=str(status.id), text=status.text or "")


ROUTES = [
    create_challenge,
    show_challenge,
    challenge_leaderboard,
    score_submission,
    announce_challenge,
]
