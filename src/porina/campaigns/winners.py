"""A contest's winners (issue 18, point 3; docs/draws.md, "Winners"):

- **Notices.** When a contest is drawn (``ContestDrawn``) or a prize re-drawn
  (``ContestRedrawn``), every current winner not told yet gets a direct message from the brand
  and, when they have a confirmed e-mail address on this instance, an e-mail, both saying the
  prize and the claim deadline (the draw's time + the contest's ``claim_days``). One job after
  commit (``campaigns.notify_winners``), one transaction per winner that writes the DM, queues
  the mail and marks the draw ``notified_at``: a crash re-runs only who was not told.
- **Claims.** The winner claims (``claim``: the page's button or the API) before the deadline;
  the brand's staff can record a claim for a winner who answered the DM (``mark_claimed``).
- **Unclaimed prizes.** Each drawn winner has a job at its deadline
  (``campaigns.claim_expired``, queued in the draw's transaction): unclaimed, it is re-drawn
  with the public reason ``UNCLAIMED_REASON`` over the same counter sequence.
- **The results reply.** ``results_text`` proposes a reply in the brand's voice (the post's
  language, English or Finnish) naming the winners; staff edit it (``save_results``) and
  publish it as the brand's reply to the contest post (``publish_results``), once.

A pseudonymous winner (who took part only privately) is told privately by DM, like anyone,
and the public reply names their pseudonym, never their account.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select

from porina.accounts.models import Account, User
from porina.campaigns import contests
from porina.campaigns.contests import ContestNotFound, InvalidContest
from porina.campaigns.draw import PSEUDONYM_PREFIX
from porina.campaigns.models import Contest, ContestDraw
from porina.campaigns.review_events import (
    ContestDrawn,
    ContestPrizeClaimed,
    ContestRedrawn,
    ContestResultsPublished,
)
from porina.core.actor import Actor
from porina.core.clock import aware, now
from porina.core.errors import Unprocessable
from porina.jobs.events import emit, subscribe
from porina.jobs.queue import JobContext, enqueue, handler
from porina.mail import templates
from porina.mail.compose import Draft
from porina.mail.outbox import queue
from porina.posts.compose import NewStatus, create_status
from porina.posts.models import Status
from porina.storage.db import Tx

log = logging.getLogger(__name__)

EXPIRE = "campaigns.claim_expired"
UNCLAIMED_REASON = "prize not claimed by the deadline"
MAX_RESULTS = 5000
LANGS = ("en", "fi")


class ClaimRefused(Unprocessable):
    code = "contest_claim_refused"


class ResultsRefused(Unprocessable):
    code = "contest_results_refused"


# --- texts ----------------------------------------------------------------------------------

DM = {
    "en": (
        "{handle} Congratulations! You won in “{title}”: {prizes}\n\n"
        "Claim your prize by {deadline}: sign in and press “Claim my prize” on {url}, "
        "or answer this message. A prize not claimed by then is drawn again."
    ),
    "fi": (
        "{handle} Onnittelut! Voitit arvonnassa ”{title}”: {prizes}\n\n"
        "Lunasta palkintosi viimeistään {deadline}: kirjaudu sisään ja paina "
        "”Lunasta palkinto” sivulla {url}, tai vastaa tähän viestiin. Palkinto, jota ei "
        "lunasteta määräaikaan mennessä, arvotaan uudelleen."
    ),
}
RESULTS = {
    "en": (
        "The winners of “{title}” are drawn! Congratulations to {names}. "
        "We will be in touch by direct message. The draw can be checked by anyone: {url}"
    ),
    "fi": (
        "Arvonnan ”{title}” voittajat on arvottu! Onnittelut: {names}. "
        "Olemme yhteydessä yksityisviestillä. Kuka tahansa voi tarkistaa arvonnan: {url}"
    ),
}
AND = {"en": " and ", "fi": " ja "}
PRIVATELY = {"en": "{name} (took part privately)", "fi": "{name} (osallistui yksityisesti)"}


def lang_of(status: Status | None) -> str:
    """The contest's language: its post's, when Finnish; English otherwise."""
    language = (status.language or "") if status is not None else ""
    return "fi" if language.lower().startswith("fi") else "en"


def deadline_text(moment: datetime) -> str:
    return aware(moment).strftime("%Y-%m-%d %H:%M UTC")


def handle(acct: str, local_domain: str) -> str:
    """How a post mentions ``acct``: ``@user`` for a local account, ``@user@domain`` else."""
    username, _, domain = acct.rpartition("@")
    return f"@{username}" if domain == local_domain.lower() else f"@{acct}"


def _names(accts: Sequence[str], lang: str, local_domain: str) -> str:
    private = PRIVATELY[lang]
    names = [
        private.format(name=a) if a.startswith(PSEUDONYM_PREFIX) else handle(a, local_domain)
        for a in accts
    ]
    if len(names) <= 1:
        return "".join(names)
    return ", ".join(names[:-1]) + AND[lang] + names[-1]


def contest_url(base_url: str, contest_id: int) -> str:
    return f"{base_url.rstrip('/')}/contests/{contest_id}"


# --- notices --------------------------------------------------------------------------------


async def _waiting(tx: Tx, contest_id: int) -> list[ContestDraw]:
    """The current winners of the contest (not set aside by a re-draw), in draw order."""
    rows = await contests.draws(tx.session, contest_id)
    current = set(contests.current_winners(rows))
    return [r for r in rows if r.acct in current]


async def _schedule(tx: Tx, contest_id: int) -> None:
    for row in await _waiting(tx, contest_id):
        if row.claim_by is not None and row.claimed_at is None:
            payload = {"draw_id": row.id}
            await enqueue(tx, EXPIRE, payload, run_at=row.claim_by, key=f"{EXPIRE}:{row.id}")


@subscribe(ContestDrawn)
async def schedule_on_drawn(tx: Tx, event: ContestDrawn) -> None:
    """Queue each winner's claim deadline in the draw's own transaction."""
    await _schedule(tx, event.contest_id)


@subscribe(ContestRedrawn)
async def schedule_on_redrawn(tx: Tx, event: ContestRedrawn) -> None:
    await _schedule(tx, event.contest_id)


@subscribe(ContestDrawn, job="campaigns.notify_winners")
async def notify_on_drawn(ctx: JobContext, event: ContestDrawn) -> None:
    await notify_all(ctx, event.contest_id)


@subscribe(ContestRedrawn, job="campaigns.notify_redrawn")
async def notify_on_redrawn(ctx: JobContext, event: ContestRedrawn) -> None:
    await notify_all(ctx, event.contest_id)


async def notify_all(ctx: JobContext, contest_id: int) -> int:
    """Tell every current winner not told yet; how many were told now."""
    async with ctx.db.transaction() as tx:
        ids = [r.id for r in await _waiting(tx, contest_id) if r.notified_at is None]
    told = 0
    for draw_id in ids:
        async with ctx.db.transaction() as tx:
            told += await notify(tx, draw_id)
    return told


async def _email_of(tx: Tx, account_id: int) -> tuple[str, str] | None:
    """A local account's confirmed address and its person's language."""
    row = (
        await tx.session.execute(
            select(User.email, User.locale).where(
                User.account_id == account_id, User.confirmed_at.is_not(None)
            )
        )
    ).first()
    return (row[0], row[1]) if row is not None else None


@dataclass(frozen=True, slots=True)
class Notice:
    contest: Contest
    draw: ContestDraw
    account: Account
    brand: Account
    lang: str


async def _notice(tx: Tx, draw_id: int) -> Notice | None:
    made = await tx.session.get(ContestDraw, draw_id, with_for_update=True)
    if made is None or made.notified_at is not None or made.account_id is None:
        return None
    contest = await tx.session.get(Contest, made.contest_id)
    account = await tx.session.get(Account, made.account_id)
    if contest is None or account is None or account.deleted_at is not None:
        return None
    if made.acct not in contests.current_winners(await contests.draws(tx.session, contest.id)):
        return None
    brand = await tx.session.get(Account, contest.brand_account_id)
    if brand is None:
        return None
    post = await tx.session.get(Status, contest.status_id)
    return Notice(contest, made, account, brand, lang_of(post))


async def notify(tx: Tx, draw_id: int) -> int:
    """DM and e-mail one winner; 1 when told now, 0 when there was nothing to do."""
    notice = await _notice(tx, draw_id)
    if notice is None:
        return 0
    mail = await _email_of(tx, notice.account.id) if notice.account.domain is None else None
    lang = (mail[1] if mail and mail[1] in LANGS else None) or notice.lang
    text = _dm_text(tx, notice, lang)
    dm = NewStatus(text=text, visibility="direct", language=lang)
    await create_status(tx, Actor(notice.brand.id), dm)
    if mail is not None:
        await queue(tx, _mail(tx, notice, mail[0], lang))
    notice.draw.notified_at = now()
    return 1


def _dm_text(tx: Tx, notice: Notice, lang: str) -> str:
    account = notice.account
    acct = f"{account.username}@{account.domain or tx.settings.local_domain}"
    return DM[lang].format(
        handle=handle(acct, tx.settings.local_domain),
        title=notice.contest.title,
        prizes=notice.contest.prizes,
        deadline=deadline_text(notice.draw.claim_by or now()),
        url=contest_url(tx.settings.base_url, notice.contest.id),
    )


def _mail(tx: Tx, notice: Notice, address: str, lang: str) -> Draft:
    settings = tx.settings
    context: dict[str, Any] = {
        "name": notice.account.display_name or notice.account.username,
        "brand": notice.brand.display_name or notice.brand.username,
        "title": notice.contest.title,
        "prizes": notice.contest.prizes,
        "deadline": deadline_text(notice.draw.claim_by or now()),
        "link": contest_url(settings.base_url, notice.contest.id),
        "instance": settings.instance_title,
    }
    rendered = templates.render("contest_won", lang, context)
    return Draft(
        to=address,
        subject=rendered.subject,
        text=rendered.text,
        html=rendered.html,
        kind="contest_won",
    )


# --- claims ---------------------------------------------------------------------------------


async def _locked_contest(tx: Tx, contest_id: int) -> Contest:
    row = await tx.session.get(Contest, contest_id, with_for_update=True)
    if row is None:
        raise ContestNotFound()
    return row


async def claim(tx: Tx, account_id: int, contest_id: int) -> ContestDraw:
    """The reader claims their prize; claiming again answers the same (idempotent)."""
    contest = await _locked_contest(tx, contest_id)
    mine = [r for r in await _waiting(tx, contest.id) if r.account_id == account_id]
    if not mine:
        raise ClaimRefused("Validation failed: you have no prize to claim in this contest")
    row = mine[0]
    if row.claimed_at is not None:
        return row
    if row.claim_by is not None and now() > aware(row.claim_by):
        raise ClaimRefused("Validation failed: the claim deadline has passed")
    return await _claimed(tx, Actor(account_id), contest, row)


async def mark_claimed(tx: Tx, actor: Actor, contest_id: int, acct: str) -> ContestDraw:
    """The brand's organiser records a current winner's claim (a remote winner's answer)."""
    contest = await contests.own(tx, actor, contest_id)
    found = [r for r in await _waiting(tx, contest.id) if r.acct == acct]
    if not found:
        raise ClaimRefused("Validation failed: acct must be one of the current winners")
    row = found[0]
    if row.claimed_at is not None:
        return row
    return await _claimed(tx, actor, contest, row)


async def _claimed(tx: Tx, actor: Actor, contest: Contest, row: ContestDraw) -> ContestDraw:
    row.claimed_at = now()
    await tx.session.flush()
    event = ContestPrizeClaimed(
        actor=actor, brand_account_id=contest.brand_account_id, contest_id=contest.id, acct=row.acct
    )
    await emit(tx, event)
    return row


async def expire(tx: Tx, draw_id: int) -> ContestDraw | None:
    """Re-draw the prize of ``draw_id`` if its winner has not claimed it by the deadline; the
    new draw, or None (claimed, already set aside, not due, or nobody left to draw)."""
    made = await tx.session.get(ContestDraw, draw_id)
    if made is None:
        return None
    contest = await _locked_contest(tx, made.contest_id)
    await tx.session.refresh(made)
    if made.claimed_at is not None or made.claim_by is None or now() < aware(made.claim_by):
        return None
    if made.acct not in contests.current_winners(await contests.draws(tx.session, contest.id)):
        return None
    try:
        return await contests.redraw(tx, contest, made.acct, UNCLAIMED_REASON)
    except InvalidContest:
        log.info("contest %s: %s unclaimed, nobody left to draw", contest.id, made.acct)
        return None


@handler(EXPIRE)
async def claim_expired(ctx: JobContext, payload: dict[str, Any]) -> None:
    async with ctx.db.transaction() as tx:
        await expire(tx, int(payload["draw_id"]))


# --- the results reply ----------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Results:
    text: str
    edited: bool
    status_id: int | None
    published_at: datetime | None


async def _staff_drawn(tx: Tx, actor: Actor, contest_id: int) -> Contest:
    contest = await contests.own(tx, actor, contest_id)
    if contest.state != "drawn":
        raise ResultsRefused("Validation failed: the contest is not drawn yet")
    return contest


async def proposed(tx: Tx, contest: Contest) -> str:
    """The reply the brand is offered: the current winners, in the post's language."""
    lang = lang_of(await tx.session.get(Status, contest.status_id))
    winners = contests.current_winners(await contests.draws(tx.session, contest.id))
    return RESULTS[lang].format(
        title=contest.title,
        names=_names(winners, lang, tx.settings.local_domain),
        url=contest_url(tx.settings.base_url, contest.id),
    )


async def results(tx: Tx, actor: Actor, contest_id: int) -> Results:
    contest = await _staff_drawn(tx, actor, contest_id)
    return await _results(tx, contest)


async def _results(tx: Tx, contest: Contest) -> Results:
    edited = contest.results_text is not None
    text = contest.results_text if edited else await proposed(tx, contest)
    return Results(text or "", edited, contest.results_status_id, contest.results_published_at)


def _text(raw: object) -> str:
    text = raw.strip() if isinstance(raw, str) else ""
    if not text or len(text) > MAX_RESULTS:
        raise ResultsRefused(f"Validation failed: text must be 1 to {MAX_RESULTS} characters")
    return text


async def save_results(tx: Tx, actor: Actor, contest_id: int, raw: object) -> Results:
    """Keep staff's edited draft (until it is published)."""
    contest = await _staff_drawn(tx, actor, contest_id)
    if contest.results_status_id is not None:
        raise ResultsRefused("Validation failed: the results are already published")
    contest.results_text = _text(raw)
    await tx.session.flush()
    return await _results(tx, contest)


async def publish_results(tx: Tx, actor: Actor, contest_id: int, raw: object = None) -> Results:
    """Publish the results (``raw``, else the saved draft, else the proposal) as the brand's
    reply to the contest post, with the post's visibility; once."""
    contest = await _staff_drawn(tx, actor, contest_id)
    if contest.results_status_id is not None:
        raise ResultsRefused("Validation failed: the results are already published")
    text = _text(raw) if raw is not None else contest.results_text or await proposed(tx, contest)
    post = await tx.session.get(Status, contest.status_id)
    if post is None or post.deleted_at is not None:
        raise ResultsRefused("Validation failed: the contest post is gone")
    reply = NewStatus(
        text=text, visibility=post.visibility, in_reply_to_id=post.id, language=lang_of(post)
    )
    status = await create_status(tx, actor, reply)
    contest.results_text, contest.results_status_id = text, status.id
    contest.results_published_at = now()
    await tx.session.flush()
    event = ContestResultsPublished(
        actor=actor,
        brand_account_id=contest.brand_account_id,
        contest_id=contest.id,
        status_id=status.id,
    )
    await emit(tx, event)
    return await _results(tx, contest)
