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
