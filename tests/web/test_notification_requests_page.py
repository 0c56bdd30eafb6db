"""Filtered notifications on the web: the notifications page leads to the requests, each
accepted or dismissed there, in English and Finnish."""

from __future__ import annotations

from typing import Any

from porina.services import Services
from tests.factories import Factory
from tests.interactions.support import post
from tests.web.conftest import text_of


async def test_filtered_notifications_page_accepts_and_dismisses(
    make: Factory, services: Services, signed_in: Any
) -> None:
    alice, bob, carol = [await make.person(n) for n in ("alice", "bob", "carol")]
    policy = await alice.patch("/api/v2/notifications/policy", json={"for_not_following": "filter"})
    assert policy.status_code == 200
    await post(services, bob, "psst @alice", mention=(alice,))
    await post(services, bob, "again @alice", mention=(alice,))
    await post(services, carol, "hello @alice", mention=(alice,))
    browser = await signed_in(alice)

    notes = await browser.get("/notifications")
    assert "mentioned you" not in notes.text
    assert 'href="/notifications/requests"' in notes.text
    assert "Filtered notifications (2)" in text_of(notes.text)

    page = await browser.get("/notifications/requests")
    assert page.status_code == 200
    words = text_of(page.text)
    assert "@bob" in words and "2 notifications" in words and "again" in words
    assert "@carol" in words and "1 notification" in words
    held = {
        r["account"]["username"]: r["id"]
        for r in (await alice.get("/api/v1/notifications/requests")).json()
    }
    accepted = await browser.post(f"/web/notifications/requests/{held['bob']}/accept")
    assert accepted.status_code == 303
    assert accepted.headers["location"] == "/notifications/requests"
    dismissed = await browser.post(f"/web/notifications/requests/{held['carol']}/dismiss")
    assert dismissed.status_code == 303

    notes = await browser.get("/notifications")
    assert text_of(notes.text).count("mentioned you") == 2  # bob's two, carol's gone
    assert 'href="/notifications/requests"' not in notes.text
    empty = await browser.get("/notifications/requests")
    assert "No filtered notifications." in empty.text


async def test_the_pages_speak_finnish(make: Factory, services: Services, signed_in: Any) -> None:
    aino, bob = await make.person("aino", locale="fi"), await make.person("bob")
    await aino.patch("/api/v2/notifications/policy", json={"for_not_following": "filter"})
    await post(services, bob, "moi @aino", mention=(aino,))
    browser = await signed_in(aino)
    notes = text_of((await browser.get("/notifications")).text)
    assert "Suodatetut ilmoitukset (1)" in notes
    page = text_of((await browser.get("/notifications/requests")).text)
    assert "1 ilmoitus" in page and "Hyväksy" in page and "Hylkää" in page


async def test_someone_elses_request_is_not_found(
    make: Factory, services: Services, signed_in: Any
) -> None:
    alice, bob, mallory = [await make.person(n) for n in ("alice", "bob", "mallory")]
    await alice.patch("/api/v2/notifications/policy", json={"for_not_following": "filter"})
    await post(services, bob, "psst @alice", mention=(alice,))
    held = (await alice.get("/api/v1/notifications/requests")).json()[0]["id"]
    browser = await signed_in(mallory)
    assert (await browser.post(f"/web/notifications/requests/{held}/accept")).status_code == 404
    assert (await browser.post(f"/web/notifications/requests/{held}/explode")).status_code == 404
    assert len((await alice.get("/api/v1/notifications/requests")).json()) == 1
