"""The desk at scale (issue 16, "Scale and checks"): one brand with a team and ``conversations``
conversations holding ``items`` items, written in bulk into the real (migrated) schema, as
``bench/seed.py`` writes the social world: SQLAlchemy Core ``executemany`` batches, and
PostgreSQL's ``COPY`` for the items.

The mix (``rng`` is seeded: the same world every run):

- a brand ``deskbrand``, its owner and ``agents`` agents (``account_operators``); each has a
  token acting as the brand (what the desk API is called with);
- one contact account per conversation; the first ``customers`` have logins and tokens of
  their own (they post in the delay probe and the standard load);
- statuses 40 % resolved, 35 % open, 10 % pending, 10 % snoozed (half of them woken), 5 %
  open but never opened (only light items); 40 % unassigned, the rest spread over the agents
  (weights ``1 / rank``); priorities none / low / medium / high / urgent; 0 to 3 of 12 labels;
  sentiment; last activity over the last 90 days;
- items: at least one per conversation, most conversations a few (a Pareto tail), and
  ``LONG`` conversations with thousands; kinds mentions, replies, direct messages, quotes,
  favourites, boosts, follows, notes and sent replies; 30 % of the notes mention an agent
  (``desk_mentions``, and ``desk_mentioned``: the *Mentioned* view's rows);
- the measured conversations' message items point at real statuses (the page renders them);
  the other items carry no status (nothing measured reads them);
- ``statuses`` other public posts by the contacts over the last 90 days, so that the
  ``statuses`` table is an instance's size: with only the measured items' few hundred,
  PostgreSQL's planner rightly scans the table where an instance's plan takes an index (a
  conversation page's reblog check), and the figures were not an instance's.
"""

from __future__ import annotations

import itertools
import random
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import insert, text
from sqlalchemy.ext.asyncio import AsyncConnection, create_async_engine

from porina.accounts import passwords
from porina.accounts.models import Account, AccountOperator, OAuthToken, User
from porina.accounts.tokens import digest, new_secret
from porina.bench.bulk import chunks
from porina.bench.seed import PASSWORD
from porina.core.clock import now
from porina.core.ids import id_at, new_id
from porina.desk.models import DeskConversation, DeskItem, DeskMention, DeskMentioned
from porina.posts.models import Status

BRAND = "deskbrand"
LONG = (20_000, 8_000, 4_000, 2_000, 1_000)  # the long tail: a few conversations with thousands
KINDS = {
    "mention": 30,
    "reply": 25,
    "direct": 10,
    "quote": 3,
    "favourite": 8,
    "reblog": 5,
    "follow": 2,
    "note": 7,
    "sent": 10,
}
MESSAGES = {"mention", "reply", "direct", "quote"}
STAFF_KINDS = {"note", "sent"}
LABELS = [f"label{n}" for n in range(12)]
PRIORITIES = [None, None, "low", "medium", "high", "urgent"]
SENTIMENTS = [None, "positive", "neutral", "negative"]
ITEM_COLUMNS = (
    "id",
    "conversation_id",
    "kind",
    "status_id",
    "account_id",
    "operator_user_id",
    "text",
    "sentiment",
    "dedupe",
    "created_at",
)


@dataclass
class DeskSizes:
    conversations: int = 100_000
    items: int = 1_000_000
    agents: int = 8
    customers: int = 64
    statuses: int = 100_000


@dataclass
class DeskWorld:
    """What the desk measurements need to know about the seeded desk."""

    brand_id: int = 0
    staff_tokens: list[str] = field(default_factory=list)  # agents acting as the brand
    customers: list[tuple[int, str, int]] = field(default_factory=list)  # (account, token, conv)
    long_id: int = 0  # the conversation with the most items
    short_id: int = 0  # a conversation with a handful of items
    status_ids: list[int] = field(default_factory=list)
    rows: dict[str, int] = field(default_factory=dict)


_SEQUENCE = itertools.count()


def _id_at(at: datetime) -> int:
    """An id of time ``at`` (``core.ids``' layout: milliseconds, 16 low bits), the low bits
    from a counter: a million rows placed at random times never collide."""
    return id_at(at) | (next(_SEQUENCE) & 0xFFFF)


async def _bulk(conn: AsyncConnection, table: Any, rows: Iterable[dict[str, Any]]) -> int:
    count = 0
    for batch in chunks(rows):
        await conn.execute(insert(table.__table__), batch)
        count += len(batch)
    return count


async def _items(conn: AsyncConnection, rows: Iterable[dict[str, Any]]) -> int:
    """The items: ``COPY`` on PostgreSQL (asyncpg's binary copy), batches elsewhere."""
    if conn.dialect.name != "postgresql":
        return await _bulk(conn, DeskItem, rows)
    raw = (await conn.get_raw_connection()).driver_connection
    assert raw is not None
    count = 0
    for batch in chunks(tuple(r[c] for c in ITEM_COLUMNS) for r in rows):
        await raw.copy_records_to_table("desk_items", records=batch, columns=list(ITEM_COLUMNS))
        count += len(batch)
    return count


def _account(name: str, moment: datetime, base: str, n: int = 0) -> dict[str, Any]:
    return {
        "id": _id_at(moment - timedelta(days=120, seconds=n)),
        "username": name,
        "display_name": name,
        "created_at": moment,
        "uri": f"{base}/users/{name}",
        "url": f"{base}/@{name}",
    }


def _user(account: dict[str, Any], password: str, moment: datetime) -> dict[str, Any]:
    return {
        "id": new_id(),
        "account_id": account["id"],
        "email": f"{account['username']}@bench.invalid",
        "password_hash": password,
        "settings": {},
        "created_at": moment,
        "confirmed_at": moment,
        "approved": True,
    }


def _token(user_id: int, account_id: int, moment: datetime) -> tuple[str, dict[str, Any]]:
    secret = new_secret()
    return secret, {
        "id": new_id(),
        "token_hash": digest(secret),
        "user_id": user_id,
        "account_id": account_id,
        "scopes": "read write follow push",
        "created_at": moment,
    }


async def _people(
    conn: AsyncConnection, world: DeskWorld, sizes: DeskSizes, moment: datetime, base: str
) -> tuple[list[int], list[dict[str, Any]], list[int]]:
    """The brand, its team (users, roles, tokens acting as the brand), the contacts and the
    customers' logins. Returns the agents' user ids, the staff accounts and contact ids."""
    password = await passwords.hash(PASSWORD)  # once: argon2 is slow on purpose
    brand = _account(BRAND, moment, base)
    staff = [_account(f"deskstaff{n}", moment, base, n + 1) for n in range(sizes.agents + 1)]
    contacts = [_account(f"c{n}", moment, base, n + 100) for n in range(sizes.conversations)]
    world.brand_id = brand["id"]
    world.rows["accounts"] = await _bulk(conn, Account, [brand, *staff, *contacts])
    customers = contacts[: sizes.customers]
    users = [_user(a, password, moment) for a in [*staff, *customers]]
    await _bulk(conn, User, users)
    staff_users, customer_users = users[: len(staff)], users[len(staff) :]
    roles = ["owner", *("agent" for _ in range(sizes.agents))]
    await _bulk(
        conn,
        AccountOperator,
        (
            {"account_id": brand["id"], "user_id": u["id"], "role": r, "created_at": moment}
            for u, r in zip(staff_users, roles, strict=True)
        ),
    )
    tokens = [_token(u["id"], brand["id"], moment) for u in staff_users[1:]]
    mine = [_token(u["id"], u["account_id"], moment) for u in customer_users]
    await _bulk(conn, OAuthToken, [row for _, row in [*tokens, *mine]])
    world.staff_tokens = [secret for secret, _ in tokens]
    world.customers = [
        (u["account_id"], s, 0) for u, (s, _) in zip(customer_users, mine, strict=True)
    ]
    return [u["id"] for u in staff_users[1:]], staff, [c["id"] for c in contacts]


def _counts(sizes: DeskSizes, rng: random.Random) -> list[int]:
    """Items per conversation: the long tail first, at least one each, a Pareto spread of the
    rest (capped at 300), summing to ``sizes.items``."""
    n = sizes.conversations
    long = [x for x in LONG if x * 4 <= sizes.items][: max(0, n - 1)]
    rest = n - len(long)
    spare = max(0, sizes.items - sum(long) - rest)
    weights = [min(rng.paretovariate(1.3), 300.0) for _ in range(rest)]
    total = sum(weights) or 1.0
    counts = [1 + int(spare * w / total) for w in weights]
    for i in rng.sample(range(rest), min(rest, sizes.items - sum(long) - sum(counts))):
        counts[i] += 1
    return long + counts


def _conversation(
    cid: int, contact: int, rng: random.Random, agents: list[int], moment: datetime
) -> dict[str, Any]:
    last = moment - timedelta(seconds=rng.uniform(60, 90 * 86400))
    roll = rng.random()
    status = (
        "resolved"
        if roll < 0.40
        else "open"
        if roll < 0.80
        else "pending"
        if roll < 0.90
        else "snoozed"
    )
    snooze = moment + timedelta(hours=rng.choice((-5, 5))) if status == "snoozed" else None
    cum = list(itertools.accumulate(1.0 / (r + 1) for r in range(len(agents))))
    assignee = None if rng.random() < 0.40 else rng.choices(agents, cum_weights=cum)[0]
    return {
        "id": cid,
        "brand_account_id": 0,  # set by the caller
        "contact_account_id": contact,
        "status": status,
        "assignee_user_id": assignee,
        "priority": rng.choice(PRIORITIES),
        "labels": rng.sample(LABELS, rng.choice((0, 0, 1, 1, 2, 3))),
        "snooze_until": snooze,
        "last_activity_at": last,
        "created_at": last,
        "opened_at": None if roll >= 0.75 and roll < 0.80 else last,
        "resolved_at": last if status == "resolved" else None,
        "sentiment": rng.choice(SENTIMENTS),
    }


def _item_rows(
    conv: dict[str, Any],
    count: int,
    rng: random.Random,
    staff: list[tuple[int, int]],
    mentions: list[dict[str, Any]],
) -> Iterator[dict[str, Any]]:
    """``count`` items ending at the conversation's last activity, a few minutes apart."""
    kinds = rng.choices(list(KINDS), weights=list(KINDS.values()), k=count)
    end: datetime = conv["last_activity_at"]
    step = timedelta(seconds=max(1.0, min(600.0, 30 * 86400 / count)))
    for n, kind in enumerate(kinds):
        at = end - step * (count - 1 - n)
        account, user = (
            staff[n % len(staff)] if kind in STAFF_KINDS else (conv["contact_account_id"], None)
        )
        item = {
            "id": _id_at(at),
            "conversation_id": conv["id"],
            "kind": kind,
            "status_id": None,
            "account_id": account,
            "operator_user_id": user,
            "text": f"note {n}: checking this one" if kind == "note" else None,
            "sentiment": rng.choice(SENTIMENTS) if kind in MESSAGES else None,
            "dedupe": f"b{n}",
            "created_at": at,
        }
        if kind == "note" and rng.random() < 0.30:
            who = rng.choice(staff)[1]
            mentions.append({"item_id": item["id"], "user_id": who, "conversation_id": conv["id"]})
        yield item


async def _statuses(conn: AsyncConnection, items: list[dict[str, Any]], world: DeskWorld) -> None:
    """Real statuses behind the measured conversations' message items (their latest 200)."""
    rows = []
    for item in items:
        if item["kind"] in MESSAGES:
            item["status_id"] = item["id"]
            words = f"@{BRAND} about my order, message {item['dedupe']}"
            rows.append(
                {
                    "id": item["id"],
                    "account_id": item["account_id"],
                    "text": words,
                    "content": f"<p>{words}</p>",
                    "created_at": item["created_at"],
                    "tags": [],
                    "mentions": [],
                }
            )
    world.status_ids += [r["id"] for r in rows]
    world.rows["statuses"] = world.rows.get("statuses", 0) + await _bulk(conn, Status, rows)


def _background(
    contacts: list[int], count: int, moment: datetime, rng: random.Random
) -> Iterator[dict[str, Any]]:
    """``count`` public posts by random contacts over the last 90 days (none is an item)."""
    for n in range(count):
        words = f"Out and about today, post {n}"
        at = moment - timedelta(seconds=rng.uniform(60, 90 * 86_400))
        yield {
            "id": _id_at(at),
            "account_id": rng.choice(contacts),
            "text": words,
            "content": f"<p>{words}</p>",
            "created_at": at,
            "tags": [],
            "mentions": [],
        }


def _mentioned(mentions: list[dict[str, Any]], convs: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The *Mentioned* view's rows (``desk/mentioned.py``): one per agent and conversation,
    with the conversation's columns."""
    by_id = {c["id"]: c for c in convs}
    pairs = sorted({(m["user_id"], m["conversation_id"]) for m in mentions})
    columns = ("brand_account_id", "status", "snooze_until", "last_activity_at")
    return [
        {"user_id": user, "conversation_id": cid, **{k: by_id[cid][k] for k in columns}}
        for user, cid in pairs
    ]


async def seed_desk(url: str, sizes: DeskSizes, base: str, rng: random.Random) -> DeskWorld:
    """Fill the (migrated) database at ``url`` with the desk world; returns what the
    measurements need."""
    engine = create_async_engine(url)
    world = DeskWorld()
    moment = now()
    try:
        async with engine.begin() as conn:
            agents, staff, contacts = await _people(conn, world, sizes, moment, base)
            team = [(a["id"], u) for a, u in zip(staff[1:], agents, strict=True)]
            counts = _counts(sizes, rng)
            convs = []
            for n, contact in enumerate(contacts):
                cid = _id_at(moment - timedelta(days=100, seconds=n))
                conv = _conversation(cid, contact, rng, agents, moment)
                conv["brand_account_id"] = world.brand_id
                convs.append(conv)
            world.rows["desk_conversations"] = await _bulk(conn, DeskConversation, convs)
            world.long_id = convs[0]["id"]
            short = next((i for i, c in enumerate(counts) if i and 3 <= c <= 10), 1)
            world.short_id = convs[short]["id"]
            by_contact = {c["contact_account_id"]: c["id"] for c in convs}
            world.customers = [(a, t, by_contact[a]) for a, t, _ in world.customers]
            mentions: list[dict[str, Any]] = []
            measured = []
            for index in (0, short):
                rows = list(_item_rows(convs[index], counts[index], rng, team, mentions))
                await _statuses(conn, rows[-200:], world)
                measured += rows
            others = (
                item
                for i, (conv, n) in enumerate(zip(convs, counts, strict=True))
                if i not in (0, short)
                for item in _item_rows(conv, n, rng, team, mentions)
            )
            world.rows["desk_items"] = await _items(conn, itertools.chain(measured, others))
            world.rows["desk_mentions"] = await _bulk(conn, DeskMention, mentions)
            mentioned = _mentioned(mentions, convs)
            world.rows["desk_mentioned"] = await _bulk(conn, DeskMentioned, mentioned)
            background = _background(contacts, sizes.statuses, moment, rng)
            world.rows["statuses"] += await _bulk(conn, Status, background)  # after _statuses
        if engine.dialect.name == "postgresql":  # statistics, as after any bulk load
            async with engine.connect() as conn:
                await (await conn.execution_options(isolation_level="AUTOCOMMIT")).execute(
                    text("VACUUM ANALYZE")
                )
    finally:
        await engine.dispose()
    return world
