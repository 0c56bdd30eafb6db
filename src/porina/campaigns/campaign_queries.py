"""Read-only views of challenges and surveys shared by the API and the pages.

``leaderboard`` is one indexed read: the scores are kept by subscribers
(``challenge_subscribers``), and a deleted or no longer public post drops out here.
``results`` sums a survey's responses per question; ``csv_rows`` is its export.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from porina.accounts.models import Account
from porina.campaigns.challenge_models import ChallengeSubmission
from porina.campaigns.survey_models import Survey, SurveyResponse
from porina.posts.models import Status

MAX_LEADERBOARD = 100


@dataclass(frozen=True, slots=True)
class Standing:
    rank: int
    status_id: int
    account_id: int
    acct: str
    score: int
    submitted_at: datetime


def acct_of(username: str, domain: str | None) -> str:
    return username if not domain else f"{username}@{domain}"


async def leaderboard(session: AsyncSession, challenge_id: int, limit: int) -> list[Standing]:
    """The best public submissions, highest score first (ties: the earlier post first)."""
    rows = await session.execute(
        select(
            ChallengeSubmission.status_id,
            ChallengeSubmission.author_id,
            Account.username,
            Account.domain,
            ChallengeSubmission.score,
            ChallengeSubmission.created_at,
        )
        .join(Status, Status.id == ChallengeSubmission.status_id)
        .join(Account, Account.id == ChallengeSubmission.author_id)
        .where(
            ChallengeSubmission.challenge_id == challenge_id,
            Status.visibility == "public",
            Status.deleted_at.is_(None),
        )
        .order_by(ChallengeSubmission.score.desc(), ChallengeSubmission.status_id)
        .limit(max(1, min(limit, MAX_LEADERBOARD)))
    )
    return [
        Standing(n, sid, aid, acct_of(user, domain), score, at)
        for n, (sid, aid, user, domain, score, at) in enumerate(rows.all(), start=1)
    ]


@dataclass(slots=True)
class QuestionResult:
    kind: str
    text: str
    options: list[str]
    answered: int = 0
    counts: list[int] = field(default_factory=list)
    mean: float | None = None
    nps: float | None = None
    texts: list[str] = field(default_factory=list)


SCALES = {"scale": range(1, 6), "recommend": range(11)}


def _summarise(question: dict[str, Any], values: list[Any]) -> QuestionResult:
    kind = question["kind"]
    result = QuestionResult(kind, question["text"], list(question["options"]))
    given = [v for v in values if v is not None]
    result.answered = len(given)
    if kind == "text":
        result.texts = sorted(str(v) for v in given)
        return result
    tally: Counter[int] = Counter()
    for value in given:
        tally.update(value if isinstance(value, list) else [value])
    keys = SCALES.get(kind, range(len(question["options"])))
    result.counts = [tally[k] for k in keys]
    if kind in SCALES and given:
        result.mean = round(sum(given) / len(given), 2)
    if kind == "recommend" and given:
        promoters = sum(1 for v in given if v >= 9)
        detractors = sum(1 for v in given if v <= 6)
        result.nps = round(100 * (promoters - detractors) / len(given), 1)
    return result


async def _answers(session: AsyncSession, survey: Survey) -> list[tuple[int | None, list[Any]]]:
    """Each response's account (named surveys only) and answers, in random-id order."""
    rows = await session.execute(
        select(SurveyResponse.account_id, SurveyResponse.answers)
        .where(SurveyResponse.survey_id == survey.id)
        .order_by(SurveyResponse.id)
    )
    return [(account, list(answers)) for account, answers in rows.all()]


async def results(session: AsyncSession, survey: Survey) -> tuple[int, list[QuestionResult]]:
    """How many responded, and each question's summary."""
    answers = [a for _, a in await _answers(session, survey)]
    summary = [
        _summarise(q, [a[n] for a in answers if n < len(a)]) for n, q in enumerate(survey.questions)
    ]
    return len(answers), summary


def _cell(question: dict[str, Any], value: Any) -> str:
    if value is None:
        return ""
    options = question["options"]
    if question["kind"] == "single":
        return str(options[value])
    if question["kind"] == "multiple":
        return "; ".join(options[v] for v in value)
    return str(value)


async def csv_rows(session: AsyncSession, survey: Survey) -> list[list[str]]:
    """A header and one row per response; a named survey's rows start with the acct."""
    header = [q["text"] for q in survey.questions]
    responses = await _answers(session, survey)
    names: dict[int, str] = {}
    if not survey.anonymous:
        ids = {a for a, _ in responses if a is not None}
        found = await session.execute(
            select(Account.id, Account.username, Account.domain).where(Account.id.in_(ids))
        )
        names = {i: acct_of(u, d) for i, u, d in found.all()}
    rows = [([] if survey.anonymous else ["acct"]) + header]
    for account, answers in responses:
        cells = [_cell(q, v) for q, v in zip(survey.questions, answers, strict=False)]
        rows.append(cells if survey.anonymous else [names.get(account or 0, ""), *cells])
    return rows
