"""The deprecated v1 filters API: each v1 filter is one keyword of a v2 filter, and timelines
honour what is made through it."""

from __future__ import annotations

from ..factories import Factory
from ..support.openapi import assert_response

V1 = "/api/v1/filters"


async def test_a_v1_filter_is_a_v2_filter_with_one_keyword(make: Factory) -> None:
    alice = await make.person("alice")
    made = await alice.post(
        V1,
        json={
            "phrase": "spoilers",
            "context": ["home", "public"],
            "irreversible": True,
            "whole_word": False,
        },
    )
    body = assert_response(made, V1, "post")
    assert (body["phrase"], body["irreversible"], body["whole_word"]) == ("spoilers", True, False)
    assert sorted(body["context"]) == ["home", "public"]
    v2 = (await alice.get("/api/v2/filters")).json()
    assert [(x["title"], x["filter_action"]) for x in v2] == [("spoilers", "hide")]
    assert [k["id"] for k in v2[0]["keywords"]] == [body["id"]]
    assert assert_response(await alice.get(f"{V1}/{body['id']}"), V1 + "/{id}") == body
    assert [x["id"] for x in (await alice.get(V1)).json()] == [body["id"]]


async def test_updating_and_deleting_a_v1_filter(make: Factory) -> None:
    alice = await make.person("alice")
    made = (await alice.post(V1, json={"phrase": "cats", "context": ["home"]})).json()
    changed = await alice.put(
        f"{V1}/{made['id']}",
        json={"phrase": "dogs", "context": ["notifications"], "irreversible": True},
    )
    body = assert_response(changed, V1 + "/{id}", "put")
    assert (body["phrase"], body["context"], body["irreversible"]) == (
        "dogs",
        ["notifications"],
        True,
    )
    gone = await alice.delete(f"{V1}/{made['id']}")
    assert (gone.status_code, gone.json()) == (200, {})
    assert (await alice.get(f"{V1}/{made['id']}")).status_code == 404


async def test_a_filter_with_several_keywords_cannot_change_through_v1(make: Factory) -> None:
    alice = await make.person("alice")
    v2 = (
        await alice.post(
            "/api/v2/filters",
            json={
                "title": "pets",
                "context": ["home"],
                "keywords_attributes": [{"keyword": "cat"}, {"keyword": "dog"}],
            },
        )
    ).json()
    keyword = v2["keywords"][0]["id"]
    refused = await alice.put(f"{V1}/{keyword}", json={"context": ["public"]})
    assert refused.status_code == 422
    renamed = await alice.put(f"{V1}/{keyword}", json={"phrase": "kitten"})
    assert renamed.status_code == 200 and renamed.json()["phrase"] == "kitten"


async def test_nobody_reads_or_changes_anothers_v1_filter(make: Factory) -> None:
    alice, mallory = await make.person("alice"), await make.person("mallory")
    made = (await alice.post(V1, json={"phrase": "secret", "context": ["home"]})).json()
    for response in (
        await mallory.get(f"{V1}/{made['id']}"),
        await mallory.put(f"{V1}/{made['id']}", json={"phrase": "x"}),
        await mallory.delete(f"{V1}/{made['id']}"),
    ):
        assert (response.status_code, response.json()) == (404, {"error": "Record not found"})
    assert (await alice.get(f"{V1}/{made['id']}")).json()["phrase"] == "secret"


async def test_a_v1_filter_hides_matching_posts_from_home(make: Factory) -> None:
    alice, bob = await make.person("alice"), await make.person("bob")
    await alice.follow(bob)
    await alice.post(V1, json={"phrase": "spoiler", "context": ["home"], "irreversible": True})
    await bob.status("big spoiler here")
    await bob.status("nothing to see")
    home = (await alice.get("/api/v1/timelines/home")).json()
    assert [s["content"] for s in home] == ["<p>nothing to see</p>"]
