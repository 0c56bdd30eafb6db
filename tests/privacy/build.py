"""Random small worlds (hypothesis strategies) and building them through the real HTTP API.

A world is a plan: 3 to 6 people (some locked) and a sequence of operations — follow,
authorise, unfollow, block (either direction), unblock, mute, post (random visibility,
mentions, replies), reblog, favourite, bookmark, delete. ``build`` plays the plan against the
app and the independent ``model.World`` side by side, and asserts at every step that the app
accepted or refused what the model says it must (a refused interaction with a status the actor
cannot see must be a 404, never a confirmation of its existence).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Iterable
from dataclasses import dataclass, field
from functools import cache
from typing import Any

from hypothesis import strategies as st

from porina.accounts.passwords import hash_blocking

from ..factories import Person
from ..support.world import Isolated
from .model import PUBLIC, MStatus, World

VISIBILITIES = ("public", "unlisted", "private", "direct")
WORD = "zebra"
TAG = "probe"

Op = tuple[Any, ...]


@dataclass(frozen=True)
class Plan:
    n: int
    locked: tuple[bool, ...]
    ops: tuple[Op, ...]


def _op(n: int) -> st.SearchStrategy[Op]:
    who = st.integers(0, n - 1)
    idx = st.integers(0, 63)
    return st.one_of(
        st.tuples(st.just("follow"), who, who),
        st.tuples(st.just("authorize"), who, who),
        st.tuples(st.just("unfollow"), who, who),
        st.tuples(st.just("block"), who, who),
        st.tuples(st.just("unblock"), who, who),
        st.tuples(st.just("mute"), who, who),
        st.tuples(
            st.just("post"),
            who,
            st.sampled_from(VISIBILITIES),
            st.frozensets(who, max_size=2),
            st.none() | idx,
        ),
        st.tuples(st.just("reblog"), who, idx, st.sampled_from(("public", "unlisted", "private"))),
        st.tuples(st.just("favourite"), who, idx),
        st.tuples(st.just("bookmark"), who, idx),
        st.tuples(st.just("delete"), idx),
        st.tuples(st.just("list_add"), who, who),
    )


@st.composite
def plans(draw: st.DrawFn, max_ops: int = 22) -> Plan:
    n = draw(st.integers(3, 6))
    locked = tuple(draw(st.lists(st.booleans(), min_size=n, max_size=n)))
    # Start with a few posts and follows so most examples have something to leak.
    posts = draw(
        st.lists(
            st.tuples(
                st.just("post"),
                st.integers(0, n - 1),
                st.sampled_from(VISIBILITIES),
                st.frozensets(st.integers(0, n - 1), max_size=2),
                st.none(),
            ),
            min_size=2,
            max_size=4,
        )
    )
    # ...and a social graph to start from: follows, some of them authorised requests.
    who = st.integers(0, n - 1)
    follows = draw(st.lists(st.tuples(st.just("follow"), who, who), max_size=8))
    accepted = [("authorize", b, a) for _, a, b in follows if draw(st.booleans())]
    ops = draw(st.lists(_op(n), min_size=3, max_size=max_ops))
    return Plan(n, locked, tuple(follows) + tuple(accepted) + tuple(posts) + tuple(ops))


Published = list[tuple[str, dict[str, Any]]]
AfterOp = Callable[["Built", Published], Awaitable[None]]


@dataclass
class Built:
    world: World
    people: list[Person]
    env: Isolated
    lists: dict[int, str] = field(default_factory=dict)  # owner -> list id

    def person(self, viewer: int | None) -> Person | None:
        return None if viewer is None else self.people[viewer]

    async def get(self, viewer: int | None, path: str, **kw: Any) -> Any:
        p = self.person(viewer)
        if p is None:
            return await self.env.client.get(path, **kw)
        return await p.get(path, **kw)

    def viewers(self) -> list[int | None]:
        return [None, *range(self.world.n)]


@cache
def password_hash() -> str:
    """Argon2 is slow on purpose; one hash shared by every person keeps examples quick."""
    return hash_blocking("correct horse battery")


def _originals(world: World) -> list[MStatus]:
    return [s for s in world.statuses if s.reblog_of is None]


def _pick(world: World, idx: int) -> MStatus | None:
    originals = _originals(world)
    return originals[idx % len(originals)] if originals else None


async def build(env: Isolated, plan: Plan, after_op: AfterOp | None = None) -> Built:
    world = World(plan.n, list(plan.locked))
    people = [
        await env.make.person(password_hash=password_hash(), locked=locked)
        for locked in plan.locked
    ]
    built = Built(world, people, env)
    broker = env.services.broker
    published: Published = []
    original = broker.publish

    async def record(channel: str, message: dict[str, Any]) -> None:
        published.append((channel, message))
        await original(channel, message)

    many = broker.publish_many

    async def record_many(channels: Iterable[str], message: dict[str, Any]) -> None:
        names = list(channels)  # recorded before the broker skips channels nobody listens to
        published.extend((channel, message) for channel in names)
        await many(names, message)

    broker.publish = record  # type: ignore[method-assign]
    broker.publish_many = record_many  # type: ignore[method-assign]
    try:
        for op in plan.ops:
            await _apply(built, op)
            if after_op is not None and published:
                await after_op(built, list(published))
            published.clear()
    finally:
        del broker.publish
        del broker.publish_many
    return built


async def _apply(b: Built, op: Op) -> None:
    kind = op[0]
    handler = {
        "follow": _follow,
        "authorize": _authorize,
        "unfollow": _unfollow,
        "block": _block,
        "unblock": _unblock,
        "mute": _mute,
        "post": _post,
        "reblog": _reblog,
        "favourite": _favourite,
        "bookmark": _favourite,
        "delete": _delete,
        "list_add": _list_add,
    }[kind]
    await handler(b, op)


def _expect(response: Any, ok: bool, what: str) -> None:
    if ok:
        assert response.status_code == 200, f"{what}: {response.status_code} {response.text}"
    else:
        assert response.status_code in (403, 404, 422), (
            f"{what} must be refused: {response.status_code} {response.text}"
        )


async def _follow(b: Built, op: Op) -> None:
    _, a, t = op
    if a == t:
        return
    outcome = b.world.follow(a, t)
    r = await b.people[a].post(f"/api/v1/accounts/{b.people[t].id}/follow")
    _expect(r, outcome != "forbidden", f"{a} follows {t}")
    if outcome != "forbidden":
        rel = r.json()
        assert rel["following"] == (outcome == "following"), (op, rel)
        assert rel["requested"] == (outcome == "requested"), (op, rel)


async def _authorize(b: Built, op: Op) -> None:
    _, target, requester = op
    if not b.world.authorize(target, requester):
        return
    r = await b.people[target].post(f"/api/v1/follow_requests/{b.people[requester].id}/authorize")
    _expect(r, True, f"{target} authorises {requester}")


async def _unfollow(b: Built, op: Op) -> None:
    _, a, t = op
    if a == t:
        return
    b.world.unfollow(a, t)
    r = await b.people[a].post(f"/api/v1/accounts/{b.people[t].id}/unfollow")
    _expect(r, True, f"{a} unfollows {t}")


async def _block(b: Built, op: Op) -> None:
    _, a, t = op
    if a == t:
        return
    b.world.block(a, t)
    r = await b.people[a].post(f"/api/v1/accounts/{b.people[t].id}/block")
    _expect(r, True, f"{a} blocks {t}")


async def _unblock(b: Built, op: Op) -> None:
    _, a, t = op
    if a == t:
        return
    b.world.blocks.discard((a, t))
    r = await b.people[a].post(f"/api/v1/accounts/{b.people[t].id}/unblock")
    _expect(r, True, f"{a} unblocks {t}")


async def _mute(b: Built, op: Op) -> None:
    _, a, t = op
    if a == t:
        return
    b.world.mutes.add((a, t))
    r = await b.people[a].post(f"/api/v1/accounts/{b.people[t].id}/mute")
    _expect(r, True, f"{a} mutes {t}")


async def _post(b: Built, op: Op) -> None:
    _, author, visibility, mentioned, reply_idx = op
    parent = None if reply_idx is None else _pick(b.world, reply_idx)
    text = " ".join([f"{WORD} #{TAG}", *(f"@{b.people[m].username}" for m in sorted(mentioned))])
    fields: dict[str, Any] = {"visibility": visibility}
    if parent is not None:
        fields["in_reply_to_id"] = parent.api_id
    r = await b.people[author].post("/api/v1/statuses", json={"status": text, **fields})
    allowed = parent is None or b.world.visible(author, parent)
    _expect(r, allowed, f"{author} posts {visibility} in reply to {parent}")
    if not allowed:
        return
    body = r.json()
    assert body["visibility"] == visibility, body
    b.world.statuses.append(
        MStatus(
            key=len(b.world.statuses),
            author=author,
            visibility=visibility,
            mentions=frozenset(mentioned),
            reply_to=None if parent is None else parent.key,
            api_id=body["id"],
        )
    )


async def _reblog(b: Built, op: Op) -> None:
    _, a, idx, visibility = op
    target = _pick(b.world, idx)
    if target is None:
        return
    w = b.world
    r = await b.people[a].post(
        f"/api/v1/statuses/{target.api_id}/reblog", json={"visibility": visibility}
    )
    if not w.visible(a, target):
        assert r.status_code == 404, f"reblog of a status {a} cannot see: {r.status_code} {r.text}"
        return
    if target.visibility not in PUBLIC:
        if target.visibility == "direct" or target.author != a:
            _expect(r, False, f"{a} reblogs a {target.visibility} status")
            return
        if r.status_code != 200:  # boosting one's own private post: allowed in Mastodon
            return
    _expect(r, w.can_reblog(a, target) or target.author == a, f"{a} reblogs {target}")
    body = r.json()
    assert body["reblog"]["id"] == target.api_id, body
    if w.live_reblog(a, target) is not None:
        return
    w.statuses.append(
        MStatus(
            key=len(w.statuses),
            author=a,
            visibility=body["visibility"],
            reblog_of=target.key,
            api_id=body["id"],
        )
    )


async def _favourite(b: Built, op: Op) -> None:
    kind, a, idx = op
    target = _pick(b.world, idx)
    if target is None:
        return
    r = await b.people[a].post(f"/api/v1/statuses/{target.api_id}/{kind}")
    if not b.world.visible(a, target):
        assert r.status_code == 404, f"{kind} of a status {a} cannot see: {r.status_code} {r.text}"
        return
    _expect(r, True, f"{a} {kind}s {target}")
    pairs = b.world.favourites if kind == "favourite" else b.world.bookmarks
    pairs.add((a, target.key))


async def _delete(b: Built, op: Op) -> None:
    _, idx = op
    target = _pick(b.world, idx)
    if target is None or target.deleted:
        return
    r = await b.people[target.author].delete(f"/api/v1/statuses/{target.api_id}")
    _expect(r, True, f"{target.author} deletes {target}")
    target.deleted = True
    for s in b.world.statuses:
        if s.reblog_of == target.key:
            s.deleted = True


async def _list_add(b: Built, op: Op) -> None:
    """``a`` adds ``t`` to their list; Mastodon only allows accounts ``a`` follows."""
    _, a, t = op
    if a == t or (a, t) not in b.world.follows:
        return
    if a not in b.lists:
        r = await b.people[a].post("/api/v1/lists", json={"title": "mine"})
        _expect(r, True, f"{a} makes a list")
        b.lists[a] = r.json()["id"]
    r = await b.people[a].post(
        f"/api/v1/lists/{b.lists[a]}/accounts", json={"account_ids": [b.people[t].id]}
    )
    _expect(r, True, f"{a} adds {t} to a list")
