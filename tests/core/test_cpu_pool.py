"""CPU-heavy work runs in a bounded pool, so the event loop keeps serving while it runs: the
loop's own ticks are counted while eight password hashes run (or a large filter compiles),
first on the loop (the baseline, measured in the same test), then through the pool. No
wall-clock assertions. Filters of the most keywords allowed still hide what they should, and
one pattern per filter finds exactly what each keyword's own pattern would."""

from __future__ import annotations

import asyncio
import random
import string
import threading
from collections.abc import Awaitable

import httpx
from hypothesis import given
from hypothesis import settings as examples
from hypothesis import strategies as st

from porina.accounts import passwords
from porina.core import cpu
from porina.interactions import filter_caps, filters
from porina.services import Services

from ..factories import Factory

PASSWORD = "correct horse battery"


async def _ticks_while(work: Awaitable[object]) -> int:
    """How many times a task that only yields gets the loop while ``work`` is in progress."""
    done = asyncio.Event()
    ticks = 0

    async def probe() -> None:
        nonlocal ticks
        while not done.is_set():
            await asyncio.sleep(0)
            ticks += 1

    async def finish() -> None:
        await work
        done.set()

    await asyncio.gather(probe(), finish())
    return ticks


async def _on_the_loop(count: int) -> None:
    for _ in range(count):
        passwords.hash_blocking(PASSWORD)


async def test_the_loop_keeps_running_while_eight_passwords_hash() -> None:
    blocked = await _ticks_while(_on_the_loop(8))
    pooled = await _ticks_while(asyncio.gather(*(passwords.hash(PASSWORD) for _ in range(8))))
    assert blocked <= 2  # hashing on the loop: the probe waited for all eight
    assert pooled >= 100 and pooled > 50 * max(blocked, 1)


async def test_a_hash_made_in_the_pool_verifies_and_a_wrong_password_does_not() -> None:
    hashed = await passwords.hash(PASSWORD)
    assert await passwords.verify(hashed, PASSWORD)
    assert not await passwords.verify(hashed, "wrong horse battery")
    assert not await passwords.verify("not a hash", PASSWORD)


async def test_a_flood_waits_its_turn_and_never_runs_more_jobs_than_threads() -> None:
    pool = cpu.CpuPool(2)
    lock, running, most = threading.Lock(), [0], [0]
    release = threading.Event()

    def job(n: int) -> int:
        with lock:
            running[0] += 1
            most[0] = max(most[0], running[0])
        release.wait(timeout=30)
        with lock:
            running[0] -= 1
        return n * n

    flood = [asyncio.create_task(pool.run(job, n)) for n in range(10)]
    await _until(lambda: running[0] == 2)
    release.set()
    assert await asyncio.gather(*flood) == [n * n for n in range(10)]
    assert most[0] == 2
    pool.shutdown()


async def test_a_caller_that_gives_up_while_waiting_costs_no_thread() -> None:
    pool = cpu.CpuPool(1)
    started: list[str] = []
    release = threading.Event()

    def job(name: str) -> str:
        started.append(name)
        release.wait(timeout=30)
        return name

    first = asyncio.create_task(pool.run(job, "first"))
    await _until(lambda: started == ["first"])
    waiting = asyncio.create_task(pool.run(job, "gave up"))
    await asyncio.sleep(0)
    waiting.cancel()
    release.set()
    assert await first == "first"
    assert await pool.run(job, "next") == "next"
    assert started == ["first", "next"]
    pool.shutdown()


async def test_an_error_in_the_pool_reaches_the_caller() -> None:
    def fails() -> None:
        raise ValueError("bad input")

    try:
        await cpu.run(fails)
    except ValueError as exc:
        assert str(exc) == "bad input"
    else:
        raise AssertionError("the error was lost")


async def test_signing_in_with_a_password_still_works(
    client: httpx.AsyncClient, make: Factory
) -> None:
    await make.person("alice")
    app = (
        await client.post(
            "/api/v1/apps", json={"client_name": "a", "redirect_uris": "urn:ietf:wg:oauth:2.0:oob"}
        )
    ).json()

    async def grant(password: str) -> httpx.Response:
        return await client.post(
            "/oauth/token",
            data={
                "grant_type": "password",
                "client_id": app["client_id"],
                "client_secret": app["client_secret"],
                "username": "alice",
                "password": password,
                "scope": "read",
            },
        )

    # one after the other: the test client blocks its loop while the app answers
    right, wrong = await grant(PASSWORD), await grant("wrong horse battery")
    assert right.status_code == 200 and right.json()["access_token"]
    assert wrong.status_code == 400 and wrong.json()["error"] == "invalid_grant"


def _words(count: int, seed: int) -> list[str]:
    rng = random.Random(seed)
    return [
        "".join(rng.choice(string.ascii_lowercase) for _ in range(rng.randint(5, 10)))
        for _ in range(count)
    ]


async def test_a_filter_with_the_most_keywords_allowed_still_hides_matching_posts(
    services: Services, make: Factory
) -> None:
    alice, bob = await make.person("alice"), await make.person("bob")
    await alice.follow(bob)
    hidden = await bob.status("Pineapple on pizza, again")
    near_miss = await bob.status("pineapples are a fruit")  # whole word: not a match
    kept = await bob.status("coffee and pulla")
    many = [
        filters.KeywordChange(keyword=w, whole_word=True)
        for w in _words(filter_caps.MAX_KEYWORDS - 1, 1)
    ]
    async with services.db.transaction() as tx:
        await filters.create(
            tx,
            alice.account.id,
            title="no fruit on pizza",
            context=["home"],
            action="hide",
            keywords=[*many, filters.KeywordChange(keyword="pineapple", whole_word=True)],
        )
        await filters.create(
            tx,
            alice.account.id,
            title="warn about pulla",
            context=["home"],
            action="warn",
            keywords=[filters.KeywordChange(keyword="pull", whole_word=False)],
        )
    home = (await alice.get("/api/v1/timelines/home")).json()
    assert [s["id"] for s in home] == [kept["id"], near_miss["id"]]
    assert hidden["id"] not in {s["id"] for s in home}
    [warned] = home[0]["filtered"]
    assert warned["filter"]["title"] == "warn about pulla"
    assert warned["keyword_matches"] == ["pull"]


TEXT = st.text(alphabet=st.sampled_from("abcAB \u00df\u017f\u0130\u212a-'!._"), max_size=40)
KEYWORDS = st.lists(
    st.tuples(
        st.text(alphabet=st.sampled_from("abAB \u00dfs\u0130k-'."), min_size=1, max_size=5),
        st.booleans(),
    ),
    max_size=12,
)


@examples(max_examples=300, deadline=None)
@given(keywords=KEYWORDS, text=TEXT)
def test_one_pattern_per_filter_finds_exactly_what_each_keyword_would(
    keywords: list[tuple[str, bool]], text: str
) -> None:
    expected = [kw for kw, whole in keywords if filters.keyword_pattern(kw, whole).search(text)]
    assert filters.KeywordMatcher.build(tuple(keywords)).matched(text) == expected


async def test_the_loop_keeps_running_while_a_large_filter_compiles() -> None:
    def key(seed: int) -> filters.Keywords:
        return tuple((w, True) for w in _words(3000, seed))

    async def on_the_loop() -> None:
        filters.matcher_for(key(2))

    blocked = await _ticks_while(on_the_loop())
    pooled = await _ticks_while(filters.warm([key(3)]))
    assert blocked <= 2
    assert pooled > blocked and pooled >= 5
    assert filters.matcher_for(key(3)).matched("a text") == []


async def _until(condition: object) -> None:
    for _ in range(3000):
        if callable(condition) and condition():
            return
        await asyncio.sleep(0.01)
    raise AssertionError("condition not reached")
