from __future__ import annotations

import random
import string
from typing import Any

from sqlalchemy import select

from porina.interactions import filters
from porina.interactions.filter_caps import (
    MAX_FILTERS,
    MAX_KEYWORD_TOTAL,
    MAX_KEYWORDS,
    TOO_MANY_FILTERS,
    TOO_MANY_KEYWORDS,
    TOO_MUCH_TEXT,
)
from porina.interactions.filters import apply_filters
from porina.render.renderer import Renderer, statuses_by_id
from porina.services import Services

from ..factories import Factory, Person
from ..interactions.support import post


async def _hide_filter(person: Person, keyword: str, **extra: Any) -> dict[str, Any]:
    response = await person.post(
        "/api/v2/filters",
        data={
            "title": "No spoilers",
            "context[]": ["home", "public"],
            "filter_action": "hide",
            "keywords_attributes[][keyword]": keyword,
            "keywords_attributes[][whole_word]": "1",
            **extra,
        },
    )
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


async def test_filter_crud_with_keywords(make: Factory) -> None:
    alice, bob = await make.person("alice"), await make.person("bob")
    created = await _hide_filter(alice, "spoiler")
    assert created["context"] == ["home", "public"]
    assert created["filter_action"] == "hide"
    assert [k["keyword"] for k in created["keywords"]] == ["spoiler"]
    fid, kid = created["id"], created["keywords"][0]["id"]
    assert (await bob.get(f"/api/v2/filters/{fid}")).status_code == 404
    updated = await alice.put(
        f"/api/v2/filters/{fid}",
        json={
            "title": "Renamed",
            "filter_action": "warn",
            "keywords_attributes": [
                {"id": kid, "_destroy": True},
                {"keyword": "ending", "whole_word": False},
            ],
        },
    )
    assert updated.status_code == 200, updated.text
    assert updated.json()["title"] == "Renamed"
    assert [k["keyword"] for k in updated.json()["keywords"]] == ["ending"]
    added = await alice.post(f"/api/v2/filters/{fid}/keywords", data={"keyword": "plot"})
    assert added.json()["whole_word"] is True
    assert len((await alice.get(f"/api/v2/filters/{fid}/keywords")).json()) == 2
    new_kid = added.json()["id"]
    changed = await alice.put(f"/api/v2/filter_keywords/{new_kid}", data={"keyword": "twist"})
    assert changed.json()["keyword"] == "twist"
    assert (await bob.get(f"/api/v2/filter_keywords/{new_kid}")).status_code == 404
    assert (await alice.delete(f"/api/v2/filter_keywords/{new_kid}")).status_code == 200
    legacy = (await alice.get("/api/v1/filters")).json()
    assert [(f["phrase"], f["irreversible"]) for f in legacy] == [("ending", False)]
    assert [f["id"] for f in (await alice.get("/api/v2/filters")).json()] == [fid]
    assert (await alice.delete(f"/api/v2/filters/{fid}")).status_code == 200
    assert (await alice.get("/api/v2/filters")).json() == []


async def test_bad_filter_input_is_422(make: Factory) -> None:
    alice = await make.person("alice")
    no_context = await alice.post("/api/v2/filters", data={"title": "x"})
    assert no_context.status_code == 422
    bad_context = await alice.post("/api/v2/filters", data={"title": "x", "context[]": "nowhere"})
    assert bad_context.status_code == 422
    bad_action = await alice.post(
        "/api/v2/filters", data={"title": "x", "context[]": "home", "filter_action": "burn"}
    )
    assert bad_action.status_code == 422 and "error" in bad_action.json()
    assert (await alice.get("/api/v2/filters/zzz")).status_code == 404


async def test_status_filters_match_by_status_id(make: Factory, services: Services) -> None:
    alice, bob = await make.person("alice"), await make.person("bob")
    sid = await post(services, bob, "harmless words")
    created = await alice.post("/api/v2/filters", data={"title": "This one", "context[]": "thread"})
    fid = created.json()["id"]
    pinned = await alice.post(f"/api/v2/filters/{fid}/statuses", data={"status_id": str(sid)})
    assert pinned.status_code == 200
    assert [
        s["status_id"] for s in (await alice.get(f"/api/v2/filters/{fid}/statuses")).json()
    ] == [str(sid)]
    async with services.db.read() as session:
        (status,) = await statuses_by_id(
            Renderer(services.settings), session, alice.account.id, [sid]
        )
    assert status.filtered and status.filtered[0].status_matches == [pinned.json()["id"]]
    fsid = pinned.json()["id"]
    assert (await alice.delete(f"/api/v2/filter_statuses/{fsid}")).status_code == 200
    assert (await alice.get(f"/api/v2/filter_statuses/{fsid}")).status_code == 404


async def test_hide_filter_marks_and_removes_matching_statuses(
    make: Factory, services: Services
) -> None:
    alice, bob = await make.person("alice"), await make.person("bob")
    await _hide_filter(alice, "spoiler")
    hit = await post(services, bob, "Huge SPOILER ahead")
    near = await post(services, bob, "spoilers are fine (not a whole word)")
    clean = await post(services, bob, "nothing to see")
    renderer = Renderer(services.settings)
    async with services.db.read() as session:
        await session.execute(select(1))  # the transaction has begun: count only our queries
        before = services.db.query_count
        rendered = await statuses_by_id(renderer, session, alice.account.id, [hit, near, clean])
        assert services.db.query_count - before == 3  # statuses, viewer state, filters
        others = await statuses_by_id(renderer, session, bob.account.id, [hit, near, clean])
    results = rendered[0].filtered
    assert isinstance(results, list) and len(results) == 1
    assert results[0].keyword_matches == ["spoiler"]
    assert results[0].filter.filter_action == "hide"
    assert rendered[1].filtered == [] and rendered[2].filtered == []
    assert [s.id for s in apply_filters(rendered, "public")] == [str(near), str(clean)]
    assert [s.id for s in apply_filters(rendered, "thread")] == [str(hit), str(near), str(clean)]
    assert [s.id for s in apply_filters(others, "public")] == [str(hit), str(near), str(clean)]


async def test_viewer_without_filters_pays_no_extra_query(
    make: Factory, services: Services
) -> None:
    alice, bob = await make.person("alice"), await make.person("bob")
    sid = await post(services, bob, "hello")
    async with services.db.read() as session:
        await session.execute(select(1))  # the transaction has begun: count only our queries
        before = services.db.query_count
        await statuses_by_id(Renderer(services.settings), session, alice.account.id, [sid])
        assert services.db.query_count - before == 2


async def test_filtered_is_shown_on_the_status_endpoint(make: Factory, services: Services) -> None:
    alice, bob = await make.person("alice"), await make.person("bob")
    created = await _hide_filter(alice, "spoiler")
    sid = await post(services, bob, "a spoiler")
    body = (await alice.get(f"/api/v1/statuses/{sid}")).json()
    assert [r["filter"]["id"] for r in body["filtered"]] == [created["id"]]


# --- caps and bounded matching (issue 13, point 1) ----------------------------------------------


def _words(count: int, seed: int, length: tuple[int, int] = (5, 9)) -> list[str]:
    rng = random.Random(seed)
    return [
        "".join(rng.choice(string.ascii_lowercase) for _ in range(rng.randint(*length)))
        for _ in range(count)
    ]


def _attributes(words: list[str]) -> list[dict[str, Any]]:
    return [{"keyword": w, "whole_word": True} for w in words]


async def test_a_filter_of_5000_keywords_is_refused(make: Factory) -> None:
    alice = await make.person("alice")
    refused = await alice.post(
        "/api/v2/filters",
        json={
            "title": "t",
            "context": ["home"],
            "keywords_attributes": _attributes(_words(5000, 1)),
        },
    )
    assert refused.status_code == 422, refused.text[:200]
    assert refused.json() == {"error": TOO_MANY_KEYWORDS}
    assert (await alice.get("/api/v2/filters")).json() == []
    at_cap = _attributes(_words(MAX_KEYWORDS, 2))
    created = await alice.post(
        "/api/v2/filters", json={"title": "t", "context": ["home"], "keywords_attributes": at_cap}
    )
    assert created.status_code == 200, created.text[:200]
    fid = created.json()["id"]
    one_more = await alice.post(f"/api/v2/filters/{fid}/keywords", data={"keyword": "extra"})
    assert one_more.status_code == 422 and one_more.json() == {"error": TOO_MANY_KEYWORDS}
    by_update = await alice.put(
        f"/api/v2/filters/{fid}", json={"keywords_attributes": [{"keyword": "extra"}]}
    )
    assert by_update.status_code == 422 and by_update.json() == {"error": TOO_MANY_KEYWORDS}
    kept = (await alice.get(f"/api/v2/filters/{fid}/keywords")).json()
    assert len(kept) == MAX_KEYWORDS and "extra" not in {k["keyword"] for k in kept}
    swap = {"keywords_attributes": [{"id": kept[0]["id"], "_destroy": True}, {"keyword": "extra"}]}
    assert (await alice.put(f"/api/v2/filters/{fid}", json=swap)).status_code == 200


async def test_one_filter_past_the_cap_is_refused(make: Factory, services: Services) -> None:
    alice = await make.person("alice")
    async with services.db.transaction() as tx:
        for n in range(MAX_FILTERS):
            await filters.create(tx, alice.account.id, title=f"f{n}", context=["home"])
    refused = await alice.post("/api/v2/filters", json={"title": "one more", "context": ["home"]})
    assert refused.status_code == 422
    assert refused.json() == {"error": TOO_MANY_FILTERS}
    listed = (await alice.get("/api/v2/filters")).json()
    assert len(listed) == MAX_FILTERS
    assert (await alice.delete(f"/api/v2/filters/{listed[0]['id']}")).status_code == 200
    again = await alice.post("/api/v2/filters", json={"title": "one more", "context": ["home"]})
    assert again.status_code == 200, again.text
    other = await make.person("bob")  # the cap is per person
    assert (
        await other.post("/api/v2/filters", json={"title": "x", "context": ["home"]})
    ).is_success


async def test_all_keywords_of_a_person_are_capped_in_characters(make: Factory) -> None:
    alice = await make.person("alice")
    per_filter = MAX_KEYWORD_TOTAL // 4 // 100  # keywords of 100 characters: 4 filters fill it
    for seed in range(4):
        body = {
            "title": f"f{seed}",
            "context": ["home"],
            "keywords_attributes": _attributes(_words(per_filter, seed, (100, 100))),
        }
        assert (await alice.post("/api/v2/filters", json=body)).status_code == 200
    refused = await alice.post(
        "/api/v2/filters",
        json={"title": "f", "context": ["home"], "keywords_attributes": [{"keyword": "x"}]},
    )
    assert refused.status_code == 422 and refused.json() == {"error": TOO_MUCH_TEXT}
    assert len((await alice.get("/api/v2/filters")).json()) == 4


async def _fill_to_the_caps(services: Services, alice: Person) -> None:
    """Filters as large as the caps let one person make them: a chain of nested whole-word
    keywords (``a``, ``aa``, ... each a part of the next), and filters of random words up to
    the total, with two keywords the test looks for."""
    chain = [filters.KeywordChange(keyword="a" * n, whole_word=True) for n in range(1, 61)]
    used = sum(range(1, 61))
    async with services.db.transaction() as tx:
        await filters.create(tx, alice.account.id, title="chain", context=["home"], keywords=chain)
        await filters.create(
            tx,
            alice.account.id,
            title="pizza",
            context=["home"],
            action="hide",
            keywords=[filters.KeywordChange(keyword="pineapple", whole_word=True)],
        )
        seed = 10
        while used + MAX_KEYWORDS * 10 <= MAX_KEYWORD_TOTAL - 20:
            words = _words(MAX_KEYWORDS, seed, (10, 10))
            await filters.create(
                tx,
                alice.account.id,
                title=f"words {seed}",
                context=["home"],
                keywords=[filters.KeywordChange(keyword=w) for w in words],
            )
            used, seed = used + MAX_KEYWORDS * 10, seed + 1
        await filters.create(
            tx,
            alice.account.id,
            title="coffee",
            context=["home"],
            keywords=[filters.KeywordChange(keyword="pulla", whole_word=False)],
        )


async def test_home_answers_with_filters_at_their_caps_and_long_posts(
    make: Factory, services: Services
) -> None:
    alice, bob = await make.person("alice"), await make.person("bob")
    await alice.follow(bob)
    await _fill_to_the_caps(services, alice)
    url = "https://example.com/" + "c" * 60_000  # counts 23 characters, 60 KB of text
    run = "https://example.com/b" + "a" * 60_000 + "b"  # every nested keyword, none whole
    long_miss = await bob.status("baaaa " + run)
    hidden = await bob.status("pineapple " + url)
    late = await bob.status("b" * 400 + " " + url + " pineapple")  # past what filters read
    warned = await bob.status("kahvi ja pullat " + url)
    plain = await bob.status("aaaaaaaaaa aaaaa a")  # whole words of the chain
    home = await alice.get("/api/v1/timelines/home")
    assert home.status_code == 200
    shown = {s["id"]: s for s in home.json()}
    assert list(shown) == [plain["id"], warned["id"], late["id"], long_miss["id"]]
    assert hidden["id"] not in shown
    assert shown[long_miss["id"]]["filtered"] == []
    [coffee] = shown[warned["id"]]["filtered"]
    assert (coffee["filter"]["title"], coffee["keyword_matches"]) == ("coffee", ["pulla"])
    [nested] = shown[plain["id"]]["filtered"]
    assert nested["keyword_matches"] == ["a", "aaaaa", "aaaaaaaaaa"]
    assert shown[late["id"]]["filtered"] == []  # its keyword lies past MATCH_CHARS
    assert len(late["content"]) > filters.MATCH_CHARS


async def test_notifications_show_what_the_filters_match(make: Factory) -> None:
    alice, bob = await make.person("alice"), await make.person("bob")
    created = await alice.post(
        "/api/v2/filters",
        json={
            "title": "finale",
            "context": ["notifications"],
            "keywords_attributes": [{"keyword": "finale", "whole_word": True}],
        },
    )
    assert created.status_code == 200
    await bob.status("@alice the finale was something")
    await bob.status("@alice see you at lunch")
    notes = (await alice.get("/api/v1/notifications")).json()
    by_text = {n["status"]["content"]: n["status"]["filtered"] for n in notes}
    [(hit, results)] = [(text, r) for text, r in by_text.items() if "finale" in text]
    assert [(r["filter"]["title"], r["keyword_matches"]) for r in results] == [
        ("finale", ["finale"])
    ]
    assert all(r == [] for text, r in by_text.items() if text != hit)
