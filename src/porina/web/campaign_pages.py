"""Challenge and survey pages (issue 18, points 4-5; docs/web.md):

- ``/challenges/:id``: the challenge, its window and the live leaderboard (public);
- ``/surveys/:id``: the survey's questions as a plain form (``POST`` answers once; signed
  in), the public URL a post's card or a newsletter links to;
- ``/surveys/:id/results``: the results for the brand's staff, each chart a ``<meter>`` bar
  per option inside a data table (no script, no inline style), free texts, the CSV link.
"""

from __future__ import annotations

from typing import Any

from litestar import Request, get, post
from litestar.response import Redirect, Template

from porina.campaigns import campaign_queries, challenges, surveys
from porina.campaigns.survey_models import Survey
from porina.web import i18n
from porina.web.common import Me, form, id_or_404, reader, render, see_other, signed_in
from porina.web.errors import message_for
from porina.web.runtime import services

SCALE_VALUES = {"scale": list(range(1, 6)), "recommend": list(range(11))}


@get("/challenges/{challenge_id:str}", name="web:challenge")
async def challenge_page(request: Request[Any, Any, Any], challenge_id: str) -> Template:
    me = await reader(request)
    async with services(request).db.read() as session:
        row = await challenges.get(session, id_or_404(challenge_id))
        board = await campaign_queries.leaderboard(session, row.id, 50)
    scoring = i18n._("Votes") if row.scoring == "votes" else i18n._("Jury")
    return render(
        request, "pages/challenge.html", me=me, challenge=row, board=board, scoring=scoring
    )


async def _survey_page(
    request: Request[Any, Any, Any],
    me: Me | None,
    survey: Survey,
    *,
    error: str | None = None,
    status_code: int = 200,
) -> Template:
    done = False
    if me is not None:
        async with services(request).db.read() as session:
            done = await surveys.answered(session, survey, me.id)
    return render(
        request,
        "pages/survey.html",
        me=me,
        survey=survey,
        answered=done,
        scales=SCALE_VALUES,
        error=error,
        status_code=status_code,
    )


@get("/surveys/{survey_id:str}", name="web:survey")
async def survey_page(request: Request[Any, Any, Any], survey_id: str) -> Template:
    me = await reader(request)
    async with services(request).db.read() as session:
        row = await surveys.get(session, id_or_404(survey_id))
    return await _survey_page(request, me, row)


@post("/surveys/{survey_id:str}", name="web:survey-answer")
async def survey_answer(request: Request[Any, Any, Any], survey_id: str) -> Template | Redirect:
    me = await signed_in(request)
    parsed = id_or_404(survey_id)
    data = await form(request)
    svc = services(request)
    async with svc.db.read() as session:
        row = await surveys.get(session, parsed)
    answers = [data.get(f"q{n}") for n in range(len(row.questions))]
    try:
        async with svc.db.transaction() as tx:
            await surveys.respond(tx, me.actor, parsed, {"answers": answers})
    except surveys.InvalidResponse as exc:
        status, message = message_for(exc)
        return await _survey_page(request, me, row, error=message, status_code=status)
    return see_other(f"/surveys/{parsed}")


@get("/surveys/{survey_id:str}/results", name="web:survey-results")
async def survey_results_page(request: Request[Any, Any, Any], survey_id: str) -> Template:
    me = await signed_in(request)
    async with services(request).db.read() as session:
        row = await surveys.staff_get(session, me.actor, id_or_404(survey_id))
        count, summary = await campaign_queries.results(session, row)
    return render(
        request,
        "pages/survey_results.html",
        me=me,
        survey=row,
        responses=count,
        summary=summary,
        scales=SCALE_VALUES,
    )


ROUTES = [challenge_page, survey_page, survey_answer, survey_results_page]
