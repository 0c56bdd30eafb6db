"""Scheduled posts page: the reader's own, soonest first; reschedule (the new time in the
writer's time zone), cancel behind a confirm step; someone else's is a 404; in Finnish too."""

from __future__ import annotations

import html
from datetime import UTC, datetime, timedelta
from typing import Any

from tests.factories import Factory, Person
from tests.web.conftest import text_of as raw_text


async def schedule(person: Person, text: str, hours: int) -> str:
    when = (datetime.now(UTC) + timedelta(hours=hours)).isoformat()
    made = await person.post("/api/v1/statuses", json={"status": text, "scheduled_at": when})
    assert made.status_code == 200, made.text
    return str(made.json()["id"])


async def test_signed_out_goes_to_sign_in(browser: Any) -> None:
    response = await browser.get("/settings/scheduled")
    assert response.status_code == 303
    assert response.headers["location"].startswith("/auth/sign_in")


async def test_list_reschedule_and_cancel(make: Factory, signed_in: Any) -> None:
    alice, bob = await make.person("alice"), await make.person("bob")
    later = await schedule(alice, "Launch day announcement", 48)
    sooner = await schedule(alice, "Morning coffee special", 2)
    await schedule(bob, "Bob's secret plan", 3)
    browser = await signed_in(alice)

    page = await browser.get("/settings/scheduled")
    assert page.status_code == 200
    words = text_of(page.text)
    assert words.index("Morning coffee special") < words.index("Launch day announcement")
    assert "Bob's secret plan" not in words
    assert 'href="/settings/scheduled"' in page.text  # the settings navigation

    shown = (await alice.get(f"/api/v1/scheduled_statuses/{sooner}")).json()["scheduled_at"]
    utc = datetime.fromisoformat(shown.replace("Z", "+00:00")).strftime("%Y-%m-%dT%H:%M")
    assert f'value="{utc}"' in page.text  # the field holds the time, in UTC without JS
    target = datetime.now(UTC) + timedelta(days=3)
    moved = await browser.post(
        f"/settings/scheduled/{sooner}/reschedule",
        {
            "scheduled_at": (target + timedelta(hours=2)).strftime("%Y-%m-%dT%H:%M"),
            "tz_offset": "-120",
        },
    )
    assert moved.status_code == 303
    assert moved.headers["location"] == "/settings/scheduled?done=moved"
    shown = (await alice.get(f"/api/v1/scheduled_statuses/{sooner}")).json()
    at = datetime.fromisoformat(shown["scheduled_at"].replace("Z", "+00:00"))
    assert abs((at - target).total_seconds()) < 120  # 2 h east of UTC: the same moment
    words = text_of((await browser.get("/settings/scheduled")).text)
    assert words.index("Launch day announcement") < words.index("Morning coffee special")

    too_soon = await browser.post(
        f"/settings/scheduled/{later}/reschedule",
        {"scheduled_at": datetime.now(UTC).strftime("%Y-%m-%dT%H:%M"), "tz_offset": "0"},
    )
    assert too_soon.status_code == 422
    assert 'role="alert"' in too_soon.text and "Launch day announcement" in too_soon.text

    confirm = await browser.get(f"/settings/scheduled/{later}/cancel")
    assert confirm.status_code == 200
    assert "Cancel the scheduled post?" in confirm.text
    assert "Launch day announcement" in confirm.text
    assert f'action="/settings/scheduled/{later}/cancel"' in confirm.text
    assert (await alice.get(f"/api/v1/scheduled_statuses/{later}")).status_code == 200

    cancelled = await browser.post(f"/settings/scheduled/{later}/cancel")
    assert cancelled.status_code == 303
    assert (await alice.get(f"/api/v1/scheduled_statuses/{later}")).status_code == 404
    words = text_of((await browser.get("/settings/scheduled?done=cancelled")).text)
    assert "The scheduled post is cancelled." in words
    assert "Launch day announcement" not in words


async def test_compose_links_to_the_scheduled_posts(make: Factory, signed_in: Any) -> None:
    browser = await signed_in(await make.person("alice"))
    page = await browser.get("/compose?scheduled=1")
    assert "Your post is scheduled." in text_of(page.text)
    assert 'href="/settings/scheduled"' in page.text


async def test_someone_elses_scheduled_post_is_not_found(make: Factory, signed_in: Any) -> None:
    alice, bob = await make.person("alice"), await make.person("bob")
    theirs = await schedule(bob, "Bob's secret plan", 3)
    browser = await signed_in(alice)
    assert (await browser.get(f"/settings/scheduled/{theirs}/cancel")).status_code == 404
    assert (await browser.post(f"/settings/scheduled/{theirs}/cancel")).status_code == 404
    moved = await browser.post(
        f"/settings/scheduled/{theirs}/reschedule",
        {"scheduled_at": "2099-01-01T10:00", "tz_offset": "0"},
    )
    assert moved.status_code == 404
    assert (await bob.get(f"/api/v1/scheduled_statuses/{theirs}")).status_code == 200


async def test_in_finnish(make: Factory, signed_in: Any) -> None:
    aino = await make.person("aino", locale="fi")
    browser = await signed_in(aino)
    empty = text_of((await browser.get("/settings/scheduled")).text)
    assert "Ajastetut julkaisut" in empty and "Ei ajastettuja julkaisuja" in empty
    made = await schedule(aino, "Huomenna", 5)
    page = text_of((await browser.get("/settings/scheduled")).text)
    assert "Ajasta uudelleen" in page and "Peru julkaisu…" in page
    confirm = text_of((await browser.get(f"/settings/scheduled/{made}/cancel")).text)
    assert "Perutaanko ajastettu julkaisu?" in confirm


def text_of(page: str) -> str:
    return html.unescape(raw_text(page))
