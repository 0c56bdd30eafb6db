"""Content negotiation on the web pages' own URLs (issue 20, point 1), as Mastodon: a peer
asking ``/@NAME`` or ``/@NAME/ID`` for ActivityStreams gets the actor or the Note, with the
same rules as at ``/users/...``; a browser gets the page; both vary by ``Accept``."""

from __future__ import annotations

import httpx

from ..factories import Factory

AP = {"Accept": "application/activity+json"}
LD = {"Accept": 'application/ld+json; profile="https://www.w3.org/ns/activitystreams"'}
BASE = "http://testserver.local"


async def test_a_profile_page_url_answers_a_peer_with_the_actor(
    make: Factory, client: httpx.AsyncClient
) -> None:
    await make.person("aino")
    actor = await client.get("/@aino", headers=LD)
    assert actor.status_code == 200
    assert actor.headers["content-type"].startswith("application/activity+json")
    assert actor.json()["id"] == f"{BASE}/users/aino"
    assert actor.json() == (await client.get("/users/aino", headers=AP)).json()
    assert "accept" in actor.headers["vary"].lower()
    page = await client.get("/@aino", headers={"Accept": "text/html"})
    assert page.status_code == 200 and page.headers["content-type"].startswith("text/html")
    assert "accept" in page.headers["vary"].lower()
    assert (await client.get("/@nobody", headers=AP)).status_code == 404


async def test_a_post_page_url_answers_a_peer_with_the_note_it_may_see(
    make: Factory, client: httpx.AsyncClient
) -> None:
    aino = await make.person("aino")
    public = await aino.status("Fresh buns")
    note = await client.get(f"/@aino/{public['id']}", headers=AP)
    assert note.status_code == 200
    assert note.json()["id"] == f"{BASE}/users/aino/statuses/{public['id']}"
    assert note.json()["type"] == "Note" and "Fresh buns" in note.json()["content"]
    private = await aino.status("Only for followers", visibility="private")
    hidden = await client.get(f"/@aino/{private['id']}", headers=AP)
    assert hidden.status_code == 404
    page = await client.get(f"/@aino/{public['id']}")
    assert page.status_code == 200 and "Fresh buns" in page.text


async def test_an_id_no_status_can_have_is_not_found(
    make: Factory, client: httpx.AsyncClient
) -> None:
    await make.person("aino")
    for path in ("/@aino/99999999999999999999", "/users/aino/statuses/99999999999999999999"):
        response = await client.get(path, headers=AP)
        assert response.status_code == 404, path
        assert response.json() == {"error": "Record not found"}
