"""Hashtag challenges (issue 18, point 4; docs/api.md, "Challenges").

A brand's owner or manager opens a challenge on a hashtag with a window and a scoring:

- submissions are public posts carrying the hashtag, made inside the window by anyone but the
  brand (``challenge_subscribers`` adds them as they are posted; ``create`` adds those already
  made when the window began in the past);
- ``votes``: a submission's score is the number of favourites from others while the challenge
  runs (the favourite table allows one per person; self-favourites never count; an unfavourite
  takes its vote back), kept by the favourite subscribers;
- ``jury``: the brand's staff (owner, manager, agent) score submissions 0-10; the score is the
  sum of the judges' scores;
- the leaderboard (``queries``) drops a deleted or no longer public post at read time;
- ``announce`` publishes the brand's post naming the top N after the end.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import BigInteger, Integer, and_, bindparam, func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from porina.accounts.operators import role_of
from porina.campaigns.challenge_events import ChallengeAnnounced, ChallengeCreated, ChallengeScored
from porina.campaigns.challenge_models import (
    SCORING,
    Challenge,
    ChallengeScore,
    ChallengeSubmission,
)
from porina.core import inputs
from porina.core.actor import Actor
from porina.core.clock import aware, now
from porina.core.errors import Forbidden, NotFound, Unprocessable
from porina.core.ids import new_id
from porina.interactions.models import Favourite
from porina.jobs.events import emit
from porina.posts.compose import NewStatus, create_status
from porina.posts.models import Status, StatusTag, Tag
from porina.storage.db import Tx
from porina.storage.fastread import Prebuilt

ORGANISERS = frozenset({"owner", "manager"})
JUDGES = frozenset({"owner", "manager", "agent"})
HASHTAG = re.compile(r"^\w*[^\W\d]\w*$")
MAX_SCORE = 10
MAX_TOP = 20


class ChallengeNotFound(NotFound):
    code = "challenge_not_found"


class InvalidChallenge(Unprocessable):
    code = "challenge_invalid"


@dataclass(frozen=True, slots=True)
class ChallengeSpec:
    hashtag: str
    title: str
    starts_at: datetime
    ends_at: datetime
    scoring: str


def _text(data: Mapping[str, Any], name: str, limit: int) -> str:
    value = data.get(name)
    text = value.strip() if isinstance(value, str) else ""
    if not text or len(text) > limit:
        raise InvalidChallenge(f"Validation failed: {name} must be 1 to {limit} characters")
    return text


def _moment(data: Mapping[str, Any], name: str) -> datetime:
    value = data.get(name)
    parsed = inputs.moment(value) if isinstance(value, str) else None
    if parsed is None:
        raise InvalidChallenge(f"Validation failed: {name} must be an ISO 8601 date and time")
    return parsed


def spec_of(data: Mapping[str, Any]) -> ChallengeSpec:
    """The challenge asked for, or a 422 naming the first bad field."""
    hashtag = _text(data, "hashtag", 100).lstrip("#")
    if not HASHTAG.match(hashtag):
        raise InvalidChallenge("Validation failed: hashtag is not a valid hashtag")
    starts_at, ends_at = _moment(data, "starts_at"), _moment(data, "ends_at")
    if ends_at <= starts_at:
        raise InvalidChallenge("Validation failed: ends_at must be after starts_at")
    scoring = data.get("scoring", "votes")
    if scoring not in SCORING:
        raise InvalidChallenge("Validation failed: scoring must be votes or jury")
    title = _text(data, "title", 200)
    return ChallengeSpec(hashtag.lower(), title, starts_at, ends_at, str(scoring))


async def _role(session: AsyncSession, actor: Actor, allowed: frozenset[str]) -> str:
    """The caller's role on the brand it acts as: 404 outside the team, 403 without ``allowed``."""
    if actor.user_id is None:
        raise ChallengeNotFound()
    role = await role_of(session, actor.account_id, actor.user_id)
    if role is None:
        raise ChallengeNotFound()
    if role not in allowed:
        raise Forbidden("This role cannot run the brand's challenges")
    return role


async def _overlapping(session: AsyncSession, brand_id: int, spec: ChallengeSpec) -> bool:
    found = await session.scalar(
        select(Challenge.id).where(
            Challenge.brand_account_id == brand_id,
            Challenge.hashtag == spec.hashtag,
            Challenge.starts_at < spec.ends_at,
            Challenge.ends_at > spec.starts_at,
        )
    )
    return found is not None


async def create(tx: Tx, actor: Actor, data: Mapping[str, Any]) -> Challenge:
    """Open a challenge for the brand ``actor`` acts as (owner or manager)."""
    await _role(tx.session, actor, ORGANISERS)
    spec = spec_of(data)
    if await _overlapping(tx.session, actor.account_id, spec):
        raise InvalidChallenge(
            "Validation failed: the brand already runs a challenge on this hashtag then"
        )
    row = Challenge(
        id=new_id(),
        brand_account_id=actor.account_id,
        hashtag=spec.hashtag,
        title=spec.title,
        starts_at=spec.starts_at,
        ends_at=spec.ends_at,
        scoring=spec.scoring,
        created_by_user_id=actor.user_id,
        created_at=now(),
    )
    tx.session.add(row)
    await tx.session.flush()
    if spec.starts_at < row.created_at:
        await _backfill(tx, row)
    await emit(
        tx,
        ChallengeCreated(actor=actor, challenge_id=row.id, brand_account_id=row.brand_account_id),
    )
    return row


async def _backfill(tx: Tx, challenge: Challenge) -> None:
    """The public posts with the hashtag already made in the window, with their votes so far."""
    posts = (
        select(Status.id, Status.account_id, Status.created_at)
        .join(StatusTag, StatusTag.status_id == Status.id)
        .join(Tag, Tag.id == StatusTag.tag_id)
        .where(
            Tag.name == challenge.hashtag,
            Status.visibility == "public",
            Status.deleted_at.is_(None),
            Status.reblog_of_id.is_(None),
            Status.account_id != challenge.brand_account_id,
            Status.created_at >= challenge.starts_at,
            Status.created_at <= challenge.ends_at,
        )
    )
    for status_id, author_id, created_at in (await tx.session.execute(posts)).all():
        votes = 0
        if challenge.scoring == "votes":
            votes = await _votes(tx.session, status_id, author_id, challenge.ends_at)
        tx.session.add(
            ChallengeSubmission(
                id=new_id(),
                challenge_id=challenge.id,
                status_id=status_id,
                author_id=author_id,
                score=votes,
                created_at=created_at,
            )
        )


async def _votes(session: AsyncSession, status_id: int, author_id: int, until: datetime) -> int:
    counted = select(func.count()).where(
        Favourite.status_id == status_id,
        Favourite.account_id != author_id,
        Favourite.created_at <= until,
    )
    return int(await session.scalar(counted) or 0)


async def get(session: AsyncSession, challenge_id: int) -> Challenge:
    row = await session.get(Challenge, challenge_id)
    if row is None:
        raise ChallengeNotFound()
    return row


async def _own(tx: Tx, actor: Actor, challenge_id: int, allowed: frozenset[str]) -> Challenge:
    row = await get(tx.session, challenge_id)
    if row.brand_account_id != actor.account_id:
        raise ChallengeNotFound()
    await _role(tx.session, actor, allowed)
    return row


def _score_of(data: Mapping[str, Any]) -> tuple[int, int]:
    status_id, score = inputs.int64(data.get("status_id")), inputs.int64(data.get("score"))
    if status_id is None:
        raise InvalidChallenge("Validation failed: status_id is not a submission")
    if score is None or not 0 <= score <= MAX_SCORE:
        raise InvalidChallenge(f"Validation failed: score must be a whole number 0 to {MAX_SCORE}")
    return status_id, score


async def score(tx: Tx, actor: Actor, challenge_id: int, data: Mapping[str, Any]) -> int:
    """A judge's score of one submission (a later score replaces theirs); the submission's
    new total."""
    challenge = await _own(tx, actor, challenge_id, JUDGES)
    if challenge.scoring != "jury":
        raise InvalidChallenge("Validation failed: this challenge is scored by votes")
    status_id, points = _score_of(data)
    submission = await tx.session.scalar(
        select(ChallengeSubmission).where(
            ChallengeSubmission.challenge_id == challenge.id,
            ChallengeSubmission.status_id == status_id,
        )
    )
    if submission is None:
        raise InvalidChallenge("Validation failed: status_id is not a submission")
    assert actor.user_id is not None  # _role refused a caller without a person
    await _upsert_score(tx, challenge.id, status_id, actor.user_id, points)
    total = select(func.coalesce(func.sum(ChallengeScore.score), 0)).where(
        ChallengeScore.challenge_id == challenge.id, ChallengeScore.status_id == status_id
    )
    submission.score = int(await tx.session.scalar(total) or 0)
    await emit(
        tx,
        ChallengeScored(actor=actor, challenge_id=challenge.id, status_id=status_id, score=points),
    )
    return submission.score


async def _upsert_score(tx: Tx, challenge_id: int, status_id: int, judge: int, points: int) -> None:
    existing = await tx.session.scalar(
        select(ChallengeScore).where(
            ChallengeScore.challenge_id == challenge_id,
            ChallengeScore.status_id == status_id,
            ChallengeScore.judge_user_id == judge,
        )
    )
    if existing is None:
        existing = ChallengeScore(
            id=new_id(), challenge_id=challenge_id, status_id=status_id, judge_user_id=judge
        )
        tx.session.add(existing)
    existing.score, existing.scored_at = points, now()
    await tx.session.flush()


def default_text(challenge: Challenge, top: list[tuple[str, int]]) -> str:
    """The announcement's default wording: the title, the hashtag and the top entrants."""
    lines = [f"Results of {challenge.title} #{challenge.hashtag}"]
    lines += [f"{n}. @{acct} ({points})" for n, (acct, points) in enumerate(top, start=1)]
    return "\n".join(lines) if top else f"{lines[0]}: no submissions."


async def announce(
    tx: Tx, actor: Actor, challenge_id: int, text: str | None, top: list[tuple[str, int]]
) -> Status:
    """Publish the brand's public post with the results (``text``, or ``default_text``)."""
    challenge = await _own(tx, actor, challenge_id, ORGANISERS)
    if aware(challenge.ends_at) > now():
        raise InvalidChallenge("Validation failed: the challenge has not ended yet")
    if challenge.announced_status_id is not None:
        raise InvalidChallenge("Validation failed: the results were already announced")
    body = text.strip() if text and text.strip() else default_text(challenge, top)
    status = await create_status(tx, actor, NewStatus(text=body, visibility="public"))
    challenge.announced_status_id = status.id
    await emit(tx, ChallengeAnnounced(actor=actor, challenge_id=challenge.id, status_id=status.id))
    return status


def open_for_votes(moment: datetime | Any) -> Any:
    """The challenges a vote made at ``moment`` (a datetime, or a bound parameter) still
    counts for."""
    return and_(
        Challenge.scoring == "votes", Challenge.starts_at <= moment, Challenge.ends_at >= moment
    )


@functools.cache
def _votes_statement() -> Prebuilt:
    """``add_votes`` built and compiled once: it runs on every favourite and unfavourite by
    someone other than the author, as a prebuilt statement in the write's transaction (on
    SQLite no hop to the driver's thread while the write lock is held)."""
    moment = bindparam("porina_moment", type_=Challenge.__table__.c.starts_at.type)
    running = select(Challenge.id).where(open_for_votes(moment))
    return Prebuilt(
        update(ChallengeSubmission)
        .where(
            ChallengeSubmission.status_id == bindparam("porina_status", type_=BigInteger),
            ChallengeSubmission.author_id == bindparam("porina_author", type_=BigInteger),
            ChallengeSubmission.challenge_id.in_(running),
        )
        .values(score=ChallengeSubmission.score + bindparam("porina_delta", type_=Integer))
    )


async def add_votes(tx: Tx, status_id: int, author_id: int, delta: int) -> None:
    """One statement: ``delta`` on the running votes challenges' submission of ``status_id``
    (an object of it the session holds is not refreshed, as before)."""
    params = {
        "porina_status": status_id,
        "porina_author": author_id,
        "porina_delta": delta,
        "porina_moment": now(),
    }
    await tx.run(_votes_statement(), params)
