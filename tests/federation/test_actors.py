"""Actor, collection and Note documents, served to ActivityPub peers at Mastodon's URLs."""

from __future__ import annotations

import httpx

from ..factories import Factory

AP = {"Accept": 'application/ld+json; profile="https://www.w3.org/ns/activitystreams"'}
BASE = "http://testserver.local"


async def test_webfinger_points_to_the_actor_that_peers_fetch(
    make: Factory, client: httpx.AsyncClient
) -> None:
    await make.person("aino")
    jrd = (await client.get("/.well-known/webfinger?resource=acct:aino@testserver.local")).json()
    self_link = next(link for link in jrd["links"] if link["rel"] == "self")
    actor = await client.get(self_link["href"].removeprefix(BASE), headers=AP)
    assert actor.status_code == 200
    assert actor.headers["content-type"].startswith("application/activity+json")
    body = actor.json()
    assert body["id"] == self_link["href"]
    assert body["type"] == "Person"
    assert body["endpoints"]["sharedInbox"] == f"{BASE}/inbox"
    key = body["publicKey"]
    assert key["owner"] == body["id"] and key["id"] == f"{body['id']}#main-key"
    assert key["publicKeyPem"].startswith("-----BEGIN PUBLIC KEY-----")


async def test_the_key_is_made_once_and_kept(make: Factory, client: httpx.AsyncClient) -> None:
    await make.person("aino")
    first = (await client.get("/users/aino", headers=AP)).json()["publicKey"]
    second = (await client.get("/users/AINO", headers=AP)).json()["publicKey"]
    assert first == second


async def test_a_browser_at_the_actor_url_goes_to_the_profile_page(
    make: Factory, client: httpx.AsyncClient
) -> None:
    await make.person("aino")
    response = await client.get(
        "/users/aino", headers={"Accept": "text/html"}, follow_redirects=False
    )
    assert response.status_code == 302
    assert response.headers["location"] == "/@aino"


async def test_a_brand_is_an_organization(make: Factory, client: httpx.AsyncClient) -> None:
    await make.person("kahvila", actor_type="Organization")
    assert (await client.get("/users/kahvila", headers=AP)).json()["type"] == "Organization"


async def test_unknown_actors_are_not_found(client: httpx.AsyncClient) -> None:
    for path in ("/users/nobody", "/users/nobody/outbox", "/users/a%00b", "/users/x/statuses/1"):
        response = await client.get(path, headers=AP)
        assert response.status_code == 404, path
        assert response.json() == {"error": "Record not found"}


async def test_outbox_lists_public_posts_only(make: Factory, client: httpx.AsyncClient) -> None:
    aino = await make.person("aino")
    public = await aino.status("open at nine")
    await aino.status("friends only", visibility="private")
    outbox = (await client.get("/users/aino/outbox", headers=AP)).json()
    assert outbox["type"] == "OrderedCollection"
    notes = [item["object"] for item in outbox["orderedItems"]]
    assert [n["content"] for n in notes] == [public["content"]]
    assert notes[0]["id"] == public["uri"]
    assert "https://www.w3.org/ns/activitystreams#Public" in notes[0]["to"]


async def test_a_public_post_is_a_note_at_its_uri(make: Factory, client: httpx.AsyncClient) -> None:
    aino = await make.person("aino")
    post = await aino.status("hello #coffee", spoiler_text="beans")
    note = (await client.get(post["uri"].removeprefix(BASE), headers=AP)).json()
    assert note["type"] == "Note" and note["id"] == post["uri"]
    assert note["summary"] == "beans"
    assert note["attributedTo"] == f"{BASE}/users/aino"
    assert note["tag"][0]["name"] == "#coffee"
    page = await client.get(post["uri"].removeprefix(BASE), follow_redirects=False)
    assert page.status_code == 302
    assert page.headers["location"] == f"/@aino/{post['id']}"


async def test_a_private_post_is_not_served(make: Factory, client: httpx.AsyncClient) -> None:
    aino = await make.person("aino")
    post = await aino.status("friends only", visibility="private")
    response = await client.get(post["uri"].removeprefix(BASE), headers=AP)
    assert response.status_code == 404


async def test_followers_show_counts_and_hide_people_when_asked(
    make: Factory, client: httpx.AsyncClient
) -> None:
    aino = await make.person("aino")
    bo = await make.person("bo")
    await bo.follow(aino)
    shown = (await client.get("/users/aino/followers", headers=AP)).json()
    assert shown["totalItems"] == 1 and shown["orderedItems"] == [f"{BASE}/users/bo"]
    following = (await client.get("/users/bo/following", headers=AP)).json()
    assert following["orderedItems"] == [f"{BASE}/users/aino"]
    await aino.patch("/api/v1/accounts/update_credentials", json={"hide_collections": True})
    hidden = (await client.get("/users/aino/followers", headers=AP)).json()
    assert hidden["totalItems"] == 1 and "orderedItems" not in hidden


async def test_featured_holds_pinned_posts(make: Factory, client: httpx.AsyncClient) -> None:
    aino = await make.person("aino")
    post = await aino.status("menu")
    await aino.status("other")
    await aino.post(f"/api/v1/statuses/{post['id']}/pin")
    featured = (await client.get("/users/aino/collections/featured", headers=AP)).json()
    assert [n["id"] for n in featured["orderedItems"]] == [post["uri"]]
