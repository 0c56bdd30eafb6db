"""Filters with the ``hide`` action remove matching statuses from timelines; ``warn`` keeps
them with ``filtered`` results, as Mastodon does."""

from __future__ import annotations

from tests.factories import Factory


async def test_a_hide_filter_removes_matching_posts_from_home_and_public(make: Factory) -> None:
    alice = await make.person()
    bob = await make.person()
    await alice.follow(bob)
    await bob.status("pineapple on pizza is great")
    kept = await bob.status("coffee is great")
    created = await alice.post(
        "/api/v2/filters",
        json={
            "title": "no pineapple",
            "context": ["home", "public"],
            "filter_action": "hide",
            "keywords_attributes": [{"keyword": "pineapple", "whole_word": True}],
        },
    )
    assert created.status_code == 200, created.text
    for path in ("/api/v1/timelines/home", "/api/v1/timelines/public"):
        shown = [s["id"] for s in (await alice.get(path)).json()]
        assert shown == [kept["id"]], path
    # bob has no filter and still sees both
    assert len((await bob.get("/api/v1/timelines/public")).json()) == 2


async def test_a_warn_filter_keeps_the_post_with_its_filter_result(make: Factory) -> None:
    alice = await make.person()
    bob = await make.person()
    await alice.follow(bob)
    await bob.status("spoilers for the finale")
    await alice.post(
        "/api/v2/filters",
        json={
            "title": "spoilers",
            "context": ["home"],
            "filter_action": "warn",
            "keywords_attributes": [{"keyword": "spoilers"}],
        },
    )
    [status] = (await alice.get("/api/v1/timelines/home")).json()
    assert status["filtered"][0]["filter"]["title"] == "spoilers"
    assert status["filtered"][0]["keyword_matches"] == ["spoilers"]
