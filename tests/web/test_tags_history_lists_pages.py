"""Followed hashtags (list, follow, unfollow), a post's edit history (only of posts the
reader may see: 404 otherwise, signed in or not) and renaming or deleting a list (with a
confirm step; someone else's list is a 404)."""

from __future__ import annotations

import html
from typing import Any

from tests.factories import Factory
from tests.web.conftest import text_of as raw_text


def text_of(page: str) -> str:
    return html.unescape(raw_text(page))


async def test_followed_hashtags(make: Factory, signed_in: Any) -> None:
    alice, bob = await make.person("alice"), await make.person("bob")
    await alice.post("/api/v1/tags/Coffee/follow")
    await alice.post("/api/v1/tags/baking/follow")
    await bob.post("/api/v1/tags/secrets/follow")
    browser = await signed_in(alice)

    page = await browser.get("/settings/tags")
    assert page.status_code == 200
    words = text_of(page.text)
    assert "#baking" in words and "#Coffee" in words and "#secrets" not in words
    gone = await browser.post("/settings/tags/Coffee/unfollow")
    assert gone.status_code == 303
    assert [t["name"] for t in (await alice.get("/api/v1/followed_tags")).json()] == ["baking"]
    added = await browser.post("/settings/tags", {"name": "#Sauna"})
    assert added.status_code == 303
    names = sorted(t["name"] for t in (await alice.get("/api/v1/followed_tags")).json())
    assert names == ["Sauna", "baking"]
    row = await browser.htmx("/settings/tags/baking/unfollow")
    assert row.status_code == 200 and "You no longer follow #baking." in text_of(row.text)
    assert "<html" not in row.text
    names = [t["name"] for t in (await alice.get("/api/v1/followed_tags")).json()]
    assert names == ["Sauna"]
    bad = await browser.post("/settings/tags", {"name": "not a tag!"})
    assert bad.status_code == 422 and 'role="alert"' in bad.text
    assert (await signed_in(bob)) and "#secrets" in (await browser.get("/settings/tags")).text


async def test_followed_hashtags_signed_out_and_in_finnish(
    make: Factory, browser: Any, signed_in: Any
) -> None:
    response = await browser.get("/settings/tags")
    assert response.status_code == 303 and response.headers["location"].startswith("/auth/")
    aino = await make.person("aino", locale="fi")
    await signed_in(aino)
    words = text_of((await browser.get("/settings/tags")).text)
    assert "Seuratut aihetunnisteet" in words and "Et seuraa vielä yhtään aihetunnistetta." in words


async def test_edit_history_of_a_visible_post(make: Factory, signed_in: Any) -> None:
    alice, bob = await make.person("alice"), await make.person("bob")
    posted = await alice.status("Opening at nine")
    edited = await alice.put(
        f"/api/v1/statuses/{posted['id']}",
        json={"status": "Opening at ten", "spoiler_text": "News"},
    )
    assert edited.status_code == 200
    browser = await signed_in(bob)

    status_page = await browser.get(f"/@alice/{posted['id']}")
    assert f'href="/@alice/{posted["id"]}/history"' in status_page.text

    page = await browser.get(f"/@alice/{posted['id']}/history")
    assert page.status_code == 200
    words = text_of(page.text)
    assert words.index("Opening at ten") < words.index("Opening at nine")  # newest first
    assert "2 versions, newest first." in words
    assert "Current version" in words and "Original" in words and "News" in words

    plain = await alice.status("Never changed")
    once = text_of((await browser.get(f"/@alice/{plain['id']}/history")).text)
    assert "1 version, newest first." in once and "Never changed" in once


async def test_edit_history_of_a_post_one_may_not_see_is_not_found(
    make: Factory, browser: Any, signed_in: Any
) -> None:
    alice, bob, carol = [await make.person(n) for n in ("alice", "bob", "carol")]
    await carol.follow(alice)
    private = await alice.status("Followers only, first draft", visibility="private")
    await alice.put(f"/api/v1/statuses/{private['id']}", json={"status": "Followers only, final"})
    path = f"/@alice/{private['id']}/history"

    anonymous = await browser.get(path)
    assert anonymous.status_code == 404 and "first draft" not in anonymous.text
    await signed_in(bob)
    stranger = await browser.get(path)
    assert stranger.status_code == 404 and "first draft" not in stranger.text
    await signed_in(carol)
    follower = await browser.get(path)
    assert follower.status_code == 200 and "first draft" in follower.text
    assert (await browser.get("/@alice/999999999/history")).status_code == 404
    assert (await browser.get(f"/alice/{private['id']}/history")).status_code == 404


async def test_edit_history_in_finnish(make: Factory, signed_in: Any) -> None:
    aino = await make.person("aino", locale="fi")
    posted = await aino.status("Moi")
    await aino.put(f"/api/v1/statuses/{posted['id']}", json={"status": "Moikka"})
    browser = await signed_in(aino)
    words = text_of((await browser.get(f"/@aino/{posted['id']}/history")).text)
    assert "Muokkaushistoria" in words and "2 versiota, uusin ensin." in words


async def test_rename_and_delete_a_list(make: Factory, signed_in: Any) -> None:
    alice, bob = await make.person("alice"), await make.person("bob")
    made = (await alice.post("/api/v1/lists", json={"title": "Cafés"})).json()
    bobs = (await bob.post("/api/v1/lists", json={"title": "Bob's list"})).json()
    browser = await signed_in(alice)

    page = await browser.get(f"/lists/{made['id']}")
    assert f'action="/lists/{made["id"]}/rename"' in page.text
    assert f'href="/lists/{made["id"]}/delete"' in page.text
    renamed = await browser.post(f"/lists/{made['id']}/rename", {"title": "Coffee places"})
    assert renamed.status_code == 303
    assert (await alice.get(f"/api/v1/lists/{made['id']}")).json()["title"] == "Coffee places"
    blank = await browser.post(f"/lists/{made['id']}/rename", {"title": "  "})
    assert blank.status_code == 422 and 'role="alert"' in blank.text

    assert (await browser.post(f"/lists/{bobs['id']}/rename", {"title": "x"})).status_code == 404
    assert (await browser.get(f"/lists/{bobs['id']}/delete")).status_code == 404
    assert (await bob.get(f"/api/v1/lists/{bobs['id']}")).json()["title"] == "Bob's list"

    confirm = await browser.get(f"/lists/{made['id']}/delete")
    assert confirm.status_code == 200
    assert "Delete the list “Coffee places”?" in text_of(confirm.text)
    assert (await browser.post(f"/lists/{made['id']}/delete")).status_code == 303
    assert (await alice.get("/api/v1/lists")).json() == []
