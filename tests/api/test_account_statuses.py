from __future__ import annotations

from ..factories import Factory
from ..timelines.support import ids


async def test_profile_statuses_honour_filters_and_visibility(make: Factory) -> None:
    alice, bob, carol = (
        await make.person("alice"),
        await make.person("bob"),
        await make.person("carol"),
    )
    await bob.follow(alice)
    first = await alice.status("first #coffee")
    reply = await alice.status("reply to carol", in_reply_to_id=(await carol.status("hi"))["id"])
    friends = await alice.status("friends only", visibility="private")
    boosted = await alice.post(f"/api/v1/statuses/{(await carol.status('boost me'))['id']}/reblog")
    assert boosted.status_code == 200
    path = f"/api/v1/accounts/{alice.id}/statuses"
    everything = ids(await bob.get(path))
    assert everything == [boosted.json()["id"], friends["id"], reply["id"], first["id"]]
    assert friends["id"] not in ids(await carol.get(path))
    assert reply["id"] not in ids(await bob.get(path, params={"exclude_replies": "true"}))
    assert boosted.json()["id"] not in ids(await bob.get(path, params={"exclude_reblogs": "1"}))
    assert ids(await bob.get(path, params={"tagged": "coffee"})) == [first["id"]]


async def test_pinned_profile_statuses(make: Factory) -> None:
    alice = await make.person("alice")
    pinned = await alice.status("pin me")
    await alice.status("not pinned")
    assert (await alice.post(f"/api/v1/statuses/{pinned['id']}/pin")).status_code == 200
    response = await alice.client.get(f"/api/v1/accounts/{alice.id}/statuses?pinned=true")
    assert ids(response) == [pinned["id"]]


async def test_unknown_account_is_a_404(make: Factory) -> None:
    alice = await make.person("alice")
    assert (await alice.get("/api/v1/accounts/999/statuses")).status_code == 404
    assert (await alice.get("/api/v1/accounts/nope/statuses")).status_code == 404
