"""Contests and giveaways on a brand's post: the actions (issue 18, points 1-2; docs/draws.md).

- ``create``: the brand's owner or manager opens a contest on one of the brand's posts; the
  secret is drawn and its commitment fixed before any entry counts (422 for a bad request,
  nothing written);
- ``close``: entries freeze into the entries file (``tally``), the winners are drawn with
  ``porina-draw-v1`` and the contest is ``drawn``; idempotent (the job ``campaigns.close_due``
  and the staff's button may race: the row lock and the state make the second a no-op);
- ``redraw``: sets a winner aside for a public reason and draws the next entrant over the
  same counter sequence;
- ``proof_of``: the public proof document (``campaigns.proof``) once drawn.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import BigInteger, bindparam, case, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from porina.accounts.models import Account, AccountOperator, User
from porina.accounts.operators import role_of
from porina.campaigns import draw
from porina.campaigns.fraud import disqualified_ids
from porina.campaigns.models import ACTIONS, Contest, ContestDraw, ContestEntry
from porina.campaigns.proof import parse_entries, proof_of_file
from porina.campaigns.review_events import ContestDrawn, ContestRedrawn
from porina.campaigns.tally import Entrant, Rules, tally
from porina.core import inputs
from porina.core.actor import Actor
from porina.core.clock import now
from porina.core.errors import Forbidden, NotFound, Unprocessable
from porina.core.ids import new_id, parse_id
from porina.jobs.events import emit
from porina.posts.models import Status
from porina.storage.db import Tx
from porina.storage.fastread import Prebuilt, as_datetime

ORGANISERS = frozenset({"owner", "manager"})
MAX_WINNERS = 1000
MAX_WEIGHT = 100
INSTANCE_STAFF = ("admin", "moderator")
DEFAULT_CLAIM_DAYS = 7
MAX_CLAIM_DAYS = 90


class ContestNotFound(NotFound):
    code = "contest_not_found"


class InvalidContest(Unprocessable):
    code = "contest_invalid"


@dataclass(frozen=True, slots=True)
class ContestSpec:
    status_id: int
    title: str
    prizes: str
    starts_at: datetime
    ends_at: datetime
    winners: int
    weights: dict[str, int]
    reply_must_contain: str | None
    min_account_age_days: int
    min_followers: int
    claim_days: int = DEFAULT_CLAIM_DAYS


def _bad(message: str) -> InvalidContest:
    return InvalidContest(f"Validation failed: {message}")


def _text(data: Mapping[str, Any], name: str, limit: int) -> str:
    value = data.get(name)
    text = value.strip() if isinstance(value, str) else ""
    if not text or len(text) > limit:
        raise _bad(f"{name} must be 1 to {limit} characters")
    return text


def _moment(data: Mapping[str, Any], name: str) -> datetime:
    value = data.get(name)
    parsed = inputs.moment(value) if isinstance(value, str) else None
    if parsed is None:
        raise _bad(f"{name} must be an ISO 8601 date and time")
    return parsed


def _count(data: Mapping[str, Any], name: str, lo: int, hi: int, default: int) -> int:
    value = data.get(name, default)
    if isinstance(value, str) and value.strip().isdigit():
        value = int(value)
    if isinstance(value, bool) or not isinstance(value, int) or not lo <= value <= hi:
        raise _bad(f"{name} must be a whole number from {lo} to {hi}")
    return value


def _weights(data: Mapping[str, Any]) -> dict[str, int]:
    raw = data.get("weights")
    if not isinstance(raw, Mapping) or not raw or set(raw) - set(ACTIONS):
        raise _bad(f"weights must map some of {', '.join(ACTIONS)} to tickets")
    weights = {str(k): _count(raw, str(k), 0, MAX_WEIGHT, 0) for k in raw}
    if not any(weights.values()):
        raise _bad("weights must give at least one action a ticket")
    return weights


def _prizes(data: Mapping[str, Any]) -> str:
    value = data.get("prizes")
    if isinstance(value, list) and value and all(isinstance(p, str) and p for p in value):
        value = "\n".join(p.strip() for p in value)
    if not isinstance(value, str) or not value.strip() or len(value) > 5000:
        raise _bad("prizes must be 1 to 5000 characters (or a list of them)")
    return value.strip()


def spec_of(data: Mapping[str, Any]) -> ContestSpec:
    """The contest asked for, or a 422 naming the first bad field."""
    status_id = parse_id(str(data.get("status_id", "")))
    if status_id is None:
        raise _bad("status_id must be the id of one of the brand's posts")
    starts_at, ends_at = _moment(data, "starts_at"), _moment(data, "ends_at")
    if ends_at <= starts_at:
        raise _bad("ends_at must be after starts_at")
    needed = data.get("reply_must_contain")
    if needed is not None and (not isinstance(needed, str) or len(needed) > 200):
        raise _bad("reply_must_contain must be text of at most 200 characters")
    return ContestSpec(
        status_id=status_id,
        title=_text(data, "title", 200),
        prizes=_prizes(data),
        starts_at=starts_at,
        ends_at=ends_at,
        winners=_count(data, "winners", 1, MAX_WINNERS, 0),
        weights=_weights(data),
        reply_must_contain=needed.strip() or None if isinstance(needed, str) else None,
        min_account_age_days=_count(data, "min_account_age_days", 0, 3650, 0),
        min_followers=_count(data, "min_followers", 0, 10_000_000, 0),
        claim_days=_count(data, "claim_days", 1, MAX_CLAIM_DAYS, DEFAULT_CLAIM_DAYS),
    )


async def _organiser(session: AsyncSession, actor: Actor) -> None:
    """404 outside the brand's team, 403 for a role that may not run contests."""
    if actor.user_id is None:
        raise ContestNotFound()
    role = await role_of(session, actor.account_id, actor.user_id)
    if role is None:
        raise ContestNotFound()
    if role not in ORGANISERS:
        raise Forbidden("This role cannot run the brand's contests")


async def create(tx: Tx, actor: Actor, data: Mapping[str, Any]) -> Contest:
    """Open a contest on a post of the brand ``actor`` acts as (owner or manager)."""
    await _organiser(tx.session, actor)
    spec = spec_of(data)
    status = await tx.session.get(Status, spec.status_id)
    if status is None or status.deleted_at is not None or status.account_id != actor.account_id:
        raise _bad("status_id must be the id of one of the brand's posts")
    secret, moment = draw.new_secret(), now()
    row = Contest(
        id=new_id(),
        brand_account_id=actor.account_id,
        status_id=status.id,
        title=spec.title,
        prizes=spec.prizes,
        starts_at=spec.starts_at,
        ends_at=spec.ends_at,
        winners=spec.winners,
        weights=spec.weights,
        reply_must_contain=spec.reply_must_contain,
        min_account_age_days=spec.min_account_age_days,
        min_followers=spec.min_followers,
        claim_days=spec.claim_days,
        secret=secret,
        pseudonym_key=draw.new_secret(),
        commitment=draw.commitment(secret),
        state="open",
        created_by_user_id=actor.user_id,
        created_at=moment,
    )
    tx.session.add(row)
    await tx.session.flush()
    return row


async def get(session: AsyncSession, contest_id: int) -> Contest:
    row = await session.get(Contest, contest_id)
    if row is None:
        raise ContestNotFound()
    return row


async def own(tx: Tx, actor: Actor, contest_id: int) -> Contest:
    """The contest, locked, when ``actor`` organises its brand's contests."""
    row = await tx.session.get(Contest, contest_id, with_for_update=True)
    if row is None or row.brand_account_id != actor.account_id:
        raise ContestNotFound()
    await _organiser(tx.session, actor)
    return row


async def excluded_accounts(session: AsyncSession, brand_id: int) -> frozenset[int]:
    """The brand, its team's own accounts and the instance's admins and moderators."""
    team = select(User.account_id).join(AccountOperator, AccountOperator.user_id == User.id)
    staff = select(User.account_id).where(User.role.in_(INSTANCE_STAFF))
    ids = set(await session.scalars(team.where(AccountOperator.account_id == brand_id)))
    ids |= set(await session.scalars(staff))
    ids.add(brand_id)
    return frozenset(ids)


grouped = (
    select(
        ContestEntry.account_id,
        func.aggregate_strings(ContestEntry.action, ",").label("actions"),
        func.aggregate_strings(case((ContestEntry.private, ContestEntry.action)), ",").label(
            "private"
        ),
    )
    .where(ContestEntry.contest_id == bindparam("porina_contest", type_=BigInteger))
    .group_by(ContestEntry.account_id)
    .subquery("grouped")
)
ENTRANT_ROWS = Prebuilt(
    select(
        Account.id,
        grouped.c.actions,
        grouped.c.private,
        Account.username,
        Account.domain,
        Account.created_at,
        Account.followers_count,
    ).join(grouped, grouped.c.account_id == Account.id)
)
"""One row per entrant of a contest: their entry actions, the private ones among them
(comma-separated; an action's name has no comma) and their facts."""


async def entrants(tx: Tx, contest_id: int, domain: str) -> list[Entrant]:
    """Every account with an entry action, with its facts for ``tally``: one prebuilt
    statement grouping the actions per entrant, its rows as the driver returns them (200,000
    entrants' actions through the ORM's result processing took most of a large close)."""
    rows = (await tx.run(ENTRANT_ROWS, {"porina_contest": contest_id})).all()
    return [
        Entrant(
            account_id,
            f"{username}@{acct_domain or domain}",
            as_datetime(created_at),
            followers,
            frozenset(actions.split(",")),
            frozenset(private.split(",")) if private else frozenset(),
        )
        for account_id, actions, private, username, acct_domain, created_at, followers in rows
    ]


async def close(tx: Tx, contest_id: int, actor: Actor | None = None) -> Contest:
    """Freeze the entries and draw the winners; a contest already drawn is returned as is."""
    row = await (own(tx, actor, contest_id) if actor else _locked(tx, contest_id))
    if row.state in ("closed", "drawn"):
        return row
    moment = now()
    rules = Rules(
        weights={k: int(v) for k, v in (row.weights or {}).items()},
        min_account_age_days=row.min_account_age_days,
        min_followers=row.min_followers,
        closed_at=moment,
        excluded_account_ids=await excluded_accounts(tx.session, row.brand_account_id)
        | await disqualified_ids(tx.session, row.id),
    )
    people = await entrants(tx, row.id, tx.settings.local_domain)
    counted = tally(people, rules, row.pseudonym_key)
    entries = draw.sort_entries(counted.entries)
    data = draw.sorted_bytes(entries)
    row.entries, row.entries_sha256 = data.decode("utf-8"), draw.entries_sha256(data)
    drawer = draw.Drawer.of_sorted(row.secret, entries, row.entries_sha256)
    picks = drawer.many(row.winners)
    claim_by = moment + timedelta(days=row.claim_days)
    for position, pick in enumerate(picks):
        made = _draw_row(row.id, position, pick, moment)
        made.account_id, made.claim_by = counted.who.get(pick.acct), claim_by
        tx.session.add(made)
    row.state, row.closed_at, row.drawn_at = "drawn", moment, moment
    await tx.session.flush()
    winners = [pick.acct for pick in picks]
    drawn = ContestDrawn(
        actor=actor, brand_account_id=row.brand_account_id, contest_id=row.id, winners=winners
    )
    await emit(tx, drawn)
    return row


async def _locked(tx: Tx, contest_id: int) -> Contest:
    row = await tx.session.get(Contest, contest_id, with_for_update=True)
    if row is None:
        raise ContestNotFound()
    return row


def _draw_row(
    contest_id: int,
    position: int,
    pick: draw.Pick,
    at: datetime,
    *,
    replaces: str | None = None,
    reason: str | None = None,
) -> ContestDraw:
    return ContestDraw(
        id=new_id(),
        contest_id=contest_id,
        position=position,
        acct=pick.acct,
        counter=pick.counter,
        replaces=replaces,
        reason=reason,
        created_at=at,
    )


async def draws(session: AsyncSession, contest_id: int) -> list[ContestDraw]:
    rows = await session.scalars(
        select(ContestDraw)
        .where(ContestDraw.contest_id == contest_id)
        .order_by(ContestDraw.position)
    )
    return list(rows)


def current_winners(rows: Sequence[ContestDraw]) -> list[str]:
    """The winners now: those drawn, minus those a re-draw set aside."""
    set_aside = {r.replaces for r in rows if r.replaces is not None}
    return [r.acct for r in rows if r.acct not in set_aside]


def _replay(row: Contest, rows: Sequence[ContestDraw]) -> draw.Drawer:
    """A drawer positioned after every draw made so far (same entries, same counter)."""
    entries, _ = parse_entries(row.entries or "")
    drawer = draw.Drawer(row.secret, entries)
    for made in rows:
        pick = drawer.next()
        if pick is None or pick.acct != made.acct:
            raise RuntimeError(f"contest {row.id}: stored draws do not replay")
    return drawer


async def redraw(tx: Tx, contest: Contest, acct: str, reason: str) -> ContestDraw | None:
    """Set ``acct`` (a current winner) aside for ``reason`` and draw the next entrant; None
    when no entrant is left (the prize stays undrawn, the setting aside is still logged)."""
    if contest.state != "drawn":
        raise _bad("the contest is not drawn yet")
    rows = await draws(tx.session, contest.id)
    if acct not in current_winners(rows):
        raise _bad("acct must be one of the current winners")
    reason = reason.strip()
    if not reason or len(reason) > 500:
        raise _bad("reason must be 1 to 500 characters")
    pick = _replay(contest, rows).next()
    if pick is None:
        raise _bad("no entrant is left to draw")
    moment = now()
    made = _draw_row(contest.id, len(rows), pick, moment, replaces=acct, reason=reason)
    made.account_id = await account_for(tx.session, contest, pick.acct, tx.settings.local_domain)
    made.claim_by = moment + timedelta(days=contest.claim_days)
    tx.session.add(made)
    await tx.session.flush()
    redrawn = ContestRedrawn(
        brand_account_id=contest.brand_account_id,
        contest_id=contest.id,
        replaced=acct,
        acct=pick.acct,
        reason=reason,
    )
    await emit(tx, redrawn)
    return made


async def account_for(
    session: AsyncSession, contest: Contest, acct: str, local_domain: str
) -> int | None:
    """The entrant's account behind a listed name: a pseudonym is matched against the
    contest's entrants (its key is the server's), an acct against the accounts."""
    entrants = select(ContestEntry.account_id).where(ContestEntry.contest_id == contest.id)
    if acct.startswith(draw.PSEUDONYM_PREFIX):
        for account_id in set(await session.scalars(entrants)):
            if draw.pseudonym(contest.pseudonym_key, account_id) == acct:
                return account_id
        return None
    username, _, domain = acct.rpartition("@")
    local = domain == local_domain.lower()
    found = select(Account.id).where(
        Account.id.in_(entrants),
        Account.username == username,
        Account.domain.is_(None) if local else func.lower(Account.domain) == domain,
    )
    return await session.scalar(found.limit(1))


def proof_of(contest: Contest, rows: Sequence[ContestDraw]) -> dict[str, Any]:
    """The public proof (``campaigns.proof``); only for a drawn contest. The entries file is
    used as the close wrote and hashed it (normalised, sorted): not parsed and sorted again."""
    text = contest.entries or ""
    digest = contest.entries_sha256 or draw.entries_sha256(text.encode("utf-8"))
    winners = [draw.Pick(r.acct, r.counter) for r in rows if r.replaces is None]
    redraws = [
        draw.Redraw(
            r.replaces, r.reason or "", r.created_at.isoformat(), draw.Pick(r.acct, r.counter)
        )
        for r in rows
        if r.replaces is not None
    ]
    return proof_of_file(
        contest.secret,
        text,
        digest,
        winners_wanted=contest.winners,
        winners=winners,
        redraws=redraws,
    )


async def due(session: AsyncSession, moment: datetime) -> list[int]:
    """Open contests whose end has passed (the close job's work)."""
    rows = await session.scalars(
        select(Contest.id).where(Contest.state == "open", Contest.ends_at <= moment)
    )
    return list(rows)
