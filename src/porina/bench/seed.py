"""A synthetic world, written fast: bulk inserts through SQLAlchemy Core into the real schema
(built by ``porina migrate`` first), so the server reads exactly what it would in production.

- ``users`` accounts; the first ``clients`` have logins and access tokens (the load drivers).
- a power-law follow graph: each account follows a handful of others, chosen with weights
  ``1 / rank`` (a few accounts are followed by very many, most by few); each client follows
  ``client_follows`` accounts chosen the same way.
- ``posts`` statuses by those accounts (popular accounts post more), over the last 30 days;
  each names one of ``WORDS`` (chosen with weights ``1 / rank``: search hits many or few), and
  every fourth carries one of ``TAGS`` as a hashtag (its tag and status-tag rows too); of
  every 20 posts the first four are a thread (each replies to the one before), so a status's
  context has ancestors and descendants (``World.thread_ids``).
- favourites and their notifications for the clients, so the notifications page has content.
- what each client reads of its own (the ``list``, ``favourites``, ``bookmarks`` and
  ``conversations`` phases): one list of ``list_members`` accounts it follows, ``marks``
  favourites (with the authors' notifications) and as many bookmarks of other accounts' posts,
  and ``conversations`` direct messages, each its own conversation with another account (the
  status, its mention and both participants' ``account_conversations`` rows).
- one brand account per fan-out size (1,000 / 10,000 / 100,000 followers when there are that
  many accounts), followed by the first N accounts.
"""

from __future__ import annotations

import itertools
import random
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import Table, insert, text
from sqlalchemy.ext.asyncio import AsyncConnection, create_async_engine

from porina.accounts import passwords
from porina.accounts.models import Account, Follow, OAuthToken, User, WebSession
from porina.accounts.tokens import digest, new_secret
from porina.bench.bulk import chunks
from porina.core.clock import now
from porina.core.ids import new_id
from porina.interactions.models import Bookmark, Favourite
from porina.lists.models import List, ListAccount
from porina.messaging.models import AccountConversation
from porina.notifications.models import Notification
from porina.posts.models import Mention, Status, StatusTag, Tag

FANOUT_SIZES = (1_000, 10_000, 100_000)
PASSWORD = "bench-password-1"
WORDS = [f"{stem}{n}" for stem in ("harbour", "launch", "coffee", "giveaway") for n in range(25)]
TAGS = [f"benchtag{n}" for n in range(40)]
TAG_EVERY = 4
THREAD_EVERY, THREAD_LENGTH = 20, 4  # of every 20 posts, the first 4 are a thread


@dataclass
class Sizes:
    users: int = 10_000
    clients: int = 64
    follows_per_user: int = 8
    client_follows: int = 150
    posts: int = 50_000
    favourites: int = 20_000
    fanout: tuple[int, ...] = FANOUT_SIZES
    streamers: int = 0  # accounts after the clients with tokens too (the streaming phase)
    list_members: tuple[int, int] = (20, 50)  # each client's one list: accounts it follows
    marks: tuple[int, int] = (40, 100)  # each client's favourites, and as many bookmarks
    conversations: int = 24  # direct messages to or from each client (a page is 20)


@dataclass
class World:
    """What the load drivers need to know about the seeded world."""

    tokens: list[str] = field(default_factory=list)
    client_ids: list[int] = field(default_factory=list)
    status_ids: list[int] = field(default_factory=list)
    thread_ids: list[int] = field(default_factory=list)  # statuses in threads (context)
    authors: dict[int, str] = field(default_factory=dict)  # id -> username, who posted
    tags: list[str] = field(default_factory=list)
    words: list[str] = field(default_factory=list)
    brands: dict[int, tuple[int, str]] = field(default_factory=dict)  # size -> (id, token)
    streamers: list[tuple[int, str]] = field(default_factory=list)  # (id, token)
    cookies: list[str] = field(default_factory=list)  # the clients' web sessions (home page)
    status_pages: list[str] = field(default_factory=list)  # /@name/id of every post
    list_ids: list[int] = field(default_factory=list)  # each client's list, as ``tokens``
    rows: dict[str, int] = field(default_factory=dict)


async def _bulk(conn: AsyncConnection, table: Any, rows: Iterable[dict[str, Any]]) -> int:
    target: Table = table.__table__
    count = 0
    for batch in chunks(rows):
        await conn.execute(insert(target), batch)
        count += len(batch)
    return count


def _weights(n: int) -> list[float]:
    return list(itertools.accumulate(1.0 / (rank + 1) for rank in range(n)))


def _account(i: int, moment: datetime, base: str, name: str | None = None) -> dict[str, Any]:
    username = name or f"u{i}"
    return {
        "id": new_id(moment - timedelta(days=60, seconds=-i)),
        "username": username,
        "display_name": username,
        "created_at": moment,
        "uri": f"{base}/users/{username}",
        "url": f"{base}/@{username}",
    }


async def seed(url: str, sizes: Sizes, base: str, rng: random.Random) -> World:
    """Fill the (migrated, empty) database at ``url``; returns what the drivers need."""
    engine = create_async_engine(url)
    world = World()
    moment = now()
    try:
        async with engine.begin() as conn:
            accounts = [_account(i, moment, base) for i in range(sizes.users)]
            brand_sizes = [s for s in sizes.fanout if s <= sizes.users]
            brands = [_account(0, moment, base, f"brand{s}") for s in brand_sizes]
            world.rows["accounts"] = await _bulk(conn, Account, [*accounts, *brands])
            ids = [a["id"] for a in accounts]
            world.client_ids = ids[: sizes.clients]
            logins = [*accounts[: sizes.clients], *brands]
            tokens, cookies = await _logins(conn, logins, moment)
            world.tokens, world.cookies = tokens[: sizes.clients], cookies[: sizes.clients]
            for size, brand, token in zip(
                brand_sizes, brands, tokens[sizes.clients :], strict=True
            ):
                world.brands[size] = (brand["id"], token)
            streamers = accounts[sizes.clients : sizes.clients + sizes.streamers]
            if streamers:
                stream_tokens, _ = await _logins(conn, streamers, moment)
                world.streamers = [
                    (a["id"], t) for a, t in zip(streamers, stream_tokens, strict=True)
                ]
            followed: dict[int, list[int]] = {}  # client -> the accounts it follows
            follows = _follows(ids, sizes, rng, moment, followed)
            world.rows["follows"] = await _bulk(conn, Follow, follows)
            world.rows["follows"] += await _bulk(
                conn, Follow, _brand_follows(ids, world.brands, moment)
            )
            posts = await _statuses(conn, world, accounts, sizes=sizes, rng=rng, moment=moment)
            faves = list(_favourites(world, posts, sizes.favourites, rng, moment))
            world.rows["favourites"] = await _bulk(conn, Favourite, (f for f, _ in faves))
            world.rows["notifications"] = await _bulk(conn, Notification, (n for _, n in faves))
            await _own(conn, world, followed, posts, sizes=sizes, rng=rng, moment=moment)
            await _direct(conn, world, accounts, sizes=sizes, rng=rng, moment=moment)
        if engine.dialect.name == "postgresql":  # statistics, as after any bulk load
            async with engine.connect() as conn:
                await (await conn.execution_options(isolation_level="AUTOCOMMIT")).execute(
                    text("VACUUM ANALYZE")
                )
    finally:
        await engine.dispose()
    return world


async def _statuses(
    conn: AsyncConnection,
    world: World,
    accounts: list[dict[str, Any]],
    *,
    sizes: Sizes,
    rng: random.Random,
    moment: datetime,
) -> list[dict[str, Any]]:
    """The posts and their tags; what the drivers draw from them into ``world``."""
    posts = list(_posts([a["id"] for a in accounts], sizes.posts, rng, moment))
    world.status_ids = [p["id"] for p in posts]
    world.rows["statuses"] = await _bulk(conn, Status, posts)
    world.rows["status_tags"] = await _tags(conn, posts, moment)
    names = {a["id"]: a["username"] for a in accounts}
    world.authors = {p["account_id"]: names[p["account_id"]] for p in posts}
    world.status_pages = [f"/@{names[p['account_id']]}/{p['id']}" for p in posts]
    world.tags, world.words = list(TAGS), list(WORDS)
    world.thread_ids = [p["id"] for p in posts if p["replies_count"] or p["thread_id"]]
    return posts


async def _logins(
    conn: AsyncConnection, accounts: Sequence[dict[str, Any]], moment: datetime
) -> tuple[list[str], list[str]]:
    """Users for ``accounts``: an access token each, and a web session each (the cookie a
    browser signed in with would send); both secrets, in the accounts' order."""
    password = await passwords.hash(PASSWORD)  # once: argon2 is slow on purpose
    users = [
        {
            "id": new_id(),
            "account_id": a["id"],
            "email": f"{a['username']}@bench.invalid",
            "password_hash": password,
            "settings": {},
            "created_at": moment,
            "confirmed_at": moment,
            "approved": True,
        }
        for a in accounts
    ]
    await _bulk(conn, User, users)
    tokens = [new_secret() for _ in users]
    rows = [
        {
            "id": new_id(),
            "token_hash": digest(token),
            "user_id": u["id"],
            "account_id": u["account_id"],
            "scopes": "read write follow push",
            "created_at": moment,
        }
        for u, token in zip(users, tokens, strict=True)
    ]
    await _bulk(conn, OAuthToken, rows)
    cookies = [new_secret() for _ in users]
    sessions = [
        {"id_hash": digest(raw), "user_id": u["id"], "created_at": moment, "last_seen_at": moment}
        for u, raw in zip(users, cookies, strict=True)
    ]
    await _bulk(conn, WebSession, sessions)
    return tokens, cookies


def _follows(
    ids: list[int],
    sizes: Sizes,
    rng: random.Random,
    moment: datetime,
    followed: dict[int, list[int]],
) -> Iterator[dict[str, Any]]:
    """The follow rows; each client's targets also into ``followed`` (in id order)."""
    cum = _weights(len(ids))
    for i, follower in enumerate(ids):
        want = sizes.client_follows if i < sizes.clients else sizes.follows_per_user
        targets = set(rng.choices(ids, cum_weights=cum, k=want))
        targets.discard(follower)
        if i < sizes.clients:
            followed[follower] = sorted(targets)
        for target in targets:
            yield {
                "id": new_id(),
                "account_id": follower,
                "target_account_id": target,
                "created_at": moment,
            }


def _brand_follows(
    ids: list[int], brands: dict[int, tuple[int, str]], moment: datetime
) -> Iterator[dict[str, Any]]:
    for size, (brand, _) in brands.items():
        for follower in ids[:size]:
            yield {
                "id": new_id(),
                "account_id": follower,
                "target_account_id": brand,
                "created_at": moment,
            }


def _posts(
    ids: list[int], count: int, rng: random.Random, moment: datetime
) -> Iterator[dict[str, Any]]:
    cum = _weights(len(ids))
    authors = rng.choices(ids, cum_weights=cum, k=count)
    words = rng.choices(WORDS, cum_weights=_weights(len(WORDS)), k=count)
    parent: dict[str, Any] = {}
    for n, author in enumerate(authors):
        at = moment - timedelta(seconds=(count - n) * 30 * 86400 / max(count, 1))
        tags = [TAGS[n // TAG_EVERY % len(TAGS)]] if n % TAG_EVERY == 0 else []
        text = f"Post number {n} from the benchmark world about {words[n]}, with a few words."
        text += "".join(f" #{t}" for t in tags)
        post = {
            "id": new_id(at),
            "account_id": author,
            "text": text,
            "content": f"<p>{text}</p>",
            "created_at": at,
            "tags": tags,
            "mentions": [],
            "replies_count": 0,
            "in_reply_to_id": None,  # every row has every key: one executemany
            "in_reply_to_account_id": None,
            "thread_id": None,
        }
        if 0 < n % THREAD_EVERY < THREAD_LENGTH:  # a reply to the post before it
            post.update(_reply_to(parent))
        yield post
        parent = post


def _reply_to(parent: dict[str, Any]) -> dict[str, Any]:
    parent["replies_count"] += 1
    return {
        "in_reply_to_id": parent["id"],
        "in_reply_to_account_id": parent["account_id"],
        "thread_id": parent["thread_id"] or parent["id"],
    }


async def _tags(conn: AsyncConnection, posts: list[dict[str, Any]], moment: datetime) -> int:
    """The ``tags`` rows and one ``status_tags`` row per tagged post (what the tag timeline
    reads)."""
    ids = {name: new_id() for name in TAGS}
    await _bulk(
        conn,
        Tag,
        ({"id": i, "name": n, "display_name": n, "created_at": moment} for n, i in ids.items()),
    )
    links = ({"tag_id": ids[t], "status_id": p["id"]} for p in posts for t in p["tags"])
    return await _bulk(conn, StatusTag, links)


def _favourites(
    world: World, posts: list[dict[str, Any]], count: int, rng: random.Random, moment: datetime
) -> Iterator[tuple[dict[str, Any], dict[str, Any]]]:
    by_author: dict[int, list[int]] = {}
    for p in posts:
        by_author.setdefault(p["account_id"], []).append(p["id"])
    client_posts = [(a, s) for a in world.client_ids for s in by_author.get(a, [])[-50:]]
    if not client_posts:
        return
    seen: set[tuple[int, int]] = set()
    for _ in range(count):
        author, status = rng.choice(client_posts)
        fan = rng.choice(world.client_ids)
        if fan == author or (fan, status) in seen:
            continue
        seen.add((fan, status))
        nid = new_id()
        yield (
            {"id": new_id(), "account_id": fan, "status_id": status, "created_at": moment},
            {
                "id": nid,
                "account_id": author,
                "from_account_id": fan,
                "type": "favourite",
                "status_id": status,
                "group_key": f"favourite-{status}",
                "created_at": moment,
                "dedupe_key": f"favourite:{fan}:{status}",
            },
        )


async def _own(
    conn: AsyncConnection,
    world: World,
    followed: dict[int, list[int]],
    posts: list[dict[str, Any]],
    *,
    sizes: Sizes,
    rng: random.Random,
    moment: datetime,
) -> None:
    """Each client's list (members among the accounts it follows), favourites (each with its
    author's notification) and bookmarks, on other accounts' posts: the clients' own posts
    keep only the favourites ``_favourites`` gave them, so the notifications phase reads what
    it read before these were seeded."""
    lists: list[dict[str, Any]] = []
    members: list[dict[str, Any]] = []
    for client in world.client_ids:
        lists.append(
            {
                "id": new_id(),
                "account_id": client,
                "title": "Bench list",
                "replies_policy": "list",
                "exclusive": False,
                "created_at": moment,
            }
        )
        pool = followed.get(client, [])
        chosen = rng.sample(pool, min(len(pool), rng.randint(*sizes.list_members)))
        members += ({"list_id": lists[-1]["id"], "account_id": a} for a in sorted(chosen))
    world.list_ids = [row["id"] for row in lists]
    world.rows["lists"] = await _bulk(conn, List, lists)
    world.rows["list_accounts"] = await _bulk(conn, ListAccount, members)
    clients = set(world.client_ids)
    others = [(p["id"], p["account_id"]) for p in posts if p["account_id"] not in clients]
    faves: list[dict[str, Any]] = []
    notes: list[dict[str, Any]] = []
    marks: list[dict[str, Any]] = []
    for client in world.client_ids:
        count = min(len(others), rng.randint(*sizes.marks))
        for status, author in rng.sample(others, count):
            faves.append({"id": new_id(), "account_id": client, "status_id": status})
            notes.append(_favourited(client, status, author, moment))
        for status, _ in rng.sample(others, count):
            marks.append({"id": new_id(), "account_id": client, "status_id": status})
    world.rows["favourites"] += await _bulk(conn, Favourite, _at(faves, moment))
    world.rows["notifications"] += await _bulk(conn, Notification, notes)
    world.rows["bookmarks"] = await _bulk(conn, Bookmark, _at(marks, moment))


def _at(rows: list[dict[str, Any]], moment: datetime) -> Iterator[dict[str, Any]]:
    return ({**row, "created_at": moment} for row in rows)


def _favourited(fan: int, status: int, author: int, moment: datetime) -> dict[str, Any]:
    """The ``favourite`` notification a favourite of ``author``'s ``status`` gives them."""
    return {
        "id": new_id(),
        "account_id": author,
        "from_account_id": fan,
        "type": "favourite",
        "status_id": status,
        "group_key": f"favourite-{status}",
        "created_at": moment,
        "dedupe_key": f"favourite:{fan}:{status}",
    }


async def _direct(
    conn: AsyncConnection,
    world: World,
    accounts: list[dict[str, Any]],
    *,
    sizes: Sizes,
    rng: random.Random,
    moment: datetime,
) -> None:
    """``sizes.conversations`` direct messages per client, each to or from (alternately) an
    account that is not a client, from one to 29 days ago: the rows posting one writes (the
    direct status naming its recipient, the mention, each participant's conversation: unread
    for the recipient). Not in ``world.status_ids``: only the two may see them. None in the
    last day, so the home page (a sender's own direct messages are in its home feed) reads
    the recent posts it read before these were seeded, and no ``mention`` notification: nor
    does the notifications page."""
    others = accounts[len(world.client_ids) :]
    statuses: list[dict[str, Any]] = []
    mentions: list[dict[str, Any]] = []
    threads: list[dict[str, Any]] = []
    for k, client in enumerate(accounts[: len(world.client_ids)]):
        partners = rng.sample(others, min(len(others), sizes.conversations))
        for n, partner in enumerate(partners):
            at = moment - timedelta(days=1 + 28 * n / max(len(partners), 1), seconds=k)
            sender, recipient = (client, partner) if n % 2 == 0 else (partner, client)
            status = _direct_status(sender, recipient, at, n)
            statuses.append(status)
            mentions.append({"status_id": status["id"], "account_id": recipient["id"]})
            for one, other in ((sender, recipient), (recipient, sender)):
                threads.append(
                    {
                        "account_id": one["id"],
                        "conversation_id": status["id"],
                        "participant_ids": [str(other["id"])],
                        "last_status_id": status["id"],
                        "unread": one is recipient,
                        "hidden": False,
                    }
                )
    world.rows["direct_statuses"] = await _bulk(conn, Status, statuses)
    world.rows["mentions"] = await _bulk(conn, Mention, mentions)
    world.rows["account_conversations"] = await _bulk(conn, AccountConversation, threads)


def _direct_status(
    sender: dict[str, Any], recipient: dict[str, Any], at: datetime, n: int
) -> dict[str, Any]:
    name, url = recipient["username"], recipient["url"]
    text = f"@{name} a direct message, number {n}, between the two of us."
    mention = (
        f'<span class="h-card" translate="no"><a href="{url}" '
        f'class="u-url mention">@<span>{name}</span></a></span>'
    )
    return {
        "id": new_id(at),
        "account_id": sender["id"],
        "visibility": "direct",
        "text": text,
        "content": f"<p>{mention} a direct message, number {n}, between the two of us.</p>",
        "created_at": at,
        "tags": [],
        "mentions": [{"id": str(recipient["id"]), "username": name, "acct": name, "url": url}],
    }
