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

from porina.campaigns import fraud, review_actions, winners
from porina.campaigns.public_view import ContestView, DrawnRow, MyEntry, contest_view, my_entry
from porina.campaigns.rules_text import RulesSettings, entry_actions, rules
from porina.core.clock import aware, now
from porina.core.errors import Forbidden, NotFound
from porina.desk.metrics_models import DeskBusinessHours
from porina.web import i18n
from porina.web.common import Me, form, id_or_404, reader, render, see_other, signed_in
from porina.web.errors import message_for
from porina.web.i18n import N_
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


def _my_prize(me: Me | None, view: ContestView) -> DrawnRow | None:
    """The reader's own current win, if any (their account, not the brand they act as)."""
    if me is None or not view.drawn:
        return None
    own = me.own.id if me.own is not None else me.id
    return next((w for w in view.current if w.account_id == own), None)


async def _staff_results(
    request: Request[Any, Any, Any], me: Me | None, view: ContestView
) -> winners.Results | None:
    """The results reply for the brand's organisers (acting as the brand), else None."""
    if me is None or not view.drawn or me.id != view.brand.id:
        return None
    try:
        async with services(request).db.transaction() as tx:
            return await winners.results(tx, me.actor, view.contest.id)
    except (NotFound, Forbidden):
        return None


async def _contest(
    request: Request[Any, Any, Any],
    contest_id: str,
    *,
    error: str | None = None,
    notice: str | None = None,
    status_code: int = 200,
) -> Template:
    me = await reader(request)
    view, zone = await _view(request, contest_id)
    lang = i18n.current()
    settings = _settings(request, view, zone)
    prize = _my_prize(me, view)
    return render(
        request,
        "pages/contest.html",
        me=me,
        view=view,
        mine=await _mine(request, me, view),
        prize=prize,
        prize_open=prize is not None
        and prize.claimed_at is None
        and (prize.claim_by is None or aware(prize.claim_by) > now()),
        results=await _staff_results(request, me, view),
        contest=view.contest,
        state=_states().get(view.contest.state, view.contest.state),
        actions=entry_actions(settings, "fi" if lang == "fi" else "en"),
        dates=next(s for s in rules(settings, lang) if s.key == "dates").paragraphs[0],
        proof_url=PROOF.format(id=view.contest.id),
        proof_abs=settings.proof_url,
        status_url=f"/@{view.brand.username}/{view.status.id}",
        docs_url=DOCS,
        error=error,
        notice=notice,
        status_code=status_code,
    )


NOTICES = {
    "claimed": N_("Your prize is claimed. The organiser will be in touch by direct message."),
    "marked": N_("The claim is recorded."),
    "saved": N_("The draft of the results reply is saved."),
    "published": N_("The results reply is published in the contest post's thread."),
}
# The winners' refusals (``campaigns.winners``), shown in the reader's language.
REFUSALS = (
    N_("Validation failed: you have no prize to claim in this contest"),
    N_("Validation failed: the claim deadline has passed"),
    N_("Validation failed: acct must be one of the current winners"),
    N_("Validation failed: text must be 1 to 5000 characters"),
    N_("Validation failed: the contest is not drawn yet"),
    N_("Validation failed: the results are already published"),
    N_("Validation failed: the contest post is gone"),
)


@get("/contests/{contest_id:str}", name="web:contest")
async def contest_page(
    request: Request[Any, Any, Any], contest_id: str, done: str | None = None
) -> Template:
    notice = i18n._(NOTICES[done]) if done in NOTICES else None
    return await _contest(request, contest_id, notice=notice)


async def _act(
    request: Request[Any, Any, Any], contest_id: str, done: str, work: Any
) -> Template | Redirect:
    """Run ``work(tx, me, id, data)`` and see the page again, or show the refusal."""
    me = await signed_in(request)
    parsed = id_or_404(contest_id)
    data = await form(request)
    try:
        async with services(request).db.transaction() as tx:
            await work(tx, me, parsed, data)
    except (winners.ClaimRefused, winners.ResultsRefused) as exc:
        status, message = message_for(exc)
        return await _contest(request, contest_id, error=message, status_code=status)
    return see_other(f"/contests/{parsed}?done={done}#contest-results")


@post("/contests/{contest_id:str}/claim", name="web:contest-claim")
async def contest_claim(request: Request[Any, Any, Any], contest_id: str) -> Template | Redirect:
    async def work(tx: Any, me: Me, parsed: int, data: Any) -> None:
        own = me.own.id if me.own is not None else me.id
        await winners.claim(tx, own, parsed)

    return await _act(request, contest_id, "claimed", work)


@post("/contests/{contest_id:str}/claims", name="web:contest-mark-claimed")
async def contest_mark_claimed(
    request: Request[Any, Any, Any], contest_id: str
) -> Template | Redirect:
    async def work(tx: Any, me: Me, parsed: int, data: Any) -> None:
        await winners.mark_claimed(tx, me.actor, parsed, str(data.get("acct") or ""))

    return await _act(request, contest_id, "marked", work)


@post("/contests/{contest_id:str}/results", name="web:contest-results")
async def contest_results(request: Request[Any, Any, Any], contest_id: str) -> Template | Redirect:
    """The staff's draft of the results reply (``text``), kept until published."""

    async def work(tx: Any, me: Me, parsed: int, data: Any) -> None:
        await winners.save_results(tx, me.actor, parsed, data.get("text"))

    return await _act(request, contest_id, "saved", work)


@post("/contests/{contest_id:str}/results/publish", name="web:contest-results-publish")
async def contest_results_publish(
    request: Request[Any, Any, Any], contest_id: str
) -> Template | Redirect:
    """Publish ``text`` as the brand's reply to the contest post (the same form's other
    button, ``formaction``)."""

    async def work(tx: Any, me: Me, parsed: int, data: Any) -> None:
        await winners.publish_results(tx, me.actor, parsed, data.get("text"))

    return await _act(request, contest_id, "published", work)


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


ROUTES = [
    contest_page,
    contest_rules_page,
    contest_review_page,
    contest_review_decide,
    contest_claim,
    contest_mark_claimed,
    contest_results,
    contest_results_publish,
]
