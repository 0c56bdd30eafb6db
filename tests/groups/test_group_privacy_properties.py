"""Private and hidden groups keep their content to their members, whatever happens (issue 21,
point 1, "Checks"), in the style of tests/privacy.

Random small worlds: a public, a private and a hidden group owned by person 0 (each taking
anonymous posts), and a sequence of joins, approvals, invitations, leaves, bans, posts
(mentioning people in and out of the group), replies from any app, and anonymous discussions
and replies, played through the API beside an independent model. After every operation, what
it published to the streaming broker goes through each viewer's user, public, public:local,
public:remote, hashtag and hashtag:local streams, their ``:media`` forms, their list (each
person follows everyone else and lists them: a private group's post by someone they list is
published on the list's channel, the reader must hold it back) and their direct stream (a
reply from any app may ask for "direct": it stays in the group), through the streaming
module's own reader. Then every viewer, anonymous
included, reads every post by id, the context of every discussion, every poster's and the
groups' account statuses, their home, the public and hashtag timelines, their notifications,
search, and every group and group timeline: a post of a private or hidden group reaches its
author and the group's current members only (an anonymous one its members only: its author
is not its account), a hidden group is a 404 to anyone neither a member nor invited, and no
anonymous post carries its author.
"""

from __future__ import annotations

import asyncio
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st
from litestar import Litestar

from porina.api.mastodon import auth, streaming
from porina.services import Services

from ..anonymity.support import SCOPES, Published, leaks, recording
from ..factories import Person
from ..posts.support import media
from ..privacy.harness import ON_PG, PRIVACY
from ..support.routes import assert_served
from ..support.world import Isolated, isolated
from .support import GROUPS

KINDS = ("public", "private", "hidden")
# Fewer, smaller worlds than tests/privacy: each example reads every page as every viewer
# (on PostgreSQL one world: each example there empties every table first).
EXAMPLES = settings(PRIVACY, max_examples=1 if ON_PG else 3)
TAG = "grouptag"
ALLOW = {"allow_anonymous": True}


@dataclass
class Model:
    members: dict[str, set[int]] = field(default_factory=lambda: {k: {0} for k in KINDS})
    invited: dict[str, set[int]] = field(default_factory=lambda: {k: set() for k in KINDS})
    requested: dict[str, set[int]] = field(default_factory=lambda: {k: set() for k in KINDS})
    banned: dict[str, set[int]] = field(default_factory=lambda: {k: set() for k in KINDS})
    posts: list[tuple[str, int, str, bool]] = field(default_factory=list)
    """(api id, author, group kind, is a discussion); an anonymous post's author is ``ANON``"""
    anonymous: dict[str, int] = field(default_factory=dict)
    """An anonymous post's api id -> the person who wrote it."""

    def known(self, who: int, kind: str) -> bool:
        return kind != "hidden" or who in self.members[kind] or who in self.invited[kind]

    def visible(self, viewer: int | None, author: int, kind: str) -> bool:
        if kind == "public":
            return True
        return viewer is not None and (viewer == author or viewer in self.members[kind])

    def join(self, who: int, kind: str) -> int:
        if not self.known(who, kind):
            return 404
        if who in self.banned[kind]:
            return 403
        if who in self.members[kind]:
            return 200
        if kind == "public" or who in self.invited[kind]:
            self.members[kind].add(who)
            self.invited[kind].discard(who)
            self.requested[kind].discard(who)
        else:
            self.requested[kind].add(who)
        return 200


Op = tuple[Any, ...]
ANON = -1
"""The model's author of an anonymous post: its pseudonym, nobody the viewers are."""
ANONYMOUS = "/api/porina/v1/anonymous"
ASKED = (None, "public", "direct")
"""The visibility a reply from any app asks for (a reply in a group keeps the group's)."""


def _ops(n: int) -> st.SearchStrategy[Op]:
    who, who0 = st.integers(1, n - 1), st.integers(0, n - 1)
    kind = st.sampled_from(KINDS)
    return st.one_of(
        st.tuples(st.just("join"), who, kind),
        st.tuples(st.just("approve"), who, kind),
        st.tuples(st.just("invite"), who, kind),
        st.tuples(st.just("leave"), who, kind),
        st.tuples(st.just("ban"), who, kind),
        st.tuples(st.just("post"), who0, kind, who0, st.booleans()),
        st.tuples(st.just("reply"), who0, st.integers(0, 15), who0, st.sampled_from(ASKED)),
        st.tuples(st.just("anon"), st.integers(0, n - 1), kind),
        st.tuples(st.just("anon_reply"), st.integers(0, n - 1), st.integers(0, 15)),
    )


@st.composite
def plans(draw: st.DrawFn) -> tuple[int, list[Op]]:
    n = draw(st.integers(3, 4))
    start: list[Op] = [("post", 0, k, draw(st.integers(0, n - 1)), True) for k in KINDS]
    # Person 1 joins the public and the private group and answers both anonymously, the owner
    # the hidden one's: every world has anonymous posts of each kind of group to check. The
    # first discussions carry a photo (the ``:media`` streams).
    start += [("join", 1, "public"), ("invite", 1, "private"), ("join", 1, "private")]
    start += [("anon_reply", 1, 0), ("anon_reply", 1, 1), ("anon_reply", 0, 2)]
    # Replies asking for "direct" and "public" in the private and hidden groups, mentioning
    # person 2, in none of them: the reply stays in the group, no stream carries it to them.
    start += [("reply", 1, 1, 2, "direct"), ("reply", 0, 2, 2, "public")]
    return n, start + draw(st.lists(_ops(n), min_size=4, max_size=10))


@dataclass
class Built:
    env: Isolated
    people: list[Person]
    groups: dict[str, str]
    model: Model
    lists: list[str] = field(default_factory=list)
    """Each person's list of everyone else (whom they follow)."""

    async def get(self, viewer: int | None, path: str, **params: Any) -> Any:
        if viewer is None:
            return await self.env.client.get(path, params=params)
        return await self.people[viewer].get(path, params=params)


async def _member_op(b: Built, op: Op) -> None:
    name, who, kind = op
    m, person, gid = b.model, b.people[who], b.groups[kind]
    if name == "join":
        expected = m.join(who, kind)
        response = await person.post(f"{GROUPS}/{gid}/join")
    elif name == "approve":
        ok = who in m.requested[kind]
        response = await b.people[0].post(f"{GROUPS}/{gid}/join_requests/{person.id}/authorize")
        expected = 200 if ok else 404
        if ok:
            m.requested[kind].discard(who)
            m.members[kind].add(who)
    elif name == "invite":
        response = await b.people[0].post(f"{GROUPS}/{gid}/invitations/{person.id}")
        expected = 422 if who in m.banned[kind] else 200
        if expected == 200 and who not in m.members[kind]:
            m.invited[kind].add(who)
    elif name == "leave":
        expected = 200 if m.known(who, kind) else 404
        response = await person.post(f"{GROUPS}/{gid}/leave")
        if expected == 200:
            for state in (m.members, m.requested, m.invited):
                state[kind].discard(who)
    else:
        response = await b.people[0].post(f"{GROUPS}/{gid}/members/{person.id}/ban")
        expected = 200
        for state in (m.members, m.requested, m.invited):
            state[kind].discard(who)
        m.banned[kind].add(who)
    assert response.status_code == expected, (op, response.text)


async def _post_op(b: Built, op: Op) -> None:
    m = b.model
    if op[0] == "post":
        _, who, kind, mention, with_media = op
        text = f"in {kind} by {who} @{b.people[mention].username} #{TAG} zebra"
        body: dict[str, Any] = {"status": text, "porina_group_id": b.groups[kind]}
        if with_media:
            body["media_ids"] = [await media(b.env.services, b.people[who])]
        if who in m.members[kind]:
            expected, parent = 200, None
        else:
            expected, parent = (404 if not m.known(who, kind) else 403), None
    else:
        _, who, index, mention, asked = op
        if not m.posts:
            return
        parent_id, author, kind, _ = m.posts[index % len(m.posts)]
        text = f"reply by {who} @{b.people[mention].username} #{TAG} zebra"
        body = {"status": text, "in_reply_to_id": parent_id}
        if asked is not None:
            body["visibility"] = asked
        if not m.visible(who, author, kind):
            expected = 404
        else:
            expected = 200 if who in m.members[kind] else 403
        parent = parent_id
    response = await b.people[who].post("/api/v1/statuses", json=body)
    assert response.status_code == expected, (op, response.text)
    if expected == 200:
        m.posts.append((response.json()["id"], who, kind, parent is None))


async def _anon_op(b: Built, op: Op) -> None:
    """An anonymous discussion in a group, or an anonymous reply to any post: members only."""
    m, (name, who, target) = b.model, op
    if name == "anon":
        parent, kind = None, target
        body = {"status": f"anon in {kind} by {who} #{TAG} zebra", "group_id": b.groups[kind]}
        expected = 200 if who in m.members[kind] else 403 if m.known(who, kind) else 404
    else:
        if not m.posts:
            return
        parent, author, kind, _ = m.posts[target % len(m.posts)]
        body = {"status": f"anon reply by {who} #{TAG} zebra", "in_reply_to_id": parent}
        expected = 404 if not m.visible(who, author, kind) else 200
        expected = 403 if expected == 200 and who not in m.members[kind] else expected
    response = await b.people[who].post(f"{ANONYMOUS}/statuses", json=body)
    assert response.status_code == expected, (op, response.text)
    if expected == 200:
        made = response.json()
        m.posts.append((made["id"], ANON, kind, parent is None))
        m.anonymous[made["id"]] = who


STREAMS = (
    *("public", "public:local", "public:remote", "hashtag", "hashtag:local"),
    *("public:media", "public:local:media", "public:remote:media", "user", "list", "direct"),
)
"""Every stream a status reaches; ``user``, ``list`` and ``direct`` signed in only."""
FRAMES = ("update", "status.update", "notification", "conversation")


async def _streamed(
    services: Services, published: Published, viewer_id: str | None, list_id: str | None
) -> list[tuple[str, str, Any]]:
    """What ``viewer_id``'s streams deliver of ``published`` through the streaming module's
    own per-connection reader: (stream, event, payload) of each frame carrying a status."""
    who = None
    if viewer_id is not None:
        who = auth.Viewer(
            token_id=0, account_id=int(viewer_id), user_id=None, app_id=None, scopes=SCOPES
        )
    reader, frames = streaming.Reader(services, who), []
    for name in STREAMS if who is not None else STREAMS[:8]:
        param = list_id if name == "list" else TAG
        stream = streaming.resolve_name(name, who, param, False)
        for channel, message in published:
            out = await reader.payload(stream, message) if channel == stream.channel else None
            if out is not None and out[0] in FRAMES:
                frames.append((name, out[0], json.loads(out[1])))
    return frames


def _carried(frames: list[tuple[str, str, Any]]) -> list[dict[str, Any]]:
    """The statuses the frames carry: an update's, a notification's, a conversation's last."""
    keys = {"notification": "status", "conversation": "last_status"}
    return [body.get(keys[event]) if event in keys else body for _, event, body in frames]


async def _check_streams(b: Built, published: Published) -> None:
    """What one operation published, as each viewer's streams deliver it: only posts the
    viewer may see, none of them anonymous with its author's name."""
    for viewer in [None, *range(len(b.people))] if published else []:
        vid = b.people[viewer].id if viewer is not None else None
        listed = b.lists[viewer] if viewer is not None else None
        frames = await _streamed(b.env.services, published, vid, listed)
        carried = [s for s in _carried(frames) if s is not None]
        assert _leaks(b, viewer, sorted(set(_ids(carried)))) == [], (viewer, frames)
        assert _carriers(b, [body for _, event, body in frames if event != "conversation"]) == []
        assert _carriers(b, carried) == [], (viewer, frames)


async def _list_everyone(person: Person, people: list[Person]) -> str:
    """``person`` follows everyone else and lists them (no follow lets one into a group): the
    list's id."""
    others = [p.id for p in people if p is not person]
    for other in others:
        followed = await person.post(f"/api/v1/accounts/{other}/follow")
        assert followed.status_code == 200, followed.text
    made = (await person.post("/api/v1/lists", json={"title": "everyone"})).json()
    added = await person.post(f"/api/v1/lists/{made['id']}/accounts", json={"account_ids": others})
    assert added.status_code == 200, added.text
    return str(made["id"])


async def build(env: Isolated, n: int, ops: list[Op]) -> Built:
    people = [await env.make.person(f"gp{i}") for i in range(n)]
    groups = {}
    for kind in KINDS:
        made = await people[0].post(GROUPS, json={"name": f"g_{kind}", "privacy": kind})
        assert made.status_code == 200, made.text
        groups[kind] = made.json()["id"]
        opened = await people[0].put(f"{ANONYMOUS}/groups/{groups[kind]}", json=ALLOW)
        assert opened.status_code == 200, opened.text
    b = Built(env, people, groups, Model(), [await _list_everyone(p, people) for p in people])
    async with recording(env.services) as published:
        for op in ops:
            start = len(published)
            if op[0] in ("anon", "anon_reply"):
                await _anon_op(b, op)
            else:
                await (_post_op(b, op) if op[0] in ("post", "reply") else _member_op(b, op))
            await _check_streams(b, published[start:])
    return b


def _carriers(b: Built, entries: list[Any]) -> list[str]:
    """Anonymous posts among ``entries`` (statuses, their boosts, notifications) shown with
    their author's id, username or address."""
    found = []
    for entry in entries:
        status = entry.get("status") if "type" in entry else entry
        for s in (status, (status or {}).get("reblog")):
            who = b.model.anonymous.get(str((s or {}).get("id")))
            if s is not None and who is not None:
                shown = [s["account"], entry.get("account") if status is not entry else None]
                found += [s["id"]] if leaks(shown, b.people[who]) else []
    return found


def _leaks(b: Built, viewer: int | None, ids: list[str]) -> list[str]:
    allowed = {
        pid for pid, author, kind, _ in b.model.posts if b.model.visible(viewer, author, kind)
    }
    mine = {pid for pid, *_ in b.model.posts}
    return [i for i in ids if i in mine and i not in allowed]


def _ids(statuses: list[dict[str, Any]]) -> list[str]:
    found = []
    for s in statuses:
        found.append(s["id"])
        if s.get("reblog"):
            found.append(s["reblog"]["id"])
    return found


async def _lists(b: Built, viewer: int | None) -> list[str]:
    paths = [
        "/api/v1/timelines/public",
        f"/api/v1/timelines/tag/{TAG}",
        *(f"/api/v1/accounts/{p.id}/statuses" for p in b.people),
        *(f"/api/v1/accounts/{g}/statuses" for g in b.groups.values()),
    ]
    if viewer is not None:
        paths.append("/api/v1/timelines/home")
    people = {f"/api/v1/accounts/{p.id}/statuses" for p in b.people}
    seen: list[str] = []
    for path in paths:
        response = await b.get(viewer, path, limit=40)
        assert response.status_code == 200, (path, response.text)
        assert _carriers(b, response.json()) == [], (viewer, path)
        seen += _ids(response.json())
        if path in people:  # a person's own statuses never hold their anonymous posts
            assert set(_ids(response.json())) & set(b.model.anonymous) == set(), path
    if viewer is not None:
        notes = (await b.get(viewer, "/api/v1/notifications", limit=40)).json()
        assert _carriers(b, notes) == [], viewer
        seen += [n["status"]["id"] for n in notes if n.get("status")]
        found = await b.get(viewer, "/api/v2/search", q="zebra", type="statuses", limit=40)
        assert _carriers(b, found.json()["statuses"]) == [], viewer
        seen += _ids(found.json()["statuses"])
    return seen


async def _check_posts(b: Built, viewer: int | None) -> None:
    for pid, author, kind, thread in b.model.posts:
        shown = await b.get(viewer, f"/api/v1/statuses/{pid}")
        assert shown.status_code == (200 if b.model.visible(viewer, author, kind) else 404), (
            viewer,
            pid,
            kind,
        )
        assert shown.status_code != 200 or _carriers(b, [shown.json()]) == [], (viewer, pid)
        if thread and shown.status_code == 200:
            context = (await b.get(viewer, f"/api/v1/statuses/{pid}/context")).json()
            assert _leaks(b, viewer, _ids(context["descendants"])) == [], (viewer, pid)
            assert _carriers(b, context["descendants"]) == [], (viewer, pid)


async def _check_groups(b: Built, viewer: int | None) -> None:
    m = b.model
    for kind, gid in b.groups.items():
        known = kind != "hidden" or (viewer is not None and m.known(viewer, kind))
        shown = await b.get(viewer, f"{GROUPS}/{gid}")
        assert shown.status_code == (200 if known else 404), (viewer, kind)
        page = await b.get(viewer, f"{GROUPS}/{gid}/timeline", limit=40)
        reads = kind == "public" or (viewer is not None and viewer in m.members[kind])
        assert page.status_code == (200 if reads else 404 if not known else 403), (viewer, kind)
        if reads:
            roots = {pid for pid, _, k, thread in m.posts if k == kind and thread}
            assert set(_ids(page.json())) == roots, (viewer, kind)
    listed = {g["id"] for g in (await b.get(viewer, GROUPS, limit=40)).json()}
    hidden_known = viewer is not None and viewer in m.members["hidden"]
    assert (b.groups["hidden"] in listed) == hidden_known


async def check(b: Built) -> None:
    for viewer in [None, *range(len(b.people))]:
        assert _leaks(b, viewer, await _lists(b, viewer)) == [], viewer
        await _check_posts(b, viewer)
        await _check_groups(b, viewer)


def test_private_and_hidden_group_content_never_reaches_a_non_member(
    template: Path | str, app: Litestar
) -> None:
    assert_served(
        app,
        "GET /api/porina/v1/groups/{group_id}/timeline",
        "GET /api/v1/statuses/{id}/context",
        "GET /api/v2/search",
    )
    loop = asyncio.new_event_loop()
    world = isolated(template)
    try:
        env = loop.run_until_complete(world.__aenter__())

        @EXAMPLES
        @given(plans())
        def prop(plan: tuple[int, list[Op]]) -> None:
            async def go() -> None:
                await env.reset()
                await check(await build(env, *plan))

            loop.run_until_complete(go())

        try:
            prop()
        finally:
            loop.run_until_complete(world.__aexit__(None, None, None))
    finally:
        loop.close()
