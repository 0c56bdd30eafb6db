"""Filter loading and matching through ``viewer_state`` (no HTTP client, so it also runs on
PostgreSQL); one automaton for a person's filters, exact against each keyword's own pattern,
compiled once per set, and a large page matched in the CPU pool (the loop's ticks are counted,
no clock)."""

from __future__ import annotations

import asyncio
import random
from collections.abc import Awaitable

from hypothesis import given
from hypothesis import settings as examples
from hypothesis import strategies as st

from porina.interactions import filter_caps, filters
from porina.interactions.matching import Automaton
from porina.interactions.models import Filter
from porina.posts.models import Status
from porina.render.renderer import Renderer, statuses_by_id
from porina.services import Services

from ..factories import Factory
from .support import post


async def test_expired_filters_stop_applying_and_hide_drops_matches(
    services: Services, make: Factory
) -> None:
    alice, bob = await make.person("alice"), await make.person("bob")
    async with services.db.transaction() as tx:
        await filters.create(
            tx,
            alice.account.id,
            title="t",
            context=["home"],
            action="hide",
            keywords=[filters.KeywordChange(keyword="cake", whole_word=True)],
        )
        expired = await filters.create(
            tx,
            alice.account.id,
            title="old",
            context=["home"],
            action="hide",
            expires_in=60,
            keywords=[filters.KeywordChange(keyword="pie")],
        )
    async with services.db.transaction() as tx:
        row = await tx.session.get(Filter, expired)
        assert row is not None
        row.expires_at = row.created_at
    cake, pie = await post(services, bob, "I baked a cake"), await post(services, bob, "pie!")
    async with services.db.read() as session:
        shown = await statuses_by_id(
            Renderer(services.settings), session, alice.account.id, [cake, pie]
        )
    assert [s.id for s in filters.apply_filters(shown, "home")] == [str(pie)]
    assert [s.id for s in filters.apply_filters(shown, "public")] == [str(cake), str(pie)]


# --- one automaton per person's filters (issue 13, point 1) -------------------------------------

FOLDING = "abAB s\u017fSk\u212a\u0130i\u0131I\u03a3\u03c3\u03c2\u00df-'._"
"""Letters re.IGNORECASE folds specially: long s, Kelvin sign, dotted and dotless i, sigmas."""
OWNERS = st.lists(
    st.lists(
        st.tuples(
            st.text(alphabet=st.sampled_from(FOLDING), min_size=1, max_size=5), st.booleans()
        ),
        max_size=6,
    ),
    min_size=1,
    max_size=4,
)


@examples(max_examples=300, deadline=None)
@given(owners=OWNERS, text=st.text(alphabet=st.sampled_from(FOLDING + "c!"), max_size=60))
def test_one_automaton_for_all_filters_finds_what_each_keyword_would(
    owners: list[list[tuple[str, bool]]], text: str
) -> None:
    automaton = Automaton.build([tuple(keywords) for keywords in owners])
    expected = {
        owner: [
            i
            for i, (kw, whole) in enumerate(keywords)
            if filters.keyword_pattern(kw, whole).search(text)
        ]
        for owner, keywords in enumerate(owners)
    }
    found = automaton.matched(text)
    assert {o: p for o, p in expected.items() if p} == found


def _statuses(count: int, text: str) -> list[Status]:
    return [
        Status(id=n + 1, content=f"<p>{text}</p>", spoiler_text="", media=[]) for n in range(count)
    ]


async def _ticks_while(work: Awaitable[object]) -> int:
    done, ticks = asyncio.Event(), 0

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


async def test_a_large_page_is_matched_off_the_event_loop(
    services: Services, make: Factory
) -> None:
    alice = await make.person("alice")
    rng = random.Random(5)
    words = ["".join(rng.choice("ab") for _ in range(8)) for _ in range(filter_caps.MAX_KEYWORDS)]
    async with services.db.transaction() as tx:
        await filters.create(
            tx,
            alice.account.id,
            title="dense",
            context=["home"],
            keywords=[filters.KeywordChange(keyword=w, whole_word=False) for w in words],
        )
    async with services.db.read() as session:
        active = await filters.load_active_of(session, alice.account.id)
    text = "".join(rng.choice("ab ") for _ in range(filters.MATCH_CHARS))
    on_loop, pooled = (
        _statuses(21, text),
        [
            Status(id=100 + s.id, content=s.content, spoiler_text="", media=[])
            for s in _statuses(21, text)
        ],
    )

    async def matched_on_the_loop() -> None:
        active[0].shared.match_all(on_loop)

    blocked = await _ticks_while(matched_on_the_loop())
    off = await _ticks_while(filters.prepare(active, pooled))
    assert blocked <= 2 and off > blocked
    # the results made in the pool are the ones rendering finds, and the same as on the loop
    first, again = filters.matches(active, pooled[0]), filters.matches(active, on_loop[0])
    assert first and first[0].keyword_matches == again[0].keyword_matches


async def test_filters_compile_once_and_an_edit_takes_effect_at_once(
    services: Services, make: Factory
) -> None:
    alice = await make.person("alice")
    async with services.db.transaction() as tx:
        fid = await filters.create(
            tx,
            alice.account.id,
            title="food",
            context=["home"],
            keywords=[filters.KeywordChange(keyword="cake")],
        )
    async with services.db.read() as session:
        first = await filters.load_active_of(session, alice.account.id)
        second = await filters.load_active_of(session, alice.account.id)
    assert first[0].shared.automaton is second[0].shared.automaton  # compiled once
    pie = Status(id=1, content="<p>pie and cake</p>", spoiler_text="", media=[])
    assert [m.keyword_matches for m in filters.matches(first, pie)] == [["cake"]]
    async with services.db.transaction() as tx:
        await filters.add_keyword(tx, alice.account.id, fid, "pie", True)
    async with services.db.read() as session:
        edited = await filters.load_active_of(session, alice.account.id)
    assert edited[0].shared.automaton is not first[0].shared.automaton
    assert [m.keyword_matches for m in filters.matches(edited, pie)] == [["cake", "pie"]]
