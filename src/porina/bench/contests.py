"""A contest's close at scale (issue 18): one brand post with a contest and ``entrants``
accounts entering it (each favourites; every third also replies, every fifth privately), all
written in bulk into a fresh migrated database. Measured: ``campaigns.contests.close`` in one
transaction (read the entries, tally, write the entries file, draw the winners) and then the
proof (``proof_of``), together; target under 5 s for 200,000 entrants. The proof is checked
with ``campaigns.proof.verify`` (not timed)."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from sqlalchemy import insert
from sqlalchemy.ext.asyncio import AsyncConnection, create_async_engine

from porina.accounts.models import Account
from porina.bench.bulk import chunks
from porina.bench.server import Server, Stack
from porina.campaigns import contests, draw
from porina.campaigns.models import Contest, ContestEntry
from porina.campaigns.proof import verify
from porina.core.clock import now
from porina.core.ids import new_id
from porina.posts.models import Status
from porina.settings import Settings, load
from porina.storage.db import Database

TARGET_S = 5.0
WINNERS = 10


@dataclass(frozen=True)
class _Context:
    settings: Settings
    broker: Any = None
    invalidations: Any = None


async def _bulk(conn: AsyncConnection, table: Any, rows: Iterable[dict[str, Any]]) -> None:
    for batch in chunks(rows):
        await conn.execute(insert(table.__table__), batch)


def _entries(contest_id: int, ids: list[int]) -> Iterator[dict[str, Any]]:
    moment = now()
    for n, account_id in enumerate(ids):
        base = {"contest_id": contest_id, "account_id": account_id, "created_at": moment}
        yield {**base, "id": new_id(), "action": "favourite", "private": False}
        if n % 3 == 0:
            yield {**base, "id": new_id(), "action": "reply", "private": n % 5 == 0}


async def seed(url: str, entrants: int) -> int:
    """The brand, its post and contest, the entrants and their entries; the contest's id."""
    engine = create_async_engine(url)
    moment = now()
    brand = {"id": new_id(), "username": "arvonta", "display_name": "", "created_at": moment}
    ids = [new_id() for _ in range(entrants)]
    people = (
        {"id": i, "username": f"e{n}", "display_name": "", "created_at": moment}
        for n, i in enumerate(ids)
    )
    status = {"id": new_id(), "account_id": brand["id"], "visibility": "public"}
    secret = draw.new_secret()
    contest_id = new_id()
    contest: dict[str, Any] = {
        "id": contest_id,
        "brand_account_id": brand["id"],
        "status_id": status["id"],
        "title": "Bench",
        "prizes": "Coffee",
        "starts_at": moment - timedelta(days=1),
        "ends_at": moment,
        "winners": WINNERS,
        "weights": {"favourite": 1, "reply": 2},
        "min_account_age_days": 0,
        "min_followers": 0,
        "secret": secret,
        "pseudonym_key": draw.new_secret(),
        "commitment": draw.commitment(secret),
        "state": "open",
        "created_at": moment,
    }
    try:
        async with engine.begin() as conn:
            await _bulk(conn, Account, [brand])
            await _bulk(conn, Account, people)
            await _bulk(conn, Status, [{**status, "created_at": moment}])
            await _bulk(conn, Contest, [contest])
            await _bulk(conn, ContestEntry, _entries(contest_id, ids))
    finally:
        await engine.dispose()
    return contest_id


async def measure(stack: Stack, entrants: int, say: Callable[[str], None]) -> dict[str, Any]:
    async with Server(stack, "contests") as server:
        say(f"contests: seeding {entrants:,} entrants ...")
        contest_id = await seed(server.database_url, entrants)
        db = Database(server.database_url)
        db.attach(_Context(load({"PORINA_DATABASE_URL": server.database_url})))
        try:
            started = time.perf_counter()
            async with db.transaction() as tx:
                row = await contests.close(tx, contest_id)
            async with db.read() as session:
                row = await contests.get(session, contest_id)
                proof = contests.proof_of(row, await contests.draws(session, contest_id))
            seconds = round(time.perf_counter() - started, 2)
        finally:
            await db.dispose()
    listed = (row.entries or "").count("\n")
    say(f"contests: closed and drawn {listed:,} entrants with the proof in {seconds} s")
    return {"entrants": listed, "seconds": seconds, "proof_ok": verify(proof) == []}


def targets(results: dict[str, Any]) -> list[dict[str, Any]]:
    found = results.get("contests")
    if not found:
        return []
    met = found["seconds"] < TARGET_S and found["proof_ok"]
    return [
        {
            "name": f"contest close + proof, {found['entrants']:,} entrants (s)",
            "value": found["seconds"],
            "target": f"< {TARGET_S}",
            "met": met,
        }
    ]
