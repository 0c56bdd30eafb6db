from __future__ import annotations

from porina.posts.models import MediaAttachment
from porina.services import Services

from ..factories import Factory
from ..posts.support import media


async def test_status_with_media_renders_absolute_urls_and_allows_empty_text(
    make: Factory, services: Services
) -> None:
    alice = await make.person()
    mid = await media(services, alice)
    body = await alice.status("", media_ids=[mid])
    [attachment] = body["media_attachments"]
    assert attachment["id"] == mid
    async with services.db.read() as session:
        stored = await session.get(MediaAttachment, int(mid))
    assert stored is not None and stored.thumbnail_path is not None
    assert attachment["url"] == f"http://testserver.local/media/{stored.file_path}"
    assert attachment["preview_url"] == f"http://testserver.local/media/{stored.thumbnail_path}"


async def test_media_of_someone_else_or_already_attached_is_refused(
    make: Factory, services: Services
) -> None:
    alice = await make.person()
    bob = await make.person()
    theirs = await media(services, bob)
    response = await alice.post("/api/v1/statuses", json={"status": "x", "media_ids": [theirs]})
    assert response.status_code == 422
    mine = await media(services, alice)
    await alice.status("first", media_ids=[mine])
    again = await alice.post("/api/v1/statuses", json={"status": "x", "media_ids": [mine]})
    assert again.status_code == 422


async def test_more_than_four_media_or_media_with_a_poll_is_refused(
    make: Factory, services: Services
) -> None:
    alice = await make.person()
    ids = [await media(services, alice) for _ in range(5)]
    five = await alice.post("/api/v1/statuses", json={"status": "x", "media_ids": ids})
    assert five.status_code == 422
    poll = {"options": ["a", "b"], "expires_in": 3600}
    both = await alice.post(
        "/api/v1/statuses", json={"status": "x", "media_ids": ids[:1], "poll": poll}
    )
    assert both.status_code == 422


async def test_media_ids_in_form_brackets_are_accepted(make: Factory, services: Services) -> None:
    alice = await make.person()
    first, second = await media(services, alice), await media(services, alice)
    response = await alice.post(
        "/api/v1/statuses",
        data={"status": "two pictures", "media_ids[]": [first, second]},
    )
    assert response.status_code == 200, response.text
    assert [m["id"] for m in response.json()["media_attachments"]] == [first, second]


async def test_deleting_a_status_frees_its_media_for_a_redraft(
    make: Factory, services: Services
) -> None:
    alice = await make.person()
    mid = await media(services, alice)
    status = await alice.status("draft", media_ids=[mid])
    deleted = await alice.delete(f"/api/v1/statuses/{status['id']}")
    assert [m["id"] for m in deleted.json()["media_attachments"]] == [mid]
    redraft = await alice.status(deleted.json()["text"], media_ids=[mid])
    assert [m["id"] for m in redraft["media_attachments"]] == [mid]


async def test_edit_replaces_media_and_updates_descriptions(
    make: Factory, services: Services
) -> None:
    alice = await make.person()
    first, second = await media(services, alice), await media(services, alice)
    status = await alice.status("pics", media_ids=[first])
    response = await alice.put(
        f"/api/v1/statuses/{status['id']}",
        json={
            "status": "pics",
            "media_ids": [second],
            "media_attributes": [{"id": second, "description": "a cat"}],
        },
    )
    assert response.status_code == 200, response.text
    [attachment] = response.json()["media_attachments"]
    assert attachment["id"] == second
    assert attachment["description"] == "a cat"
    history = (await alice.get(f"/api/v1/statuses/{status['id']}/history")).json()
    assert [[m["id"] for m in h["media_attachments"]] for h in history] == [[first], [second]]
    reuse = await alice.post("/api/v1/statuses", json={"status": "x", "media_ids": [first]})
    assert reuse.status_code == 200
