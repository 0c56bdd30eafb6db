"""Rendered statuses and accounts, cached per process and keyed by row versions.

A page read through ``timelines/page.py`` names, for every status it shows, the version of
each row the rendering depends on (the status, its author, its poll; the same for a
reblogged status). The database bumps a row's version on every update (migration 0004), so
an entry whose versions match is exactly what rendering the rows again would give; one whose
versions differ is rendered again from a fresh read. Nothing is ever invalidated by hand and
no process can serve another's stale entry.

What depends on the viewer is never cached: favourited, reblogged, bookmarked, muted,
pinned and filter results come with the page's own query, and a poll is rendered per request
from its cached row (whether it has expired, and whose votes show, change with time and
viewer).

``personal_json`` writes a status as JSON bytes straight from a cached encoding of its
public part (the status with its account, split where the reblog and poll go, without the
viewer's fields), so a page of cached statuses is joined bytes, not twenty structs copied and
encoded again. It gives the same object as encoding ``personal``'s entity, keys in a different
order; ``tests/api/test_timelines.py`` compares the two.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from itertools import islice
from typing import TYPE_CHECKING, NamedTuple, TypeVar

import msgspec
from sqlalchemy import inspect as sa_inspect
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from porina.accounts.models import Account
from porina.interactions.filters import ActiveFilter
from porina.posts.models import Poll, Status
from porina.posts.queries import Bundle, StatusRow, account_rows, bundles_by_id, rows_by_id
from porina.render import entities as e
from porina.render.renderer import Renderer, quote_approval_of
from porina.timelines.page import PageRow

if TYPE_CHECKING:
    from porina.storage.fastread import FastReader

COUNTERS = frozenset(
    {"version", "replies_count", "reblogs_count", "favourites_count", "quotes_count"}
)
"""What a counter update changes on a status row (the trigger bumps ``version``)."""
_COMPARED = tuple(prop.key for prop in sa_inspect(Status).column_attrs if prop.key not in COUNTERS)

K = TypeVar("K")
V = TypeVar("V")


def counters_only(old: Status, new: Status) -> bool:
    """Whether ``new`` is ``old``'s row with nothing but its counters (and version) moved."""
    return all(getattr(old, key) == getattr(new, key) for key in _COMPARED)


class Bounded(dict[K, V]):
    """A dict that forgets its oldest entries (by insertion) once it holds more than
    ``size``; a stale entry is replaced, which makes it the newest."""

    def __init__(self, size: int) -> None:
        super().__init__()
        self.size = size

    def put(self, key: K, value: V) -> None:
        self.pop(key, None)
        self[key] = value
        if len(self) > self.size:
            for old in list(islice(self, max(1, self.size // 10))):
                del self[old]


ENTRY_BYTES = 5900
"""What one kept status costs besides its text, measured with ``tracemalloc`` on the bench's
world (6,240 bytes a status of ~86 characters, 2026-12-06, docs/performance.md "The status
cache by bytes"): its model objects as read (the status, its poll), the rendering, the
encoding of its public part and its share of the accounts' renderings."""
TEXT_COPIES = 4
"""How many times a status's content and spoiler are held: the row, the rendering, the
encoding, and the row's source text (UTF-8 and ``str`` alike counted a byte a character)."""


def weight(entity: e.Status) -> int:
    """An estimate of the bytes a kept status holds (``ENTRY_BYTES``, ``TEXT_COPIES``)."""
    return ENTRY_BYTES + TEXT_COPIES * (len(entity.content) + len(entity.spoiler_text))


class Weighed(Bounded[int, "Cached"]):
    """The kept statuses: at most ``size`` of them and ``limit`` bytes (by each entry's
    ``weight``); beyond either the oldest (by insertion) are forgotten, a tenth at a time,
    and ``dropped`` is told each id forgotten (its encoding goes with it)."""

    def __init__(self, size: int, limit: int, dropped: Callable[[int], object]) -> None:
        super().__init__(size)
        self.limit = limit
        self.held = 0
        """The bytes of the entries kept, by their ``weight``."""
        self._dropped = dropped

    def put(self, key: int, value: Cached) -> None:
        old = self.pop(key, None)
        if old is not None:
            self.held -= old.weight
        self[key] = value
        self.held += value.weight
        if len(self) > self.size or self.held > self.limit:
            self._shrink(self.size - self.size // 10, self.limit - self.limit // 10)

    def _shrink(self, count: int, limit: int) -> None:
        while self and (len(self) > count or self.held > limit):
            key = next(iter(self))
            self.held -= self.pop(key).weight
            self._dropped(key)

    def clear(self) -> None:
        super().clear()
        self.held = 0


@dataclass(frozen=True, slots=True)
class Cached:
    """One status as rendered for nobody in particular, with the rows it came from."""

    version: int
    poll_version: int | None
    entity: e.Status
    status: Status
    poll: Poll | None
    status_id: int
    author_id: int
    """The status's ids as plain ints (an ORM attribute read costs more, page after page)."""
    local: bool
    quote_of_id: int | None
    visibility: str
    quote_policy: str
    """Columns every page reads (impressions, quotes, ``quote_approval``), as plain values."""
    author_key: tuple[str, str | None] = ("", None)
    """The author's username and domain when it was rendered: its uri, url and content
    depend on them (a local author's links are made absolute, a remote one's are not)."""
    weight: int = ENTRY_BYTES
    """The bytes it holds, estimated (``weight``)."""


@dataclass(frozen=True, slots=True)
class Found:
    """What one page row shows, every part at the versions the row names."""

    status: Cached
    account: e.Account
    reblog: Cached | None = None
    reblog_account: e.Account | None = None


@dataclass(frozen=True, slots=True)
class Encoded:
    """The public JSON of one cached status with one account rendering: ``head`` ends with
    ``"reblog":``, ``tail`` runs from after the poll to before the closing brace."""

    status: Cached
    account: e.Account
    head: bytes
    tail: bytes


REBLOG_AND_POLL = b',"reblog":null,"poll":null,'
"""Where ``Status`` (fields in declaration order, ``reblog`` then ``poll``) is split. Nothing
encoded before them can hold these bytes: a string's quotes are escaped and no earlier field
is an object with these keys."""
_PUBLIC = {
    "reblog": None,
    "poll": None,
    "favourited": msgspec.UNSET,
    "reblogged": msgspec.UNSET,
    "muted": msgspec.UNSET,
    "bookmarked": msgspec.UNSET,
    "pinned": msgspec.UNSET,
    "filtered": msgspec.UNSET,
    "quote_approval": msgspec.UNSET,
}
_BOOL = {True: b"true", False: b"false"}
_encode = msgspec.json.Encoder().encode


def _approval_json(cached: Cached, viewer_id: int | None) -> bytes:
    """``cached``'s ``quote_approval`` for ``viewer_id``, encoded: it depends only on the
    status's policy and visibility and on whether the viewer is nobody, its author or another
    account, so each of those few combinations is encoded once per process."""
    relation = 0 if viewer_id is None else 1 if viewer_id == cached.author_id else 2
    return _approval_encoded(cached.quote_policy, cached.visibility, relation)


@functools.lru_cache(maxsize=256)  # policies and visibilities are a few words each
def _approval_encoded(policy: str, visibility: str, relation: int) -> bytes:
    viewer = (None, 1, 2)[relation]  # the author is 1
    return _encode(quote_approval_of(policy, visibility, 1, viewer))


class Marks(NamedTuple):
    """The viewer's side of one status that is more than a flag of its page row."""

    poll: e.Poll | None
    muted: bool
    pinned: bool | None
    """None when the status is not the viewer's own: the field is then left out."""


@dataclass(frozen=True, slots=True)
class Viewing:
    """Who is looking, and their active filters (loaded only when they have any)."""

    account_id: int
    filters: Sequence[ActiveFilter] = ()


class StatusCache:
    """The process's renderings (one per process, a field of the running ``Services``)."""

    def __init__(
        self,
        renderer: Renderer,
        size: int,
        reader: FastReader | None = None,
        *,
        limit: int | None = None,
    ) -> None:
        """At most ``size`` statuses (and as many accounts) and ``limit`` bytes of statuses
        (by default the renderer's ``PORINA_STATUS_CACHE_BYTES``)."""
        self.renderer = renderer
        self.reader = reader
        """Reads misses on the driver (``posts.queries.rows_by_id``); without it, through
        the ORM on the caller's session."""
        self.encoded: Bounded[int, Encoded] = Bounded(size)
        """Only of statuses kept: a status forgotten takes its encoding with it."""
        if limit is None:
            limit = renderer.settings.status_cache_bytes
        self.statuses = Weighed(size, limit, lambda key: self.encoded.pop(key, None))
        self.accounts: Bounded[int, tuple[int, e.Account]] = Bounded(size)
        self.accounts_json: Bounded[int, tuple[int, bytes]] = Bounded(max(1, size // 10))
        """Accounts encoded on their own (conversations' participants), by id: a tenth as
        many as the renderings (~1 KB each, outside ``limit``: 4,000 by default)."""
        self.misses = 0
        self.rekeyed = 0
        """Misses served from an older rendering whose row changed only in its counters."""

    def clear(self) -> None:
        """Forget every rendering, as a process that has just started."""
        self.statuses.clear()
        self.accounts.clear()
        self.accounts_json.clear()
        self.encoded.clear()

    def _status(self, status_id: int, version: int, poll_version: int | None) -> Cached | None:
        found = self.statuses.get(status_id)
        if found is None or found.version != version or found.poll_version != poll_version:
            return None
        return found

    def _account(self, account_id: int | None, version: int | None) -> e.Account | None:
        found = self.accounts.get(account_id) if account_id is not None else None
        return found[1] if found is not None and found[0] == version else None

    def find(self, row: PageRow) -> Found | None:
        """Everything ``row`` shows, if all of it is cached at the row's versions."""
        status = self._status(row.id, row.version, row.poll_version)
        account = self._account(row.account_id, row.account_version)
        if status is None or account is None:
            return None
        if row.reblog_of_id is None:
            return Found(status, account)
        assert row.reblog_version is not None
        reblog = self._status(row.reblog_of_id, row.reblog_version, row.reblog_poll_version)
        reblog_account = self._account(row.reblog_account_id, row.reblog_account_version)
        if reblog is None or reblog_account is None:
            return None
        return Found(status, account, reblog, reblog_account)

    async def fill(
        self, session: AsyncSession | None, viewer_id: int | None, rows: Sequence[PageRow]
    ) -> list[Found | None]:
        """Render and keep what ``rows`` need, reading the rows (one query) only for those
        not cached at their versions. A status deleted meanwhile comes back as None.
        ``session`` is used only without a reader (``needs_session``)."""
        found = [self.find(row) for row in rows]
        missing = [row.id for row, hit in zip(rows, found, strict=True) if hit is None]
        if not missing:
            return found
        self.misses += len(missing)
        if self.reader is not None:
            read = await rows_by_id(self.reader, viewer_id, missing)
        else:
            assert session is not None, "without a reader, misses read through a session"
            read = await bundles_by_id(session, viewer_id, missing)
        fresh = {b.entry.status.id: self._keep(b) for b in read}
        return [
            hit if hit is not None else fresh.get(row.id)
            for row, hit in zip(rows, found, strict=True)
        ]

    def account(self, account_id: int, version: int) -> e.Account | None:
        """An account's rendering, if cached at ``version``."""
        return self._account(account_id, version)

    def account_json(self, account_id: int, version: int) -> bytes | None:
        """An account's JSON, if encoded at ``version``."""
        found = self.accounts_json.get(account_id)
        return found[1] if found is not None and found[0] == version else None

    def account_json_at(self, account_id: int, version: int) -> bytes | None:
        """An account's JSON at ``version``: kept, or encoded from its kept rendering at that
        version and kept; None when neither is kept."""
        found = self.account_json(account_id, version)
        if found is not None:
            return found
        account = self._account(account_id, version)
        return None if account is None else self.keep_account_json(account_id, version, account)

    def keep_account_json(self, account_id: int, version: int, account: e.Account) -> bytes:
        """``account`` (the rendering of ``account_id`` at ``version``) encoded, and kept."""
        encoded = _encode(account)
        self.accounts_json.put(account_id, (version, encoded))
        return encoded

    def keep_accounts(self, accounts: Iterable[Account]) -> None:
        for account in accounts:
            self._keep_account(account)

    def lacks_accounts(self, wanted: Mapping[int, int]) -> list[int]:
        """The ids of ``wanted`` (account id -> row version) not cached at that version."""
        return [i for i, version in wanted.items() if self._account(i, version) is None]

    @property
    def needs_session(self) -> bool:
        """Whether a miss reads through the caller's session (no reader on the driver)."""
        return self.reader is None

    async def keep_missing_accounts(
        self, session: AsyncSession | None, wanted: Mapping[int, int]
    ) -> None:
        """Render and keep the accounts of ``wanted`` (account id -> row version) not cached
        at that version: one statement on the driver (``posts.queries.account_rows``), or
        through ``session`` without a reader; none when every one is cached."""
        missing = self.lacks_accounts(wanted)
        if not missing:
            return
        if self.reader is not None:
            self.keep_accounts(await account_rows(self.reader, missing))
            return
        assert session is not None, "without a reader, accounts read through a session"
        self.keep_accounts(await session.scalars(select(Account).where(Account.id.in_(missing))))

    def _keep_account(self, account: Account) -> e.Account:
        kept = self._account(account.id, account.version)
        if kept is not None:  # the same row version renders the same
            return kept
        rendered = self.renderer.account(account)
        self.accounts.put(account.id, (account.version, rendered))
        return rendered

    def _keep(self, bundle: Bundle) -> Found:
        if bundle.reblog is None:
            return Found(*self._keep_row(bundle.entry, None))
        reblog, reblog_account = self._keep_row(bundle.reblog, None)
        status, account = self._keep_row(bundle.entry, reblog.entity)
        return Found(status, account, reblog, reblog_account)

    def _keep_row(self, row: StatusRow, reblog: e.Status | None) -> tuple[Cached, e.Account]:
        account = self._keep_account(row.account)
        poll_version = row.poll.version if row.poll is not None else None
        status = row.status
        entity = self._rekeyed(row, poll_version, account) if reblog is None else None
        if entity is None:
            entity = self.renderer.status_row(row, None, None, reblog=reblog, author=account)
        cached = Cached(
            status.version,
            poll_version,
            entity,
            status,
            row.poll,
            status.id,
            status.account_id,
            bool(status.local),
            status.quote_of_id,
            status.visibility,
            status.quote_policy,
            (row.account.username, row.account.domain),
            weight(entity),
        )
        self.statuses.put(status.id, cached)
        return cached, account

    def _rekeyed(
        self, row: StatusRow, poll_version: int | None, account: e.Account
    ) -> e.Status | None:
        """The cached rendering of ``row``'s status with the new counts, when the row read
        differs from the one it was rendered from only in its counters and version (a
        favourite, boost or reply moved them); None when anything else changed (an edit, a
        poll, the application, the author's name or domain), which renders it again. The author's
        rendering is not part of it: every use of ``entity`` puts the account's current
        rendering in."""
        old = self.statuses.get(row.status.id)
        if old is None or old.poll_version != poll_version or old.entity.reblog is not None:
            return None
        if old.author_key != (row.account.username, row.account.domain):
            return None
        if not counters_only(old.status, row.status):  # the author's part is replaced
            return None
        if old.entity.application != self.renderer.app(row.app):
            return None
        self.rekeyed += 1
        s = row.status
        return msgspec.structs.replace(
            old.entity,
            account=account,
            replies_count=s.replies_count,
            reblogs_count=s.reblogs_count,
            favourites_count=s.favourites_count,
            quotes_count=s.quotes_count,
        )

    def personal(self, found: Found, row: PageRow, viewing: Viewing) -> e.Status:
        """The status of ``row`` as the viewer sees it."""
        inner = None
        if found.reblog is not None and found.reblog_account is not None:
            inner = self._personal(found.reblog, found.reblog_account, row, viewing, inner=True)
        return self._personal(found.status, found.account, row, viewing, reblog=inner)

    def _personal(
        self,
        cached: Cached,
        account: e.Account,
        row: PageRow,
        viewing: Viewing,
        *,
        reblog: e.Status | None = None,
        inner: bool = False,
    ) -> e.Status:
        marks = self._marks(cached, row, viewing.account_id, inner=inner)
        return msgspec.structs.replace(
            cached.entity,
            account=account,
            reblog=reblog,
            quote_approval=reblog.quote_approval
            if reblog is not None
            else self.renderer.quote_approval(cached.status, viewing.account_id),
            poll=marks.poll,
            favourited=bool(row.favourited),
            reblogged=bool(row.reblogged),
            bookmarked=bool(row.bookmarked),
            muted=marks.muted,
            pinned=msgspec.UNSET if marks.pinned is None else marks.pinned,
            filtered=self.renderer.filter_results(viewing.filters, cached.status)
            if viewing.filters
            else [],
        )

    def public(self, found: Found) -> e.Status:
        """The status of ``found`` as an anonymous reader sees it (no viewer's fields)."""
        inner = None
        if found.reblog is not None and found.reblog_account is not None:
            inner = self._public(found.reblog, found.reblog_account, None)
        return self._public(found.status, found.account, inner)

    def _public(self, cached: Cached, account: e.Account, reblog: e.Status | None) -> e.Status:
        poll = None
        if cached.poll is not None:
            poll = self.renderer.poll_for(cached.poll, None, None)
        approval = self.renderer.quote_approval(cached.status, None)
        return msgspec.structs.replace(
            cached.entity,
            account=account,
            reblog=reblog,
            poll=poll,
            quote_approval=reblog.quote_approval if reblog is not None else approval,
        )

    def _marks(self, cached: Cached, row: PageRow, viewer_id: int | None, *, inner: bool) -> Marks:
        """What of ``cached`` depends on the viewer beyond the row's plain flags; ``inner``
        for the status inside a reblog, whose mute and pin have columns of their own."""
        poll = None
        if cached.poll is not None:
            votes = [int(v) for v in row.own_votes.split(",")] if row.own_votes else []
            poll = self.renderer.poll_for(cached.poll, viewer_id, votes)
        pinned = None
        if cached.author_id == viewer_id:
            pinned = bool(row.reblog_pinned if inner else row.pinned)
        return Marks(poll, bool(row.reblog_muted if inner else row.muted), pinned)

    def personal_json(self, found: Found, row: PageRow, viewer_id: int | None) -> bytes:
        """``personal(found, row, Viewing(viewer_id))`` encoded as JSON (a viewer without
        active filters)."""
        proper = found.reblog if found.reblog is not None else found.status
        approval = _approval_json(proper, viewer_id)
        inner = b"null"
        if found.reblog is not None and found.reblog_account is not None:
            inner = self._personal_json(
                found.reblog, found.reblog_account, row, viewer_id, inner=True, approval=approval
            )
        return self._personal_json(
            found.status, found.account, row, viewer_id, reblog=inner, approval=approval
        )

    def _personal_json(
        self,
        cached: Cached,
        account: e.Account,
        row: PageRow,
        viewer_id: int | None,
        *,
        inner: bool = False,
        reblog: bytes = b"null",
        approval: bytes = b"null",
    ) -> bytes:
        encoded = self._encoded(cached, account)
        marks = self._marks(cached, row, viewer_id, inner=inner)
        poll = b"null" if marks.poll is None else _encode(marks.poll)
        pinned = b"" if marks.pinned is None else b',"pinned":' + _BOOL[marks.pinned]
        return b"".join(
            (
                encoded.head,
                reblog,
                b',"poll":',
                poll,
                encoded.tail,
                b',"favourited":',
                _BOOL[bool(row.favourited)],
                b',"reblogged":',
                _BOOL[bool(row.reblogged)],
                b',"muted":',
                _BOOL[marks.muted],
                b',"bookmarked":',
                _BOOL[bool(row.bookmarked)],
                pinned,
                b',"quote_approval":',
                approval,
                b',"filtered":[]}',
            )
        )

    def _encoded(self, cached: Cached, account: e.Account) -> Encoded:
        found = self.encoded.get(cached.status_id)
        if found is not None and found.status is cached and found.account is account:
            return found
        public = _encode(msgspec.structs.replace(cached.entity, account=account, **_PUBLIC))
        split = public.index(REBLOG_AND_POLL)
        encoded = Encoded(
            cached,
            account,
            public[:split] + b',"reblog":',
            public[split + len(REBLOG_AND_POLL) - 1 : -1],
        )
        if self.statuses.get(cached.status_id) is cached:  # not one forgotten since
            self.encoded.put(cached.status_id, encoded)
        return encoded
