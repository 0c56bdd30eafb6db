"""A contest's public pages and its staff review (issue 18; docs/draws.md, "Pages"):

- ``/contests/:id``: title, prizes, dates, state, the commitment, how many have entered, how
  to enter (the weights in words); once drawn the winners, re-draws with reasons, the proof
  download and "Verify it yourself" (``static/verify-draw.js``; without JavaScript the page
  says how to run ``porina verify-draw``).
- ``/contests/:id/rules``: the rules written from the contest's settings (``rules_text``).
- ``/contests/:id/review``: the flagged entrants with reasons and an allow/disqualify form,
  through ``campaigns.fraud`` — only for people acting as the brand with a reviewing role;
  anyone else gets 404, as for a contest that does not exist.
"""

from __future__ import annotations

from typing import Any

from litestar import Request, get, post
from litestar.response import Redirect, Template

from porina.campaigns import fraud, review_actions
from porina.campaigns.public_view import ContestView, MyEntry, contest_view, my_entry
from porina.campaigns.rules_text import RulesSettings, entry_actions, rules
from porina.core.errors import NotFound
from porina.desk.metrics_models import DeskBusinessHours
from porina.web import i18n
from porina.web.common import Me, form, id_or_404, reader, render, see_other, signed_in
from porina.web.errors import message_for
from porina.web.runtime import services

PROOF = "/api/porina/v1/contests/{id}/proof"
DOCS = "https://codeberg.org/porina/porina/src/branch/main/docs/draws.md"
DEFAULT_ZONE = "UTC"


class ContestPageNotFound(NotFound):
    code = "contest_not_found"


async def _view(request: Request[Any, Any, Any], contest_id: str) -> tuple[ContestView, str]:
    """The contest and the brand's time zone (its desk hours', else UTC); 404 if not public."""
    async with services(request).db.read() as session:
        view = await contest_view(session, id_or_404(contest_id))
        if view is None:
            raise ContestPageNotFound()
        hours = await session.get(DeskBusinessHours, view.brand.id)
    return view, hours.time_zone if hours is not None else DEFAULT_ZONE


def _settings(request: Request[Any, Any, Any], view: ContestView, zone: str) -> RulesSettings:
    contest, brand = view.contest, view.brand
    base = services(request).settings
    return RulesSettings(
        brand_name=brand.display_name or brand.username,
        brand_acct=f"{brand.username}@{brand.domain or base.local_domain}",
        title=contest.title,
        prizes=contest.prizes,
        starts_at=contest.starts_at,
        ends_at=contest.ends_at,
        winners=contest.winners,
        weights={k: int(v) for k, v in (contest.weights or {}).items()},
        reply_must_contain=contest.reply_must_contain,
        min_account_age_days=contest.min_account_age_days,
        min_followers=contest.min_followers,
        time_zone=zone,
        proof_url=base.base_url.rstrip("/") + PROOF.format(id=contest.id),
        docs_url=DOCS,
    )


def flag_reason(flag: fraud.Flag) -> str:
    """A flag's reason in the reader's language (the templates are ``fraud.REASONS``)."""
    return i18n._(fraud.REASONS[flag.code]) % flag.params


def _states() -> dict[str, str]:
    return {
        "draft": i18n._("Not open yet"),
        "open": i18n._("Open for entries"),
        "closed": i18n._("Closed, waiting for the draw"),
        "drawn": i18n._("Drawn"),
    }


async def _mine(
    request: Request[Any, Any, Any], me: Me | None, view: ContestView
) -> MyEntry | None:
    if me is None:
        return None
    local = services(request).settings.local_domain
    acct = f"{me.account.username}@{me.account.domain or local}"
    async with services(request).db.read() as session:
        return await my_entry(session, view.contest, me.id, acct)


@get("/contests/{contest_id:str}", name="web:contest")
async def contest_page(request: Request[Any, Any, Any], contest_id: str) -> Template:
    me = await reader(request)
    view, zone = await _view(request, contest_id)
    lang = i18n.current()
    settings = _settings(request, view, zone)
    return render(
        request,
        "pages/contest.html",
        me=me,
        view=view,
        mine=await _mine(request, me, view),
        contest=view.contest,
        state=_states().get(view.contest.state, view.contest.state),
        actions=entry_actions(settings, "fi" if lang == "fi" else "en"),
        dates=next(s for s in rules(settings, lang) if s.key == "dates").paragraphs[0],
        proof_url=PROOF.format(id=view.contest.id),
        proof_abs=settings.proof_url,
        status_url=f"/@{view.brand.username}/{view.status.id}",
        docs_url=DOCS,
    )


@get("/contests/{contest_id:str}/rules", name="web:contest-rules")
async def contest_rules_page(request: Request[Any, Any, Any], contest_id: str) -> Template:
    me = await reader(request)
    view, zone = await _view(request, contest_id)
    sections = rules(_settings(request, view, zone), i18n.current())
    return render(
        request, "pages/contest_rules.html", me=me, contest=view.contest, sections=sections
    )


async def _review(
    request: Request[Any, Any, Any],
    me: Me,
    contest_id: int,
    *,
    error: str | None = None,
    notice: str | None = None,
    status_code: int = 200,
    page: int = 1,
) -> Template:
    svc = services(request)
    async with svc.db.read() as session:
        queue = await fraud.review(session, me.actor, contest_id, svc.settings.local_domain)
        contest = await fraud.staff_contest(session, me.actor, contest_id)
    pages = max(1, -(-len(queue) // REVIEW_PAGE))
    page = min(max(1, page), pages)
    first = (page - 1) * REVIEW_PAGE
    return render(
        request,
        "pages/contest_review.html",
        me=me,
        contest=contest,
        queue=queue[first : first + REVIEW_PAGE],
        total=len(queue),
        first=first,
        page=page,
        pages=pages,
        reason=flag_reason,
        error=error,
        notice=notice,
        status_code=status_code,
    )


REVIEW_PAGE = 50
"""Entrants per page of the review queue."""


@get("/contests/{contest_id:str}/review", name="web:contest-review")
async def contest_review_page(
    request: Request[Any, Any, Any], contest_id: str, done: str | None = None
) -> Template:
    me = await signed_in(request)
    notice = i18n._("The decision is saved.") if done == "decided" else None
    page = parse_page(request.query_params.get("page"))
    return await _review(request, me, id_or_404(contest_id), notice=notice, page=page)


def parse_page(raw: str | None) -> int:
    """``?page=N`` (1-based); anything else is the first page."""
    return int(raw) if raw and raw.isascii() and raw.isdigit() and len(raw) < 7 else 1


@post("/contests/{contest_id:str}/review", name="web:contest-review-decide")
async def contest_review_decide(
    request: Request[Any, Any, Any], contest_id: str
) -> Template | Redirect:
    me = await signed_in(request)
    parsed = id_or_404(contest_id)
    data = await form(request)
    svc = services(request)
    try:
        async with svc.db.transaction() as tx:
            await review_actions.decide(tx, me.actor, parsed, data, svc.settings.local_domain)
    except fraud.InvalidReview as exc:
        status, message = message_for(exc)
        return await _review(request, me, parsed, error=message, status_code=status)
    return see_other(f"/contests/{parsed}/review?done=decided")


ROUTES = [contest_page, contest_rules_page, contest_review_page, contest_review_decide]
