"""Two real `porina serve` processes federating over plain http on loopback (each names the
other in PORINA_FEDERATION_ALLOW_HTTP_HOSTS), started once for the module: a person on A
finds a person on B by WebFinger and follows them; B's post reaches A's home timeline; A's
reply, like (and its undo) and boost reach B; B's direct message, edit, delete and block
reach A; and A's inbox refuses unsigned and forged deliveries.

The instances run on the pass's database (issue 20, point 6): in the SQLite pass each has
its own SQLite file and runs its jobs in `porina serve`; in the PostgreSQL pass
(PORINA_TEST_DATABASE_URL) each has its own database on that server, made and dropped for
the run, and its own Redis key prefix, and a separate `porina worker` per instance runs its
jobs (deliveries included) through SAQ. The scenario is the same."""

from __future__ import annotations

import asyncio
import json
import os
import socket
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest

from porina.core.clock import now
from porina.federation.keys import new_key_pair
from porina.federation.signatures import sign_request

from ..conftest import PG_URL, _admin
from ..redis_support import REDIS_URL, delete_prefix, require_redis, unique_prefix
from ..scale.support import ROOT, start, stop

pytestmark = [pytest.mark.slow]
AP = {"Accept": "application/activity+json"}


def _port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _env(data: Path, port: int, other: int, storage: dict[str, str]) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("PORINA_")}
    env.update(
        PYTHONPATH=str(ROOT / "src"),
        PORINA_DATA_DIR=str(data),
        PORINA_BASE_URL=f"http://127.0.0.1:{port}",
        PORINA_DOMAIN=f"127.0.0.1:{port}",
        PORINA_SECRET_KEY="test-secret",
        PORINA_RATE_LIMITS="false",
        PORINA_LOG_LEVEL="WARNING",
        PORINA_FEDERATION_ALLOW_HTTP_HOSTS=f"127.0.0.1:{other}",
        **storage,
    )
    return env


def _pg_and_redis(database: str, prefix: str) -> dict[str, str]:
    """An instance on its own PostgreSQL database and Redis prefix, jobs in `porina worker`."""
    return {
        "PORINA_DATABASE_URL": PG_URL.rsplit("/", 1)[0] + "/" + database,
        "PORINA_JOBS": "saq",
        "PORINA_RUN_JOBS_IN_PROCESS": "false",
        "PORINA_REDIS_URL": REDIS_URL,
        "PORINA_REDIS_PREFIX": prefix,
        "PORINA_BROKER": "redis",
        "PORINA_FEED_STORE": "redis",
    }


@contextmanager
def _storage(count: int) -> Iterator[list[dict[str, str]]]:
    """Each instance's storage settings: none to add on SQLite (a file in its data folder);
    in the PostgreSQL pass a fresh database and Redis prefix each, removed afterwards."""
    if not PG_URL:
        yield [{} for _ in range(count)]
        return
    require_redis()  # PostgreSQL is there: the pair asks for ``template``, which checks it
    names = [f"porina_two_{os.getpid()}_{uuid.uuid4().hex[:8]}" for _ in range(count)]
    prefixes = [unique_prefix() for _ in range(count)]
    made: list[str] = []
    try:
        for name in names:
            _admin(PG_URL, f'CREATE DATABASE "{name}"')
            made.append(name)
        yield [_pg_and_redis(n, p) for n, p in zip(names, prefixes, strict=True)]
    finally:
        for name in made:
            _admin(PG_URL, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        for prefix in prefixes:
            asyncio.run(delete_prefix(REDIS_URL, prefix))


def _porina(env: dict[str, str], *args: str) -> str:
    """`python -m porina ARGS`, to its end; its output."""
    return subprocess.run(
        [sys.executable, "-m", "porina", *args],
        env=env,
        capture_output=True,
        text=True,
        check=True,
        cwd=ROOT,
    ).stdout


def _account(env: dict[str, str], name: str) -> str:
    """`porina admin create-account NAME --token`; returns the token."""
    args = ["admin", "create-account", name, "--email", f"{name}@example.com"]
    out = _porina(env, *args, "--password", "correct horse battery", "--token")
    return out.strip().split()[-1]


@dataclass
class Pair:
    """Two running servers and a person on each (al on A, bo on B), made once per module."""

    a: str
    b: str
    env_a: dict[str, str]
    env_b: dict[str, str]
    al: dict[str, str]
    bo: dict[str, str]

    @property
    def host_b(self) -> str:
        return self.b.removeprefix("http://")


def _instance(
    port: int, env: dict[str, str], name: str, logs: Path, procs: list[subprocess.Popen[bytes]]
) -> str:
    """Migrate an instance, start `porina serve` (and its `porina worker` where jobs run
    apart) into ``procs``, and make its person while it starts; the person's token."""
    _porina(env, "migrate")
    log = logs / f"{port}.log"
    procs.append(start(["-m", "porina", "serve", "--port", str(port)], env, log))
    if env.get("PORINA_RUN_JOBS_IN_PROCESS") == "false":
        procs.append(start(["-m", "porina", "worker"], env, log))
    return _account(env, name)


@pytest.fixture(scope="module")
def pair(tmp_path_factory: pytest.TempPathFactory, template: Path | str) -> Iterator[Pair]:
    """Two instances; ``template`` (the suite's migrated schema) is asked for its check that
    the PostgreSQL pass has its server (a failure in CI)."""
    tmp_path = tmp_path_factory.mktemp("two")
    pa, pb = _port(), _port()
    procs: list[subprocess.Popen[bytes]] = []
    with _storage(2) as (store_a, store_b):
        env_a = _env(tmp_path / "a", pa, pb, store_a)
        env_b = _env(tmp_path / "b", pb, pa, store_b)
        try:
            with ThreadPoolExecutor(2) as pool:  # the two start side by side
                al = pool.submit(_instance, pa, env_a, "al", tmp_path, procs)
                bo = pool.submit(_instance, pb, env_b, "bo", tmp_path, procs)
                tokens = al.result(), bo.result()
            yield Pair(
                f"http://127.0.0.1:{pa}",
                f"http://127.0.0.1:{pb}",
                env_a,
                env_b,
                {"Authorization": f"Bearer {tokens[0]}"},
                {"Authorization": f"Bearer {tokens[1]}"},
            )
        finally:
            stop(*procs)
            for p in (pa, pb):
                log = tmp_path / f"{p}.log"
                sys.stderr.write(log.read_text()[-4000:] if log.exists() else "")


async def _up(client: httpx.AsyncClient, base: str) -> None:
    """Until ``base`` answers (a loaded CI machine starts a server slowly: up to 2 min)."""
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        try:
            if (await client.get(f"{base}/health")).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        await asyncio.sleep(0.1)
    raise AssertionError(f"{base} did not start")


async def _until(probe: Any, what: str) -> Any:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        found = await probe()
        if found:
            return found
        await asyncio.sleep(0.1)
    raise AssertionError(f"never happened: {what}")


async def test_unsigned_and_forged_deliveries_are_refused(pair: Pair) -> None:
    a, b = pair.a, pair.b
    activity = {
        "id": f"{b}/users/bo#follows/1",
        "type": "Follow",
        "actor": f"{b}/users/bo",
        "object": f"{a}/users/al",
    }
    body = json.dumps(activity).encode()
    async with httpx.AsyncClient(timeout=30) as client:
        await _up(client, a)
        await _up(client, b)
        unsigned = await client.post(f"{a}/inbox", content=body)
        assert unsigned.status_code == 401
        assert unsigned.json()["error"] == "Request not signed"
        forger, _ = new_key_pair()
        headers = sign_request(
            "POST",
            f"{a}/inbox",
            key_id=f"{b}/users/bo#main-key",
            private_pem=forger,
            body=body,
            when=now(),
        )
        forged = await client.post(f"{a}/inbox", content=body, headers=headers)
        assert forged.status_code == 401
        assert forged.json()["error"] == "Signature verification failed"
        followers = (await client.get(f"{a}/users/al/followers", headers=AP)).json()
        assert followers["totalItems"] == 0


async def test_two_people_on_two_servers_talk_across_the_boundary(pair: Pair) -> None:
    """al (A) follows bo (B); bo's post reaches al's home; al replies, likes and boosts it;
    bo writes al a direct message, edits and deletes the post, and blocks al. Each step is
    checked where the other person would notice it."""
    async with httpx.AsyncClient(timeout=30) as client:
        await _up(client, pair.a)
        await _up(client, pair.b)
        remote_bo = await _follow_across(client, pair)
        posted = await _post_reaches_home(client, pair)
        on_a = await _reply_like_and_boost(client, pair, posted)
        await _direct_message(client, pair)
        await _edit_and_delete(client, pair, posted, on_a)
        await _block(client, pair, remote_bo)


async def _follow_across(client: httpx.AsyncClient, pair: Pair) -> str:
    a, b, al = pair.a, pair.b, pair.al
    found = await client.get(
        f"{a}/api/v2/search", params={"q": f"@bo@{pair.host_b}", "resolve": "true"}, headers=al
    )
    assert found.status_code == 200, found.text
    remote = found.json()["accounts"][0]
    assert remote["acct"] == f"bo@{pair.host_b}"
    followed = await client.post(f"{a}/api/v1/accounts/{remote['id']}/follow", headers=al)
    assert followed.status_code == 200, followed.text

    async def followers() -> bool:
        body = (await client.get(f"{b}/users/bo/followers", headers=AP)).json()
        return bool(body["orderedItems"] == [f"{a}/users/al"])

    await _until(followers, "B records al as bo's follower")
    return str(remote["id"])


async def _post_reaches_home(client: httpx.AsyncClient, pair: Pair) -> dict[str, Any]:
    posted = await client.post(
        f"{pair.b}/api/v1/statuses", json={"status": "fresh buns"}, headers=pair.bo
    )
    assert posted.status_code == 200, posted.text

    async def home() -> list[Any]:
        items = (await client.get(f"{pair.a}/api/v1/timelines/home", headers=pair.al)).json()
        return [s for s in items if "fresh buns" in s["content"]]

    seen = await _until(home, "bo's post in al's home timeline on A")
    assert seen[0]["account"]["acct"] == f"bo@{pair.host_b}"
    assert seen[0]["uri"] == posted.json()["uri"]
    return dict(posted.json())


async def _reply_like_and_boost(
    client: httpx.AsyncClient, pair: Pair, posted: dict[str, Any]
) -> str:
    """al answers, likes and boosts bo's post on A; bo sees all three on B. Returns the
    post's id on A."""
    a, b, al, bo = pair.a, pair.b, pair.al, pair.bo
    items = (await client.get(f"{a}/api/v1/timelines/home", headers=al)).json()
    on_a = next(s["id"] for s in items if s["uri"] == posted["uri"])
    reply = await client.post(
        f"{a}/api/v1/statuses",
        json={"status": f"@bo@{pair.host_b} two please", "in_reply_to_id": on_a},
        headers=al,
    )
    assert reply.status_code == 200, reply.text
    for verb in ("favourite", "reblog"):
        done = await client.post(f"{a}/api/v1/statuses/{on_a}/{verb}", headers=al)
        assert done.status_code == 200, done.text

    async def noticed() -> bool:
        notes = (await client.get(f"{b}/api/v1/notifications", headers=bo)).json()
        return {n["type"] for n in notes} >= {"mention", "favourite", "reblog"}

    await _until(noticed, "bo is told of al's reply, like and boost")
    theirs = (await client.get(f"{b}/api/v1/statuses/{posted['id']}", headers=bo)).json()
    assert (theirs["replies_count"], theirs["favourites_count"], theirs["reblogs_count"]) == (
        1,
        1,
        1,
    )
    context = (await client.get(f"{b}/api/v1/statuses/{posted['id']}/context", headers=bo)).json()
    assert [s["uri"] for s in context["descendants"]] == [reply.json()["uri"]]
    await client.post(f"{a}/api/v1/statuses/{on_a}/unfavourite", headers=al)

    async def unliked() -> bool:
        body = (await client.get(f"{b}/api/v1/statuses/{posted['id']}", headers=bo)).json()
        return bool(body["favourites_count"] == 0)

    await _until(unliked, "al's undone like leaves bo's count")
    return str(on_a)


async def _direct_message(client: httpx.AsyncClient, pair: Pair) -> None:
    host_a = pair.a.removeprefix("http://")
    dm = await client.post(
        f"{pair.b}/api/v1/statuses",
        json={"status": f"@al@{host_a} the secret recipe", "visibility": "direct"},
        headers=pair.bo,
    )
    assert dm.status_code == 200, dm.text

    async def mentioned() -> list[Any]:
        notes = (
            await client.get(
                f"{pair.a}/api/v1/notifications", params={"types[]": "mention"}, headers=pair.al
            )
        ).json()
        return [n for n in notes if "secret recipe" in n["status"]["content"]]

    [note] = await _until(mentioned, "bo's direct message reaches al")
    assert note["status"]["visibility"] == "direct"


async def _edit_and_delete(
    client: httpx.AsyncClient, pair: Pair, posted: dict[str, Any], on_a: str
) -> None:
    edited = await client.put(
        f"{pair.b}/api/v1/statuses/{posted['id']}",
        json={"status": "fresh buns, still warm"},
        headers=pair.bo,
    )
    assert edited.status_code == 200, edited.text

    async def changed() -> bool:
        body = (await client.get(f"{pair.a}/api/v1/statuses/{on_a}", headers=pair.al)).json()
        return "still warm" in body["content"]

    await _until(changed, "bo's edit reaches A")
    history = await client.get(f"{pair.a}/api/v1/statuses/{on_a}/history", headers=pair.al)
    assert len(history.json()) == 2
    deleted = await client.delete(f"{pair.b}/api/v1/statuses/{posted['id']}", headers=pair.bo)
    assert deleted.status_code == 200, deleted.text

    async def gone() -> bool:
        answer = await client.get(f"{pair.a}/api/v1/statuses/{on_a}", headers=pair.al)
        return answer.status_code == 404

    await _until(gone, "bo's delete reaches A")


async def _block(client: httpx.AsyncClient, pair: Pair, remote_bo: str) -> None:
    host_a = pair.a.removeprefix("http://")
    found = await client.get(
        f"{pair.b}/api/v2/search", params={"q": f"@al@{host_a}", "resolve": "true"}, headers=pair.bo
    )
    al_on_b = found.json()["accounts"][0]["id"]
    blocked = await client.post(f"{pair.b}/api/v1/accounts/{al_on_b}/block", headers=pair.bo)
    assert blocked.status_code == 200, blocked.text

    async def unfollowed() -> bool:
        rel = await client.get(
            f"{pair.a}/api/v1/accounts/relationships",
            params={"id[]": remote_bo},
            headers=pair.al,
        )
        return rel.json()[0]["following"] is False

    await _until(unfollowed, "bo's block ends al's follow on A")


async def test_a_person_on_b_joins_a_group_on_a_and_posts_in_it(pair: Pair) -> None:
    """Issue 21's check (FEP-1b12): di on B finds cy's public group on A by WebFinger and
    follows it, which joins it (a member on A); di's post addressed to the group is a
    discussion in A's group timeline, and cy, a member on A, has the group's boost of it in
    her home timeline; cy's reply in the group is the group's Announce of its Create, which
    B takes as cy's reply and the group's boost, in di's home timeline. Fresh people, so the
    other scenario's block does not meet this one."""
    cy = {"Authorization": f"Bearer {_account(pair.env_a, 'cy')}"}
    di = {"Authorization": f"Bearer {_account(pair.env_b, 'di')}"}
    host_a = pair.a.removeprefix("http://")
    groups = f"{pair.a}/api/porina/v1/groups"
    async with httpx.AsyncClient(timeout=30) as client:
        await _up(client, pair.a)
        await _up(client, pair.b)
        made = await client.post(groups, json={"name": "bakers"}, headers=cy)
        assert made.status_code == 200, made.text
        group = made.json()["id"]
        found = await client.get(
            f"{pair.b}/api/v2/search",
            params={"q": f"@bakers@{host_a}", "resolve": "true"},
            headers=di,
        )
        [remote] = found.json()["accounts"]
        assert (remote["acct"], remote["group"]) == (f"bakers@{host_a}", True)
        joined = await client.post(f"{pair.b}/api/v1/accounts/{remote['id']}/follow", headers=di)
        assert joined.status_code == 200, joined.text

        async def member() -> bool:
            listed = (await client.get(f"{groups}/{group}/members", headers=cy)).json()
            return f"di@{pair.host_b}" in [m["account"]["acct"] for m in listed]

        await _until(member, "di is a member of the group on A")
        posted = await client.post(
            f"{pair.b}/api/v1/statuses",
            json={"status": f"@bakers@{host_a} who has a sourdough starter?"},
            headers=di,
        )
        assert posted.status_code == 200, posted.text
        uri = posted.json()["uri"]

        async def discussed() -> list[Any]:
            items = (await client.get(f"{groups}/{group}/timeline", headers=cy)).json()
            return [s for s in items if s["uri"] == uri]

        await _until(discussed, "di's post in the group's timeline on A")

        async def boosted() -> list[Any]:
            items = (await client.get(f"{pair.a}/api/v1/timelines/home", headers=cy)).json()
            return [s for s in items if s["reblog"] and s["reblog"]["uri"] == uri]

        [boost] = await _until(boosted, "the group's boost of di's post in cy's home on A")
        assert boost["account"]["acct"] == "bakers"
        answered = await client.post(
            f"{pair.a}/api/v1/statuses",
            json={
                "status": "I have one",
                "in_reply_to_id": boost["reblog"]["id"],
                "porina_group_id": group,
            },
            headers=cy,
        )
        assert answered.status_code == 200, answered.text
        reply_uri = answered.json()["uri"]

        async def relayed() -> list[Any]:
            items = (await client.get(f"{pair.b}/api/v1/timelines/home", headers=di)).json()
            return [s for s in items if s["reblog"] and s["reblog"]["uri"] == reply_uri]

        [relay] = await _until(relayed, "the group's Announce of cy's reply in di's home on B")
        assert relay["account"]["acct"] == f"bakers@{host_a}"


async def _join_private(
    client: httpx.AsyncClient, pair: Pair, owner: dict[str, str], member: dict[str, str]
) -> str:
    """fi's private group "circle" on A, joined by gu on B (asked, then approved by fi);
    returns the group's id on A once B has the follow."""
    groups, host_a = f"{pair.a}/api/porina/v1/groups", pair.a.removeprefix("http://")
    made = await client.post(groups, json={"name": "circle", "privacy": "private"}, headers=owner)
    assert made.status_code == 200, made.text
    group = made.json()["id"]
    found = await client.get(
        f"{pair.b}/api/v2/search",
        params={"q": f"@circle@{host_a}", "resolve": "true"},
        headers=member,
    )
    [remote] = found.json()["accounts"]
    asked = await client.post(f"{pair.b}/api/v1/accounts/{remote['id']}/follow", headers=member)
    assert asked.status_code == 200, asked.text

    async def requested() -> list[Any]:
        listed = (await client.get(f"{groups}/{group}/join_requests", headers=owner)).json()
        return [a["id"] for a in listed if a["acct"] == f"gu@{pair.host_b}"]

    [gu_on_a] = await _until(requested, "gu's join request in the private group on A")
    approved = await client.post(
        f"{groups}/{group}/join_requests/{gu_on_a}/authorize", headers=owner
    )
    assert approved.status_code == 200, approved.text

    async def following() -> bool:
        rel = await client.get(
            f"{pair.b}/api/v1/accounts/relationships",
            params={"id[]": remote["id"]},
            headers=member,
        )
        return bool(rel.json()[0]["following"])

    await _until(following, "gu follows (is a member of) the private group, on B")
    return str(group)


async def test_a_private_groups_post_on_a_reaches_its_member_on_b_alone(pair: Pair) -> None:
    """Issue 21, point 1, private: gu on B is a member of fi's PRIVATE group on A; fi's post
    in it is the group's Announce addressed to its followers alone, which B stores for the
    group's members: in gu's home (not a boost), a 404 to ha on B and to anonymous readers.
    gu's reply to it on B goes to the group, which takes it into fi's thread on A."""
    fi = {"Authorization": f"Bearer {_account(pair.env_a, 'fi')}"}
    gu = {"Authorization": f"Bearer {_account(pair.env_b, 'gu')}"}
    ha = {"Authorization": f"Bearer {_account(pair.env_b, 'ha')}"}
    async with httpx.AsyncClient(timeout=30) as client:
        await _up(client, pair.a)
        await _up(client, pair.b)
        group = await _join_private(client, pair, fi, gu)
        posted = await client.post(
            f"{pair.a}/api/v1/statuses",
            json={
                "status": "Members only: the starter lives in my fridge",
                "porina_group_id": group,
            },
            headers=fi,
        )
        assert posted.status_code == 200, posted.text
        uri = posted.json()["uri"]

        async def arrived() -> list[Any]:
            items = (await client.get(f"{pair.b}/api/v1/timelines/home", headers=gu)).json()
            return [s for s in items if s["uri"] == uri]

        [seen] = await _until(arrived, "fi's private group post in gu's home on B")
        assert (seen["visibility"], seen["reblog"]) == ("private", None)
        assert (
            await client.get(f"{pair.b}/api/v1/statuses/{seen['id']}", headers=ha)
        ).status_code == 404
        assert (await client.get(f"{pair.b}/api/v1/statuses/{seen['id']}")).status_code == 404
        await _reply_from_b(client, pair, (fi, gu), posted.json()["id"], seen["id"])


async def _reply_from_b(
    client: httpx.AsyncClient,
    pair: Pair,
    people: tuple[dict[str, str], dict[str, str]],
    on_a: str,
    on_b: str,
) -> None:
    """gu's reply on B to the private group's post (``on_b`` there, ``on_a`` on A): private
    on B whatever was asked, sent to the group on A alone, which threads it under fi's post;
    the group's Announce of it coming back adds nothing on B."""
    fi, gu = people
    body = {"status": "Mine is in the freezer", "in_reply_to_id": on_b, "visibility": "public"}
    replied = await client.post(f"{pair.b}/api/v1/statuses", json=body, headers=gu)
    assert replied.status_code == 200, replied.text
    assert replied.json()["visibility"] == "private"
    uri = replied.json()["uri"]

    async def threaded() -> list[Any]:
        context = await client.get(f"{pair.a}/api/v1/statuses/{on_a}/context", headers=fi)
        return [s for s in context.json()["descendants"] if s["uri"] == uri]

    [there] = await _until(threaded, "gu's reply in fi's private group thread on A")
    assert there["visibility"] == "private"
    assert (await client.get(f"{pair.a}/api/v1/statuses/{there['id']}")).status_code == 404
    here = await client.get(f"{pair.b}/api/v1/statuses/{on_b}/context", headers=gu)
    assert [s["uri"] for s in here.json()["descendants"]] == [uri]
