"""Pages render for anonymous and signed-in readers, in English and Finnish, safely."""

from __future__ import annotations

import io
from typing import Any

from PIL import Image

from porina.services import Services
from tests.factories import Factory
from tests.web.conftest import Browser, text_of


async def test_landing_page_shows_what_porina_is_and_the_local_timeline(
    browser: Browser, make: Factory
) -> None:
    alice = await make.person("alice")
    await alice.status("Hello from the local timeline")
    response = await browser.get("/")
    assert response.status_code == 200
    assert "text/html" in response.headers["content-type"]
    assert "Porina is where businesses" in response.text
    assert "Hello from the local timeline" in response.text


async def test_pages_carry_a_csp_without_inline_scripts(browser: Browser) -> None:
    response = await browser.get("/")
    policy = response.headers["content-security-policy"]
    assert "script-src 'self'" in policy
    assert "unsafe-inline" not in policy
    assert "frame-ancestors 'none'" in policy
    assert response.headers["x-content-type-options"] == "nosniff"
    assert "<script>" not in response.text
    assert " on" + "click=" not in response.text


async def test_accept_language_finnish_gives_finnish_pages(browser: Browser) -> None:
    response = await browser.get("/", headers={"accept-language": "fi-FI,fi;q=0.9,en;q=0.5"})
    assert '<html lang="fi">' in response.text
    assert "Luo tili" in response.text


async def test_language_switch_sets_a_cookie_and_the_next_page_is_finnish(
    browser: Browser,
) -> None:
    response = await browser.post("/lang", {"lang": "fi", "next": "/about"})
    assert response.status_code == 303
    assert response.headers["location"] == "/about"
    page = await browser.get("/about")
    assert '<html lang="fi">' in page.text
    assert 'aria-pressed="true" title="suomi"' in page.text


async def test_language_switch_is_remembered_as_the_signed_in_persons_setting(
    make: Factory, signed_in: Any, services: Services
) -> None:
    alice = await make.person("alice")
    browser = await signed_in(alice)
    await browser.post("/lang", {"lang": "fi", "next": "/home"})
    browser.client.cookies.delete("lang")
    page = await browser.get("/home")
    assert '<html lang="fi">' in page.text
    assert "Koti" in page.text


async def test_form_post_without_csrf_token_is_refused(browser: Browser) -> None:
    await browser.get("/about")
    response = await browser.client.post(
        "/lang", data={"lang": "fi"}, headers={"accept": "text/html"}
    )
    assert response.status_code == 403
    assert "This form has expired" in response.text


async def test_unknown_page_is_a_readable_404_in_the_readers_language(browser: Browser) -> None:
    response = await browser.get("/no/such/page", headers={"accept-language": "fi"})
    assert response.status_code == 404
    assert "text/html" in response.headers["content-type"]
    assert "Sivua ei ole" in response.text


async def test_api_errors_stay_json(browser: Browser) -> None:
    response = await browser.client.get("/api/v1/statuses/123", headers={"accept": "*/*"})
    assert response.status_code == 404
    assert response.json() == {"error": "Record not found"}


async def test_sign_up_creates_an_account_and_signs_in(browser: Browser) -> None:
    response = await browser.post(
        "/auth/sign_up",
        {
            "username": "newbie",
            "email": "newbie@example.com",
            "display_name": "New Bie",
            "password": "correct horse battery",
            "password_confirmation": "correct horse battery",
            "agreement": "1",
        },
    )
    assert response.status_code == 303
    assert response.headers["location"] == "/home"
    cookie = response.headers.get("set-cookie", "")
    assert "porina_session=" in cookie and "HttpOnly" in cookie and "SameSite=lax" in cookie
    home = await browser.get("/home")
    assert home.status_code == 200
    assert "@newbie" in home.text or "/@newbie" in home.text


async def test_sign_up_with_a_taken_username_explains_in_finnish(
    browser: Browser, make: Factory
) -> None:
    await make.person("taken")
    await browser.post("/lang", {"lang": "fi"})
    response = await browser.post(
        "/auth/sign_up",
        {
            "username": "taken",
            "email": "other@example.com",
            "password": "correct horse battery",
            "password_confirmation": "correct horse battery",
            "agreement": "1",
        },
    )
    assert response.status_code == 422
    assert "Käyttäjänimi on jo käytössä" in response.text


async def test_home_requires_sign_in(browser: Browser) -> None:
    response = await browser.get("/home")
    assert response.status_code == 303
    assert response.headers["location"].startswith("/auth/sign_in?next=/home")


async def test_home_timeline_of_twenty_posts_renders(
    make: Factory, signed_in: Any, services: Services
) -> None:
    alice = await make.person("alice")
    bob = await make.person("bob")
    await bob.follow(alice)
    for n in range(22):
        await alice.status(f"post number {n}")
    browser = await signed_in(bob)
    before = services.db.query_count
    page = await browser.get("/home")
    queries = services.db.query_count - before
    assert page.status_code == 200
    assert page.text.count('<article class="status') == 20
    assert "post number 21" in page.text and "post number 1 " not in text_of(page.text)
    assert "?max_id=" in page.text
    assert queries <= 10  # session, feed ids, statuses, viewer state, filters: not per status


async def test_like_button_updates_the_count_in_place(make: Factory, signed_in: Any) -> None:
    alice = await make.person("alice")
    bob = await make.person("bob")
    status = await alice.status("like me")
    browser = await signed_in(bob)
    response = await browser.htmx(f"/web/statuses/{status['id']}/favourite")
    assert response.status_code == 200
    assert 'aria-pressed="true"' in response.text
    assert 'data-count="favourite">1<' in response.text
    again = await browser.htmx(f"/web/statuses/{status['id']}/unfavourite")
    assert 'data-count="favourite">0<' in again.text


async def test_htmx_post_without_csrf_header_is_refused(make: Factory, signed_in: Any) -> None:
    alice = await make.person("alice")
    status = await alice.status("like me")
    browser = await signed_in(alice)
    response = await browser.client.post(
        f"/web/statuses/{status['id']}/favourite", headers={"hx-request": "true"}
    )
    assert response.status_code == 403


async def test_status_page_shows_the_thread(make: Factory, browser: Browser) -> None:
    alice = await make.person("alice")
    bob = await make.person("bob")
    top = await alice.status("the question")
    await bob.status("@alice the answer", in_reply_to_id=top["id"])
    page = await browser.get(f"/@alice/{top['id']}")
    assert page.status_code == 200
    assert "the question" in page.text and "the answer" in page.text


async def test_embed_view_may_be_framed(make: Factory, browser: Browser) -> None:
    alice = await make.person("alice")
    status = await alice.status("embed me")
    page = await browser.get(f"/@alice/{status['id']}/embed")
    assert page.status_code == 200
    assert "frame-ancestors *" in page.headers["content-security-policy"]
    assert "x-frame-options" not in page.headers


async def test_private_post_page_is_not_found_for_strangers(
    make: Factory, browser: Browser
) -> None:
    alice = await make.person("alice")
    status = await alice.status("followers only", visibility="private")
    page = await browser.get(f"/@alice/{status['id']}")
    assert page.status_code == 404


async def test_compose_publishes_a_post_with_a_poll(make: Factory, signed_in: Any) -> None:
    alice = await make.person("alice")
    browser = await signed_in(alice)
    response = await browser.post(
        "/compose",
        {
            "status": "Which one?",
            "visibility": "public",
            "language": "en",
            "poll_option": ["Tea", "Coffee"],
            "poll_expires_in": "86400",
        },
    )
    assert response.status_code == 303, response.text
    page = await browser.get(response.headers["location"])
    assert "Which one?" in page.text and "Coffee" in page.text


async def test_profile_and_follow(make: Factory, signed_in: Any) -> None:
    alice = await make.person("alice")
    bob = await make.person("bob")
    await alice.status("my first post")
    browser = await signed_in(bob)
    page = await browser.get("/@alice")
    assert page.status_code == 200 and "my first post" in page.text
    response = await browser.htmx(f"/web/accounts/{alice.id}/follow")
    assert response.status_code == 200 and "Unfollow" in response.text
    followers = await browser.get("/@alice/followers")
    assert "@bob" in followers.text


async def test_notifications_are_grouped(make: Factory, signed_in: Any) -> None:
    alice = await make.person("alice")
    status = await alice.status("popular")
    for name in ("bob", "carol", "dave"):
        fan = await make.person(name)
        await fan.post(f"/api/v1/statuses/{status['id']}/favourite")
    browser = await signed_in(alice)
    page = await browser.get("/notifications")
    assert page.status_code == 200
    assert page.text.count('class="notification ') == 1
    assert "and 2 others liked your post" in page.text


async def test_signed_in_pages_render(make: Factory, signed_in: Any) -> None:
    alice = await make.person("alice")
    await alice.status("#porina rocks")
    browser = await signed_in(alice)
    for path in (
        "/compose",
        "/conversations",
        "/search?q=ali",
        "/lists",
        "/settings",
        "/tags/porina",
        "/public/local",
        "/@alice/media",
        "/@alice/with_replies",
    ):
        page = await browser.get(path)
        assert page.status_code == 200, (path, page.text[-500:])


async def test_compose_with_a_photo_keeps_its_alt_text(make: Factory, signed_in: Any) -> None:
    alice = await make.person("alice")
    browser = await signed_in(alice)
    await browser.get("/compose")
    buffer = io.BytesIO()
    Image.new("RGB", (32, 32), (200, 100, 50)).save(buffer, "PNG")
    response = await browser.client.post(
        "/compose",
        data={
            "_csrf_token": browser.token(),
            "status": "Sunrise",
            "visibility": "public",
            "media_1_description": "An orange square",
            "poll_option": ["", "", "", ""],
            "poll_expires_in": "86400",
        },
        files={"media_1": ("sun.png", buffer.getvalue(), "image/png")},
        headers={"accept": "text/html"},
        follow_redirects=False,
    )
    assert response.status_code == 303, text_of(response.text)[:1500]
    page = await browser.get(response.headers["location"])
    assert 'alt="An orange square"' in page.text
