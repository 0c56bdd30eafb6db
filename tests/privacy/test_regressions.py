"""Leaks the property tests found, pinned as plain examples."""

from __future__ import annotations

from ..factories import Factory


async def test_favourited_by_hides_a_favouriter_who_later_blocked_the_viewer(
    make: Factory,
) -> None:
    author = await make.person()
    fan = await make.person()
    status = await author.status("hello", visibility="public")
    assert (await fan.post(f"/api/v1/statuses/{status['id']}/favourite")).status_code == 200
    assert (await fan.post(f"/api/v1/statuses/{status['id']}/reblog")).status_code == 200
    assert (await fan.post(f"/api/v1/accounts/{author.id}/block")).status_code == 200

    for what in ("favourited_by", "reblogged_by"):
        response = await author.get(f"/api/v1/statuses/{status['id']}/{what}")
        assert response.status_code == 200
        assert [a["id"] for a in response.json()] == [], what


async def test_favourited_by_hides_a_favouriter_the_viewer_blocks(make: Factory) -> None:
    author = await make.person()
    fan = await make.person()
    status = await author.status("hello", visibility="public")
    assert (await fan.post(f"/api/v1/statuses/{status['id']}/favourite")).status_code == 200
    assert (await author.post(f"/api/v1/accounts/{fan.id}/block")).status_code == 200

    response = await author.get(f"/api/v1/statuses/{status['id']}/favourited_by")
    assert [a["id"] for a in response.json()] == []


async def test_a_private_reply_does_not_raise_the_public_replies_count(make: Factory) -> None:
    author = await make.person()
    friend = await make.person()
    status = await author.status("hello", visibility="public")
    await friend.status("psst", visibility="private", in_reply_to_id=status["id"])
    await friend.status(
        "@" + author.username + " dm", visibility="direct", in_reply_to_id=status["id"]
    )
    anonymous = await author.client.get(f"/api/v1/statuses/{status['id']}")
    assert anonymous.json()["replies_count"] == 0
    public = await friend.status("open", visibility="public", in_reply_to_id=status["id"])
    assert (await author.get(f"/api/v1/statuses/{status['id']}")).json()["replies_count"] == 1
    await friend.delete(f"/api/v1/statuses/{public['id']}")
    assert (await author.get(f"/api/v1/statuses/{status['id']}")).json()["replies_count"] == 0


async def test_a_direct_status_does_not_raise_the_authors_statuses_count(
    make: Factory,
) -> None:
    author = await make.person()
    friend = await make.person()
    dm = await author.status(f"@{friend.username} secret", visibility="direct")
    await author.status("public one", visibility="public")
    seen = await author.client.get(f"/api/v1/accounts/{author.id}")
    assert seen.json()["statuses_count"] == 1
    await author.delete(f"/api/v1/statuses/{dm['id']}")
    seen = await author.client.get(f"/api/v1/accounts/{author.id}")
    assert seen.json()["statuses_count"] == 1
