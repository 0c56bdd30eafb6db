"""Featured hashtags: what a person features, what their profile shows (counts of public posts
only), suggestions from their own posts, and 4.4's /tags/:name/feature."""

from __future__ import annotations

import httpx

from ..factories import Factory
from ..support.openapi import assert_response

FEATURED = "/api/v1/featured_tags"


async def test_featuring_a_tag_shows_it_on_the_profile_with_public_counts_only(
    make: Factory, client: httpx.AsyncClient
) -> None:
    alice = await make.person("alice")
    await alice.status("first #Cats")
    await alice.status("second #cats", visibility="unlisted")
    await alice.status("secret #cats", visibility="private")
    await alice.status("to bob #cats", visibility="direct")
    made = assert_response(await alice.post(FEATURED, json={"name": "#Cats"}), FEATURED, "post")
    assert (made["name"], made["statuses_count"]) == ("Cats", "2")
    assert made["last_status_at"] and made["url"].endswith("/tags/cats")
    shown = await client.get(f"/api/v1/accounts/{alice.id}/featured_tags")
    body = assert_response(shown, "/api/v1/accounts/{id}/featured_tags")
    assert body == [made]
    assert assert_response(await alice.get(FEATURED), FEATURED) == [made]


async def test_featuring_again_changes_nothing_and_removing_takes_it_off(make: Factory) -> None:
    alice = await make.person("alice")
    first = (await alice.post(FEATURED, json={"name": "coffee"})).json()
    again = await alice.post(FEATURED, json={"name": "Coffee"})
    assert again.status_code == 200 and again.json()["id"] == first["id"]
    assert len((await alice.get(FEATURED)).json()) == 1
    gone = await alice.delete(f"{FEATURED}/{first['id']}")
    assert (gone.status_code, gone.json()) == (200, {})
    assert (await alice.get(FEATURED)).json() == []
    assert (await alice.delete(f"{FEATURED}/{first['id']}")).status_code == 404


async def test_nobody_removes_anothers_featured_tag(make: Factory) -> None:
    alice, mallory = await make.person("alice"), await make.person("mallory")
    made = (await alice.post(FEATURED, json={"name": "coffee"})).json()
    refused = await mallory.delete(f"{FEATURED}/{made['id']}")
    assert (refused.status_code, refused.json()) == (404, {"error": "Record not found"})
    assert len((await alice.get(FEATURED)).json()) == 1


async def test_invalid_names_and_the_limit_of_ten_are_validation_errors(make: Factory) -> None:
    alice = await make.person("alice")
    blank = await alice.post(FEATURED, json={"name": ""})
    assert (blank.status_code, blank.json()) == (
        422,
        {"error": "Validation failed: Name can't be blank"},
    )
    bad = await alice.post(FEATURED, json={"name": "not a tag"})
    assert bad.status_code == 422
    for n in range(10):
        assert (await alice.post(FEATURED, json={"name": f"tag{n}"})).status_code == 200
    over = await alice.post(FEATURED, json={"name": "eleventh"})
    assert over.status_code == 422
    assert "maximum number of hashtags" in over.json()["error"]


async def test_suggestions_are_own_recent_tags_not_yet_featured(make: Factory) -> None:
    alice, bob = await make.person("alice"), await make.person("bob")
    await alice.status("#tea and #cake")
    await alice.status("more #tea")
    await bob.status("#bobsecret")
    await alice.post(FEATURED, json={"name": "cake"})
    path = f"{FEATURED}/suggestions"
    body = assert_response(await alice.get(path), path)
    assert [t["name"] for t in body] == ["tea"]


async def test_feature_and_unfeature_through_the_tag(make: Factory) -> None:
    alice = await make.person("alice")
    tag = assert_response(
        await alice.post("/api/v1/tags/rust/feature"), "/api/v1/tags/{id}/feature"
    )
    assert (tag["name"], tag["featuring"]) == ("rust", True)
    assert [t["name"] for t in (await alice.get(FEATURED)).json()] == ["rust"]
    assert (await alice.get("/api/v1/tags/rust")).json()["featuring"] is True
    path = "/api/v1/tags/{id}/unfeature"
    tag = assert_response(await alice.post("/api/v1/tags/rust/unfeature"), path)
    assert tag["featuring"] is False
    assert (await alice.get(FEATURED)).json() == []
    assert (await alice.post("/api/v1/tags/neverused/unfeature")).status_code == 200


async def test_featured_tags_need_a_token_and_a_profile_that_exists(
    make: Factory, client: httpx.AsyncClient
) -> None:
    assert (await client.get(FEATURED)).status_code == 401
    assert (await client.post(FEATURED, json={"name": "x"})).status_code == 401
    missing = await client.get("/api/v1/accounts/1/featured_tags")
    assert (missing.status_code, missing.json()) == (404, {"error": "Record not found"})
