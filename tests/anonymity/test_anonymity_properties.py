"""No output names the person behind a pseudonym (issue 21, point 2), over random worlds.

A brand with a team, two named people and two hidden ones. The named people post, reply and
block (authors of any post, pseudonyms included); the hidden ones only post anonymously
(replies to any post, questions to the brand) and block, so that any appearance of a hidden
person's id, username or acct in what someone else reads is a leak. The viewers — signed
out, the brand, a named person and each hidden person (reading for the other) — read every
status, each thread's context, every author's profile and statuses, their notifications, home
and public timelines and a search for the posts' words; every message published to the
streaming broker during the build is read too, except on the hidden person's own channels, and
rendered as each viewer's user, public and public:local streams would deliver it.

A public group, owned by the first named person (a viewer) with everyone else a member, holds
its anonymous posts for its moderators (``moderated``): a hidden person starts a discussion
there, answers land in its queue too, and the owner approves or rejects what waits; the
owner reads the queue (and every viewer their own pending posts), which must not name the
author either.
"""

from __future__ import annotations

import asyncio
import json
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from porina.anonymity import actions as anonymity
from porina.groups import actions as group_actions
from tests.factories import Person
from tests.operators.support import appoint
from tests.privacy.build import password_hash
from tests.support.world import Isolated, isolated

from .support import API, leaks, recording, streamed

ON_PG = bool(os.environ.get("PORINA_TEST_DATABASE_URL"))
IN_CI = os.environ.get("CI", "").lower() == "true"
EXAMPLES = settings(
    max_examples=1 if ON_PG else 3,
    deadline=None,
    derandomize=IN_CI,
    database=None if IN_CI else settings().database,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
    print_blob=True,
)
NAMED, HIDDEN = (0, 1, 2), (3, 4)  # 0 is the brand
Op = tuple[str, int, int]
OPS = st.lists(
    st.one_of(
        st.tuples(st.just("post"), st.sampled_from(NAMED), st.integers(-1, 30)),
        st.tuples(st.just("anon"), st.sampled_from(HIDDEN), st.integers(0, 30)),
        st.tuples(st.just("ask"), st.sampled_from(HIDDEN), st.just(0)),
        st.tuples(st.just("block"), st.sampled_from(NAMED + HIDDEN), st.integers(0, 30)),
        st.tuples(st.just("group"), st.sampled_from(HIDDEN), st.just(0)),
        st.tuples(st.just("decide"), st.just(1), st.integers(0, 30)),
    ),
    min_size=3,
    max_size=10,
)


@dataclass
class World:
    env: Isolated
    people: list[Person]
    group_id: str = ""
    statuses: list[dict[str, Any]] = field(default_factory=list)
    published: list[tuple[str, dict[str, Any]]] = field(default_factory=list)


async def _people(env: Isolated) -> list[Person]:
    people = [await env.make.person(password_hash=password_hash()) for _ in range(5)]
    staff = await env.make.person(password_hash=password_hash())
    await appoint(env.services, people[0], staff, "manager")
    return people


async def _moderated_group(env: Isolated, people: list[Person]) -> str:
    async with env.services.db.transaction() as tx:
        group = await group_actions.create(tx, people[1].actor, name="kerho", privacy="public")
        for person in people[2:]:
            await group_actions.join(tx, person.actor, group.id)
        await anonymity.set_group_policy(tx, people[1].actor, group.id, "moderated")
    return str(group.id)


async def _decide(w: World, pick: int) -> None:
    """The group's owner approves (an even ``pick``) or rejects one of the held posts."""
    owner = w.people[1]
    held = (await owner.get(f"{API}/groups/{w.group_id}/queue")).json()
    if not held:
        return
    chosen = held[pick % len(held)]["id"]
    decision = "approve" if pick % 2 == 0 else "reject"
    response = await owner.post(f"{API}/queue/{chosen}/{decision}")
    assert response.status_code in (200, 202, 403, 404, 422), response.text
    if decision == "approve" and response.status_code == 200:
        w.statuses.append(response.json())


async def _apply(w: World, op: Op) -> None:
    kind, who, pick = op
    person = w.people[who]
    if kind == "decide":
        await _decide(w, pick)
        return
    target = w.statuses[pick % len(w.statuses)] if w.statuses and pick >= 0 else None
    if kind == "post":
        body: dict[str, Any] = {"status": f"named{len(w.statuses)} words"}
        if target is not None:
            body["in_reply_to_id"] = target["id"]
        response = await person.post("/api/v1/statuses", json=body)
    elif kind == "block":
        if target is None:
            return
        await person.post(f"/api/v1/accounts/{target['account']['id']}/block")
        return
    else:
        body = {"status": f"anon{len(w.statuses)} words"}
        if kind == "ask":
            body["brand_id"] = w.people[0].id
        elif kind == "group":
            body["group_id"] = w.group_id
        elif target is not None:
            body["in_reply_to_id"] = target["id"]
        else:
            return
        response = await person.post(f"{API}/statuses", json=body)
    assert response.status_code in (200, 202, 403, 404, 422), response.text
    if response.status_code == 200:
        w.statuses.append(response.json())


def _paths(w: World, viewer: Person | None) -> list[str]:
    authors = {s["account"]["id"] for s in w.statuses}
    paths = ["/api/v1/timelines/public", "/api/v2/search?q=words&resolve=false"]
    paths += [f"/api/v1/statuses/{s['id']}" for s in w.statuses]
    roots = [s for s in w.statuses if s["in_reply_to_id"] is None]
    paths += [f"/api/v1/statuses/{s['id']}/context" for s in roots]
    paths += [f"/api/v1/accounts/{a}/statuses" for a in sorted(authors)]
    paths += [f"/api/v1/accounts/{a}" for a in sorted(authors)]
    if viewer is not None:
        paths += ["/api/v1/notifications", "/api/v1/timelines/home", f"{API}/statuses"]
        paths += [f"{API}/pending", f"{API}/groups/{w.group_id}/queue"]
    return paths


async def _check(w: World) -> None:
    hidden = [w.people[i] for i in HIDDEN]
    viewers: list[Person | None] = [None, w.people[0], w.people[1], w.people[3], w.people[4]]
    for viewer in viewers:
        for path in _paths(w, viewer):
            response = await (viewer.get(path) if viewer else w.env.client.get(path))
            for person in hidden:
                if person is not viewer:
                    found = leaks(response.text, person)
                    assert found == [], f"{path} shows {found} to {viewer and viewer.username}"
    for channel, message in w.published:
        for person in hidden:
            if person.id not in channel:
                assert leaks(json.dumps(message), person) == [], (channel, message)
    for viewer in viewers:  # what their streams deliver, rendered for them
        vid = viewer.id if viewer is not None else None
        frames = await streamed(w.env.services, w.published, vid, "words")
        for person in hidden:
            if person is not viewer:
                found = leaks([body for *_, body in frames], person)
                assert found == [], f"streams show {found} to {viewer and viewer.username}"


async def _run(env: Isolated, ops: list[Op]) -> None:
    await env.reset()
    people = await _people(env)
    w = World(env, people, await _moderated_group(env, people))
    async with recording(env.services) as published:  # every channel named, listened to or not
        await w.people[1].status("A first post to answer")
        w.statuses.append((await w.people[1].get("/api/v1/timelines/public")).json()[0])
        for op in ops:
            await _apply(w, op)
    w.published = published
    await _check(w)


def test_no_output_names_the_person_behind_a_pseudonym(template: Path | str) -> None:
    loop = asyncio.new_event_loop()
    world = isolated(template)
    try:
        env = loop.run_until_complete(world.__aenter__())

        @EXAMPLES
        @given(OPS)
        def prop(ops: list[Op]) -> None:
            loop.run_until_complete(_run(env, ops))

        try:
            prop()
        finally:
            loop.run_until_complete(world.__aexit__(None, None, None))
    finally:
        loop.close()
