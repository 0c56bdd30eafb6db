"""Anti-fraud flags on a contest's entrants, and staff's review of them (issue 18, point 1).

``flags`` is pure: from each entrant's facts it names the signals worth a look, each with a
reason staff read. The signals:

- ``new_account``: the account was younger than ``NEW_ACCOUNT_DAYS`` when it first entered.
- ``signup_burst``: at least ``BURST_SIZE`` entrants' accounts were created within
  ``BURST_WINDOW`` of one another. Porina keeps no sign-up or session IP address (see
  moderation/accounts.py), so "a burst from one network" is read from what is stored: a run
  of accounts made minutes apart that all enter the same contest.
- ``duplicate_email``: local accounts whose e-mails are the same once normalised
  (lower case, ``+tag`` dropped, dots dropped for Gmail, googlemail.com read as gmail.com).
- ``no_activity``: no post, no follower and no avatar: an account made only to enter.

``review``/``decide`` are the staff-only read and write: who is flagged and why, and an
``allow``/``disqualify`` decision per entrant (``contest_reviews``). Only people acting as the
brand that runs the contest, with a role that may review, see any of it: anyone else gets 404.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from porina.accounts.models import Account, AccountOperator, User
from porina.campaigns.models import Contest, ContestEntry
from porina.campaigns.review_events import ContestEntrantReviewed
from porina.campaigns.review_models import DECISIONS, ContestReview
from porina.core.actor import Actor
from porina.core.clock import now
from porina.core.errors import NotFound, Unprocessable
from porina.core.ids import new_id
from porina.jobs.events import emit
from porina.storage.db import Tx

NEW_ACCOUNT_DAYS = 7
BURST_SIZE = 3
BURST_WINDOW = timedelta(minutes=10)
GMAIL = frozenset({"gmail.com", "googlemail.com"})
REVIEWERS = frozenset({"owner", "manager", "admin", "editor"})
MAX_REASON = 500


class ContestNotFound(NotFound):
    code = "contest_not_found"


class InvalidReview(Unprocessable):
    code = "contest_review_invalid"


@dataclass(frozen=True, slots=True)
class Facts:
    """What the flags look at about one entrant (``email`` only for local accounts)."""

    account_id: int
    acct: str
    created_at: datetime
    first_entry_at: datetime
    email: str | None = None
    statuses: int = 0
    followers: int = 0
    has_avatar: bool = False


REASONS = {
    "new_account": "account was %(days)s day(s) old when it entered",
    "signup_burst": "one of %(count)s entrants whose accounts were created between "
    "%(first)s and %(last)s UTC",
    "duplicate_email": "same e-mail as %(others)s",
    "no_activity": "no posts, no followers and no avatar",
}
"""Each flag's reason as a gettext template (the web page shows it translated)."""


@dataclass(frozen=True, slots=True)
class Flag:
    code: str
    params: dict[str, str | int] = field(default_factory=dict)

    @property
    def reason(self) -> str:
        return REASONS[self.code] % self.params


@dataclass(slots=True)
class Flagged:
    facts: Facts
    flags: list[Flag] = field(default_factory=list)
    decision: str | None = None
    decision_reason: str | None = None


def normalise_email(email: str) -> str:
    """``Jo.Doe+win@GoogleMail.com`` -> ``jodoe@gmail.com``; other domains keep their dots."""
    local, at, domain = email.strip().lower().rpartition("@")
    if not at:
        return email.strip().lower()
    local = local.split("+", 1)[0]
    if domain in GMAIL:
        local, domain = local.replace(".", ""), "gmail.com"
    return f"{local}@{domain}"


def _new_account(facts: Facts) -> Flag | None:
    age = facts.first_entry_at - facts.created_at
    if age >= timedelta(days=NEW_ACCOUNT_DAYS):
        return None
    days = max(0, age.days)
    return Flag("new_account", {"days": days})


def _no_activity(facts: Facts) -> Flag | None:
    if facts.statuses or facts.followers or facts.has_avatar:
        return None
    return Flag("no_activity")


def _bursts(entrants: Sequence[Facts]) -> dict[int, Flag]:
    """Runs of ≥ BURST_SIZE accounts created within BURST_WINDOW of the previous one."""
    ordered = sorted(entrants, key=lambda f: f.created_at)
    runs: list[list[Facts]] = []
    for facts in ordered:
        if runs and facts.created_at - runs[-1][-1].created_at <= BURST_WINDOW:
            runs[-1].append(facts)
        else:
            runs.append([facts])
    found: dict[int, Flag] = {}
    for run in runs:
        if len(run) >= BURST_SIZE:
            first, last = run[0].created_at, run[-1].created_at
            params: dict[str, str | int] = {
                "count": len(run),
                "first": f"{first:%Y-%m-%d %H:%M}",
                "last": f"{last:%H:%M}",
            }
            found.update({f.account_id: Flag("signup_burst", params) for f in run})
    return found


def _duplicates(entrants: Sequence[Facts]) -> dict[int, Flag]:
    groups: dict[str, list[Facts]] = {}
    for facts in entrants:
        if facts.email:
            groups.setdefault(normalise_email(facts.email), []).append(facts)
    found: dict[int, Flag] = {}
    for group in groups.values():
        for facts in group if len(group) > 1 else []:
            others = ", ".join(sorted(f.acct for f in group if f is not facts))
            found[facts.account_id] = Flag("duplicate_email", {"others": others})
    return found


def flags(entrants: Iterable[Facts]) -> dict[int, list[Flag]]:
    """account id -> its flags (only entrants with at least one)."""
    every = list(entrants)
    bursts, duplicates = _bursts(every), _duplicates(every)
    found: dict[int, list[Flag]] = {}
    for facts in every:
        own = [_new_account(facts), bursts.get(facts.account_id)]
        own += [duplicates.get(facts.account_id), _no_activity(facts)]
        present = [f for f in own if f is not None]
        if present:
            found[facts.account_id] = present
    return found


async def staff_contest(session: AsyncSession, actor: Actor, contest_id: int) -> Contest:
    """The contest, when ``actor`` acts as its brand and may review; 404 otherwise."""
    contest = await session.get(Contest, contest_id)
    if contest is None or actor.account_id != contest.brand_account_id:
        raise ContestNotFound()
    if actor.operated:
        role = await session.scalar(
            select(AccountOperator.role).where(
                AccountOperator.account_id == actor.account_id,
                AccountOperator.user_id == actor.user_id,
            )
        )
        if role not in REVIEWERS:
            raise ContestNotFound()
    return contest


async def entrant_facts(session: AsyncSession, contest_id: int, local: str) -> list[Facts]:
    """Each entrant of the contest once, with what the flags look at (one query); ``local``
    is this server's domain, for the full ``user@domain`` of local accounts."""
    first = func.min(ContestEntry.created_at).label("first_entry_at")
    rows = await session.execute(
        select(Account, User.email, first)
        .join(ContestEntry, ContestEntry.account_id == Account.id)
        .outerjoin(User, User.account_id == Account.id)
        .where(ContestEntry.contest_id == contest_id)
        .group_by(Account.id, User.email)
    )
    return [
        Facts(
            account_id=account.id,
            acct=f"{account.username}@{(account.domain or local).lower()}",
            created_at=account.created_at,
            first_entry_at=first_at,
            email=email,
            statuses=account.statuses_count,
            followers=account.followers_count,
            has_avatar=bool(account.avatar_path or account.avatar_remote_url),
        )
        for account, email, first_at in rows
    ]


async def review(session: AsyncSession, actor: Actor, contest_id: int, local: str) -> list[Flagged]:
    """The flagged entrants (and any entrant staff decided on), undecided ones first."""
    await staff_contest(session, actor, contest_id)
    facts = await entrant_facts(session, contest_id, local)
    found = flags(facts)
    decided = {
        r.account_id: r
        for r in await session.scalars(
            select(ContestReview).where(ContestReview.contest_id == contest_id)
        )
    }
    queue = []
    for entrant in facts:
        row = decided.get(entrant.account_id)
        if entrant.account_id in found or row is not None:
            item = Flagged(entrant, found.get(entrant.account_id, []))
            if row is not None:
                item.decision, item.decision_reason = row.decision, row.reason
            queue.append(item)
    return sorted(queue, key=lambda i: (i.decision is not None, -len(i.flags), i.facts.acct))


async def disqualified_ids(session: AsyncSession, contest_id: int) -> frozenset[int]:
    """The accounts staff disqualified: the close leaves them out (``tally.Rules``)."""
    rows = await session.scalars(
        select(ContestReview.account_id).where(
            ContestReview.contest_id == contest_id, ContestReview.decision == "disqualify"
        )
    )
    return frozenset(rows)


def _checked(decision: object, reason: object) -> tuple[str, str]:
    if decision not in DECISIONS:
        raise InvalidReview("Validation failed: decision must be allow or disqualify")
    text = " ".join(str(reason or "").split())
    if not text:
        raise InvalidReview("Validation failed: reason can't be blank")
    if len(text) > MAX_REASON:
        raise InvalidReview(f"Validation failed: reason is too long (maximum is {MAX_REASON})")
    return str(decision), text


async def _entrant(session: AsyncSession, contest_id: int, acct: str, local: str) -> int:
    """The account id of the entrant ``acct`` (``user@domain``; a bare ``user`` is local)."""
    user, _, domain = acct.strip().lstrip("@").partition("@")
    domain = domain.lower()
    where_domain = (
        Account.domain.is_(None) if domain in ("", local.lower()) else Account.domain == domain
    )
    found = await session.scalar(
        select(Account.id)
        .join(ContestEntry, ContestEntry.account_id == Account.id)
        .where(ContestEntry.contest_id == contest_id, Account.username == user, where_domain)
        .limit(1)
    )
    if found is None:
        raise InvalidReview("Validation failed: acct is not an entrant of this contest")
    return int(found)


async def decide(
    tx: Tx, actor: Actor, contest_id: int, body: Mapping[str, object], local: str
) -> ContestReview:
    """Record staff's ``{acct, decision: allow|disqualify, reason}`` for one entrant (a later
    decision replaces the earlier one)."""
    session = tx.session
    contest = await staff_contest(session, actor, contest_id)
    chosen, text = _checked(body.get("decision"), body.get("reason"))
    account_id = await _entrant(session, contest.id, str(body.get("acct") or ""), local)
    row = await session.scalar(
        select(ContestReview).where(
            ContestReview.contest_id == contest.id, ContestReview.account_id == account_id
        )
    )
    if row is None:
        row = ContestReview(id=new_id(), contest_id=contest.id, account_id=account_id)
        session.add(row)
    row.decision, row.reason, row.decided_at = chosen, text, now()
    row.decided_by_user_id = actor.user_id
    await session.flush()
    event = ContestEntrantReviewed(
        actor=actor,
        brand_account_id=contest.brand_account_id,
        contest_id=contest.id,
        target_account_id=account_id,
        decision=chosen,
    )
    await emit(tx, event)
    return row
