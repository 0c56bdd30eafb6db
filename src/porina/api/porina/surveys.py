"""Surveys (docs/api.md, "Surveys"): ``/api/porina/v1/surveys``. The brand's owner or
manager creates; anyone reads a survey's questions; anyone signed in answers once; the
brand's staff (owner, manager, agent, analyst) read the results and the CSV export. An
anonymous survey's answers never come back with a name, an id or a time."""

from __future__ import annotations

import csv
import io
from typing import Any

import msgspec
from litestar import Request, Response, get, post

from porina.api.mastodon.auth import actor_of, optional, require, services_of
from porina.api.mastodon.params import Params
from porina.campaigns import campaign_queries, surveys
from porina.campaigns.campaign_queries import QuestionResult
from porina.campaigns.survey_models import Survey as SurveyRow
from porina.campaigns.surveys import SurveyNotFound
from porina.core.ids import parse_id
from porina.render.renderer import timestamp

BASE = "/api/porina/v1/surveys"


class Question(msgspec.Struct, kw_only=True):
    kind: str
    text: str
    options: list[str]


class Survey(msgspec.Struct, kw_only=True):
    id: str
    brand_account_id: str
    title: str
    anonymous: bool
    questions: list[Question]
    status_id: str | None
    url: str
    answered: bool | None
    created_at: str


class Answered(msgspec.Struct, kw_only=True):
    survey_id: str
    anonymous: bool


class QuestionResults(msgspec.Struct, kw_only=True):
    kind: str
    text: str
    options: list[str]
    answered: int
    counts: list[int]
    mean: float | None
    nps: float | None
    texts: list[str]


class Results(msgspec.Struct, kw_only=True):
    id: str
    title: str
    anonymous: bool
    responses: int
    questions: list[QuestionResults]


def _entity(row: SurveyRow, base_url: str, answered: bool | None) -> Survey:
    return Survey(
        id=str(row.id),
        brand_account_id=str(row.brand_account_id),
        title=row.title,
        anonymous=row.anonymous,
        questions=[
            Question(kind=q["kind"], text=q["text"], options=q["options"]) for q in row.questions
        ],
        status_id=str(row.status_id) if row.status_id else None,
        url=f"{base_url.rstrip('/')}/surveys/{row.id}",
        answered=answered,
        created_at=timestamp(row.created_at) or "",
    )


def _result(item: QuestionResult) -> QuestionResults:
    return QuestionResults(
        kind=item.kind,
        text=item.text,
        options=item.options,
        answered=item.answered,
        counts=item.counts,
        mean=item.mean,
        nps=item.nps,
        texts=item.texts,
    )


def _id(raw: str) -> int:
    parsed = parse_id(raw)
    if parsed is None:
        raise SurveyNotFound()
    return parsed


@post(BASE, status_code=200)
async def create_survey(request: Request[Any, Any, Any]) -> Survey:
    """``{title, anonymous, questions: [{kind, text, options}], status_id?}`` for the brand the
    token acts as (owner or manager)."""
    actor = actor_of(await require(request, "write:statuses"))
    params = await Params.of(request)
    svc = services_of(request)
    async with svc.db.transaction() as tx:
        row = await surveys.create(tx, actor, params.data, svc.settings.base_url)
    return _entity(row, svc.settings.base_url, None)


@get(f"{BASE}/{{survey_id:str}}")
async def show_survey(request: Request[Any, Any, Any], survey_id: str) -> Survey:
    """Public: the questions; ``answered`` for a signed-in caller (null otherwise)."""
    viewer = await optional(request, "read:statuses")
    svc = services_of(request)
    async with svc.db.read() as session:
        row = await surveys.get(session, _id(survey_id))
        done = None
        if viewer is not None and viewer.account_id is not None:
            done = await surveys.answered(session, row, viewer.account_id)
    return _entity(row, svc.settings.base_url, done)


@post(f"{BASE}/{{survey_id:str}}/responses", status_code=200)
async def answer_survey(request: Request[Any, Any, Any], survey_id: str) -> Answered:
    """``{answers: [...]}``, one per question in order; once per person."""
    actor = actor_of(await require(request, "write:statuses"))
    params = await Params.of(request)
    async with services_of(request).db.transaction() as tx:
        row = await surveys.respond(tx, actor, _id(survey_id), params.data)
    return Answered(survey_id=str(row.id), anonymous=row.anonymous)


@get(f"{BASE}/{{survey_id:str}}/results")
async def survey_results(request: Request[Any, Any, Any], survey_id: str) -> Results:
    """The brand's staff only (others: 404): per question counts, mean, NPS, free texts."""
    actor = actor_of(await require(request, "read:accounts"))
    async with services_of(request).db.read() as session:
        row = await surveys.staff_get(session, actor, _id(survey_id))
        count, summary = await campaign_queries.results(session, row)
    return Results(
        id=str(row.id),
        title=row.title,
        anonymous=row.anonymous,
        responses=count,
        questions=[_result(item) for item in summary],
    )


def as_csv(rows: list[list[str]]) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerows(rows)
    return out.getvalue().encode("utf-8")


@get(f"{BASE}/{{survey_id:str}}/results.csv")
async def survey_results_csv(request: Request[Any, Any, Any], survey_id: str) -> Response[bytes]:
    """The brand's staff only: one row per response (a named survey's rows start with acct)."""
    actor = actor_of(await require(request, "read:accounts"))
    async with services_of(request).db.read() as session:
        row = await surveys.staff_get(session, actor, _id(survey_id))
        rows = await campaign_queries.csv_rows(session, row)
    return Response(
        as_csv(rows),
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="survey-{row.id}.csv"'},
    )


ROUTES = [create_survey, show_survey, answer_survey, survey_results, survey_results_csv]
