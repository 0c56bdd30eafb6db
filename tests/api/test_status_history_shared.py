"""``GET /api/v1/statuses/:id/history`` reads through ``posts.history`` (the web's history page
reads the same): every version oldest first, 404 for a post the reader may not see, and a
boost's own single version as Mastodon answers it."""

from __future__ import annotations

from ..factories import Factory


async def test_history_versions_privacy_and_boosts(make: Factory) -> None:
    alice, bob, carol = await make.person("alice"), await make.person("bob"), await make.person()
    post = await alice.status("first words", visibility="private")
    await bob.follow(alice)
    edited = await alice.put(f"/api/v1/statuses/{post['id']}", json={"status": "second words"})
    assert edited.status_code == 200
    path = f"/api/v1/statuses/{post['id']}/history"
    versions = (await bob.get(path)).json()
    assert [v["content"] for v in versions] == ["<p>first words</p>", "<p>second words</p>"]
    assert {v["account"]["id"] for v in versions} == {alice.id}
    assert (await carol.get(path)).status_code == 404
    assert (await make.client.get(path)).status_code == 404
    public = await alice.status("boost me")
    boost = (await bob.post(f"/api/v1/statuses/{public['id']}/reblog")).json()
    boosted = (await carol.get(f"/api/v1/statuses/{boost['id']}/history")).json()
    assert [(v["content"], v["account"]["id"]) for v in boosted] == [("", bob.id)]
