"""Contests and giveaways (docs/api.md, "Contests"; docs/draws.md): ``/api/porina/v1/contests``.
The brand's owner or manager creates, closes and re-draws; anyone reads a contest on a public
post and, once drawn, its proof; the signed-in entrant reads their own entry."""

from __future__ import annotations

from typing import Any

import msgspec
from litestar import Request, get, post, put

from porina.accounts.models import Account
from porina.api.mastodon.auth import actor_of, optional, require, services_of
from porina.api.mastodon.params import Params
from porina.campaigns import contests, public_view, winners
from porina.campaigns.contests import ContestNotFound
from porina.campaigns.models import Contest as ContestRow
from porina.core.ids import parse_id
from porina.render.renderer import timestamp

BASE = "/api/porina/v1/contests"


class ContestRules(msgspec.Struct, kw_only=True):
    weights: dict[str, int]
    reply_must_contain: str | None
    min_account_age_days: int
    min_followers: int
    claim_days: int
    one_entry_per_person: bool = True
    excluded: str = "the brand's staff and the instance's operators"


class ContestDrawn(msgspec.Struct, kw_only=True):
    acct: str
    counter: int
    replaces: str | None = None
    reason: str | None = None
    at: str
    claim_by: str | None = None
    claimed: bool = False


class Contest(msgspec.Struct, kw_only=True):
    id: str
    status_id: str
    brand_account_id: str
    title: str
    prizes: str
    starts_at: str
    ends_at: str
    winners_wanted: int
    state: str
    commitment: str
    entrants: int
    rules: ContestRules
    entries_sha256: str | None
    winners: list[ContestDrawn]
    redraws: list[ContestDrawn]
    current_winners: list[ContestDrawn]
    results_status_id: str | None
    url: str
    created_at: str


class MyEntry(msgspec.Struct, kw_only=True):
    contest_id: str
    listed_as: str
    tickets: int
    pseudonymous: bool


def _id(raw: str) -> int:
    parsed = parse_id(raw)
    if parsed is None:
        raise ContestNotFound()
    return parsed


def _drawn(rows: list[public_view.DrawnRow]) -> list[ContestDrawn]:
    return [
        ContestDrawn(
            acct=r.acct,
            counter=r.counter,
            replaces=r.replaces,
            reason=r.reason,
            at=timestamp(r.at) or "",
            claim_by=timestamp(r.claim_by),
            claimed=r.claimed_at is not None,
        )
        for r in rows
    ]


def _entity(row: ContestRow, entrants: int, base_url: str, view: Any = None) -> Contest:
    drawn = view is not None and row.state == "drawn"
    return Contest(
        id=str(row.id),
        status_id=str(row.status_id),
        brand_account_id=str(row.brand_account_id),
        title=row.title,
        prizes=row.prizes,
        starts_at=timestamp(row.starts_at) or "",
        ends_at=timestamp(row.ends_at) or "",
        winners_wanted=row.winners,
        state=row.state,
        commitment=row.commitment,
        entrants=entrants,
        rules=ContestRules(
            weights={k: int(v) for k, v in (row.weights or {}).items()},
            reply_must_contain=row.reply_must_contain,
            min_account_age_days=row.min_account_age_days,
            min_followers=row.min_followers,
            claim_days=row.claim_days,
        ),
        entries_sha256=row.entries_sha256,
        winners=_drawn(view.winners) if drawn else [],
        redraws=_drawn(view.redraws) if drawn else [],
        current_winners=_drawn(view.current) if drawn else [],
        results_status_id=str(row.results_status_id) if row.results_status_id else None,
        url=f"{base_url.rstrip('/')}/contests/{row.id}",
        created_at=timestamp(row.created_at) or "",
    )


async def _public(request: Request[Any, Any, Any], contest_id: int) -> Contest:
    svc = services_of(request)
    async with svc.db.read() as session:
        view = await public_view.contest_view(session, contest_id)
    if view is None:
        raise ContestNotFound()
    return _entity(view.contest, view.entrants, svc.settings.base_url, view)


@post(BASE, status_code=200)
async def create_contest(request: Request[Any, Any, Any]) -> Contest:
    """``{status_id, title, prizes, starts_at, ends_at, winners, weights, reply_must_contain?,
    min_account_age_days?, min_followers?}`` on a post of the brand the token acts as."""
    actor = actor_of(await require(request, "write:statuses"))
    params = await Params.of(request)
    svc = services_of(request)
    async with svc.db.transaction() as tx:
        row = await contests.create(tx, actor, params.data)
    return _entity(row, 0, svc.settings.base_url)


@get(f"{BASE}/{{contest_id:str}}")
async def show_contest(request: Request[Any, Any, Any], contest_id: str) -> Contest:
    """Public when its post is: the commitment, dates, prizes, rules, entrants; winners once
    drawn. A token, when sent, must allow reading (as Mastodon's public reads)."""
    await optional(request, "read:statuses")
    return await _public(request, _id(contest_id))


@post(f"{BASE}/{{contest_id:str}}/close", status_code=200)
async def close_contest(request: Request[Any, Any, Any], contest_id: str) -> Contest:
    """Freeze the entries and draw now (idempotent)."""
    actor = actor_of(await require(request, "write:statuses"))
    async with services_of(request).db.transaction() as tx:
        await contests.close(tx, _id(contest_id), actor)
    return await _public(request, _id(contest_id))


@get(f"{BASE}/{{contest_id:str}}/proof")
async def contest_proof(request: Request[Any, Any, Any], contest_id: str) -> dict[str, Any]:
    """The proof (docs/draws.md), public once drawn; 404 before."""
    await optional(request, "read:statuses")
    svc = services_of(request)
    async with svc.db.read() as session:
        view = await public_view.contest_view(session, _id(contest_id))
        if view is None or not view.drawn:
            raise ContestNotFound()
        rows = await contests.draws(session, view.contest.id)
    return contests.proof_of(view.contest, rows)


@post(f"{BASE}/{{contest_id:str}}/redraw", status_code=200)
async def redraw_contest(request: Request[Any, Any, Any], contest_id: str) -> Contest:
    """``{acct, reason}``: set a current winner aside and draw the next entrant, logged
    publicly in ``redraws`` and the proof."""
    actor = actor_of(await require(request, "write:statuses"))
    params = await Params.of(request)
    async with services_of(request).db.transaction() as tx:
        row = await contests.own(tx, actor, _id(contest_id))
        await contests.redraw(tx, row, params.str("acct") or "", params.str("reason") or "")
    return await _public(request, _id(contest_id))


@get(f"{BASE}/{{contest_id:str}}/my_entry")
async def my_contest_entry(request: Request[Any, Any, Any], contest_id: str) -> MyEntry:
    """The caller's own entry (tickets so far, the name the entries file lists them under);
    404 when they have none."""
    viewer = await require(request, "read:statuses")
    account_id = viewer.require_account()
    svc = services_of(request)
    async with svc.db.read() as session:
        view = await public_view.contest_view(session, _id(contest_id))
        account = await session.get(Account, account_id)
        if view is None or account is None:
            raise ContestNotFound()
        acct = f"{account.username}@{account.domain or svc.settings.local_domain}"
        mine = await public_view.my_entry(session, view.contest, account_id, acct)
    if mine is None:
        raise ContestNotFound()
    return MyEntry(
        contest_id=str(view.contest.id),
        listed_as=mine.listed_as,
        tickets=mine.tickets,
        pseudonymous=mine.pseudonymous,
    )


@post(f"{BASE}/{{contest_id:str}}/claim", status_code=200)
async def claim_prize(request: Request[Any, Any, Any], contest_id: str) -> Contest:
    """The signed-in winner claims their prize before ``claim_by`` (idempotent); 422 for
    someone with no prize to claim here or after the deadline."""
    viewer = await require(request, "write:statuses")
    account_id = viewer.require_account()
    async with services_of(request).db.transaction() as tx:
        await winners.claim(tx, account_id, _id(contest_id))
    return await _public(request, _id(contest_id))


@post(f"{BASE}/{{contest_id:str}}/claims", status_code=200)
async def record_claim(request: Request[Any, Any, Any], contest_id: str) -> Contest:
    """``{acct}``: the brand's owner or manager records a current winner's claim (a winner
    who answered the DM, a remote one)."""
    actor = actor_of(await require(request, "write:statuses"))
    params = await Params.of(request)
    async with services_of(request).db.transaction() as tx:
        await winners.mark_claimed(tx, actor, _id(contest_id), params.str("acct") or "")
    return await _public(request, _id(contest_id))


class ContestResults(msgspec.Struct, kw_only=True):
    text: str
    edited: bool
    status_id: str | None
    published_at: str | None


def _results(found: winners.Results) -> ContestResults:
    return ContestResults(
        text=found.text,
        edited=found.edited,
        status_id=str(found.status_id) if found.status_id is not None else None,
        published_at=timestamp(found.published_at),
    )


@get(f"{BASE}/{{contest_id:str}}/results")
async def show_results(request: Request[Any, Any, Any], contest_id: str) -> ContestResults:
    """The results reply: staff's draft, or the proposal naming the current winners."""
    actor = actor_of(await require(request, "read:statuses"))
    async with services_of(request).db.transaction() as tx:
        return _results(await winners.results(tx, actor, _id(contest_id)))


@put(f"{BASE}/{{contest_id:str}}/results", status_code=200)
async def edit_results(request: Request[Any, Any, Any], contest_id: str) -> ContestResults:
    """``{text}``: keep the edited draft (1-5000 characters) until it is published."""
    actor = actor_of(await require(request, "write:statuses"))
    params = await Params.of(request)
    async with services_of(request).db.transaction() as tx:
        found = await winners.save_results(tx, actor, _id(contest_id), params.data.get("text"))
    return _results(found)


@post(f"{BASE}/{{contest_id:str}}/results/publish", status_code=200)
async def publish_results(request: Request[Any, Any, Any], contest_id: str) -> ContestResults:
    """``{text?}``: publish the reply to the contest post as the brand (once)."""
    actor = actor_of(await require(request, "write:statuses"))
    params = await Params.of(request)
    async with services_of(request).db.transaction() as tx:
        found = await winners.publish_results(tx, actor, _id(contest_id), params.data.get("text"))
    return _results(found)


ROUTES = [
    create_contest,
    show_contest,
    close_contest,
    contest_proof,
    redraw_contest,
    my_contest_entry,
    claim_prize,
    record_claim,
    show_results,
    edit_results,
    publish_results,
]
