"""Analytics at scale (issue 17, point 5): ``statuses`` statuses and ``events`` interaction
events over ``DAYS`` days, written in bulk into a fresh migrated database, every day rolled
up by the daily job's ``roll_day``; then, in process, timed as the API answers them:

- the 90-day overview of the busiest account (a brand with 1 % of the posts and 30 % of the
  engagements): ``reports.period`` for the period and the one before, as
  ``GET /api/porina/v1/analytics/overview`` does; target under 1 s;
- one of its posts over time, 60 days old: ``per_status.one_of``, ``lifetime`` and
  ``over_time``, as ``GET …/analytics/statuses/:id``; target under 200 ms;
- its best times to post (16 weeks of its posts' engagements), ``per_status.best_times`` as
  ``GET …/analytics/best_times``; under 1 s, as the dashboard page that shows it.

Each is run ``RUNS`` times; the report gives the first (cold) run and the median. The world
(seeded ``Random(17)``): events are favourites 55 %, posts (one per status), reblogs 10 %,
replies 8 %, bookmarks 4 %, follows 3 %; each engagement's time follows its status's
publication (exponential, mean a day, within the window). Ids are made from the events' times,
as ``analytics.events.record`` makes them. Each brand post has 50-350 distinct signed-in readers
(``analytics_viewers``), so the overview's reach -- distinct over the raw days kept, by the
default ``PORINA_ANALYTICS_RAW_DAYS`` all 90 -- is measured at scale and checked against the
readers written.
"""

from __future__ import annotations

import itertools
import json
import random
import statistics
import time
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from datetime import time as dtime
from typing import Any

from sqlalchemy import insert
from sqlalchemy.ext.asyncio import AsyncConnection, create_async_engine

from porina.accounts.models import Account
from porina.analytics import per_status, readers, reports, rollup
from porina.analytics.models import (
    AnalyticsEvent,
    AnalyticsImpressions,
    AnalyticsReaders,
    AnalyticsViewer,
)
from porina.bench.bulk import chunks
from porina.bench.server import Server, Stack
from porina.core.clock import now
from porina.core.ids import id_at
from porina.posts.models import Status
from porina.settings import Settings, load
from porina.storage.db import Database

TARGET_OVERVIEW_S = 1.0
TARGET_POST_S = 0.2
DAYS = 180
PEOPLE = 20_000
RUNS = 5
BRAND_POSTS = 0.01
BRAND_SHARE = 0.30
KEEP_DAYS = Settings().analytics_raw_days
"""Raw rows kept (``PORINA_ANALYTICS_RAW_DAYS``, its default): reach is distinct over these
days, and the sum of the daily figures before them."""
VIEWERS = (50, 350)
"""Distinct signed-in readers of each brand post (uniform), 80 % on its first day."""
STATUS: dict[str, Any] = {
    "visibility": "public",
    "text": "",
    "content": "",
    "spoiler_text": "",
    "sensitive": False,
    "quote_policy": "public",
    "anonymous": False,
    "local": True,
    "replies_count": 0,
    "reblogs_count": 0,
    "favourites_count": 0,
    "quotes_count": 0,
    "media": [],
    "mentions": [],
    "tags": [],
    "emojis": [],
}
"""A status's columns besides its id, author and time (written straight to the driver)."""
EXPECTED = {
    "interaction:favourite:create": "favourites",
    "interaction:reblog:create": "reblogs",
    "post:reply:create": "replies",
    "interaction:bookmark:create": "bookmarks",
    "account:follow:create": "followers_gained",
}
KINDS = (
    ("interaction:favourite:create", 0.55),
    ("interaction:reblog:create", 0.10),
    ("post:reply:create", 0.08),
    ("interaction:bookmark:create", 0.04),
    ("account:follow:create", 0.03),
)


@dataclass(frozen=True)
class _Context:
    settings: Settings
    broker: Any = None
    invalidations: Any = None


@dataclass
class World:
    expected: Counter[str]
    brand: int
    post: int
    """A brand post about 60 days old (the per-post view's)."""
    reach: int
    """The brand's 90-day reach, as written."""
    statuses: int
    events: int
    seed_seconds: float


async def _bulk(conn: AsyncConnection, table: Any, rows: Iterable[dict[str, Any]]) -> int:
    """Through the ORM's insert: every column default applied (accounts, statuses)."""
    count = 0
    for batch in chunks(rows):
        await conn.execute(insert(table.__table__), batch)
        count += len(batch)
    return count


def _sqlite_value(value: Any) -> Any:
    if isinstance(value, datetime):
        return value.astimezone(UTC).replace(tzinfo=None).strftime("%Y-%m-%d %H:%M:%S.%f")
    if isinstance(value, dict | list):
        return json.dumps(value)
    if isinstance(value, date):
        return value.isoformat()
    return value


def _pg_value(value: Any) -> Any:
    return json.dumps(value) if isinstance(value, dict | list) else value


async def _fast(conn: AsyncConnection, table: Any, rows: Iterable[dict[str, Any]]) -> int:
    """Straight to the driver (the events: ten million rows through the ORM's per-row
    processing took longer than everything measured): SQLite's ``executemany`` with the
    values the column types would store, PostgreSQL's ``COPY``."""
    name = table.__tablename__
    count, columns = 0, None
    for batch in chunks(rows):
        columns = columns or list(batch[0])
        if conn.dialect.name == "sqlite":
            marks = ", ".join("?" * len(columns))
            sql = f"INSERT INTO {name} ({', '.join(columns)}) VALUES ({marks})"
            values = [tuple(_sqlite_value(r[c]) for c in columns) for r in batch]
            await conn.exec_driver_sql(sql, values)
        else:
            raw = await conn.get_raw_connection()
            records = [tuple(_pg_value(r[c]) for c in columns) for r in batch]
            await raw.driver_connection.copy_records_to_table(  # type: ignore[union-attr]
                name, records=records, columns=columns
            )
        count += len(batch)
    return count


_SEQUENCE = itertools.count()


def _id(at: datetime) -> int:
    """An id of ``at``'s millisecond; the low 16 bits a running count, so two rows of one
    millisecond differ (random bits collide among millions)."""
    return id_at(at) | (next(_SEQUENCE) & 0xFFFF)


class _Seeder:
    def __init__(self, statuses: int, events: int, rng: random.Random) -> None:
        self.rng = rng
        self.moment = now()
        self.start = self.moment - timedelta(days=DAYS)
        joined = self.start - timedelta(days=30)
        self.people = [_id(joined + timedelta(seconds=n)) for n in range(PEOPLE)]
        self.brand = self.people[0]
        self.statuses = statuses
        self.events = events
        self.posts: list[tuple[int, int, datetime]] = []
        self.brand_posts: list[tuple[int, int, datetime]] = []
        self.window = datetime.combine(self.moment.date() - timedelta(days=89), dtime(), UTC)
        self.seen: dict[date, set[int]] = {}
        """The brand's readers per day (the expected reach)."""
        self.expected: Counter[str] = Counter()
        """The brand's engagements in the 90-day window, as written (checked against the
        overview the rollups answer)."""

    def accounts(self) -> Iterator[dict[str, Any]]:
        created = self.start - timedelta(days=30)
        for n, account_id in enumerate(self.people):
            name = "brand" if n == 0 else f"p{n}"
            yield {"id": account_id, "username": name, "display_name": "", "created_at": created}

    def status_rows(self) -> Iterator[dict[str, Any]]:
        rng, span = self.rng, DAYS * 86400.0
        for _ in range(self.statuses):
            at = self.start + timedelta(seconds=rng.random() * span)
            author = self.brand if rng.random() < BRAND_POSTS else rng.choice(self.people)
            status_id = _id(at)
            self.posts.append((status_id, author, at))
            if author == self.brand:
                self.brand_posts.append((status_id, author, at))
            yield {"id": status_id, "account_id": author, "created_at": at, **STATUS}

    def _about(self) -> tuple[int, int, datetime]:
        pool = self.brand_posts if self.rng.random() < BRAND_SHARE else self.posts
        return self.rng.choice(pool)

    def _when(self, after: datetime) -> datetime:
        """Soon after ``after`` (exponential, mean a day, at most 14 days), never in the
        future: past now, a moment between ``after`` and now."""
        delay = timedelta(seconds=min(self.rng.expovariate(1 / 86400.0), 14 * 86400.0))
        if after + delay < self.moment:
            return after + delay
        return after + (self.moment - after) * self.rng.random()

    def _event(self, name: str, at: datetime, actor: int, **fields: Any) -> dict[str, Any]:
        return {
            "id": _id(at),
            "name": name,
            "actor_account_id": actor,
            "operator_user_id": None,
            "target_type": fields.get("target_type"),
            "target_id": fields.get("target_id"),
            "target_account_id": fields.get("target_account_id"),
            "data": fields.get("data", {}),
            "created_at": at,
            "about_status_id": fields.get("about"),
        }

    def event_rows(self) -> Iterator[dict[str, Any]]:
        for status_id, author, at in self.posts:
            yield self._event("post:status:create", at, author, target_id=status_id)
        names = [k for k, _ in KINDS]
        weights = [w for _, w in KINDS]
        rng = self.rng
        others = self.people[1:]  # the brand never engages with its own posts here
        for _ in range(max(0, self.events - len(self.posts))):
            name = rng.choices(names, weights)[0]
            actor = rng.choice(others)
            status_id, author, at = self._about()
            when = self._when(at)
            if author == self.brand and when >= self.window:
                self.expected[EXPECTED[name]] += 1
            if name == "account:follow:create":
                yield self._event(name, when, actor, target_account_id=author)
            elif name == "post:reply:create":
                reply = {"parent_id": str(status_id)}
                yield self._event(
                    name,
                    when,
                    actor,
                    target_id=_id(when),
                    target_account_id=author,
                    data=reply,
                )
            else:
                yield self._event(
                    name,
                    when,
                    actor,
                    target_type="status",
                    target_id=status_id,
                    target_account_id=author,
                    about=status_id,
                )

    def impression_rows(self) -> Iterator[dict[str, Any]]:
        """The brand's posts' first 24 hours of impressions (the flush writes per hour)."""
        for status_id, author, at in self.brand_posts:
            hour = at.replace(minute=0, second=0, microsecond=0)
            for n in range(24):
                yield {
                    "status_id": status_id,
                    "hour": hour + timedelta(hours=n),
                    "account_id": author,
                    "impressions": self.rng.randint(1, 200),
                }

    def viewer_rows(self) -> Iterator[dict[str, Any]]:
        """The brand's posts' signed-in readers, one row per reader and day (as the flush
        writes them): ``VIEWERS`` distinct people, 80 % on the post's day, the rest the day
        after (when that day has come)."""
        rng, others, today = self.rng, self.people[1:], self.moment.date()
        for status_id, author, at in self.brand_posts:
            first = at.date()
            for viewer in rng.sample(others, rng.randint(*VIEWERS)):
                day = first if rng.random() < 0.8 else first + timedelta(days=1)
                day = min(day, today)
                self.seen.setdefault(day, set()).add(viewer)
                yield {
                    "status_id": status_id,
                    "day": day,
                    "viewer_id": viewer,
                    "account_id": author,
                }

    def reader_rows(self) -> Iterator[dict[str, Any]]:
        """``analytics_readers`` of the readers written (the flush writes both)."""
        seen = ((self.brand, day, v) for day, viewers in self.seen.items() for v in viewers)
        for (author, block, viewer), days in readers.bitmaps(seen).items():
            yield {"account_id": author, "block": block, "viewer_id": viewer, "days": days}

    def expected_reach(self, first: date, last: date) -> int:
        """Reach as the dictionary defines it for ``first..last`` (``last`` today): distinct
        over the kept days, the sum of the daily figures before them."""
        kept_from = last - timedelta(days=KEEP_DAYS)
        days = [first + timedelta(days=n) for n in range((last - first).days + 1)]
        early = sum(len(self.seen.get(d, ())) for d in days if d < kept_from)
        late: set[int] = set().union(*(self.seen.get(d, set()) for d in days if d >= kept_from))
        return early + len(late)


async def seed(url: str, statuses: int, events: int, say: Callable[[str], None]) -> World:
    started = time.perf_counter()
    seeder = _Seeder(statuses, events, random.Random(17))
    engine = create_async_engine(url)
    try:
        async with engine.begin() as conn:
            await _bulk(conn, Account, seeder.accounts())
            await _fast(conn, Status, seeder.status_rows())
        say(f"analytics: {statuses:,} statuses in {time.perf_counter() - started:.0f} s")
        async with engine.begin() as conn:
            written = await _fast(conn, AnalyticsEvent, seeder.event_rows())
        say(f"analytics: {written:,} events in {time.perf_counter() - started:.0f} s")
        async with engine.begin() as conn:
            await _fast(conn, AnalyticsImpressions, seeder.impression_rows())
        async with engine.begin() as conn:
            viewers = await _fast(conn, AnalyticsViewer, seeder.viewer_rows())
        async with engine.begin() as conn:
            await _fast(conn, AnalyticsReaders, seeder.reader_rows())
        say(f"analytics: {viewers:,} reader-days in {time.perf_counter() - started:.0f} s")
    finally:
        await engine.dispose()
    target = seeder.moment - timedelta(days=60)
    post = min(seeder.brand_posts, key=lambda p: abs((p[2] - target).total_seconds()))
    today = seeder.moment.date()
    reach = seeder.expected_reach(today - timedelta(days=89), today)
    return World(
        seeder.expected,
        seeder.brand,
        post[0],
        reach,
        statuses,
        written,
        time.perf_counter() - started,
    )


async def roll_all(db: Database, say: Callable[[str], None]) -> float:
    """Roll up every day of the window, as the daily job does one day at a time."""
    started = time.perf_counter()
    today = now().date()
    first: date = today - timedelta(days=DAYS + 1)
    day = first
    while day < today:
        async with db.transaction() as tx:
            await rollup.roll_day(tx, day)
        day += timedelta(days=1)
    seconds = time.perf_counter() - started
    say(f"analytics: {DAYS + 1} days rolled up in {seconds:.0f} s")
    return seconds


async def _timed(run: Callable[[], Any]) -> list[float]:
    out = []
    for _ in range(RUNS):
        started = time.perf_counter()
        await run()
        out.append(time.perf_counter() - started)
    return out


async def measure(
    stack: Stack, statuses: int, events: int, say: Callable[[str], None]
) -> dict[str, Any]:
    async with Server(stack, "analytics") as server:
        say(f"analytics: seeding {statuses:,} statuses and {events:,} events ...")
        world = await seed(server.database_url, statuses, events, say)
        db = Database(server.database_url)
        db.attach(_Context(load({"PORINA_DATABASE_URL": server.database_url})))
        try:
            rolled = await roll_all(db, say)
            overview, post, best = await _measured(db, world)
            counted = await _overview_counts(db, world)
        finally:
            await db.dispose()
    say(
        f"analytics: 90-day overview {statistics.median(overview) * 1000:.0f} ms (median), "
        f"a post over time {statistics.median(post) * 1000:.0f} ms"
    )
    return {
        "statuses": world.statuses,
        "events": world.events,
        "days": DAYS,
        "seed_seconds": round(world.seed_seconds, 1),
        "rollup_seconds": round(rolled, 1),
        "overview_ms": [round(s * 1000, 1) for s in overview],
        "post_ms": [round(s * 1000, 1) for s in post],
        "best_times_ms": [round(s * 1000, 1) for s in best],
        "brand_counts": counted,
        "brand_written": {**world.expected, "reach": world.reach},
        "figures_match": all(counted[k] == world.expected[k] for k in EXPECTED.values())
        and counted["reach"] == world.reach,
    }


async def _overview_counts(db: Database, world: World) -> dict[str, int]:
    """The brand's 90-day counts as the overview gives them (from the rollups)."""
    today = now().date()
    when = reports.span(str(today - timedelta(days=89)), str(today))
    async with db.read() as session:
        found = await reports.period(session, world.brand, when, KEEP_DAYS)
    counts = {k: int(found.totals.counts[k]) for k in EXPECTED.values()}
    return {**counts, "reach": found.totals.reach}


async def _measured(db: Database, world: World) -> tuple[list[float], list[float], list[float]]:
    today = now().date()
    when = reports.span(str(today - timedelta(days=89)), str(today))

    async def overview() -> None:
        async with db.read() as session:
            await reports.period(session, world.brand, when, KEEP_DAYS)
            await reports.period(session, world.brand, when.previous(), KEEP_DAYS)

    async def one_post() -> None:
        async with db.read() as session:
            post = await per_status.one_of(session, world.brand, world.post)
            assert post is not None
            await per_status.lifetime(session, world.brand, [post])
            await per_status.over_time(session, post)

    async def best() -> None:
        async with db.read() as session:
            await per_status.best_times(session, world.brand)

    return await _timed(overview), await _timed(one_post), await _timed(best)


def targets(results: dict[str, Any]) -> list[dict[str, Any]]:
    found = results.get("analytics")
    if not found:
        return []
    size = f"{found['events']:,} events, {found['statuses']:,} statuses"
    overview = statistics.median(found["overview_ms"]) / 1000
    post = statistics.median(found["post_ms"]) / 1000
    best = statistics.median(found.get("best_times_ms") or [0]) / 1000
    return [
        {
            "name": f"analytics 90-day overview, {size} (s, median of {RUNS})",
            "value": round(overview, 3),
            "target": f"< {TARGET_OVERVIEW_S}",
            "met": overview < TARGET_OVERVIEW_S,
        },
        {
            "name": f"analytics one post over time, {size} (s, median of {RUNS})",
            "value": round(post, 3),
            "target": f"< {TARGET_POST_S}",
            "met": post < TARGET_POST_S,
        },
        {
            "name": f"analytics best times to post (16 weeks), {size} (s, median of {RUNS})",
            "value": round(best, 3),
            "target": f"< {TARGET_OVERVIEW_S}",
            "met": best < TARGET_OVERVIEW_S,
        },
    ]
