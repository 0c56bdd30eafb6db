"""Listening (issue 16, point 8): public posts that match a brand's watches enter its inbox
as ``outreach`` items, which the team answers with the usual reply.

What is heard:

- **Public posts only.** Unlisted posts are left out, as Mastodon leaves them out of search
  and trends: their authors asked not to be found; private and direct posts never.
- Any public status the server stores, local or remote: the matcher reads the status row, so
  posts that arrive by federation are heard the same way once federation lands.
- A **hashtag** watch matches the status's tags; a **keyword** watch matches whole words of
  the text or of the content warning, case-insensitively (Unicode: *Kahvi* is *kahvi*), a
  trailing ``*`` matching any ending (``kahvi*``: *kahvila*, *kahvia*). A watch with a
  ``language`` hears only posts written in it.

Left out: the brand's own posts and its staff's; posts whose author blocks the brand, or
the brand blocks, mutes or hides the domain of; silenced and suspended authors; and a post
that mentions, replies to or quotes the brand (it is in the inbox already, as a mention,
reply or quote: no second, outreach item).

The item joins the author's conversation (opening one if need be) and has a sentiment like
any incoming message; it starts **no response clock** and no SLA (``desk.metrics`` counts
only what the person sent to the brand): the brand is reaching out, nobody waits yet. When
the person answers, their reply starts the clock as usual.

Cost per public post: nothing to find out whether anything is watched. Each process keeps
the enabled watches compiled (``matcher``); a watch created, changed or deleted
(``DeskWatchChanged``) tells every process to drop it once the change commits (the
``invalidate`` broker channel, ``storage/invalidation.py``: at once in the process that made
the change, within the broker's delivery elsewhere), and the next post builds it again. A
matcher older than ``RECHECK_SECONDS`` is checked against the watches' fingerprint (how many,
the newest id and change): a lost broker message leaves a process deaf to a new watch, or
hearing a removed one, that long at most. A transaction that changed a watch reads the
watches itself for its own posts and keeps nothing (it may roll back). When some keyword
watch exists or a tag is watched, a post costs one read of the status; a match, one read of
the exclusions and the inbox item's writes. (Until 2026-12-07 the fingerprint was read in
every public post's transaction: one round trip of a post's ten.)
"""

from __future__ import annotations

import functools
import html
import re
import time
import weakref
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import func, or_, select, union_all, update

from porina.accounts.models import Account, AccountOperator, Block, DomainBlock, Mute, User
from porina.core.clock import now
from porina.core.events import StatusCreated
from porina.desk import inbox
from porina.desk.events import DeskWatchChanged
from porina.desk.watches_models import DeskWatch
from porina.jobs.events import subscribe
from porina.posts.models import Status
from porina.storage import invalidation
from porina.storage.db import Database, Tx
from porina.storage.fastread import Prebuilt

_TAG = re.compile(r"<[^>]*>")


@dataclass(frozen=True, slots=True)
class Watch:
    id: int
    brand_id: int
    kind: str
    term: str
    language: str | None


def keyword_pattern(term: str) -> re.Pattern[str]:
    """Whole words, case-insensitive; a trailing ``*`` lets the last word go on."""
    prefix = term.endswith("*")
    words = term.rstrip("*").split()
    body = r"\s+".join(re.escape(w) for w in words)
    tail = r"\w*" if prefix else ""
    return re.compile(rf"(?<![\w@]){body}{tail}(?!\w)", re.IGNORECASE)


@dataclass(slots=True)
class Matcher:
    """Every enabled watch of every brand, compiled once per change."""

    tags: dict[str, list[Watch]] = field(default_factory=lambda: defaultdict(list))
    keywords: list[tuple[re.Pattern[str], Watch]] = field(default_factory=list)

    @classmethod
    def of(cls, watches: list[Watch]) -> Matcher:
        matcher = cls()
        for watch in watches:
            if watch.kind == "hashtag":
                matcher.tags[watch.term].append(watch)
            else:
                matcher.keywords.append((keyword_pattern(watch.term), watch))
        return matcher

    def wants_text(self, tags: tuple[str, ...]) -> bool:
        return bool(self.keywords) or any(t in self.tags for t in tags)

    def matches(self, tags: list[str], text: str, language: str | None) -> list[Watch]:
        found = [w for t in dict.fromkeys(t.lower() for t in tags) for w in self.tags.get(t, ())]
        found += [w for pattern, w in self.keywords if pattern.search(text)]
        return [w for w in found if w.language is None or w.language == language]


RECHECK_SECONDS = 5.0
"""How long a process trusts its matcher without reading the watches' fingerprint: the
most a lost invalidation (a broker message missed while reconnecting) delays a change."""

CHANGED = {"event": "desk.watches_changed"}
"""The invalidation message: some watch changed; every process drops its matcher."""


@dataclass(slots=True)
class _Kept:
    fingerprint: tuple[Any, ...]
    matcher: Matcher
    checked: float
    """``time.monotonic()`` when the fingerprint was last read."""


_current: weakref.WeakKeyDictionary[Database, _Kept] = weakref.WeakKeyDictionary()


@dataclass(slots=True)
class _Drops:
    count: int = 0
    """How many times the matchers were dropped: a matcher read before a drop is not kept."""


_drops = _Drops()
_changing: weakref.WeakSet[Tx] = weakref.WeakSet()
"""Transactions that changed a watch: they read the watches themselves."""


def on_invalidation(message: dict[str, Any]) -> None:
    """Drops every matcher when a watch changed (the services listen with it)."""
    if message.get("event") == CHANGED["event"]:
        _drops.count += 1
        _current.clear()


@functools.cache
def _fingerprint_statement() -> Prebuilt:
    """Built once: how many watches, the newest id and the newest change."""
    return Prebuilt(
        select(func.count(DeskWatch.id), func.max(DeskWatch.id), func.max(DeskWatch.updated_at))
    )


async def matcher(tx: Tx) -> Matcher:
    """This process's matcher for ``tx``'s database: kept until a watch changes (no read),
    its fingerprint read again after ``RECHECK_SECONDS``, rebuilt when it differs. A
    transaction that changed a watch itself reads the watches as it sees them, and keeps
    nothing (its change may yet roll back)."""
    if tx in _changing:
        return await _built(tx)
    kept = _current.get(tx.db)
    moment = time.monotonic()
    if kept is not None and moment - kept.checked < RECHECK_SECONDS:
        return kept.matcher
    drops = _drops.count
    fingerprint = await _fingerprint(tx)
    if kept is not None and kept.fingerprint == fingerprint:
        kept.checked = moment
        return kept.matcher
    built = await _built(tx, fingerprint)
    if drops == _drops.count:  # no watch changed meanwhile
        _current[tx.db] = _Kept(fingerprint, built, moment)
    return built


async def _fingerprint(tx: Tx) -> tuple[Any, ...]:
    return tuple((await tx.run(_fingerprint_statement(), {})).one())


async def _built(tx: Tx, fingerprint: tuple[Any, ...] | None = None) -> Matcher:
    """The enabled watches as ``tx`` sees them, compiled."""
    fingerprint = fingerprint or await _fingerprint(tx)
    built = Matcher()
    if fingerprint[0]:
        rows = await tx.session.execute(
            select(
                DeskWatch.id,
                DeskWatch.brand_account_id,
                DeskWatch.kind,
                DeskWatch.term,
                DeskWatch.language,
            ).where(DeskWatch.enabled.is_(True))
        )
        built = Matcher.of([Watch(*row) for row in rows])
    return built


@subscribe(DeskWatchChanged)
async def watches_changed(tx: Tx, event: DeskWatchChanged) -> None:
    """Every process drops its matcher once the change commits; until then this transaction
    reads the watches itself (a post later in it, as the demo's seed makes, is heard)."""
    _changing.add(tx)
    invalidation.after_commit(tx, CHANGED)


def plain(markup: str) -> str:
    return html.unescape(_TAG.sub(" ", markup))


async def _heard(tx: Tx, status_id: int, found: Matcher) -> list[Watch]:
    """The watches the status matches, or none if it or its author may not be heard."""
    row = (
        await tx.session.execute(
            select(
                Status.text,
                Status.content,
                Status.spoiler_text,
                Status.language,
                Status.tags,
                Status.visibility,
                Status.deleted_at,
                Account.silenced_at,
                Account.suspended_at,
            )
            .join(Account, Account.id == Status.account_id)
            .where(Status.id == status_id)
        )
    ).first()
    if row is None or row.visibility != "public" or row.deleted_at is not None:
        return []
    if row.silenced_at is not None or row.suspended_at is not None:
        return []
    text = f"{row.spoiler_text}\n{row.text or plain(row.content)}"
    return found.matches(list(row.tags or ()), text, row.language)


async def _excluded(tx: Tx, author_id: int, brands: set[int]) -> set[int]:
    """The brands among ``brands`` that must not hear ``author_id``: it is on their team,
    blocks them, or they block, mute or hide its domain."""
    moment = now()
    staff = (
        select(AccountOperator.account_id)
        .join(User, User.id == AccountOperator.user_id)
        .where(User.account_id == author_id, AccountOperator.account_id.in_(brands))
    )
    blocked = select(Block.account_id).where(
        Block.account_id.in_(brands), Block.target_account_id == author_id
    )
    blocking = select(Block.target_account_id).where(
        Block.account_id == author_id, Block.target_account_id.in_(brands)
    )
    muted = select(Mute.account_id).where(
        Mute.account_id.in_(brands),
        Mute.target_account_id == author_id,
        or_(Mute.expires_at.is_(None), Mute.expires_at > moment),
    )
    domain = select(Account.domain).where(Account.id == author_id).scalar_subquery()
    hidden = select(DomainBlock.account_id).where(
        DomainBlock.account_id.in_(brands), DomainBlock.domain == domain
    )
    rows = await tx.session.scalars(union_all(staff, blocked, blocking, muted, hidden))
    return set(rows)


def _addressed(event: StatusCreated) -> set[int]:
    return {
        i
        for i in (*event.mentioned, event.parent_author_id, event.quoted_author_id)
        if i is not None
    }


@subscribe(StatusCreated, when=lambda e: e.visibility == "public")
async def status_created(tx: Tx, event: StatusCreated) -> None:
    """A public post: an outreach item for each brand whose watches it matches."""
    found = await matcher(tx)
    if not found.wants_text(event.tags):
        return
    heard = await _heard(tx, event.status_id, found)
    by_brand: dict[int, list[int]] = defaultdict(list)
    for watch in heard:
        by_brand[watch.brand_id].append(watch.id)
    brands = set(by_brand) - _addressed(event) - {event.author_id}
    if not brands:
        return
    brands -= await _excluded(tx, event.author_id, brands)
    for brand_id in sorted(brands):
        await inbox.incoming(
            tx, event.actor, brand_id, event.author_id, "outreach", status_id=event.status_id
        )
    counted = sorted({w for b in brands for w in by_brand[b]})
    if counted:
        await tx.session.execute(
            update(DeskWatch)
            .where(DeskWatch.id.in_(counted))
            .values(matches=DeskWatch.matches + 1)
            .execution_options(synchronize_session=False)
        )
