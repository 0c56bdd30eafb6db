"""``/api/v1/bookmarks`` and ``/api/v1/favourites``: the caller's saved and liked statuses."""

from __future__ import annotations

from tests.factories import Factory


async def test_bookmarks_lists_what_i_bookmarked_newest_first(make: Factory) -> None:
    alice = await make.person("alice")
    bob = await make.person("bob")
    first = await alice.status("first")
    second = await alice.status("second")
    await alice.status("not bookmarked")
    for status in (first, second):
        assert (await bob.post(f"/api/v1/statuses/{status['id']}/bookmark")).status_code == 200
    response = await bob.get("/api/v1/bookmarks")
    assert response.status_code == 200
    assert [s["id"] for s in response.json()] == [second["id"], first["id"]]
    assert all(s["bookmarked"] for s in response.json())
    assert (await alice.get("/api/v1/bookmarks")).json() == []


async def test_bookmarks_page_with_limit_and_link_header(make: Factory) -> None:
    alice = await make.person("alice")
    ids = [(await alice.status(f"post {n}"))["id"] for n in range(3)]
    for status_id in ids:
        await alice.post(f"/api/v1/statuses/{status_id}/bookmark")
    page = await alice.get("/api/v1/bookmarks", params={"limit": 2})
    assert [s["id"] for s in page.json()] == [ids[2], ids[1]]
    assert 'rel="next"' in page.headers["link"]
    next_url = page.headers["link"].split(";")[0].strip("<>")
    rest = await alice.get(next_url)
    assert [s["id"] for s in rest.json()] == [ids[0]]


async def test_favourites_lists_what_i_favourited(make: Factory) -> None:
    alice = await make.person("alice")
    bob = await make.person("bob")
    status = await alice.status("like me")
    await alice.status("ignored")
    assert (await bob.post(f"/api/v1/statuses/{status['id']}/favourite")).status_code == 200
    response = await bob.get("/api/v1/favourites")
    assert [s["id"] for s in response.json()] == [status["id"]]
    assert response.json()[0]["favourited"] is True


async def test_deleted_or_hidden_statuses_drop_out_of_bookmarks(make: Factory) -> None:
    alice = await make.person("alice")
    status = await alice.status("soon gone")
    await alice.post(f"/api/v1/statuses/{status['id']}/bookmark")
    assert (await alice.delete(f"/api/v1/statuses/{status['id']}")).status_code == 200
    assert (await alice.get("/api/v1/bookmarks")).json() == []


async def test_bookmarks_need_the_read_bookmarks_scope(make: Factory) -> None:
    writer = await make.person("writer", scopes="write")
    assert (await writer.get("/api/v1/bookmarks")).status_code == 403
    assert (await writer.client.get("/api/v1/favourites")).status_code == 401
