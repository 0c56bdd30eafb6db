"""Surveys (issue 18, point 5; docs/api.md, "Surveys").

A brand's owner or manager writes a survey of questions (``single``/``multiple`` choice,
``scale`` 1-5, ``recommend`` 0-10, free ``text``), named or anonymous, optionally shown as a
card on one of the brand's posts. Anyone signed in answers once.

One response per person is enforced by ``survey_participants``: the keyed hash
``HMAC-SHA256(survey.secret, account id)`` and nothing else. A response of an anonymous survey
is stored with a random id, no account, no time and nothing pointing at its participant row,
and its event names no actor, so nothing stored joins it to an account (tests/campaigns/
test_surveys.py shows it). Validation happens before any write: a bad answer, a duplicate
response or a survey without questions is a 422 and nothing is written.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from collections.abc import Mapping
from typing import Any

from sqlalchemy import exists, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from porina.accounts.operators import role_of
from porina.campaigns.challenge_events import SurveyAnswered, SurveyCreated
from porina.campaigns.survey_models import KINDS, Survey, SurveyParticipant, SurveyResponse
from porina.core.actor import Actor
from porina.core.clock import now
from porina.core.errors import Forbidden, NotFound, Unprocessable
from porina.core.ids import new_id
from porina.jobs.events import emit
from porina.posts.models import Status
from porina.storage.db import Tx

AUTHORS = frozenset({"owner", "manager"})
READERS = frozenset({"owner", "manager", "agent", "analyst"})
CHOICES = ("single", "multiple")
RANGES = {"scale": (1, 5), "recommend": (0, 10)}
MAX_QUESTIONS, MAX_OPTIONS, MAX_TEXT, MAX_ANSWER = 20, 20, 500, 2000
Answer = int | list[int] | str | None


class SurveyNotFound(NotFound):
    code = "survey_not_found"


class InvalidSurvey(Unprocessable):
    code = "survey_invalid"


class InvalidResponse(Unprocessable):
    code = "survey_response_invalid"


def voter_key(secret: bytes, account_id: int) -> str:
    """The keyed hash that stands for a participant: without ``secret`` it names nobody."""
    return hmac.new(secret, str(account_id).encode(), hashlib.sha256).hexdigest()


def _text(value: Any, what: str, limit: int) -> str:
    text = value.strip() if isinstance(value, str) else ""
    if not text or len(text) > limit:
        raise InvalidSurvey(f"Validation failed: {what} must be 1 to {limit} characters")
    return text


def _options(kind: str, raw: Any, n: int) -> list[str]:
    if kind not in CHOICES:
        if raw:
            raise InvalidSurvey(f"Validation failed: question {n} ({kind}) takes no options")
        return []
    if not isinstance(raw, list) or not 2 <= len(raw) <= MAX_OPTIONS:
        raise InvalidSurvey(f"Validation failed: question {n} needs 2 to {MAX_OPTIONS} options")
    options = [_text(o, f"an option of question {n}", 200) for o in raw]
    if len({o.casefold() for o in options}) != len(options):
        raise InvalidSurvey(f"Validation failed: question {n} repeats an option")
    return options


def _question(raw: Any, n: int) -> dict[str, Any]:
    if not isinstance(raw, Mapping) or raw.get("kind") not in KINDS:
        raise InvalidSurvey(
            f"Validation failed: question {n} kind must be one of {', '.join(KINDS)}"
        )
    kind = str(raw["kind"])
    text = _text(raw.get("text"), f"the text of question {n}", MAX_TEXT)
    return {"kind": kind, "text": text, "options": _options(kind, raw.get("options"), n)}


def listed(value: Any) -> list[Any]:
    """A list sent as a JSON array or as form fields ``x[0]``, ``x[1]`` (folded to a dict)."""
    if isinstance(value, list):
        return value
    if isinstance(value, Mapping) and all(str(k).isdigit() for k in value):
        return [value[k] for k in sorted(value, key=int)]
    return []


def questions_of(raw: Any) -> list[dict[str, Any]]:
    items = listed(raw)
    if not 1 <= len(items) <= MAX_QUESTIONS:
        raise InvalidSurvey(f"Validation failed: a survey needs 1 to {MAX_QUESTIONS} questions")
    return [_question(item, n) for n, item in enumerate(items, start=1)]


def _flag(value: Any) -> bool:
    return value in (True, 1, "1", "true", "True", "on")


async def _role(session: AsyncSession, actor: Actor, allowed: frozenset[str]) -> None:
    if actor.user_id is None:
        raise SurveyNotFound()
    role = await role_of(session, actor.account_id, actor.user_id)
    if role is None:
        raise SurveyNotFound()
    if role not in allowed:
        raise Forbidden("This role cannot do this with the brand's surveys")


async def _post_of(session: AsyncSession, actor: Actor, raw: Any) -> int | None:
    if raw in (None, ""):
        return None
    status_id = int(raw) if isinstance(raw, int | str) and str(raw).isdigit() else None
    status = None if status_id is None else await session.get(Status, status_id)
    if status is None or status.account_id != actor.account_id or status.deleted_at is not None:
        raise InvalidSurvey("Validation failed: status_id is not one of the brand's posts")
    return status.id


def card(survey: Survey, base_url: str) -> dict[str, Any]:
    """Mastodon's ``PreviewCard`` entity for the survey: a link to its public page."""
    url = f"{base_url.rstrip('/')}/surveys/{survey.id}"
    count = len(survey.questions)
    return {
        "url": url,
        "title": survey.title,
        "description": f"Survey, {count} question{'s' if count != 1 else ''}",
        "language": None,
        "type": "link",
        "author_name": "",
        "author_url": "",
        "provider_name": "Porina",
        "provider_url": "",
        "html": "",
        "width": 0,
        "height": 0,
        "image": None,
        "image_description": "",
        "embed_url": "",
        "blurhash": None,
        "published_at": None,
        "authors": [],
    }


async def create(tx: Tx, actor: Actor, data: Mapping[str, Any], base_url: str) -> Survey:
    """Write the survey for the brand ``actor`` acts as (owner or manager); with
    ``status_id`` (one of the brand's posts) the post shows the survey as its card."""
    await _role(tx.session, actor, AUTHORS)
    row = Survey(
        id=new_id(),
        brand_account_id=actor.account_id,
        title=_text(data.get("title"), "title", 200),
        anonymous=_flag(data.get("anonymous")),
        questions=questions_of(data.get("questions")),
        secret=secrets.token_bytes(32),
        status_id=await _post_of(tx.session, actor, data.get("status_id")),
        responses_count=0,
        created_by_user_id=actor.user_id,
        created_at=now(),
    )
    tx.session.add(row)
    await tx.session.flush()
    if row.status_id is not None:
        await tx.session.execute(
            update(Status).where(Status.id == row.status_id).values(card=card(row, base_url))
        )
    await emit(tx, SurveyCreated(actor=actor, survey_id=row.id, brand_account_id=actor.account_id))
    return row


async def get(session: AsyncSession, survey_id: int) -> Survey:
    row = await session.get(Survey, survey_id)
    if row is None:
        raise SurveyNotFound()
    return row


async def staff_get(session: AsyncSession, actor: Actor, survey_id: int) -> Survey:
    """The survey for its brand's staff (results, export); 404 for anyone else."""
    row = await get(session, survey_id)
    if row.brand_account_id != actor.account_id:
        raise SurveyNotFound()
    await _role(session, actor, READERS)
    return row


def _int(value: Any) -> int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, str) and value.strip().isdigit():
        return int(value.strip())
    return None


def _bad(n: int, why: str) -> InvalidResponse:
    return InvalidResponse(f"Validation failed: answer {n} {why}")


def _choice(question: dict[str, Any], value: Any, n: int) -> Answer:
    count = len(question["options"])
    if question["kind"] == "single":
        picked = _int(value)
        if picked is None or not 0 <= picked < count:
            raise _bad(n, f"must be one option index from 0 to {count - 1}")
        return picked
    picks = [_int(v) for v in listed(value) or ([value] if value not in (None, "") else [])]
    if not picks or any(p is None or not 0 <= p < count for p in picks):
        raise _bad(n, f"must be one or more option indexes from 0 to {count - 1}")
    chosen = sorted({p for p in picks if p is not None})
    if len(chosen) != len(picks):
        raise _bad(n, "repeats an option")
    return chosen


def _answer(question: dict[str, Any], value: Any, n: int) -> Answer:
    kind = question["kind"]
    if kind in CHOICES:
        return _choice(question, value, n)
    if kind == "text":
        if value is None or (isinstance(value, str) and not value.strip()):
            return None
        if not isinstance(value, str) or len(value) > MAX_ANSWER:
            raise _bad(n, f"must be a text of at most {MAX_ANSWER} characters")
        return value.strip()
    low, high = RANGES[kind]
    number = _int(value)
    if number is None or not low <= number <= high:
        raise _bad(n, f"must be a whole number from {low} to {high}")
    return number


def answers_of(survey: Survey, raw: Any) -> list[Answer]:
    """The answers, one per question in order, checked against their questions."""
    items = listed(raw)
    if len(items) != len(survey.questions):
        raise InvalidResponse(
            f"Validation failed: answers must answer all {len(survey.questions)} questions"
        )
    pairs = zip(survey.questions, items, strict=True)
    return [_answer(q, v, n) for n, (q, v) in enumerate(pairs, start=1)]


async def answered(session: AsyncSession, survey: Survey, account_id: int) -> bool:
    key = voter_key(survey.secret, account_id)
    found = exists().where(
        SurveyParticipant.survey_id == survey.id, SurveyParticipant.voter_key == key
    )
    return bool(await session.scalar(select(found)))


async def respond(tx: Tx, actor: Actor, survey_id: int, data: Mapping[str, Any]) -> Survey:
    """Record ``actor``'s one response. Nothing is written unless all of it is valid."""
    survey = await get(tx.session, survey_id)
    answers = answers_of(survey, data.get("answers"))
    if await answered(tx.session, survey, actor.account_id):
        raise InvalidResponse("Validation failed: you have already answered this survey")
    tx.session.add(
        SurveyParticipant(survey_id=survey.id, voter_key=voter_key(survey.secret, actor.account_id))
    )
    tx.session.add(
        SurveyResponse(
            id=secrets.randbits(62) + 1,
            survey_id=survey.id,
            account_id=None if survey.anonymous else actor.account_id,
            answers=answers,
        )
    )
    try:
        await tx.session.flush()
    except IntegrityError as exc:  # the same person answering twice at the same moment
        raise InvalidResponse("Validation failed: you have already answered this survey") from exc
    await tx.session.execute(
        update(Survey)
        .where(Survey.id == survey.id)
        .values(responses_count=Survey.responses_count + 1)
    )
    await emit(tx, SurveyAnswered(actor=None if survey.anonymous else actor, survey_id=survey.id))
    return survey
